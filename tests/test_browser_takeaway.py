"""Taking lists away in a real browser (Debian's Chromium): the CSV link downloads a file that
opens with the right characters, the feed link of a search subscribes to that search, and the
API reference page renders from the package's own files under the casebook's CSP."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import feedparser

from tests.test_browser import browser, page  # noqa: F401  (shared fixtures)


def _search(page, base: str, q: str) -> int:  # noqa: F811
    page.goto(base + "/")
    page.fill("header input[name=q]", q)
    page.click("header button[type=submit]")
    page.wait_for_url("**/search?q=*")
    return int(page.inner_text("#total").split()[0])


def test_the_csv_link_downloads_every_match_readable_as_japanese(page, base: str) -> None:  # noqa: F811
    total = _search(page, base, "個人情報")
    with page.expect_download() as started:
        page.click("nav.takeaway a[data-format=csv]")
    download = started.value
    assert download.suggested_filename.endswith(".csv")
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only after a BOM
    text = raw.decode("utf-8-sig")
    assert "個人情報" in text and "\ufffd" not in text
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header[:3] == ["リリースID", "事件簿番号", "組織"]
    assert len(rows) == total > 20  # every match, not the page on screen
    shown = page.locator("ol.releases > li").first.get_attribute("data-release")
    assert rows[0][0] == shown


def test_the_feed_link_of_a_search_subscribes_to_that_search(page, base: str) -> None:  # noqa: F811
    total = _search(page, base, "ランサムウェア")
    link = page.locator("nav.takeaway a[data-format=atom]")
    assert link.get_attribute("type") == "application/atom+xml"
    answer = page.request.get(base + link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.body())
    assert feed.bozo == 0 and len(feed.entries) == min(total, 50) > 0
    assert "ランサムウェア" in feed.feed.title
    headings = set(page.locator("ol.releases a.heading").all_inner_texts())
    assert {entry.title for entry in feed.entries} == headings
    etag = answer.headers["etag"]
    again = page.request.get(base + link.get_attribute("href"),
                             headers={"If-None-Match": etag})
    assert again.status == 304


def test_the_api_reference_renders_from_local_files_under_the_csp(page, base: str) -> None:  # noqa: F811
    hosts, refused = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: "Content Security Policy" in message.text
            and refused.append(message.text))
    page.goto(base + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/cases", "/api/cases/{number}", "/api/search", "/feeds/search.atom"} <= {
        p.replace("\u200b", "") for p in paths}
    assert hosts == {urlsplit(base).netloc}  # nothing fetched from anywhere else
    assert not refused
