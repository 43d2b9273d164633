"""A fixture site on 127.0.0.1 built from real notices (tests/fixtures/collect): a company's RSS
feed, a municipal news list with an HTML notice, a PDF notice and a non-incident item, a
sitemap, robots.txt, and the faults a watcher meets (slow, 500, redirect loop, garbage, 50 MB).
The server answers conditional requests (ETag / If-Modified-Since → 304) and logs every request.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.helpers import release_pdf, respond

FIXTURES = Path(__file__).parent / "fixtures" / "collect"
HUGE = 50 * 1024 * 1024


def notice(name: str) -> list[str]:
    return [line.strip() for line in (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
            .splitlines() if line.strip()]


def notice_html(lines: list[str], site: str) -> bytes:
    """A notice as municipalities and companies lay it out: navigation, the notice, a footer."""
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines[1:])
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f"<title>{escape(lines[0])}｜{site}</title></head><body>"
            f'<header><nav><a href="/">ホーム</a> <a href="/city/kurashi/">くらし・手続き</a>'
            f"</nav></header><main><h1>{escape(lines[0])}</h1>{body}</main>"
            f"<footer>Copyright {site} All rights reserved.</footer></body></html>"
            ).encode("utf-8")


def rss(items: list[tuple[str, str, str, str]]) -> bytes:
    """RSS 2.0; items are (title, path, description, pubDate)."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{{base}}{path}</link>"
        f"<description>{escape(description)}</description><pubDate>{date}</pubDate>"
        f"<guid>{{base}}{path}</guid></item>" for title, path, description, date in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>シークス株式会社 ニュース</title><link>{base}/company/</link>"
            f"<description>お知らせ</description>{entries}</channel></rss>").encode("utf-8")


def news_list(items: list[tuple[str, str, str]]) -> bytes:
    """A municipal お知らせ page: date, linked title; menus and a footer around it."""
    rows = "".join(f'<li><span class="date">{date}</span> <a href="{href}">{escape(text)}</a></li>'
                   for date, href, text in items)
    return ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>新着情報｜白井市'
            '</title></head><body><header><nav><ul><li><a href="/">トップページ</a></li>'
            '<li><a href="/city/kurashi/">くらし・手続き</a></li><li><a href="/city/kosodate/">'
            "子育て・教育</a></li></ul></nav></header><main><h1>新着情報</h1>"
            f'<ul class="news-list">{rows}</ul></main><footer><a href="/city/sitemap.html">'
            "サイトマップ</a> 白井市役所</footer></body></html>").encode("utf-8")


def sitemap(paths: list[tuple[str, str]]) -> bytes:
    urls = "".join(f"<url><loc>{{base}}{path}</loc><lastmod>{date}</lastmod></url>"
                   for path, date in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            ).encode("utf-8")


FEED_ITEMS = [
    ("不正アクセスによる個人情報流出のお詫びとお知らせ", "/company/news/20240723.html",
     "当社サーバが第三者による不正アクセスを受けたことを確認いたしました。", "Tue, 23 Jul 2024 09:00:00 +0900"),
    ("株主優待制度の変更および価格改定に関するお知らせ", "/company/news/20240701.html",
     "2024年10月1日より一部製品の価格を改定いたします。", "Mon, 01 Jul 2024 09:00:00 +0900"),
    ("第三者による不正アクセスに関するお知らせ（社内向け）", "/private/incident.html",
     "社内向けのお知らせです。", "Mon, 22 Jul 2024 09:00:00 +0900"),
]
LIST_ITEMS = [
    ("2024年7月23日", "/city/news/shirai.html", "市営水道の委託事業者による個人情報の流出の可能性について"),
    ("2024年7月22日", "/city/docs/usb.pdf", "個人情報を記録したUSBメモリの紛失につきまして（PDF：85KB）"),
    ("2024年7月19日", "/city/news/fee.html", "下水道使用料の料金改定のお知らせ"),
    ("2024年7月18日", "/city/news/travel.html", "お知らせ"),
]
SITEMAP_PATHS = [("/city/news/mihara.html", "2024-07-24"), ("/city/news/travel.html", "2024-07-18")]


