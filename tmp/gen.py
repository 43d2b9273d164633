import sys
from pathlib import Path
sys.path.insert(0, "bench"); sys.path.insert(0, "src")
import scale_bench, extract_bench
n = int(sys.argv[1]); out = Path(sys.argv[2])
real = extract_bench.real_releases()
scale_bench.write_step(scale_bench.resampled(real, n, 2026), out, 0, n)
