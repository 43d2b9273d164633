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

from jikenbo.store.fold import fold, searchable_with_origin

MAX_HITS = 500   # marks per text: enough for any page, bounded for any input
CONTEXT = 40     # characters shown before the first hit
WIDTH = 120      # characters a snippet shows
SLACK = 120      # characters either side of a hit's estimated place that a snippet maps back
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


def kwic(original: str, terms: Sequence[str], width: int = WIDTH) -> list[tuple[str, bool]]:
    """A snippet of about `width` characters around the first hit (the opening when none),
    with whitespace runs shown as one space, as (piece, is_hit) pairs.

    Offsets are mapped back only for a window around where the first hit should be in the
    original (folding hardly changes lengths), so a long release costs one regular-expression
    pass, not a Python step per character; when the estimate misses, the whole text is mapped."""
    terms = [term for term in terms if term]
    # the text folded without normalising places the hit closely enough (releases are mostly
    # NFKC already); the window is then normalised and folded exactly
    folded = fold(original.lower()) if terms else ""
    first = min((at for at in (folded.find(term) for term in terms) if at >= 0), default=-1)
    spans: list[tuple[int, int]] = []
    if first >= 0:
        guess = first * len(original) // max(1, len(folded))
        low = max(0, guess - SLACK)
        spans = [(low + start, low + end)
                 for start, end in hits(original[low:guess + SLACK], terms)]
    # no hit in the text as it stands: only normalising could still reveal one (ＵＳＢ for usb)
    if terms and not spans and (first >= 0 or not unicodedata.is_normalized("NFKC", original)):
        spans = hits(original, terms)
    start = max(0, spans[0][0] - CONTEXT) if spans else 0
    end = min(len(original), start + width)
    shown = [(_SPACES.sub(" ", piece), hit)
             for piece, hit in pieces(original, spans, start, end)]
    if start > 0:
        shown.insert(0, ("…", False))
    if end < len(original):
        shown.append(("…", False))
    return [(piece, hit) for piece, hit in shown if piece]
