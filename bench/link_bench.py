"""Linking benchmark: 100,000 releases linked into cases with blocking, against all pairs.

    .venv/bin/python bench/link_bench.py [--releases 100000] [--seed 2026]

Builds a reproducible synthetic casebook by re-sampling the real cases of the unnumbered corpus
(tests/shared/gold/cases.jsonl): each synthetic case copies a real case's releases (their link
features as jikenbo extracts them), gives every issuer and contractor another name and moves
the case to a random day in ten years, so that many unrelated cases share a week and the same
names come back in unrelated cases years apart (names are drawn from a pool). Then:
- links and numbers all of them (what `jikenbo link` does) and prints the time, peak memory and
  pairwise precision and recall against the synthetic truth;
- runs the same release-pair test over all pairs on a sample, as a linker without blocking
  would, and prints the extrapolated time for the whole set beside the blocked one.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jikenbo.cases import link_item, number_releases  # noqa: E402
from jikenbo.cases.link import WINDOWS, LinkItem, _within  # noqa: E402
from jikenbo.pipeline import extract_source  # noqa: E402
from jikenbo.sources import load  # noqa: E402
from jikenbo.store import release_id  # noqa: E402

SHARED = Path(os.environ.get("JIKENBO_SHARED") or ROOT / "tests" / "shared")


def real_cases() -> list[list[LinkItem]]:
    groups: dict[str, list[LinkItem]] = defaultdict(list)
    for line in (SHARED / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row["is_incident"]:
            continue
        extracted = extract_source(load(str(SHARED / "corpus" / row["file"])))
        post, record = extracted.posts[0], extracted.records[0]
        groups[row.get("gold_case") or row["file"]].append(
            link_item(release_id(post.text), record, post.text))
    return list(groups.values())


def synthetic(templates: list[list[LinkItem]], total: int, seed: int
              ) -> tuple[list[LinkItem], dict[str, int]]:
    rng = random.Random(seed)
    items: list[LinkItem] = []
    truth: dict[str, int] = {}
    start = date(2016, 1, 1)
    case = 0
    while len(items) < total:
        template = rng.choice(templates)
        anchor = min((i.first_date for i in template if i.first_date), default="2024-07-01")
        shift = (start + timedelta(days=rng.randrange(3650))) - date.fromisoformat(anchor)
        names: dict[str, str] = {}

        def rename(key: str | None) -> str | None:
            # Names come from a pool, so one issuer or contractor has several unrelated cases
            # over the years, as real ones do.
            if key is None:
                return None
            return names.setdefault(key, f"{key}{rng.randrange(max(1, total // 8))}")

        for item in template[:total - len(items)]:
            moved = lambda d: (date.fromisoformat(d) + shift).isoformat()  # noqa: E731
            synthetic_id = f"{case:06d}-{item.id[:8]}"
            items.append(replace(
                item, id=synthetic_id, issuer=rename(item.issuer),
                vendors=tuple(map(rename, item.vendors)),
                dates=tuple(map(moved, item.dates)),
                mentioned=moved(item.mentioned) if item.mentioned else None,
                published=moved(item.published) if item.published else None,
                definitions=tuple((rename(a), rename(b)) for a, b in item.definitions),
                abbreviations=tuple(map(rename, item.abbreviations)), stated=None))
            truth[synthetic_id] = case
        case += 1
    return items, truth


def pairwise(truth: dict[str, int], numbers: dict[str, str]) -> tuple[float, float]:
    def pairs(groups: dict) -> set:
        by: dict = defaultdict(list)
        for member, group in groups.items():
            by[group].append(member)
        return {pair for members in by.values() for pair in combinations(sorted(members), 2)}
    gold, found = pairs(truth), pairs(numbers)
    right = len(gold & found)
    return (right / len(found) if found else 1.0), (right / len(gold) if gold else 1.0)


def related(a: LinkItem, b: LinkItem) -> bool:
    """The pair test a linker without blocking applies to every pair."""
    keys_a = (set(a.vendors) | {a.issuer}) - {None}
    keys_b = (set(b.vendors) | {b.issuer}) - {None}
    return bool(keys_a & keys_b) and _within(a, b, WINDOWS["shared_vendor"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--all-pairs-sample", type=int, default=3000)
    args = parser.parse_args()
    templates = real_cases()
    items, truth = synthetic(templates, args.releases, args.seed)
    print(f"corpus: {len(items):,} releases in {len(set(truth.values())):,} synthetic cases "
          f"re-sampled from {len(templates)} real cases (seed {args.seed}), spread over 10 years")
    started = time.perf_counter()
    numbers = number_releases(items)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    precision, recall = pairwise(truth, numbers)
    print(f"jikenbo link (blocked): {elapsed:.1f} s for {len(items):,} releases "
          f"({len(items) / elapsed:,.0f} releases/s), {len(set(numbers.values())):,} cases, "
          f"peak RSS {peak:.0f} MB; pairwise precision {precision:.3f}, recall {recall:.3f}")

    sample = items[:args.all_pairs_sample]
    started = time.perf_counter()
    linked = sum(related(a, b) for a, b in combinations(sample, 2))
    pair_time = time.perf_counter() - started
    estimate = pair_time * (len(items) / len(sample)) ** 2
    print(f"all pairs (no blocking): {pair_time:.1f} s for {len(sample):,} releases "
          f"({linked:,} related pairs); extrapolated to {len(items):,}: {estimate / 60:,.0f} min")
    print(f"ratio: blocking links the whole set {estimate / elapsed:,.0f}x faster than all pairs; "
          f"target 'minutes' -> {'met' if elapsed < 600 else 'NOT met'}")


if __name__ == "__main__":
    main()
