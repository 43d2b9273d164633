"""Fold orthographic variants (漏洩/漏えい, ランサムウエア/ランサムウェア, サーバー/サーバ) to one
spelling, so a search finds a release whichever way either side spelled the word.

The same function folds the text that goes into the index and the words of a query. The table
is data (`data/variants.json`); one regular expression of literal alternatives, plus a
one-character look-around for the long-vowel rule, scans the text once: linear time.
`fold_with_origin` also returns, for each folded character, where it came from in the text
given, so that matches can be marked in the original.
"""
from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence

import numpy as np

from jikenbo import data
from jikenbo.normalize import normalize

_VARIANTS = data.load("variants")
_REPLACEMENTS: dict[str, str] = {variant: group["canonical"]
                                 for group in _VARIANTS["groups"] for variant in group["variants"]}
_LONG = _VARIANTS["long_vowel"]
# the long-vowel mark ending a katakana word: after a katakana, before anything but katakana
_LONG_VOWEL = f"(?<=[{_LONG['katakana']}]){_LONG['mark']}(?![{_LONG['katakana']}{_LONG['mark']}])"
# Changes whenever the table (or this rule set, "fold-1") changes: an index folded otherwise is
# then built again (search.refold).
SIGNATURE = zlib.crc32(json.dumps(_VARIANTS, sort_keys=True).encode() + b"fold-1") & 0x7FFFFFFF
# a look-ahead for the first characters lets most positions fail after one class test
_FIRST = "".join(sorted({variant[0] for variant in _REPLACEMENTS} | {_LONG["mark"]}))
_PATTERN = re.compile(f"(?=[{re.escape(_FIRST)}])(?:" + "|".join(
    [re.escape(variant) for variant in sorted(_REPLACEMENTS, key=len, reverse=True)]
    + [_LONG_VOWEL]) + ")")


def _replace(match: re.Match[str]) -> str:
    return _REPLACEMENTS.get(match.group(), "")  # not in the table: a word-final ー, dropped


def fold(text: str) -> str:
    """Normalised, lower-cased text with its variants folded (no offsets kept)."""
    return _PATTERN.sub(_replace, text)


def searchable(text: str) -> str:
    """Raw text as the index and the query see it: NFKC, lower case, variants folded."""
    return fold(normalize(text).text.lower())


def fold_with_origin(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the offset in `text` it came from."""
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _PATTERN.finditer(text):
        start = match.start()
        pieces.append(text[last:start])
        origin.extend(range(last, start))
        replacement = _replace(match)
        pieces.append(replacement)
        origin.extend([start] * len(replacement))
        last = match.end()
    pieces.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(pieces), origin


def searchable_with_origin(original: str) -> tuple[str, Sequence[int]]:
    """`searchable(original)` and, per character, its offset in `original`."""
    normalized = normalize(original)
    lowered = normalized.text.lower()
    if len(lowered) != len(normalized.text):  # a letter whose lower case is longer (rare)
        lowered = normalized.text
    folded, origin = fold_with_origin(lowered)
    if normalized.origin == range(len(original)):  # nothing moved in normalising
        return folded, origin
    return folded, np.asarray(normalized.origin, dtype=np.int64)[origin].tolist()
