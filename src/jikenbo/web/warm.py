"""Server start: the single-character searches whose first answer costs most are asked once,
so that no reader pays for them.

A one-character word (市, 県, 校) is looked up in the character index, and its first lookup
reads one entry per release holding it: for a character in most releases of a 100,000-release
casebook that is ~10 ms, every later one ~1 ms (the answer is kept, store/search.py). The
characters most releases hold are the ones people's titles are made of, so the titles of the
newest releases name them. Small casebooks are not warmed: there a cold lookup costs little.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from jikenbo.store.fold import searchable
from jikenbo.store.query import Query

WARM_FROM = 20_000  # incident releases; below, a cold one-character search costs a few ms
SAMPLE = 2_000      # newest releases whose titles are counted
SHARE = 0.01        # a character in at least this share of those titles is warmed
MOST = 256          # characters warmed at most (the index keeps 512 answers)


def common_characters(titles: Iterable[str], share: float = SHARE) -> list[str]:
    """The letters (kanji, kana, Latin, digits) in at least `share` of the titles, most
    common first, ties in code-point order (each title counts a character once), as the
    index folds them (B is b)."""
    counted: Counter[str] = Counter()
    total = 0
    for title in titles:
        total += 1
        counted.update({character for character in searchable(title) if character.isalnum()})
    least = max(1, share * total)
    common = sorted(counted.items(), key=lambda item: (-item[1], item[0]))  # ties: same order
    return [character for character, count in common if count >= least]


def warm(store, least: int | None = None) -> list[str]:
    """Ask each common character once (its answer is then kept by the search index); the
    characters asked, none for a casebook of fewer than `least` (WARM_FROM) incident releases."""
    newest = store.search(Query(per_page=SAMPLE, sort="added"), facets=())
    if newest.total < (WARM_FROM if least is None else least):
        return []
    titles = [release.record.title for release in store.releases_by_id(newest.ids)]
    characters = common_characters(titles)[:MOST]
    for character in characters:
        store.search(Query(q=character, per_page=1), facets=())
    return characters