def site_pages() -> dict[str, tuple[str, bytes]]:
    """path → (content type, body) of the healthy site; `{base}` is filled in when served."""
    xml, html = "application/xml", "text/html; charset=utf-8"
    return {
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/company/news.rss": ("application/rss+xml", rss(FEED_ITEMS)),
        "/company/news/20240723.html": (html, notice_html(notice("siix"), "シークス株式会社")),
        "/company/news/20240701.html": (html, notice_html(["価格改定のお知らせ", "一部製品の価格を改定いたします。"], "シークス株式会社")),
        "/private/incident.html": (html, notice_html(notice("shirai"), "社内")),
        "/city/news/index.html": (html, news_list(LIST_ITEMS)),
        "/city/news/shirai.html": (html, notice_html(notice("shirai"), "白井市")),
        "/city/docs/usb.pdf": ("application/pdf", release_pdf(notice("doshisha"))),
        "/city/news/fee.html": (html, notice_html(["下水道使用料の料金改定のお知らせ", "令和6年10月から料金を改定します。"], "白井市")),
        "/city/news/travel.html": (html, notice_html(notice("travel"), "白井市")),
        "/city/sitemap.xml": (xml, sitemap(SITEMAP_PATHS)),
        "/city/news/mihara.html": ("text/html", notice_html(notice("mihara"), "市役所")),
    }


@dataclass
class Site:
    base: str
    pages: dict[str, tuple[str, bytes]]
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # method, path, headers
    posted: list[bytes] = field(default_factory=list)
    slow_seconds: float = 3.0
    page_delay: float = 0.0    # seconds before each notice page is answered

    def url(self, path: str) -> str:
        return self.base + path

    def change(self, path: str, body: bytes) -> None:
        self.pages[path] = (self.pages[path][0], body)

    def gets(self, path: str) -> list[dict[str, str]]:
        return [headers for method, seen, headers in self.requests
                if method == "GET" and seen == path]


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.site.requests.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        fault = getattr(self, "_fault_" + self.path.strip("/").split("/")[0].replace("-", "_"), None)
        if fault is not None:
            return fault()
        if self.path not in self.site.pages:
            return self._send(404, b"not found", "text/plain")
        kind, body = self.site.pages[self.path]
        if self.path.endswith((".pdf", ".html")) and not self.path.endswith("index.html"):
            time.sleep(self.site.page_delay)
        body = body.replace(b"{base}", self.site.base.encode())
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = formatdate(1721692800, usegmt=True)
        if self.headers.get("If-None-Match") == tag:
            return self._send(304, b"", None, {"ETag": tag, "Last-Modified": modified})
        self._send(200, body, kind, {"ETag": tag, "Last-Modified": modified})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.site.posted.append(self.rfile.read(length))
        self.site.requests.append(("POST", self.path, dict(self.headers.items())))
        self._send(204, b"", None)

    # the faults a watcher meets
    def _fault_slow(self) -> None:
        time.sleep(self.site.slow_seconds)
        self._send(200, rss(FEED_ITEMS[:1]), "application/rss+xml")

    def _fault_broken(self) -> None:
        self._send(500, b"Internal Server Error", "text/plain")

    def _fault_loop(self) -> None:
        target = "/loop/b" if self.path.endswith("/a") else "/loop/a"
        self._send(302, b"", None, {"Location": target})

    def _fault_garbage(self) -> None:
        self._send(200, bytes(range(256)) * 64, "application/octet-stream")

    def _fault_huge(self) -> None:
        self._stream({"Content-Length": str(HUGE)})

    def _fault_unsized(self) -> None:  # 50 MB with no Content-Length: counted as it arrives
        self._stream({"Connection": "close"})
        self.close_connection = True

    def _stream(self, headers: dict[str, str]) -> None:
        """HUGE bytes of '<' as XML, as long as the client keeps reading."""
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        chunk = b"<" * 65536
        try:
            for _ in range(HUGE // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, kind: str | None,
              headers: dict[str, str] | None = None) -> None:
        respond(self, status, body, {**(headers or {}), **({"Content-Type": kind} if kind else {})})

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def fixture_site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    site = Site(f"http://127.0.0.1:{server.server_address[1]}", site_pages())
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": site})
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
