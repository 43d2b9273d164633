"""Server start warms the costliest one-character searches (web/warm.py): the characters come
from the newest titles, only letters count, small casebooks are left cold, a warmed answer is
the answer a cold search gives, and the server answers while it warms, which stops at its
budget or when the server stops."""
from __future__ import annotations

import threading
from contextlib import closing

import httpx
import pytest

from jikenbo.store import open_store
from jikenbo.store import search as search_index
from jikenbo.store.query import Query
from jikenbo.web import warm
from jikenbo.web.app import create_app
from tests.helpers import casebook_server


def _warming() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "jikenbo-warm"]


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
def test_the_server_warms_once_it_starts_unless_told_not_to(
        casebook: str, asked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "WARM_FROM", 1)  # the sample casebook counts as large
    search_index._INDEXES.clear()
    create_app(casebook, warm_searches=asked)
    assert not search_index._INDEXES[casebook]._terms  # nothing asked before serving
    with casebook_server(casebook, warm_searches=asked) as base:
        assert httpx.get(base + "/search", params={"q": "紛失"}).status_code == 200
        for thread in _warming():
            thread.join(timeout=60)
    terms = set(search_index._INDEXES[casebook]._terms)
    assert bool(terms - {"紛失"}) is asked


def test_the_server_answers_while_it_warms(casebook: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader is answered while the warming thread is inside a lookup (held there), and a
    server stopping tells the thread to end."""
    inside, release = threading.Event(), threading.Event()
    original = search_index.FacetIndex.term

    def held(self, db, term):  # the warming thread's lookups wait until the reader was served
        if threading.current_thread().name == "jikenbo-warm":
            inside.set()
            release.wait(timeout=60)
        return original(self, db, term)

    monkeypatch.setattr(warm, "WARM_FROM", 1)
    monkeypatch.setattr(search_index.FacetIndex, "term", held)
    search_index._INDEXES.clear()
    with casebook_server(casebook) as base:
        assert inside.wait(timeout=30)  # warming has begun, and is held in its first lookup
        answer = httpx.get(base + "/api/search", params={"q": "不正アクセス"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["total"] > 0
        release.set()
    for thread in _warming():
        thread.join(timeout=30)  # the server stopped: the thread ends after its lookup
        assert not thread.is_alive()


def test_warming_stops_at_its_budget_or_when_told(casebook: str) -> None:
    with closing(open_store(casebook)) as store:
        search_index._INDEXES.clear()
        assert warm.warm(store, least=1, budget_s=0) == []
        stopped = threading.Event()
        stopped.set()
        assert warm.warm(store, least=1, stop=stopped) == []
        assert warm.warm(store, least=1, budget_s=60)  # a budget it does not reach


def test_characters_are_counted_as_the_index_folds_them() -> None:
    assert warm.common_characters(["USB紛失", "ＵＳＢ誤送信", "usbメモリ"], share=0.9) == ["b", "s", "u"]
