"""Where a search's words occur in a release's original text, and a keyword-in-context
snippet around the first of them.

The text is folded exactly as the index folds it (`fold.searchable_with_origin`), the folded
terms are found with `str.find` (each occurrence skipped past, so linear per term), and each
hit is mapped back to offsets in the original text, which is what the page shows.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from jikenbo.store.fold import fold, searchable, searchable_with_origin

MAX_HITS = 500   # marks per text: enough for any page, bounded for any input
CONTEXT = 40     # characters shown before the first hit
WIDTH = 120      # characters a snippet shows
CHUNK = 1000     # characters of a release folded at a time while looking for the first hit
SLACK = 120      # characters either side of a hit's estimated place that a snippet maps back
SCAN_LIMIT = 20_000  # characters looked through for a snippet's hit; beyond, the opening shows
_SPACES = re.compile(r"\s+")


def hits(original: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) spans of the original text where any folded term occurs, merged."""
    terms = [term for term in terms if term]
    if not terms or not original:
        return []
    folded, origin = searchable_with_origin(original)
    spans: list[tuple[int, int]] = []
    for term in terms:
        at = folded.find(term)
        while at >= 0 and len(spans) < MAX_HITS:
            end = at + len(term)
            spans.append((origin[at], origin[end] if end < len(origin) else len(original)))
            at = folded.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def pieces(text: str, spans: Sequence[tuple[int, int]], start: int = 0,
           end: int | None = None) -> list[tuple[str, bool]]:
    """`text[start:end]` cut into (piece, is_hit) pairs along the spans."""
    end = len(text) if end is None else end
    out: list[tuple[str, bool]] = []
    at = start
    for first, last in spans:
        first, last = max(first, at), min(last, end)
        if first >= last:
            continue
        if first > at:
            out.append((text[at:first], False))
        out.append((text[first:last], True))
        at = last
    if at < end:
        out.append((text[at:end], False))
    return out


def _first_hit(original: str, terms: Sequence[str]) -> tuple[int, int, str] | None:
    """The chunk of the original text holding the first hit, as (start, end, the chunk
    folded), or None.

    The text is folded a chunk at a time (each chunk overlapping the next by more than a term
    can span) and only up to SCAN_LIMIT characters, so a snippet costs about the same for a
    release of 2,000 characters and one of 2 MB. A chunk that the raw fold does not match is
    normalised too (ＵＳＢ for usb) only when it is not NFKC already."""
    overlap = 2 * max(len(term) for term in terms) + 2
    for start in range(0, min(len(original), SCAN_LIMIT), CHUNK):
        piece = original[start:start + CHUNK + overlap]
        folded = fold(piece.lower())
        if any(term in folded for term in terms):
            return start, start + len(piece), folded
        if not unicodedata.is_normalized("NFKC", piece):
            folded = searchable(piece)
            if any(term in folded for term in terms):
                return start, start + len(piece), folded
    return None


def kwic(original: str, terms: Sequence[str], width: int = WIDTH) -> list[tuple[str, bool]]:
    """A snippet of about `width` characters around the first hit (the opening when none in
    the first SCAN_LIMIT characters), with whitespace runs shown as one space, as
    (piece, is_hit) pairs. Offsets are mapped back for the chunk holding the first hit only."""
    terms = [term for term in terms if term]
    found = _first_hit(original, terms) if terms and original else None
    spans: list[tuple[int, int]] = []
    if found is not None:
        low, high, folded = found
        # map back only a window around where the hit should be (folding hardly changes
        # lengths); the whole chunk when the estimate missed
        at = min((i for i in (folded.find(term) for term in terms) if i >= 0), default=-1)
        if at >= 0:
            guess = low + at * (high - low) // max(1, len(folded))
            near = max(low, guess - SLACK)
            spans = [(near + start, near + end)
                     for start, end in hits(original[near:min(high, guess + SLACK)], terms)]
        if not spans:
            spans = [(low + start, low + end) for start, end in hits(original[low:high], terms)]
    start = max(0, spans[0][0] - CONTEXT) if spans else 0
    end = min(len(original), start + width)
    shown = [(_SPACES.sub(" ", piece), hit)
             for piece, hit in pieces(original, spans, start, end)]
    if start > 0:
        shown.insert(0, ("…", False))
    if end < len(original):
        shown.append(("…", False))
    return [(piece, hit) for piece, hit in shown if piece]
