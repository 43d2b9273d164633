"""Japanese query semantics on the sample casebook: variant folding on both sides, words that
name a field, phrases / OR / NOT, and snippets with the matched words marked (real HTTP)."""
from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
import unicodedata

import httpx
import pytest

from jikenbo.store import open_store
from jikenbo.store.fold import fold, searchable
from jikenbo.store.search import Query, QueryError, parse
from jikenbo.store.snippet import hits, kwic
from tests.conftest import SAMPLE, run_cli
from tests.helpers import casebook_server

# each row: spellings of one word that must find the same releases (issue #13's table)
VARIANTS = [("漏洩", "漏えい"), ("ランサムウエア", "ランサムウェア"), ("サーバー", "サーバ"),
            ("コンピューター", "コンピュータ"), ("お詫び", "おわび")]


@pytest.fixture(scope="module")
def casebook(tmp_path_factory) -> str:
    location = str(tmp_path_factory.mktemp("semantics") / "casebook.db")
    evil = tmp_path_factory.mktemp("evil") / "evil.txt"
    evil.write_text("株式会社テスト <b>不正</b>アクセスによるランサムウエア被害のお知らせ 2024/8/1\n\n"
                    "当社のｻｰﾊﾞｰが<script>ランサムウエア</script>に感染し、個人情報が漏洩した"
                    "可能性があります。\n", encoding="utf-8")
    assert run_cli("ingest", "--db", location, str(SAMPLE), str(evil)).returncode == 0
    return location


@pytest.fixture(scope="module")
def store(casebook: str):
    return open_store(casebook)


def ids(store, q: str, **facets) -> set[str]:
    result = store.search(Query(q=q, per_page=100, **facets), facets=())
    assert result.total <= 100
    return set(result.ids)


def raw_containing(store, *words: str) -> set[str]:
    """Incident releases whose NFKC text or heading contains any word, found without the index."""
    found = set()
    for row in store.execute("SELECT id, heading, text FROM releases WHERE is_incident = 1"):
        plain = unicodedata.normalize("NFKC", row["heading"] + "\n" + row["text"])
        if any(word in plain for word in words):
            found.add(row["id"])
    return found


@pytest.mark.parametrize("first, second", VARIANTS)
def test_both_spellings_find_the_same_releases(store, first: str, second: str) -> None:
    found = ids(store, first)
    assert found == ids(store, second)
    assert found >= raw_containing(store, first, second) and found


def test_folding_is_one_function_for_text_and_query() -> None:
    assert fold("ランサムウエア") == fold("ランサムウェア") == "ランサムウェア"
    assert searchable("ｻｰﾊﾞｰ") == searchable("サーバ") == "サーバ"
    assert searchable("コンピューター") == "コンピュータ" and searchable("ＵＳＢ") == "usb"
    assert searchable("ヴェンダー") == searchable("ベンダー") == "ベンダ"
    assert searchable("お詫び") == searchable("おわび") and searchable("漏洩") == "漏えい"
    # only a word-final long vowel goes: データ, ユーザーID keep what makes them words
    assert searchable("データベース") == "データベース" and searchable("ユーザーID") == "ユーザid"
    assert searchable("ア" + "ー" * 50_000 + "ウエ" * 50_000).endswith("ウェ")  # adversarial


def test_marks_map_back_to_the_original_spelling() -> None:
    text = "当社のｻｰﾊﾞｰが漏洩し、ランサムウエアに感染。サーバーを停止。"
    marked = [text[start:end] for start, end in hits(text, Query(q="サーバ 漏えい ランサムウェア").terms())]
    assert marked == ["ｻｰﾊﾞｰ", "漏洩", "ランサムウエア", "サーバー"]
    snippet = kwic("あ" * 300 + "漏洩" + "い" * 300, ["漏えい"])
    assert snippet[:3] == [("…", False), ("あ" * 40, False), ("漏洩", True)]
    assert snippet[-1] == ("…", False) and sum(len(piece) for piece, _ in snippet[1:-1]) == 120


@pytest.mark.parametrize("word, facet, value", [("誤送信", "category", "misdelivery"),
                                                ("紛失", "category", "loss_theft"),
                                                ("ランサム", "category", "ransomware"),
                                                ("カード情報", "data_type", "credit_card")])
def test_a_word_naming_a_field_finds_that_field(store, word: str, facet: str, value: str) -> None:
    filed = ids(store, "", **{facet: value})
    assert filed and ids(store, word) >= filed | raw_containing(store, word)


def test_phrases_or_and_not(store) -> None:
    plain = ids(store, "個人情報")
    assert len(plain) > 50 and ids(store, '"個人情報"') == ids(store, "「個人情報」") == plain
    water, gas = ids(store, "水道"), ids(store, "ガス")
    assert ids(store, "水道 OR ガス") == water | gas and water - gas != water | gas
    leaked = ids(store, "漏えい")
    assert ids(store, "個人情報 -漏えい") == ids(store, "個人情報 NOT 漏洩") == plain - leaked
    assert ids(store, "-漏えい") == ids(store, "") - leaked
    assert ids(store, "水道 OR -ガス") == water | (ids(store, "") - gas)
    assert ids(store, "or") != ids(store, "")  # only upper-case OR is an operator


