"""Japanese search in a real browser (Debian's Chromium): variant spellings, phrase / OR / NOT,
marked snippets and the query marked on the release page. Screenshots as in test_browser."""
from __future__ import annotations

from tests.test_browser import browser, page  # noqa: F401  (shared fixtures)


def _search(page, base: str, q: str) -> int:  # noqa: F811
    page.goto(base + "/")
    page.fill("header input[name=q]", q)
    page.click("header button[type=submit]")
    page.wait_for_url("**/search?q=*")
    return int(page.inner_text("#total").split()[0])


def test_variant_spellings_find_the_same_releases(page, base: str) -> None:  # noqa: F811
    for first, second in (("ランサムウエア", "ランサムウェア"), ("漏洩", "漏えい"), ("サーバー", "サーバ")):
        found = _search(page, base, first)
        headings = page.locator("ol.releases a.heading").all_inner_texts()
        assert found == _search(page, base, second) > 0
        assert headings == page.locator("ol.releases a.heading").all_inner_texts()


def test_phrase_or_and_not_in_the_search_box(page, base: str) -> None:  # noqa: F811
    plain = _search(page, base, "個人情報")
    assert _search(page, base, "「個人情報」") == plain == _search(page, base, '"個人情報"')
    water, gas = _search(page, base, "水道"), _search(page, base, "ガス")
    assert max(water, gas) <= _search(page, base, "水道 OR ガス") <= water + gas
    leaked = _search(page, base, "漏えい")
    assert _search(page, base, "個人情報 -漏えい") >= plain - leaked > 0
    assert _search(page, base, "個人情報 -漏えい") < plain


def test_snippets_mark_the_words_and_the_release_page_marks_the_query(page, base: str) -> None:  # noqa: F811
    _search(page, base, "ランサムウエア")
    items = page.locator("ol.releases > li")
    assert items.count() > 0 and page.locator("p.snippet").count() == items.count()
    marked = set(page.locator("p.snippet mark.hit").all_inner_texts())
    assert marked and marked <= {"ランサムウェア", "ランサムウエア"}
    page.locator("ol.releases a.heading").first.click()
    page.wait_for_url("**/releases/*?q=*")
    assert page.locator("#release-text mark.hit").count() > 0
    assert page.locator("#release-text mark.ev").count() > 0  # evidence is still marked
