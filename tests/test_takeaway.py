"""Taking lists away over real HTTP: CSV (UTF-8 with BOM) and JSON of every matching row,
streamed a chunk at a time, conditional GET (ETag, Last-Modified, 304) and HEAD everywhere."""
from __future__ import annotations

import csv
import io
from email.utils import format_datetime, parsedate_to_datetime
from datetime import timedelta

import httpx
import pytest

from jikenbo.export.csv import COLUMNS
from jikenbo.web import takeaway
from tests.conftest import run_cli
from tests.helpers import SHIRAI_LINES, casebook_server, release_html


def get(base: str, path: str, headers: dict | None = None, **params) -> httpx.Response:
    return httpx.get(base + path, params=params, headers=headers, timeout=60)


def all_ids(base: str, path: str, **params) -> list[str]:
    """Every id the paged JSON API lists for these filters, page by page."""
    found, number = [], 1
    while True:
        answer = get(base, path, page=str(number), per_page="100", **params).json()
        found += [item["id"] for item in answer["items"]]
        if number >= answer["pages"]:
            return found
        number += 1


def csv_rows(answer: httpx.Response) -> list[list[str]]:
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs, first
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("path, page, params", [
    ("/search.csv", "/api/search", {"q": "個人情報"}),
    ("/search.csv", "/api/search", {"q": "不正アクセス", "sort": "affected"}),
    ("/categories/ransomware.csv", "/api/releases", {"category": "ransomware"}),
    ("/organizations/白井市.csv", "/api/releases", {"organization": "白井市"}),
])
def test_csv_holds_every_matching_row_in_the_lists_order(base: str, path: str, page: str,
                                                         params: dict) -> None:
    listed = {key: value for key, value in params.items() if key in ("q", "sort")}
    answer = get(base, path, **listed)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    header, *rows = csv_rows(answer)
    assert header[0] == "リリースID" and len(header) == len(COLUMNS)  # Japanese headers
    expected = all_ids(base, page, **params)
    assert [row[0] for row in rows] == expected and len(expected) > 0


def test_csv_cells_are_the_exports_cells(base: str) -> None:
    answer = get(base, "/organizations/白井市.csv", labels="en")
    header, row = csv_rows(answer)[:2]
    assert header == list(COLUMNS)
    cells = dict(zip(header, row))
    assert cells["organization"] == "白井市" and cells["is_incident"] == "TRUE"
    assert "name" in cells["data_types"].split(";")
    record = get(base, f"/api/releases/{cells['id']}").json()
    assert cells["case"] == record["case"] and cells["title"] == record["title"]


def test_json_lists_every_match_with_the_apis_rows(base: str) -> None:
    answer = get(base, "/search.json", q="個人情報")
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["total"] == len(body["items"]) == get(base, "/api/search", q="個人情報").json()["total"]
    assert [item["id"] for item in body["items"]] == all_ids(base, "/api/search", q="個人情報")
    first = get(base, "/api/releases", q="個人情報", per_page="1").json()["items"][0]
    assert body["items"][0] == first  # the same row as the API's


def test_exports_are_streamed_a_chunk_at_a_time(base: str, monkeypatch) -> None:
    monkeypatch.setattr(takeaway, "CHUNK", 7)  # the sample holds 71 incidents: 11 chunks
    with httpx.stream("GET", base + "/search.json", timeout=60) as answer:
        assert "content-length" not in answer.headers  # sent while being written
        pieces = [piece for piece in answer.iter_raw()]
        text = b"".join(pieces).decode("utf-8")
    import json
    body = json.loads(text)
    ids = [item["id"] for item in body["items"]]
    assert len(ids) == len(set(ids)) == body["total"] == len(all_ids(base, "/api/releases"))
    csv_ids = [row[0] for row in csv_rows(get(base, "/search.csv"))[1:]]
    assert csv_ids == ids


def test_the_case_list_and_a_case_are_taken_away(base: str) -> None:
    cases = csv_rows(get(base, "/cases.csv"))
    assert cases[0][:3] == ["事件番号", "公表数", "初報"]
    listed = get(base, "/api/cases", per_page="100").json()
    assert [row[0] for row in cases[1:]] == [item["number"] for item in listed["items"]]
    assert get(base, "/cases.json").json()["items"] == listed["items"]
    year = get(base, "/cases.json", year="2024").json()
    assert year["total"] == get(base, "/api/cases", year="2024").json()["total"] > 0
    assert all(item["number"].startswith("J2024-") for item in year["items"])
    case = get(base, "/api/cases/2024-313").json()
    releases = get(base, f"/cases/{case['number']}.json").json()
    assert {item["id"] for item in releases["items"]} == {r["release_id"] for r in case["reports"]}
    assert len(csv_rows(get(base, "/cases/2024-313.csv"))) == len(case["reports"]) + 1


