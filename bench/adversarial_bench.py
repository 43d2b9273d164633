"""Adversarial benchmark: does extraction time grow linearly with the input, whatever the input?

    .venv/bin/python bench/adversarial_bench.py [--sizes 10000,100000,1000000] [--timeout 60]
                                                [--shape NAME ...]

Feeds each hostile shape of the robustness issue — `【` followed by spaces; long runs of spaces,
tabs and digits; counts, dates, repeated `【`, negated data words and vendor names repeated; the
real corpus joined into one line; a long run of combining marks — at 10 KB, 100 KB and 1 MB
(UTF-8 bytes) through the whole of `jikenbo extract` (`pipeline.extract_source` on a
`SourceDocument`: split, normalise, every field extractor). Each input is shaped `filler + incident sentence + filler`, so that the filler is both
the headline line and part of the body and every field extractor reads it.

Every run happens in a child process with a deadline, so a super-linear pattern shows up as
`>60 s` instead of stalling the benchmark. In the same child a baseline is timed: one linear
regex scan of the same text into runs of digits, kanji, kana and blanks (not NFKC:
`unicodedata.normalize` is itself quadratic on a long run of combining marks), so the figures
can be compared across machines. Targets (issue #11): 1 MB under 5 s and time(1 MB) / time(100 KB) <= 12 for every shape.

The per-post safety limit (`JIKENBO_MAX_POST_CHARS`, `JIKENBO_POST_SECONDS`) is lifted in the
children: this benchmark measures the patterns, not the safety net.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SHARED = Path(os.environ.get("JIKENBO_SHARED") or next(
    (path for path in (ROOT.parent / "shared", ROOT / "tests" / "shared")
     if (path / "corpus").is_dir()), ROOT / "tests" / "shared"))
SIZES = (10_000, 100_000, 1_000_000)
TARGET_SECONDS = 5.0
TARGET_RATIO = 12.0
# Between two fillers: an incident sentence that opens every field extractor's path (incident
# gate, contractor, count, data types, leak status).
INCIDENT = ("\n委託先のサーバーが不正アクセスを受け、お客様1,234名の氏名と住所が漏えいした可能性が"
            "あります。\n")
_BASELINE_SCAN = re.compile(r"[0-9]+|[一-龥々]+|[ァ-ヶー]+|[ぁ-ん]+|\s+")


def _repeat(unit: str, size: int) -> str:
    """`unit` repeated until the text is `size` UTF-8 bytes long (cut at a character)."""
    per_unit = max(1, len(unit.encode("utf-8")))
    text = unit * (size // per_unit + 1)
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def _corpus_line(size: int) -> str:
    """Real posts joined into one line: every corpus file with its line breaks made spaces."""
    files = sorted(SHARED.glob("corpus/**/*.txt")) + sorted((ROOT / "src/jikenbo/sample").glob("*.txt"))
    joined = " ".join(path.read_text(encoding="utf-8").replace("\n", " ") for path in files)
    return _repeat(joined, size)


def _sandwich(unit: str, before: str = "", after: str = "") -> Callable[[int], str]:
    """`before + unit * k + after`, twice, around the incident sentence. Words on both sides
    keep a run of blanks inside a line (a blank line would be dropped before extraction)."""
    def build(size: int) -> str:
        ends = len((before + after).encode("utf-8")) * 2 + len(INCIDENT.encode("utf-8"))
        half = before + _repeat(unit, max(0, size - ends) // 2) + after
        return half + INCIDENT + half
    return build


SHAPES: dict[str, Callable[[int], str]] = {
    "bracket_spaces": _sandwich(" ", "【"),
    # A headline, a run, then what trailing-date and count patterns look for after it.
    "spaces": _sandwich(" ", "個人情報の漏えいについて", "2024年7月17日 1,234名"),
    "tabs": _sandwich("\t", "個人情報の漏えいについて", "2024年7月17日\t1,234名"),
    "digits": _sandwich("7", "お客様", "名の個人情報"),
    "counts": _sandwich("個人情報1,234件、お客様56名分、"),
    "dates": _sandwich("2024年7月17日(水)、令和6年7月17日 "),
    "brackets": _sandwich("【"),
    "negated_data": _sandwich("氏名、住所、電話番号、クレジットカード番号は含まれておりません。"),
    "vendor_names": _sandwich("委託先である株式会社アドバーサリアルシステムズ(東京都)及び再委託先"
                              "有限会社テスト情報処理が不正アクセスを受け、"),
    "corpus_line": _corpus_line,
    # NFKC sorts a run of combining marks quadratically; alternating classes make it work hardest.
    "combining_marks": _sandwich("\u0301\u0316", "e", "。"),
}


def measure(shape: str, size: int) -> dict:
    """Time extraction and the baseline of one shape at one size (in this process)."""
    from jikenbo.pipeline import extract_source
    from jikenbo.sources import SourceDocument

    text = SHAPES[shape](size)
    data = text.encode("utf-8")
    started = time.perf_counter()
    found = sum(1 for _ in _BASELINE_SCAN.finditer(text))
    baseline = time.perf_counter() - started
    document = SourceDocument(f"<{shape} {size} B>", data, text, "text", "utf-8")
    started = time.perf_counter()
    extracted = extract_source(document)
    seconds = time.perf_counter() - started
    return {"shape": shape, "bytes": len(data), "chars": len(text), "seconds": seconds,
            "baseline": baseline, "tokens": found, "records": len(extracted.records)}


def run_child(shape: str, size: int, timeout: float) -> dict | None:
    """`measure` in a child process; None when it passes the deadline, `{"error": last line}`
    when extraction raised."""
    env = {**os.environ, "JIKENBO_MAX_POST_CHARS": "0", "JIKENBO_POST_SECONDS": "0"}
    try:
        done = subprocess.run([sys.executable, __file__, "--child", shape, str(size)],
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return {"error": lines[-1]}
    return json.loads(done.stdout)


def best_of(shape: str, size: int, timeout: float, repeat: int) -> dict | None:
    """The fastest of `repeat` runs (the least disturbed by other work on the machine); a run
    that passed the deadline or failed is reported at once."""
    best = run_child(shape, size, timeout)
    for _ in range(repeat - 1):
        if best is None or "error" in best:
            break
        again = run_child(shape, size, timeout)
        if again is None or "error" in again or again["seconds"] < best["seconds"]:
            best = again
    return best


def _seconds(result: dict | None, timeout: float) -> str:
    if result is None:
        return f">{timeout:.0f} s"
    return "error" if "error" in result else f"{result['seconds']:.3f} s"


def report(shapes: list[str], sizes: tuple[int, ...], timeout: float, repeat: int = 3) -> bool:
    """Print one row per shape; True when every shape meets both targets."""
    labels = [f"{size // 1000} KB" if size < 1_000_000 else f"{size / 1e6:g} MB" for size in sizes]
    print(f"{'shape':16}" + "".join(f"{label:>11}" for label in labels)
          + f"{'ratio':>8}{'baseline':>11}{'x base':>9}  verdict")
    all_met = True
    for shape in shapes:
        results: list[dict | None] = []
        for size in sizes:  # once a size passes the deadline, the larger ones would too
            results.append(best_of(shape, size, timeout, repeat) if not results or results[-1]
                           else None)
        errors = {result["error"] for result in results if result and "error" in result}
        timed = [None if result is None or "error" in result else result for result in results]
        big, small = timed[-1], timed[-2] if len(timed) > 1 else None
        ratio = (big["seconds"] / max(small["seconds"], 1e-9)) if big and small else None
        met = bool(big and big["seconds"] < TARGET_SECONDS and ratio is not None
                   and ratio <= TARGET_RATIO)
        all_met &= met
        row = f"{shape:16}" + "".join(f"{_seconds(result, timeout):>11}" for result in results)
        row += f"{ratio:>8.1f}" if ratio is not None else f"{'-':>8}"
        row += (f"{big['baseline']:>9.3f} s{big['seconds'] / max(big['baseline'], 1e-9):>8.0f}x"
                if big else f"{'-':>11}{'-':>9}")
        print(row + ("  met" if met else "  NOT met")
              + "".join(f"\n{'':16}error: {error}" for error in sorted(errors)), flush=True)
    return all_met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="input sizes in UTF-8 bytes, comma-separated (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds allowed per run before it is reported as too slow")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per size; the fastest counts (default %(default)s)")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES),
                        help="only this shape (repeatable; default: all)")
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return
    sizes = tuple(int(size) for size in args.sizes.split(","))
    print(f"python {sys.version.split()[0]}; corpus from {SHARED}; each run in a child process "
          f"with a {args.timeout:.0f} s deadline, the fastest of {max(1, args.repeat)} counted")
    print(f"targets: largest size under {TARGET_SECONDS:.0f} s, ratio largest/previous <= "
          f"{TARGET_RATIO:.0f}; baseline = one linear regex scan of the largest input")
    met = report(args.shape or list(SHAPES), sizes, args.timeout, max(1, args.repeat))
    print("all shapes meet the targets" if met else "some shapes do NOT meet the targets")


if __name__ == "__main__":
    main()
