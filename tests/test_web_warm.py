"""Server start warms the costliest one-character searches (web/warm.py): the characters come
from the newest titles, only letters count, small casebooks are left cold, and a warmed answer
is the answer a cold search gives."""
from __future__ import annotations

from contextlib import closing

import pytest

from jikenbo.store import open_store
from jikenbo.store import search as search_index
from jikenbo.store.query import Query
from jikenbo.web import warm
from jikenbo.web.app import create_app


def test_common_characters_are_letters_in_enough_titles_most_common_first() -> None:
    titles = ["水道局の委託先で顧客情報が流出", "病院の委託先へ不正アクセス",
              "水道料金の通知を誤送信", "「お詫び」市立中学校の名簿紛失"]
    found = warm.common_characters(titles, share=0.5)
    assert found[0] == "の"                                 # in all four titles
    assert {"水", "道", "委", "託", "先"} <= set(found)      # in two of four
    assert "病" not in found and "紛" not in found          # in one only
    assert "「" not in found and "」" not in found          # punctuation is no search letter


def test_a_title_counts_a_character_once() -> None:
    assert warm.common_characters(["ののののの", "水道", "市役所"], share=0.5) == []


def test_small_casebooks_are_not_warmed(casebook: str) -> None:
    with closing(open_store(casebook)) as store:
        assert warm.warm(store) == []  # the sample casebook is far below WARM_FROM


def test_warmed_answers_are_kept_and_equal_cold_ones(casebook: str) -> None:
    with closing(open_store(casebook)) as store:
        cold = {}
        for character in "情報市の":
            found = store.search(Query(q=character, per_page=100), facets=())
            cold[character] = (found.total, found.ids)
        search_index._INDEXES.clear()  # a fresh process: nothing asked yet
        warmed = warm.warm(store, least=1)
        index = search_index._INDEXES[store.path]
        assert warmed and set(warmed) <= set(index._terms)
        for character, answer in cold.items():
            found = store.search(Query(q=character, per_page=100), facets=())
            assert (found.total, found.ids) == answer


@pytest.mark.parametrize("asked", [True, False])
def test_the_server_warms_unless_told_not_to(casebook: str, asked: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "WARM_FROM", 1)  # the sample casebook counts as large
    search_index._INDEXES.clear()
    create_app(casebook, warm_searches=asked)
    assert bool(search_index._INDEXES[casebook]._terms) is asked


def test_characters_are_counted_as_the_index_folds_them() -> None:
    assert warm.common_characters(["USB紛失", "ＵＳＢ誤送信", "usbメモリ"], share=0.9) == ["b", "s", "u"]
