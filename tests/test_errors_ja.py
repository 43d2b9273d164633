"""Refusals over real HTTP: a Japanese page for a browser (404, 400, 405, 413, 414, invalid
parameters — also from the size guard that answers before routing), the API's one error shape
for programs under /api/, and the page in a real browser."""
from __future__ import annotations

import json

import httpx
import pytest

from jikenbo.web.errors import wants_html
from tests.conftest import ROOT
from tests.test_browser import browser  # noqa: F401  (shared fixture)

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "Accept-Language": "ja"}
PROGRAM = {"Accept": "application/json"}
SHOTS = ROOT / "docs" / "screenshots"


def _html(answer: httpx.Response, status: int, heading: str) -> str:
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in answer.text and 'href="/search"' in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    return answer.text


@pytest.mark.parametrize(("method", "path", "params", "status", "heading"), [
    ("GET", "/no-such-page", {}, 404, "ページが見つかりません"),
    ("GET", "/releases/0000000000ff", {}, 404, "ページが見つかりません"),
    ("GET", "/cases/J1999-9999", {}, 404, "ページが見つかりません"),
    ("GET", "/categories/bogus", {}, 404, "ページが見つかりません"),
    ("GET", "/search", {"category": "bogus"}, 400, "リクエストが正しくありません"),
    ("GET", "/search", {"q": "あ" * 201}, 400, "リクエストが正しくありません"),
    ("GET", "/cases", {"year": "24"}, 400, "リクエストが正しくありません"),
    ("POST", "/stats", {}, 405, "この方法では利用できません"),
    ("GET", "/search", {"q": "x", "pad": "y" * 3000}, 414, "アドレス(検索条件)が長すぎます"),
])
def test_browsers_get_a_japanese_page(base: str, method: str, path: str, params: dict,
                                      status: int, heading: str) -> None:
    answer = httpx.request(method, base + path, params=params, headers=BROWSER, timeout=30)
    text = _html(answer, status, heading)
    assert '<html lang="ja">' in text and "Not Found" not in text


def test_the_detail_stays_under_the_japanese_heading(base: str) -> None:
    text = _html(httpx.get(base + "/search", params={"q": "あ" * 201}, headers=BROWSER,
                           timeout=30), 400, "リクエストが正しくありません")
    assert "検索語が長すぎます" in text


def test_a_body_over_the_limit_is_refused_before_routing_with_the_page(base: str) -> None:
    answer = httpx.post(base + "/search", content=b"x" * 2_100_000, headers=BROWSER, timeout=60)
    _html(answer, 413, "送信された内容が大きすぎます")
    api = httpx.post(base + "/api/search", content=b"x" * 2_100_000, headers=PROGRAM, timeout=60)
    assert api.status_code == 413 and api.json() == {
        "error": {"status": 413, "message": "request body over 2000000 bytes"}}


@pytest.mark.parametrize(("path", "params", "status", "detail"), [
    ("/api/no-such-route", {}, 404, "Not Found"),
    ("/api/releases/" + "0" * 64, {}, 404, f"release {'0' * 64} not found"),
    ("/api/search", {"category": "bogus"}, 400, "category: Input should be 'unauthorized_access'"),
    ("/api/search", {"q": "x", "pad": "y" * 3000}, 414, "query string too long"),
])
def test_programs_get_json_under_api(base: str, path: str, params: dict, status: int,
                                     detail: str) -> None:
    answer = httpx.get(base + path, params=params, headers=PROGRAM, timeout=30)
    assert answer.status_code == status and answer.json()["error"]["status"] == status
    assert answer.json()["error"]["message"].startswith(detail)


def test_invalid_parameters_page_for_browsers_and_the_error_shape_for_programs(
        base: str) -> None:
    text = _html(httpx.get(base + "/api/releases", params={"page": "abc"}, headers=BROWSER,
                           timeout=30), 400, "リクエストが正しくありません")
    assert "page" in text
    answer = httpx.get(base + "/api/releases", params={"page": "abc"}, headers=PROGRAM,
                       timeout=30)
    assert answer.status_code == 400 and answer.json()["error"]["message"].startswith("page: ")


@pytest.mark.parametrize(("path", "accept", "html"), [
    ("/search", "*/*", True), ("/releases/abc", "", True), ("/api/search", "*/*", False),
    ("/api/search", "application/json", False), ("/api/search", "text/html,*/*", True),
    ("/feeds/releases.atom", "application/atom+xml", False), ("/taxii2/", "", False),
    ("/search.csv", "*/*", False), ("/cases/J2024-0008.atom", "", False),
    ("/search.csv", "text/html,*/*", True),
    ("/apix", "", True),
])
def test_who_gets_a_page(path: str, accept: str, html: bool) -> None:
    assert wants_html(path, accept) is html


def test_the_404_page_in_a_browser(browser, base: str) -> None:  # noqa: F811
    """(Not the shared `page` fixture: that one fails on the console's 404 line, the very
    answer wanted here.)"""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1200, "height": 700})
    page = context.new_page()
    scripts: list[str] = []
    page.on("pageerror", lambda error: scripts.append(str(error)))
    try:
        answer = page.goto(base + "/cases/J1999-9999")
        assert answer.status == 404
        assert page.inner_text("h1") == "ページが見つかりません"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "error-404.png"), full_page=True)
        page.click("main >> text=検索")
        page.wait_for_url("**/search")
        assert page.locator("main input[name=q]").count() == 1 and not scripts
    finally:
        context.close()


def test_a_busy_database_answers_503_with_retry_after_both_ways() -> None:
    from jinja2 import Environment, FileSystemLoader

    from jikenbo.web import errors
    from jikenbo.web.app import _HERE
    pages = errors.ErrorPages(Environment(loader=FileSystemLoader(str(_HERE / "templates")),
                                          autoescape=True))
    headers = {"Retry-After": errors.RETRY_AFTER}
    shown = pages.answer("/cases", BROWSER["Accept"], 503, errors.BUSY, headers)
    assert shown.status_code == 503 and shown.headers["retry-after"] == "5"
    text = shown.body.decode()
    assert "<h1>ただいま混み合っています</h1>" in text and errors.BUSY not in text
    sent = pages.answer("/api/search", "*/*", 503, errors.BUSY, headers)
    assert sent.status_code == 503 and sent.headers["retry-after"] == "5"
    assert json.loads(sent.body) == {"error": {"status": 503, "message": errors.BUSY}}
