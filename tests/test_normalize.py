"""Normalisation at the edge: NFKC, OCR'd years, and a map back to the original text."""
from __future__ import annotations

import unicodedata

import pytest

from jikenbo.normalize import normalize
from tests.conftest import sample_pages


@pytest.mark.parametrize("original, expected", [
    ("ＡＢ１２　2o24年", "AB12 2024年"),
    ("㈱テスト 約８千６百件", "(株)テスト 約8千6百件"),
    ("ｶﾞｽ料金①", "ガス料金1"),
    ("zo24/7/1 の zoo", "2024/7/1 の zoo"),
])
def test_normal_forms(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize("original, word, behind", [
    ("お詫び㈱テスト社の件", "テスト", "テスト"),
    ("①ｶﾞｽ使用量②水量", "水量", "水量"),
    ("①ｶﾞｽ使用量②水量", "ガス", "ｶﾞｽ"),
    ("㍻31年の件", "平成31", "㍻31"),
])
def test_spans_map_back_to_what_was_written(original: str, word: str, behind: str) -> None:
    norm = normalize(original)
    start = norm.text.index(word)
    first, last = norm.span(start, start + len(word))
    assert original[first:last] == behind


def test_every_corpus_page_normalises_like_nfkc_and_maps_each_character_back() -> None:
    for page in sample_pages():
        original = page.read_text(encoding="utf-8")
        norm = normalize(original)
        assert len(norm.origin) == len(norm.text)
        assert list(norm.origin) == sorted(norm.origin)
        plain = unicodedata.normalize("NFKC", original)
        assert len(norm.text) == len(plain.replace("〜", "~"))
