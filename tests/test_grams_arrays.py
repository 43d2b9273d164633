"""folded_grams reads text as an array of code points: characters outside the Basic
Multilingual Plane, lone surrogates and underscores must give what the definition gives."""
from __future__ import annotations

import pytest

from jikenbo.store.search import folded_grams


def by_definition(folded: str) -> str:
    """Each distinct alphanumeric character, then each distinct pair of them, in order."""
    characters = [char for char in dict.fromkeys(folded) if char.isalnum()]
    pairs = [pair for pair in dict.fromkeys(folded[i:i + 2] for i in range(len(folded) - 1))
             if pair.isalnum()]
    return " ".join(characters + pairs)


@pytest.mark.parametrize("text", [
    "",
    "_",
    "a_b",
    "𠮷野家で個人情報が漏えい",        # 𠮷 lies outside the BMP and is a letter
    "被害額は𝟙𝟚件",                   # mathematical digits: alphanumeric, astral
    "絵文字😀を含む通知😀😀",          # an astral symbol: not alphanumeric
    "壊れた\ud800文字",                 # a lone surrogate from a lossy decode
    "٣٤ 件 ²",                         # Arabic-Indic digits, a superscript digit
    "ー" * 3 + "漏えい" * 50,
])
def test_grams_match_their_definition(text: str) -> None:
    assert folded_grams(text) == by_definition(text)
