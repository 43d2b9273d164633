"""List pages over HTTP on loopback (a real server on the sample casebook): pagers that lose
nothing, /cases sorted and by year, vendor and category indexes, facet links that toggle."""
from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from jikenbo.store import open_store
from jikenbo.store.query import Query


def get(base: str, path: str, **params) -> httpx.Response:
    return httpx.get(base + path, params=params, timeout=30)


def listed_ids(html: str) -> list[str]:
    return re.findall(r'<li data-release="([0-9a-f]+)"', html)


def test_an_organisation_list_pages_through_all_its_releases(casebook: str, base: str) -> None:
    store = open_store(casebook)
    name, count = store.execute("SELECT organization, COUNT(*) FROM releases WHERE is_incident "
                                "AND organization IS NOT NULL GROUP BY 1 ORDER BY 2 DESC")[0]
    assert count > 2
    seen: list[str] = []
    for number in range(1, count + 1):
        page = get(base, f"/organizations/{name}", per_page="2", page=str(number)).text
        seen += listed_ids(page)
        if 'rel="next"' not in page:
            break
    assert len(seen) == len(set(seen)) == count  # every release once, none cut off


def test_a_category_page_has_facets_and_keeps_them_in_its_pager(base: str) -> None:
    page = get(base, "/categories/unauthorized_access", per_page="5", leak="suspected").text
    assert '<details class="facet-panel">' in page and 'data-facet="leak"' in page
    following = unescape(re.search(r'rel="next" href="([^"]+)"', page).group(1))
    assert following.startswith("/categories/unauthorized_access?") and "leak=suspected" in following
    assert "page=2" in following


@pytest.mark.parametrize("sort, key", [("number", "number"), ("date", "first"),
                                       ("title", "title"), ("organization", "organizations")])
def test_the_case_list_sorts_by_each_column(casebook: str, base: str, sort: str, key: str) -> None:
    rows = [dict(row) for row in open_store(casebook).case_list()]
    for order in ("asc", "desc"):
        page = get(base, "/cases", sort=sort, order=order).text
        shown = re.findall(r'<a href="/cases/([^"]+)">', page)
        known = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key],
                       reverse=order == "desc")
        expected = [r["number"] for r in known] + [r["number"] for r in rows if r[key] is None]
        assert [row for row in shown] == expected, (sort, order)


def test_the_case_list_sorts_by_affected_and_shows_titles_and_categories(base: str) -> None:
    page = get(base, "/cases", sort="affected", order="desc").text
    cells = re.findall(r'<td class="num">([\d,]+|-)(?:<br><span class="meta">[^<]*</span>)?'
                       r'</td></tr>', page)  # the affected figure ends each row
    figures = [int(n.replace(",", "")) for n in cells if n != "-"]
    assert cells[len(figures):] == ["-"] * (len(cells) - len(figures))  # unknown ones last
    assert figures and figures == sorted(figures, reverse=True)
    assert '<td class="title">' in page and 'class="badge cat"' in page
    assert "題名" in page and "分類" in page


def test_the_case_list_has_a_year_selector_with_undated_cases(casebook: str, base: str) -> None:
    rows = open_store(casebook).case_list()
    undated = {row["number"] for row in rows if row["first"] is None}
    page = get(base, "/cases").text
    assert 'data-year="unknown">日付不明</a>' in page and 'data-year="2024"' in page
    listed = set(re.findall(r'<a href="/cases/([^"]+)">', get(base, "/cases", year="unknown").text))
    assert undated and listed == undated
    in_2024 = {row["number"] for row in rows if (row["first"] or "").startswith("2024")}
    assert set(re.findall(r'<a href="/cases/([^"]+)">',
                          get(base, "/cases", year="2024").text)) == in_2024
    for wrong in ({"year": "24"}, {"sort": "bogus"}, {"order": "up"}):
        answer = get(base, "/cases", **wrong)
        assert answer.status_code == 400
        assert "指定してください" in answer.text or "いずれか" in answer.text


def test_vendors_have_an_index_and_a_page_linked_from_releases(casebook: str, base: str) -> None:
    store = open_store(casebook)
    counted = store.search(Query(per_page=1), facets=("vendor",)).facets["vendor"]
    index = get(base, "/vendors").text
    assert f"{len(counted)} 社・団体" in index
    name, count = counted[0]
    vendor = get(base, f"/vendors/{name}")
    assert vendor.status_code == 200 and f'<span id="total">{count} 件</span>' in vendor.text
    release = listed_ids(vendor.text)[0]
    linked = get(base, f"/releases/{release}").text
    assert re.search(r'<td id="vendors">.*href="/vendors/[^"]+">' + re.escape(name), linked)
    assert get(base, "/vendors/存在しない委託先").status_code == 404


def test_the_categories_index_lists_every_category_with_label_and_count(casebook: str,
                                                                         base: str) -> None:
    store = open_store(casebook)
    counts = dict(store.search(Query(per_page=1), facets=("category",)).facets["category"])
    page = get(base, "/categories").text
    for name, count in counts.items():
        row = re.search(rf'<tr data-category="{name}">(.*?)</tr>', page).group(1)
        assert f'href="/categories/{name}"' in row and f'<td class="num">{count}</td>' in row
    assert "ランサムウェア" in page


def test_facet_links_toggle_a_value_on_and_off(base: str) -> None:
    page = get(base, "/search", category="ransomware").text
    chosen = re.search(r'<li class="active">\s*<a href="([^"]+)" data-value="ransomware"', page)
    assert "ransomware" not in unescape(chosen.group(1))  # clicking again takes it back
    other = re.search(r'<a href="([^"]+)" data-value="loss_theft"', page).group(1)
    assert "category=ransomware&category=loss_theft" in unescape(other)
    excluding = re.search(r'<a class="exclude" href="([^"]+)" data-exclude="loss_theft"', page)
    assert "not_category=loss_theft" in unescape(excluding.group(1))
    answer = get(base, "/search", **{"from": "2024-13"})
    assert answer.status_code == 400 and "from の日付が読めません" in answer.text