@pytest.mark.parametrize("path, status", [
    ("/categories/nosuch.csv", 404), ("/organizations/存在しない組織.json", 404),
    ("/vendors/存在しない業者.csv", 404), ("/cases/J1999-0001.csv", 404),
    ("/feeds/cases/J1999-0001.atom", 404), ("/search.csv?category=bogus", 400),
    ("/cases.csv?year=24", 400), ("/search.json?q=" + "あ" * 201, 400),
])
def test_a_list_that_does_not_exist_is_refused(base: str, path: str, status: int) -> None:
    assert httpx.get(base + path, timeout=30).status_code == status


def test_vendor_lists_hold_the_releases_naming_the_vendor(base: str) -> None:
    vendor = "東京ガスエンジニアリングソリューションズ株式会社"
    body = get(base, f"/vendors/{vendor}.json").json()
    assert body["total"] == len(body["items"]) > 1
    assert all(vendor in item["vendors"] for item in body["items"])


def test_conditional_get_answers_304_without_a_body(base: str) -> None:
    for path in ("/feeds/releases.atom", "/search.csv?q=紛失", "/cases.json",
                 "/feeds/categories/ransomware.atom"):
        first = httpx.get(base + path, timeout=30)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = httpx.get(base + path, headers={"If-None-Match": etag}, timeout=30)
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        since = httpx.get(base + path, headers={"If-Modified-Since": modified}, timeout=30)
        assert since.status_code == 304
        earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1),
                                  usegmt=True)
        assert httpx.get(base + path, headers={"If-Modified-Since": earlier},
                         timeout=30).status_code == 200
        # If-None-Match decides when both are sent (RFC 9110): another tag means a new copy
        both = httpx.get(base + path, headers={"If-None-Match": '"other"',
                                               "If-Modified-Since": modified}, timeout=30)
        assert both.status_code == 200 and both.content == first.content
    other = httpx.get(base + "/search.csv?q=漏えい", timeout=30).headers["etag"]
    assert other != httpx.get(base + "/search.csv?q=紛失", timeout=30).headers["etag"]


@pytest.mark.parametrize("path", ["/", "/search?q=紛失", "/api/stats", "/search.csv?q=紛失",
                                  "/feeds/releases.atom", "/cases", "/api/docs",
                                  "/static/style.css"])
def test_head_answers_like_get_without_a_body(base: str, path: str) -> None:
    got = httpx.get(base + path, timeout=30)
    head = httpx.head(base + path, timeout=30)
    assert head.status_code == got.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "etag", "last-modified",
                 "content-security-policy"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert httpx.head(base + "/no-such-page", timeout=30).status_code == 404


def test_list_pages_link_their_takeaways(base: str) -> None:
    page = get(base, "/search", q="紛失", page="1", category="loss_theft").text
    assert 'href="/search.csv?q=%E7%B4%9B%E5%A4%B1&amp;category=loss_theft"' in page
    assert 'href="/feeds/search.atom?q=%E7%B4%9B%E5%A4%B1&amp;category=loss_theft"' in page
    for path, params, csv_link in (
            ("/categories/ransomware", {}, "/categories/ransomware.csv"),
            ("/organizations/白井市", {}, "/organizations/%E7%99%BD%E4%BA%95%E5%B8%82.csv"),
            ("/cases", {"year": "2024"}, "/cases.csv?year=2024"),
            ("/cases/J2024-0008", {}, "/cases/J2024-0008.csv")):
        shown = get(base, path, **params).text
        assert f'href="{csv_link}"' in shown, path
    assert 'class="takeaway"' not in get(base, "/").text  # the front page is no list


def _ingest(db: str, path) -> None:
    done = run_cli("ingest", "--db", db, str(path))
    assert done.returncode == 0, done.stderr


def test_a_second_report_arrives_in_the_cases_feed_and_moves_the_etag(tmp_path) -> None:
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    first.write_text(release_html(), encoding="utf-8")
    title = SHIRAI_LINES[0].replace(" 2024/7/23", "") + "(第2報) 2024/8/1"
    second.write_text(release_html([title, *SHIRAI_LINES[1:],
                                    "【追記】2024年8月1日 調査の結果、流出した可能性のあるお客様情報"
                                    "は約1,200件と判明しました。"]), encoding="utf-8")
    db = str(tmp_path / "c.db")
    _ingest(db, first)
    with casebook_server(db) as base:
        [number] = [item["number"] for item in get(base, "/api/cases").json()["items"]]
        feed = f"/feeds/cases/{number}.atom"
        before = get(base, feed)
        assert before.text.count("<entry>") == 1
        assert get(base, feed, {"If-None-Match": before.headers["etag"]}).status_code == 304
        _ingest(db, second)
        after = get(base, feed, {"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert after.text.count("<entry>") == 2 and "第2報" in after.text
        assert after.text.index("第2報") < after.text.index("<entry>", after.text.index("<entry>") + 1)
        assert parsedate_to_datetime(after.headers["last-modified"]) >= parsedate_to_datetime(
            before.headers["last-modified"])
