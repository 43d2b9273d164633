"""Test inputs made from real corpus text: HTML pages, PDFs, a loopback HTTP server."""
from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jikenbo.extract.context import PostText
from jikenbo.parse import Post
from tests.conftest import SAMPLE

# A real release from the seed corpus: the first post of the first page.
SEED_PAGE = sorted(SAMPLE.glob("*.txt"))[0].read_text(encoding="utf-8")
SHIRAI = SEED_PAGE.split("リリース文アーカイブ")[0].strip()
SHIRAI_LINES = [line for line in SHIRAI.splitlines() if line.strip()]


def release_html(lines: list[str] = SHIRAI_LINES, charset: str = "utf-8",
                 extra_body: str = "") -> str:
    paragraphs = "\n".join(f"<p>{line}</p>" for line in lines[1:])
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}">'
            f"<title>個人情報の流出の可能性について｜白井市</title>"
            "<script>var tracking = '追跡スクリプト';</script><style>p{color:red}</style></head>"
            "<body><header><nav><ul><li>ホーム</li><li>くらしの情報</li><li>市政情報</li></ul></nav></header>"
            f"<main><h1>{lines[0]}</h1>{paragraphs}{extra_body}</main>"
            "<footer>Copyright 白井市役所 All rights reserved.</footer></body></html>")


def release_pdf(lines: list[str] = SHIRAI_LINES, password: str | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("HeiseiKakuGo-W5", 9)
    y = 800
    for line in lines[:30]:
        for start in range(0, len(line), 55):
            page.drawString(30, y, line[start:start + 55])
            y -= 13
            if y < 40:
                page.showPage()
                page.setFont("HeiseiKakuGo-W5", 9)
                y = 800
    if password:
        page.setEncrypt(password)
    page.save()
    return out.getvalue()


def blank_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(50, 50, 200, 200)
    page.save()
    return out.getvalue()


def respond(handler: BaseHTTPRequestHandler, status: int, body: bytes,
            headers: dict[str, str] | None = None) -> None:
    """Send a whole response; a client that hung up early is not the server's error."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow":
            time.sleep(3)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        respond(self, status, body, headers)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def http_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving `routes`; yields its base URL."""
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def casebook_server(location: str, token: str | None = None) -> Iterator[str]:
    """`jikenbo serve`'s app under uvicorn on a free loopback port; yields its base URL."""
    import socket

    import uvicorn

    from jikenbo.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(location, token=token), host="127.0.0.1", port=port,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the casebook server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


BODY_HEADLINE = "個人情報の取扱いに関する事案について\n"


def body_view(body: str) -> PostText:
    """A headerless post whose first line is a neutral headline, so `body` is read as its body."""
    text = BODY_HEADLINE + body
    view = PostText.of(Post(BODY_HEADLINE, text, 0, len(text), False))
    assert view.headline_end == len(BODY_HEADLINE) - 1  # the body is not taken as the headline
    return view
