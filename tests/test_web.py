"""The web casebook over real HTTP on loopback: every route, escaping, limits, write token."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx
import pytest

from jikenbo.store import open_store
from tests.conftest import SAMPLE, SHARED, run_cli
from tests.helpers import casebook_server, http_server

EVIL = (
    '株式会社<script>alert("x")</script> 不正アクセスによる個人情報流出に関するお知らせ"><img src=x onerror=alert(1)> 2024/8/1\n\n'
    "このたび、当社サーバーが第三者による不正アクセスを受け、お客様の個人情報(氏名、住所)約1,200件が"
    "流出した可能性があることが判明しました。\n"
    '詳細は <a href="javascript:alert(1)">こちら</a> &amp; &lt;b&gt; \' onmouseover=\'alert(2) をご覧ください。\n'
)


@pytest.fixture(scope="module")
def casebook(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("web")
    location = str(folder / "casebook.db")
    evil = folder / "evil.txt"
    evil.write_text(EVIL, encoding="utf-8")
    assert run_cli("ingest", "--db", location, str(SAMPLE), str(evil)).returncode == 0
    return location


@pytest.fixture(scope="module")
def base(casebook: str):
    with casebook_server(casebook) as url:
        yield url


def get(base: str, path: str, **params) -> httpx.Response:
    return httpx.get(base + path, params=params, timeout=30)


def _evil_id(casebook: str) -> str:
    return next(r.id for r in open_store(casebook).releases() if "<script>" in r.record.heading)


def test_latest_shows_casebook_headings_with_badges(base: str) -> None:
    page = get(base, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count('<li data-release="') == 20 and 'rel="next"' in page.text
    assert 'class="badge cat"' in page.text and "影響件数" in page.text
    found = get(base, "/search", q="白井市").text
    assert "【事件簿#2024-313】白井市 市営水道の委託事業者による個人情報の流出の可能性について 2024/7/23" in found
    assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("query", ["紛失", "誤", "USB", "ＵＳＢメモリ", "不正アクセス"])
def test_search_finds_short_and_long_terms(base: str, query: str) -> None:
    found = get(base, "/api/search", q=query).json()
    assert found["total"] > 0, query
    for item in found["items"]:
        release = get(base, f"/api/releases/{item['id']}").json()
        plain = (release["text"] + release["heading"]).upper()
        import unicodedata
        assert unicodedata.normalize("NFKC", query).upper() in unicodedata.normalize("NFKC", plain)


def test_search_for_loss_finds_the_usb_loss_posts(base: str) -> None:
    headings = [item["heading"] for item in get(base, "/api/search", q="紛失").json()["items"]]
    assert any("USB" in heading and "紛失" in heading for heading in headings)


def test_facets_narrow_and_count(base: str) -> None:
    wide = get(base, "/api/search", q="不正アクセス").json()
    counts = wide["facets"]["category"]
    narrow = get(base, "/api/search", q="不正アクセス", category="ransomware").json()
    assert narrow["total"] == counts["ransomware"] < wide["total"]
    assert all("ransomware" in item["categories"] for item in narrow["items"])
    assert narrow["facets"]["category"]["ransomware"] == narrow["total"]


def test_sorting_by_affected_count(base: str) -> None:
    items = get(base, "/api/releases", sort="affected", per_page=10).json()["items"]
    counts = [item["affected_count"] for item in items if item["affected_count"] is not None]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 690000


def test_pagination_keeps_the_query_in_the_url(base: str) -> None:
    page = get(base, "/search", q="不正アクセス", page="2")
    assert page.status_code == 200 and "2 / " in page.text
    assert "q=%E4%B8%8D%E6%AD%A3" in page.text  # the links carry the query


def test_release_page_highlights_evidence_and_keeps_the_archive(base: str, casebook: str) -> None:
    release = next(r for r in open_store(casebook).releases() if r.record.case_id == "2024-313"
                   and r.record.organization == "白井市")
    page = get(base, f"/releases/{release.id}")
    assert page.status_code == 200
    assert re.search(r'<mark class="ev ev-affected_count"[^>]*>約8千6百件</mark>', page.text)
    assert "リリース文アーカイブ" in page.text and "affected_count_rule" not in page.text


def test_case_page_lists_every_release_of_the_case(base: str, casebook: str) -> None:
    store = open_store(casebook)
    number = store.resolve_case("2024-313")  # the source's number finds jikenbo's own
    assert number.startswith("J2024-")
    members = store.case_releases(number)
    moved = get(base, "/cases/2024-313")
    assert moved.status_code == 301 and moved.headers["location"] == f"/cases/{number}"
    page = get(base, f"/cases/{number}")
    assert page.status_code == 200 and "セキュリティ事件簿#2024-313" in page.text
    assert page.text.count('<li data-release="') == len(members) >= 10
    api = get(base, "/api/cases/2024-313").json()
    assert len(api["reports"]) == len(members)
    assert api["breached"] == "東京ガスエンジニアリングソリューションズ株式会社"


def test_category_organization_cases_and_stats_pages(base: str) -> None:
    assert "ランサムウェア" in get(base, "/categories/ransomware").text
    assert get(base, "/categories/nothing").status_code == 404
    assert "白井市" in get(base, "/organizations/白井市").text
    assert get(base, "/organizations/存在しない組織").status_code == 404
    assert "2024-313" in get(base, "/cases").text
    stats = get(base, "/stats").text
    assert stats.count("<svg") >= 2 and "<rect" in stats and "年間ランキング" in stats
    api = get(base, "/api/stats").json()
    assert api["counts"]["cases"] > 0 and api["ranking"]


def test_the_case_list_is_paged(casebook: str, base: str) -> None:
    from jikenbo.store import open_store
    from jikenbo.web.app import CASES_PER_PAGE

    store = open_store(casebook)
    everything = [row["number"] for row in store.case_list()]
    assert store.case_total() == len(everything) > 3
    assert [row["number"] for row in store.case_list(None, 2, 1)] == everything[1:3]
    in_2024 = [row["number"] for row in store.case_list("2024")]
    assert in_2024 and all(n.startswith("J2024-") for n in in_2024) and store.case_total("2024") == len(in_2024)
    assert len(everything) < CASES_PER_PAGE  # the sample casebook fits on the first page
    first = get(base, "/cases").text
    assert f"{len(everything)} 件の事件" in first and first.count('<a href="/cases/') == len(everything)
    assert '<a href="/cases/' not in get(base, "/cases", page="2").text
    assert get(base, "/cases", page="0").status_code == 400


def test_openapi_document_lists_the_api(base: str) -> None:
    spec = get(base, "/api/openapi.json").json()
    for path in ("/api/releases", "/api/releases/{release_id}", "/api/cases/{number}",
                 "/api/search", "/api/stats"):
        assert path in spec["paths"]
    assert "/api/ingest" not in spec["paths"]  # read-only without a token
    assert get(base, "/docs").status_code == 404  # no CDN-hosted documentation page


def test_atom_feeds_carry_the_structured_fields(base: str) -> None:
    feed = get(base, "/feeds/releases.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    ns = {"a": "http://www.w3.org/2005/Atom", "j": "https://jikenbo.invalid/ns/record/1"}
    entries = root.findall("a:entry", ns)
    assert entries and all(entry.find("j:record/j:leak_status", ns) is not None for entry in entries)
    ransomware = ET.fromstring(get(base, "/feeds/categories/ransomware.atom").content)
    for entry in ransomware.findall("a:entry", ns):
        assert "ransomware" in [c.get("term") for c in entry.findall("a:category", ns)]


def test_release_text_is_escaped_everywhere(base: str, casebook: str) -> None:
    evil = _evil_id(casebook)
    pages = [get(base, f"/releases/{evil}").text, get(base, "/search", q="onerror").text,
             get(base, "/").text]
    for text in pages:
        assert "<script>alert" not in text and "<img src=x" not in text
        assert 'href="javascript:' not in text and "onmouseover='alert" not in text
    release = pages[0]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in release
    assert "&amp;amp; &amp;lt;b&amp;gt;" in release  # entities in the text stay text
    ET.fromstring(get(base, "/feeds/releases.atom").content)  # still well-formed XML


def test_only_http_sources_become_links(casebook: str, tmp_path) -> None:
    from tests.helpers import release_html
    with http_server({"/notice.html": (200, {"Content-Type": "text/html; charset=utf-8"},
                                       release_html().encode("utf-8"))}) as url:
        location = str(tmp_path / "c.db")
        assert run_cli("ingest", "--db", location, url + "/notice.html").returncode == 0
    release = next(open_store(location).releases())
    with casebook_server(location) as base:
        page = get(base, f"/releases/{release.id}").text
    assert f'<a href="{url}/notice.html"' in page
    from jikenbo.web.views import safe_url
    assert safe_url("javascript:alert(1)") is None and safe_url("/etc/passwd") is None


def test_bad_requests_get_a_message(base: str) -> None:
    assert get(base, "/search", q="あ" * 201).status_code == 400
    assert get(base, "/search", category="bogus").status_code == 400
    assert get(base, "/api/search", page="0").status_code == 400
    assert get(base, "/releases/xyz").status_code == 404
    missing = get(base, "/no-such-page")
    assert missing.status_code == 404 and "エラー" in missing.text
    assert get(base, "/api/releases/" + "0" * 64).json()["error"]["message"].endswith("not found")
    too_long = get(base, "/search", q="x", pad="y" * 3000)
    assert too_long.status_code == 414 and too_long.headers["x-content-type-options"] == "nosniff"


def test_writing_needs_a_configured_token(casebook: str, tmp_path) -> None:
    text = (SHARED / "corpus" / "unnumbered" / "000-00.txt").read_bytes()
    with casebook_server(casebook) as base:  # no token: no write endpoint at all
        assert httpx.post(base + "/api/ingest", content=text).status_code in (404, 405)
    location = str(tmp_path / "w.db")
    with casebook_server(location, token="s3cret") as base:
        assert httpx.post(base + "/api/ingest", content=text).status_code == 401
        wrong = httpx.post(base + "/api/ingest", content=text,
                           headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        big = httpx.post(base + "/api/ingest", content=b"x" * 3_000_000,
                         headers={"Authorization": "Bearer s3cret"})
        assert big.status_code == 413
        ok = httpx.post(base + "/api/ingest", content=text, params={"source": "shirai"},
                        headers={"Authorization": "Bearer s3cret",
                                 "Content-Type": "text/plain; charset=utf-8"})
        assert ok.status_code == 200 and ok.json()["new"] == 1
        again = httpx.post(base + "/api/ingest", content=text, params={"source": "shirai"},
                           headers={"Authorization": "Bearer s3cret"})
        assert again.json()["new"] == 0
        assert get(base, "/api/search", q="白井市").json()["total"] == 1


@pytest.mark.parametrize("organization, title, expected", [
    ("白井市", "市営水道の委託事業者による個人情報の流出の可能性について",
     "【事件簿#2024-313】白井市 市営水道の委託事業者による個人情報の流出の可能性について 2024/7/23"),
    ("公立甲賀病院", "公立甲賀病院における個人情報を含む USB メモリの紛失について",
     "【事件簿#2024-313】公立甲賀病院における個人情報を含む USB メモリの紛失について 2024/7/23"),
])
def test_casebook_headings_name_the_organisation_once(organization, title, expected) -> None:
    from jikenbo.web.views import casebook_heading
    assert casebook_heading("2024-313", organization, title, "2024-07-23") == expected


def test_serve_with_several_worker_processes(casebook: str) -> None:
    # `jikenbo serve --workers 2`: each process opens the database named by the parent.
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "jikenbo", "serve", "--db", casebook,
                               "--port", str(port), "--workers", "2"],
                              stderr=subprocess.PIPE, env={**os.environ, "JIKENBO_TOKEN": ""})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                found = httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "紛失"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        assert found.status_code == 200 and found.json()["total"] >= 3
        assert httpx.post(f"http://127.0.0.1:{port}/api/ingest", content=b"x").status_code in (404, 405)
    finally:
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=20)
    assert b"2 processes" in errors and b"Traceback" not in errors


@pytest.mark.parametrize("params", [{"q": "個人\x00情報"}, {"q": "\x01"}, {"organization": "a\x7f"},
                                    {"year": "2024\x00"}])
def test_control_characters_in_queries_are_refused(base: str, params: dict) -> None:
    for path in ("/api/search", "/search", "/api/releases"):
        answer = get(base, path, **params)
        assert answer.status_code == 400, path
        assert "control characters" in (answer.json()["error"]["message"] if path.startswith("/api")
                                         else answer.text)


def test_feeds_stay_well_formed_over_control_characters_stored_earlier(tmp_path) -> None:
    # A release stored by an older version, before control characters were dropped at the edge.
    from jikenbo import pipeline
    from jikenbo.cases import curate
    from jikenbo.sources import SourceDocument
    from jikenbo.store import ReleaseRow, release_id

    text = ("株式会社\x01テスト 不正アクセスによる個人情報流出のお知らせ\x1b 2024/8/1\n\n"
            "当社サーバーが不正アクセスを受け、お客様の個人情報約1,200件が流出した可能性があります。\x0b")
    source = SourceDocument("old.txt", text.encode(), text, "text", "utf-8")
    extracted = pipeline.extract_source(source)
    location = str(tmp_path / "old.db")
    store = open_store(location)
    store.add_source(source, [ReleaseRow(release_id(post.text), record, post.text, post.start,
                                         post.end)
                              for post, record in zip(extracted.posts, extracted.records)])
    curate.relink(store)
    assert "\x01" in next(store.releases()).record.heading
    with casebook_server(location) as url:
        feed = get(url, "/feeds/releases.atom")
    root = ET.fromstring(feed.content)  # well-formed: this raised before
    ns = {"a": "http://www.w3.org/2005/Atom"}
    title = root.find("a:entry/a:title", ns).text
    assert "テスト" in title and "\x01" not in title and "\x1b" not in feed.text