@pytest.mark.parametrize("q", ['""', "「 」", "NOT NOT 水道", "水道 -NOT ガス",
                               " ".join("語" + str(n) for n in range(9))])
def test_unreadable_queries_say_what_is_wrong(q: str) -> None:
    with pytest.raises(QueryError) as error:
        parse({"q": q})
    assert re.search(r"[ぁ-んァ-ン]", str(error.value))  # a Japanese sentence, not a traceback


def test_text_that_is_no_operator_where_it_stands_is_searched_as_written(store) -> None:
    # pieces cut from titles: an unclosed quote, a stray bracket, a lone OR / NOT / -
    title = next(row["title"] for row in store.execute(
        "SELECT title FROM releases WHERE is_incident = 1 AND title LIKE '%「%」%'"))
    opened = title[title.index("「"):title.index("「") + 4]
    closed = title[title.index("」") - 3:title.index("」") + 1]
    for piece in (opened, closed):
        assert store.search(Query(q=piece), facets=()).total > 0, piece
    assert [[t.text for t in c] for c in parse({"q": "OR 水道 OR"}).clauses()] == [
        ["or"], ["水道"], ["or"]]
    assert [[t.negated for t in c] for c in parse({"q": "水道 NOT"}).clauses()] == [[False], [False]]
    assert parse({"q": "-"}).clauses()[0][0].text == "-"


def test_adversarial_queries_parse_in_one_pass() -> None:
    for q in ['"' * 199, "「" * 200, "-" * 200, "OR " * 66, '-"' * 100, "ー" * 200]:
        try:
            parse({"q": q})
        except QueryError:
            pass


def test_search_results_show_marked_snippets(casebook: str, store) -> None:
    with casebook_server(casebook) as base:
        found = httpx.get(base + "/api/search", params={"q": "ランサムウェア"}, timeout=30).json()
        assert found["items"] and all("<mark" in item["snippet"] for item in found["items"])
        marked = {html.unescape(m) for item in found["items"]
                  for m in re.findall(r'<mark class="hit">(.*?)</mark>', item["snippet"])}
        assert marked == {"ランサムウェア", "ランサムウエア"}
        evil = next(item for item in found["items"] if "株式会社テスト" in item["heading"])
        assert "&lt;script&gt;<mark" in evil["snippet"] and "<script>" not in evil["snippet"]
        page = httpx.get(base + "/search", params={"q": "サーバー OR 漏洩"}, timeout=30).text
        assert page.count('<p class="snippet">') == page.count('<li data-release="') > 0
        link = re.search(r'href="(/releases/[0-9a-f]+\?q=[^"]+)"', page).group(1)
        release = httpx.get(base + html.unescape(link), timeout=30).text
        assert re.search(r'<mark class="hit">(サーバー|サーバ|漏洩|漏えい)</mark>', release)
        assert '<mark class="hit">' not in httpx.get(base + link.split("?")[0], timeout=30).text
        bad = httpx.get(base + "/search", params={"q": "水道 「」"}, timeout=30)
        assert bad.status_code == 400 and "引用符の中が空です" in bad.text


def test_an_index_folded_by_older_rules_is_built_again(tmp_path) -> None:
    location = str(tmp_path / "old.db")
    assert run_cli("ingest", "--db", location, str(SAMPLE)).returncode == 0
    fresh = open_store(location).search(Query(q="漏洩"), facets=()).total
    old = sqlite3.connect(location)  # as a casebook indexed before folding: unfolded text
    old.execute("INSERT INTO release_fts(release_fts) VALUES ('delete-all')")
    for rowid, heading, text in old.execute("SELECT rowid, heading, text FROM releases").fetchall():
        old.execute("INSERT INTO release_fts(rowid, heading, body) VALUES (?, ?, ?)",
                    (rowid, heading.lower(), text.lower()))
    old.execute("PRAGMA user_version = 0")
    old.commit()
    assert sqlite3.connect(location).execute("SELECT count(*) FROM release_fts WHERE release_fts "
                                             "MATCH '\"漏えい\"'").fetchone()[0] < fresh
    count = ("from jikenbo.store import open_store; from jikenbo.store.search import Query; "
             f"print(open_store({location!r}).search(Query(q='漏洩'), facets=()).total)")
    reopened = subprocess.run([sys.executable, "-c", count], capture_output=True, text=True)
    assert int(reopened.stdout) == fresh > 0  # a new process: nothing cached from before


def test_snippets_mark_words_only_normalising_reveals() -> None:
    text = "お知らせ。" + "本文" * 200 + "当社のＵＳＢメモリを紛失し、ｻｰﾊﾞｰも停止しました。" + "以上" * 100
    shown = kwic(text, Query(q="usbメモリ サーバ").terms())
    assert [piece for piece, hit in shown if hit] == ["ＵＳＢメモリ", "ｻｰﾊﾞｰ"]
    assert kwic("お知らせ本文", ["漏えい"]) == [("お知らせ本文", False)]
