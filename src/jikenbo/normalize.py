"""Normalise Japanese text once, at the edge, keeping a map back to the original.

Every extractor works on `Normalized.text` (NFKC, OCR repairs applied) and reports evidence
through `Normalized.span()` as offsets into the original text, so the UI can highlight the
archived release exactly where a value came from.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Marks that NFKC composes with the character before them (ｶﾞ → ガ); they must be
# normalised together with it or the composition is lost.
_COMBINING_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a", "\u309b", "\u309c"}

# OCR confuses digits with these letters inside a year: 2o24, 2O24, zo24, 2O2З.
_OCR_YEAR = re.compile(r"(?<![0-9A-Za-z])([2zZ])([0oO])([12lI])([0-9oOlIzZ])(?=\s*[年/.\-])")
_OCR_DIGIT = {"o": "0", "O": "0", "l": "1", "I": "1", "z": "2", "Z": "2"}

# NFKC leaves these look-alikes of the long-vowel mark and hyphen apart.
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2212": "-", "\u301c": "~", "\u00a0": " "})


class _Pieces(dict):
    """Single characters seen so far and their normalised form: texts reuse a small alphabet.

    Keyed by code point as well, so that `str.translate` can use it directly.
    """

    def __init__(self) -> None:
        super().__init__()
        self.resized: set[str] = set()  # characters whose normal form is not one character
        self._resized_pattern: re.Pattern[str] | None = None

    def __missing__(self, key: int | str) -> str:
        char = chr(key) if isinstance(key, int) else key
        piece = unicodedata.normalize("NFKC", char).translate(_DASHES)
        self[key] = piece
        if len(piece) != 1 and len(char) == 1:
            self.resized.add(char)
            self._resized_pattern = None
        return piece

    def resized_pattern(self) -> re.Pattern[str]:
        if self._resized_pattern is None:
            chars = "".join(map(re.escape, sorted(self.resized))) or "\x00"
            self._resized_pattern = re.compile(f"[{chars}]")
        return self._resized_pattern


_PIECES = _Pieces()
# Every combining character of the Basic Multilingual Plane, for the fast path's check.
_ANY_COMBINING = re.compile("[" + "".join(
    re.escape(chr(code)) for code in range(0x300, 0x10000)
    if unicodedata.combining(chr(code)) or chr(code) in _COMBINING_MARKS) + "]")


def _is_combining(char: str) -> bool:
    return char in _COMBINING_MARKS or (char > "\u02ff" and unicodedata.combining(char) != 0)


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the offset it came from."""

    text: str
    origin: Sequence[int]  # a range when nothing moved
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if start >= len(self.origin):
            return self.original_length, self.original_length
        first = self.origin[start]
        last = self.origin[end] if end < len(self.origin) else self.original_length
        return first, max(first, last)


def normalize(original: str) -> Normalized:
    """NFKC-normalise `original` character group by group and repair OCR'd years.

    >>> normalize("ＡＢ１２　2o24年").text
    'AB12 2024年'
    """
    length = len(original)
    if not _ANY_COMBINING.search(original):
        # Fast path: one character at a time, offsets moved only around resized characters.
        text = _repair_ocr_years(original.translate(_PIECES))
        resized = list(_PIECES.resized_pattern().finditer(original))
        if not resized:
            return Normalized(text, range(length), length)
        origin, last = [], 0
        for match in resized:
            at = match.start()
            origin.extend(range(last, at))
            origin.extend([at] * len(_PIECES[match.group()]))
            last = at + 1
        origin.extend(range(last, length))
        return Normalized(text, origin, length)
    pieces: list[str] = []
    origin: list[int] = []
    index = 0
    while index < length:
        end = index + 1
        while end < length and _is_combining(original[end]):
            end += 1
        group = original[index:end]
        if end == index + 1:
            piece = _PIECES[group]
        else:
            piece = unicodedata.normalize("NFKC", group).translate(_DASHES)
        pieces.append(piece)
        if len(piece) == 1:
            origin.append(index)
        else:
            origin.extend([index] * len(piece))
        index = end
    text = _repair_ocr_years("".join(pieces))
    return Normalized(text, tuple(origin), length)


def _repair_ocr_years(text: str) -> str:
    """Replace letters that OCR put into four-digit years; same length, so offsets hold.

    Repairs `2o24年` and `zo24/7/1`; keeps `zoo` and `2024年` as they are.
    """
    def repair(match: re.Match[str]) -> str:
        return "".join(_OCR_DIGIT.get(char, char) for char in match.group(0))

    return _OCR_YEAR.sub(repair, text)


def nfkc(text: str) -> str:
    """Plain normalised text, for comparisons that need no offsets."""
    return normalize(text).text
