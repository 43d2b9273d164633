"""Cases by the size of their one affected figure, in the buckets TSR counts incidents in.

The buckets and their wording are data (`data/size_buckets.json`, citing TSR's
「上場企業の個人情報漏えい・紛失事故」調査); a case's figure is the one `cases/affected.py` defines.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from jikenbo import data

_TABLE = data.load("size_buckets")
UNKNOWN = _TABLE["unknown"]


@dataclass(frozen=True)
class SizeBucket:
    label: str
    low: int             # the smallest figure in the bucket
    below: int | None    # the first figure past it; None: no upper bound


def _buckets() -> tuple[SizeBucket, ...]:
    lows = [0] + [row["below"] for row in _TABLE["buckets"][:-1]]
    return tuple(SizeBucket(row["label"], low, row["below"])
                 for low, row in zip(lows, _TABLE["buckets"]))


BUCKETS = _buckets()


def bucket_of(affected: int | None) -> str:
    """`bucket_of(99)` → 100件未満, `bucket_of(1_000_000)` → 100万件以上, None → 件数不明."""
    if affected is None:
        return UNKNOWN
    return next(bucket.label for bucket in BUCKETS
                if bucket.below is None or affected < bucket.below)


def size_counts(figures: Iterable[int | None]) -> list[tuple[str, int]]:
    """Cases per bucket, every bucket listed (smallest first, 件数不明 last), zeros included."""
    counted = Counter(bucket_of(figure) for figure in figures)
    return [(bucket.label, counted[bucket.label]) for bucket in BUCKETS] + [
        (UNKNOWN, counted[UNKNOWN])]
