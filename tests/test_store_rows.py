"""A release row's stored forms (store/rows.py) computed where the row is made: the same values a
store computes itself, never used once the row's id, record or text is replaced; and the
character grams of the search index, built by C loops, the same tokens as one character at a
time."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from jikenbo.pipeline import extract_source, release_rows
from jikenbo.sources import ReadOptions, load
from jikenbo.store import open_store
from jikenbo.store.fold import searchable
from jikenbo.store.rows import STORED_COLUMNS, columns_of, stored_columns
from jikenbo.store.search import folded_grams, grams
from tests.conftest import SHARED, sample_pages

UNNUMBERED = sorted((SHARED / "corpus" / "unnumbered").glob("*.txt"))


def _one_at_a_time(text: str) -> set[str]:
    """The grams' definition, character by character: each alphanumeric character, and each
    pair of adjacent alphanumeric characters, of the folded text."""
    folded = searchable(text)
    found = {char for char in folded if char.isalnum()}
    found |= {folded[i:i + 2] for i in range(len(folded) - 1)
              if folded[i].isalnum() and folded[i + 1].isalnum()}
    return found


@pytest.mark.parametrize("page", [*sample_pages()[:6], *UNNUMBERED[:6]], ids=lambda p: p.name)
def test_grams_are_the_characters_and_pairs_of_a_real_notice(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    tokens = grams(text).split(" ")
    assert len(tokens) == len(set(tokens))  # each once
    assert set(tokens) == _one_at_a_time(text)
    assert "個人" in tokens or "情報" in tokens or "メー" in tokens  # realistic pairs are there


@pytest.mark.parametrize("text, expected", [
    ("a-bc", "a b c bc"),
    ("紛失、紛失。", "紛 失 紛失"),
    ("USB 2本", "u s b 2 本 us sb 2本"),
    ("、。 ・", ""),
])
def test_grams_of_short_texts(text: str, expected: str) -> None:
    assert folded_grams(searchable(text)) == expected


def test_grams_of_a_long_adversarial_text() -> None:
    # 20,000 distinct characters (every pair distinct), then a run of one character: one pass
    # each, with no search among the tokens seen (a quadratic loop would not finish here)
    text = "".join(chr(0x4E00 + i) for i in range(20_000)) + "あ" * 200_000
    tokens = folded_grams(text).split(" ")
    assert len(tokens) == 20_000 + 1 + 19_999 + 2  # characters, あ, pairs, Xあ and ああ
    assert tokens[20_000] == "あ" and tokens[-1] == "ああ"


def _rows(page: Path):
    return release_rows(extract_source(load(str(page), ReadOptions())))


@pytest.mark.parametrize("page", UNNUMBERED[:8], ids=lambda p: p.name)
def test_rows_carry_what_the_store_would_compute(page: Path) -> None:
    for row in _rows(page):
        assert row.columns is not None and columns_of(row) is row.columns
        fresh = stored_columns(row.id, row.record, row.text)
        assert fresh.values == row.columns.values
        values = dict(zip(STORED_COLUMNS, row.columns.values))
        assert values["text"] == row.text and values["heading"] == row.record.heading
        assert row.id in values["link_item"]
        assert row.columns.grams == grams(row.text)


def test_a_row_whose_record_changed_is_stored_by_its_new_record() -> None:
    row = _rows(UNNUMBERED[0])[0]
    changed = replace(row, record=replace(row.record, organization="別の市"))
    assert columns_of(changed) is not row.columns
    assert "別の市" in columns_of(changed).values
    assert columns_of(replace(row, id="0" * 64)).of[0] == "0" * 64


def test_stored_rows_with_or_without_precomputed_forms_are_the_same(tmp_path: Path) -> None:
    def table(path: Path, drop: bool) -> list[tuple]:
        store = open_store(str(path))
        for page in UNNUMBERED[:10]:
            rows = _rows(page)
            source = load(str(page), ReadOptions())
            store.add_source(source, [replace(row, columns=None) if drop else row
                                      for row in rows])
        store.close()
        with sqlite3.connect(path) as db:
            columns = ", ".join(("id", "rowid", "source_id", "searchable", *STORED_COLUMNS))
            found = db.execute(f"SELECT {columns} FROM releases ORDER BY rowid").fetchall()
            found += db.execute("SELECT rowid FROM release_grams WHERE release_grams MATCH "
                                "'\"漏\"' ORDER BY rowid").fetchall()
            found += db.execute("SELECT rowid FROM release_fts WHERE release_fts MATCH "
                                "'\"個人情報\"' ORDER BY rowid").fetchall()
        return found

    carried, computed = table(tmp_path / "carried.db", False), table(tmp_path / "computed.db", True)
    assert carried == computed and len(carried) > 10
