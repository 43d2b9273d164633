"""Extraction benchmark: jikenbo against a keyword baseline and GiNZA, measured in one run.

    .venv/bin/python bench/extract_bench.py [--posts 20000] [--seed 2026] [--ginza-sample 40]

1. Builds a reproducible synthetic corpus by re-sampling the real releases bundled with the
   project (the sample casebook pages and the unnumbered corpus): each synthetic release is a real
   one with its issuer swapped for another real issuer, its counts redrawn and its body paragraphs
   rotated, written as one text file per release.
2. Runs `jikenbo extract`'s path (read, decode, split, extract) over all of them on one core and
   prints posts/s, MB/s and the peak resident memory of that phase.
3. Runs the naive keyword baseline of `jikenbo eval` over the same releases.

Speeds are posts per CPU second of this process, which is pinned to one core: the work one core
does, whatever else the machine runs. Wall-clock time counts the seconds other processes held
the core too (on a shared 2-core machine the same run gave 90 to 380 posts/s by the wall clock),
so it is printed beside the CPU figure but does not decide the target.
4. On a sample of gold releases, runs GiNZA (spaCy ja_ginza; `pip install -e .[bench]`) and
   takes the first ORG or GPE entity as the issuer, as a user reaching for general-purpose NER
   would, and prints its speed and issuer accuracy next to jikenbo's on the same sample.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jikenbo import evaluate  # noqa: E402
from jikenbo.parse import split_posts  # noqa: E402
from jikenbo.pipeline import read_all  # noqa: E402
from jikenbo.sources import ReadOptions, load  # noqa: E402

SAMPLE = ROOT / "src" / "jikenbo" / "sample"
SHARED = Path(os.environ.get("JIKENBO_SHARED") or ROOT / "tests" / "shared")
_COUNT = re.compile(r"(?<![0-9])[0-9][0-9,]*(?=\s*(?:件|人|名))")


def real_releases() -> list[tuple[str, tuple[str, ...], str]]:
    """(issuer, vendors, text) of every real post the project carries."""
    out = []
    pages = sorted(SAMPLE.glob("*.txt")) + sorted((SHARED / "corpus" / "unnumbered").glob("*.txt"))
    for page in pages:
        document = load(str(page), ReadOptions())
        for post, record in zip(split_posts(document.text), _records(document)):
            out.append((record.organization or "", record.vendors, post.text))
    return out


def _records(document):
    from jikenbo.pipeline import extract_source
    return extract_source(document).records


_CASE_NUMBER = re.compile(r"(セキュリティ事件簿#)(\d{4})-(\d+)")
_YEAR = re.compile(r"(?<![0-9])20(1[0-9]|2[0-9])(?=\s*[年/.])")
_LEGAL = re.compile(r"株式会社|有限会社|\(株\)")


def synthetic(releases: list[tuple[str, tuple[str, ...], str]], count: int,
              seed: int) -> list[str]:
    """Re-sampled releases: another issuer, contractors from a pool, years moved back 0–6,
    counts redrawn, paragraphs rotated and a casebook number of its own."""
    rng = random.Random(seed)
    issuers = sorted({issuer for issuer, _, _ in releases if len(issuer) >= 2})
    out = []
    for serial in range(count):
        issuer, vendors, text = rng.choice(releases)
        if issuer:
            text = text.replace(issuer, rng.choice(issuers))
        for vendor in vendors:
            tag = str(rng.randrange(max(1, count // 50)))
            legal = _LEGAL.search(vendor)
            renamed = (vendor[:legal.start()] + tag + vendor[legal.start():]
                       if legal and legal.start() > 0 else vendor + tag)
            text = text.replace(vendor, renamed)
        back = rng.randrange(7)
        text = _YEAR.sub(lambda m: str(int(m.group(0)) - back), text)
        text = _CASE_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) - back}-"
                                          f"{100000 + serial}", text)
        text = _COUNT.sub(lambda m: f"{rng.randint(1, 10 ** min(len(m.group(0)), 6)):,}", text)
        head, _, body = text.partition("\n")
        paragraphs = body.split("\n\n")
        if len(paragraphs) > 3:
            cut = rng.randrange(1, len(paragraphs))
            paragraphs = paragraphs[cut:] + paragraphs[:cut]
        out.append(head + "\n" + "\n\n".join(paragraphs))
    return out


def write_corpus(texts: list[str], folder: str) -> list[str]:
    """One text file per synthetic release; returns their paths in order."""
    paths = []
    for index, text in enumerate(texts):
        path = Path(folder) / f"{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model}, {os.cpu_count()} cores (this run pinned to one), "
            f"Python {platform.python_version()}, {platform.system()} {platform.machine()}")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """CPU seconds of this process (the measure) and wall seconds (printed beside it)."""

    def __enter__(self) -> "Clock":
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu, self.wall = time.process_time() - self.cpu, time.perf_counter() - self.wall


def bench_jikenbo(paths: list[str]) -> tuple[Clock, int, int]:
    failures = []
    posts = 0
    with Clock() as clock:
        for extracted in read_all(paths, ReadOptions(), failures.append):
            posts += len(extracted.records)
    if failures:
        raise SystemExit(f"{len(failures)} synthetic inputs failed, first: {failures[0]}")
    return clock, posts, sum(os.path.getsize(path) for path in paths)


def bench_baseline(texts: list[str]) -> Clock:
    with Clock() as clock:
        for text in texts:
            for post in split_posts(text):
                evaluate.baseline_record(post, "bench")
    return clock


def gold_sample(size: int, seed: int) -> list[tuple[str, set[str]]]:
    """(text, accepted issuer names) of gold releases without a casebook header."""
    rows = [json.loads(line) for line in
            (SHARED / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rows = [row for row in rows if row["is_incident"]]
    random.Random(seed).shuffle(rows)
    out = []
    for row in rows[:size]:
        text = (SHARED / "corpus" / row["file"]).read_text(encoding="utf-8")
        names = {evaluate.norm(row["organization"])}
        names |= {evaluate.norm(alias) for alias in row.get("organization_aliases", [])}
        out.append((text, names))
    return out


def jikenbo_issuers(sample) -> tuple[float, int]:
    from jikenbo.extract import extract_record
    started = time.process_time()
    right = 0
    for text, names in sample:
        post = split_posts(text)[0]
        right += evaluate.norm(extract_record(post, "bench").organization) in names
    return time.process_time() - started, right


def ginza_issuers(sample) -> tuple[float, int, float] | None:
    try:
        import spacy
        from ginza.ene_ontonotes_mapper import ENE_ONTONOTES_MAPPING
    except ImportError:
        return None
    loading = time.process_time()
    nlp = spacy.load("ja_ginza")
    load_time = time.process_time() - loading
    started = time.process_time()
    right = 0
    for text, names in sample:
        doc = nlp(text)
        issuer = next((ent.text for ent in doc.ents
                       if ENE_ONTONOTES_MAPPING.get(ent.label_) in ("ORG", "GPE")), None)
        right += evaluate.norm(issuer) in names
    return time.process_time() - started, right, load_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--ginza-sample", type=int, default=40)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"machine: {machine()}")

    releases = real_releases()
    texts = synthetic(releases, args.posts, args.seed)
    with tempfile.TemporaryDirectory(prefix="jikenbo-bench-") as folder:
        paths = write_corpus(texts, folder)
        print(f"corpus: {len(texts):,} releases re-sampled from {len(releases)} real posts "
              f"(seed {args.seed}), {sum(map(len, texts)):,} characters")
        before = peak_mb()
        clock, posts, size = bench_jikenbo(paths)
    jikenbo_peak = peak_mb()
    rate = posts / clock.cpu
    print(f"jikenbo extract : {posts:,} posts in {clock.cpu:.1f} CPU s = {rate:,.0f} posts/s, "
          f"{size / clock.cpu / 1e6:.2f} MB/s (wall clock {clock.wall:.1f} s = "
          f"{posts / clock.wall:,.0f} posts/s), peak RSS {jikenbo_peak:.0f} MB "
          f"(corpus in memory before the run: {before:.0f} MB)")
    naive = bench_baseline(texts)
    print(f"keyword baseline: {len(texts) / naive.cpu:,.0f} posts/s (wall clock "
          f"{len(texts) / naive.wall:,.0f}); jikenbo runs at {naive.cpu / clock.cpu:.2f}x its "
          f"speed for the accuracy `jikenbo eval` shows")

    if args.ginza_sample > 0:  # --ginza-sample 0 skips the issuer comparison
        compare_issuers(gold_sample(args.ginza_sample, args.seed))
    print(f"targets  : >= 500 posts/s -> {'met' if rate >= 500 else 'NOT met'}; "
          f"<= 300 MB peak -> {'met' if jikenbo_peak <= 300 else 'NOT met'}")


def compare_issuers(sample: list[tuple[str, set[str]]]) -> None:
    ours_time, ours_right = jikenbo_issuers(sample)
    print(f"\nissuer on {len(sample)} gold releases without a casebook header:")
    print(f"  jikenbo : {len(sample) / ours_time:,.1f} posts/s, issuer right "
          f"{ours_right}/{len(sample)} = {ours_right / len(sample):.1%}")
    ginza = ginza_issuers(sample)
    if ginza is None:
        print("  GiNZA   : not installed (pip install -e '.[bench]'); comparison skipped")
        return
    ginza_time, ginza_right, load_time = ginza
    print(f"  GiNZA   : {len(sample) / ginza_time:,.2f} posts/s (model load {load_time:.1f} s not "
          f"counted), first ORG/GPE entity right {ginza_right}/{len(sample)} = "
          f"{ginza_right / len(sample):.1%}")
    accuracy = (ours_right / ginza_right) if ginza_right else float("inf")
    print(f"  ratios  : jikenbo is {ginza_time / ours_time:,.0f}x faster and "
          f"{accuracy:.1f}x as often right about the issuer")

if __name__ == "__main__":
    main()
