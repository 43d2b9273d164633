"""Facets and lists in a real browser (Debian's Chromium via Playwright): choosing two
categories, excluding one, a date range, the 日付不明 bucket, pagers, /cases sorting, vendor
pages, /categories, and a phone showing results before the folded facets. Each test keeps a
screenshot in docs/screenshots/ (the page fixture also keeps one under artifacts/)."""
from __future__ import annotations

import pytest

from jikenbo.store import open_store
from jikenbo.store.query import parse
from tests.conftest import ROOT
from tests.test_browser import browser, page  # noqa: F401  (shared fixtures)

SHOTS = ROOT / "docs" / "screenshots"


def shot(page, name: str, full_page: bool = True) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def total(page) -> int:  # noqa: F811
    return int(page.inner_text("#total").split()[0].replace(",", ""))


def expected(casebook: str, *pairs: tuple[str, str]) -> int:
    return open_store(casebook).search(parse(list(pairs)), facets=()).total


def test_two_categories_are_a_union_and_excluding_one_removes_it(page, base: str,  # noqa: F811
                                                                 casebook: str) -> None:
    page.goto(base + "/search")
    page.click("section[data-facet=category] a[data-value=ransomware]")
    page.wait_for_url("**category=ransomware*")
    ransomware = total(page)
    page.click("section[data-facet=category] a[data-value=loss_theft]")
    page.wait_for_url("**category=loss_theft*")
    union = expected(casebook, ("category", "ransomware"), ("category", "loss_theft"))
    assert total(page) == union > ransomware
    assert page.locator("section[data-facet=category] li.active").count() == 2
    shot(page, "facets-two-categories")
    page.click("section[data-facet=category] a.exclude[data-exclude=ransomware]")
    page.wait_for_url("**not_category=ransomware*")
    assert total(page) == expected(casebook, ("category", "loss_theft"),
                                   ("not_category", "ransomware")) < union
    badges = page.locator("ol.releases a.badge.cat").all_inner_texts()
    assert badges and "ランサムウェア" not in badges and "紛失・盗難" in badges
    assert page.locator("section[data-facet=category] li.excluded").count() == 1
    shot(page, "facets-exclude")


def test_a_date_range_lists_only_releases_inside_it(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/search")
    page.fill("form.dates input[name=from]", "2024-07")
    page.fill("form.dates input[name=to]", "2024-08-31")
    page.click("form.dates button[type=submit]")
    page.wait_for_url("**from=2024-07*")
    dates = [text.split()[1] for text in page.locator("ol.releases .dates").all_inner_texts()]
    assert dates and all("2024-07-01" <= date <= "2024-08-31" for date in dates)
    assert page.input_value("form.dates input[name=from]") == "2024-07-01"
    shot(page, "facets-date-range")


def test_the_undated_bucket_lists_the_releases_without_a_date(page, base: str,  # noqa: F811
                                                              casebook: str) -> None:
    page.goto(base + "/search")
    bucket = page.locator("section[data-facet=year] a[data-value=unknown]")
    assert bucket.inner_text().strip("✓") == "日付不明"
    bucket.click()
    page.wait_for_url("**year=unknown*")
    assert total(page) == expected(casebook, ("year", "unknown")) > 0
    dates = page.locator("ol.releases .dates").all_inner_texts()
    assert dates and all("日付不明" in date for date in dates)
    months = page.locator("section[data-facet=month] a[data-value]").all_inner_texts()
    assert not months  # undated releases have no month


def test_an_organisation_pager_reaches_every_release(page, base: str,  # noqa: F811
                                                     casebook: str) -> None:
    name, count = open_store(casebook).execute(
        "SELECT organization, COUNT(*) FROM releases WHERE is_incident AND organization "
        "IS NOT NULL GROUP BY 1 ORDER BY 2 DESC")[0]
    page.goto(f"{base}/organizations/{name}?per_page=2")
    seen = page.locator("ol.releases > li").evaluate_all("items => items.map(i => i.dataset.release)")
    while page.locator("nav.pages a[rel=next]").count():
        page.click("nav.pages a[rel=next]")
        page.wait_for_load_state()
        seen += page.locator("ol.releases > li").evaluate_all(
            "items => items.map(i => i.dataset.release)")
    assert len(seen) == len(set(seen)) == count > 2
    shot(page, "organisation-pager")


def test_the_case_list_sorts_by_title_and_chooses_a_year(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/cases")
    page.click("#case-list a[data-sort=title]")
    page.wait_for_url("**sort=title*")
    titles = [t for t in page.locator("#case-list td.title").all_inner_texts() if t != "-"]
    assert len(titles) > 3 and titles == sorted(titles)
    page.click("#case-list a[data-sort=title]")  # again: the other way round
    page.wait_for_url("**order=desc*")
    down = [t for t in page.locator("#case-list td.title").all_inner_texts() if t != "-"]
    assert down == sorted(titles, reverse=True)
    shot(page, "cases-sorted-by-title")
    page.click("nav.years a[data-year=unknown]")
    page.wait_for_url("**year=unknown*")
    firsts = page.locator("#case-list tr td:nth-child(5)").all_inner_texts()
    assert firsts and set(firsts) == {"日付不明"}


def test_a_vendor_named_on_a_release_has_its_own_page(page, base: str,  # noqa: F811
                                                      casebook: str) -> None:
    page.goto(base + "/vendors")
    first = page.locator("#vendors a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/vendors/*")
    listed = total(page)
    assert listed > 1 and page.locator("ol.releases > li").count() == min(listed, 20)
    page.locator("ol.releases a.heading").first.click()
    page.wait_for_url("**/releases/*")
    page.click(f"#vendors a:text-is('{name}')")
    page.wait_for_url("**/vendors/*")
    assert total(page) == listed
    shot(page, "vendor-page")


def test_the_categories_index_leads_to_each_category(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/categories")
    row = page.locator("tr[data-category=ransomware]")
    count = int(row.locator("td.num").inner_text())
    row.locator("a").click()
    page.wait_for_url("**/categories/ransomware")
    assert total(page) == count > 0
    shot(page, "categories")


@pytest.mark.parametrize("path", ["/search?q=個人情報", "/categories/unauthorized_access",
                                  "/organizations/東京都"])
def test_a_phone_shows_results_first_and_facets_behind_a_toggle(browser, base: str,  # noqa: F811
                                                                path: str) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto(base + path)
        assert not phone.locator("aside.facets").is_visible()
        assert phone.locator("ol.releases > li").first.bounding_box()["y"] < 500
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.click("details.facet-panel > summary")
        assert phone.locator("section[data-facet=category]").is_visible()
        if path.startswith("/search"):
            shot(phone, "search-phone-facets-open", full_page=False)
    finally:
        context.close()


def test_wide_screens_show_the_facets_without_a_click(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/search?q=個人情報")
    assert page.locator("section[data-facet=category]").is_visible()
    assert not page.locator("details.facet-panel > summary").is_visible()
