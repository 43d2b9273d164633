"""The fetcher against hostile servers, all on loopback: compression bombs, trickling bodies,
redirects into private addresses, conditional requests."""
from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jikenbo.errors import InputError
from jikenbo.sources import ReadOptions, load
from jikenbo.sources.fetch import AddressPolicy, FetchLimits, fetch, is_public
from tests.helpers import release_html, respond

PAGE = release_html().encode("utf-8")
Handler = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def server(handle: Handler, host: str = "127.0.0.1") -> Iterator[str]:
    """A real HTTP server on `host` (any 127.x address is loopback) answering with `handle`."""
    handler = type("H", (BaseHTTPRequestHandler,), {
        "do_GET": lambda self: handle(self), "log_message": lambda self, *args: None,
        "protocol_version": "HTTP/1.1"})
    httpd = ThreadingHTTPServer((host, 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def reply(request: BaseHTTPRequestHandler, status: int, body: bytes = b"",
          **headers: str) -> None:
    respond(request, status, body, {name.replace("_", "-"): value
                                    for name, value in headers.items()})


def test_double_gzip_bomb_is_refused_before_it_expands() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * 60_000_000, 9), 9)  # 60 MB inside
    assert len(bomb) < 10_000
    with server(lambda r: reply(r, 200, bomb, Content_Type="text/plain",
                                Content_Encoding="gzip, gzip")) as base:
        started = time.monotonic()
        with pytest.raises(InputError, match="5,000,000-byte limit"):
            load(base + "/bomb.txt", ReadOptions(max_bytes=5_000_000))
        assert time.monotonic() - started < 5


def test_gzip_pages_are_decoded() -> None:
    packed = gzip.compress(gzip.compress(PAGE))
    with server(lambda r: reply(r, 200, packed, Content_Type="text/html; charset=utf-8",
                                Content_Encoding="gzip, gzip")) as base:
        assert "約8千6百件" in load(base + "/notice.html").text


def _chunked(request: BaseHTTPRequestHandler, pieces: int, piece: bytes, pause: float) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/plain; charset=utf-8")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    try:
        for _ in range(pieces):
            request.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            request.wfile.flush()
            time.sleep(pause)
        request.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_bytes_are_counted_as_they_arrive_without_a_length() -> None:
    with server(lambda r: _chunked(r, 10_000, b"x" * 1000, 0)) as base:
        with pytest.raises(InputError, match="5,000-byte limit"):
            load(base + "/endless", ReadOptions(max_bytes=5_000))


def test_a_trickling_server_meets_the_deadline() -> None:
    limits = FetchLimits(read_timeout=5, deadline=1.5)
    with server(lambda r: _chunked(r, 100, "事".encode(), 0.1)) as base:
        started = time.monotonic()
        with pytest.raises(InputError, match="longer than the 1.5 s"):
            load(base + "/trickle", ReadOptions(fetch=limits))
        assert time.monotonic() - started < 2.5


def _redirect_to(target: str) -> Handler:
    return lambda r: reply(r, 302, Location=target) if r.path == "/go" else reply(
        r, 200, PAGE, Content_Type="text/html; charset=utf-8")


# "public.test" plays a public host: it resolves to 127.0.0.2, which the policy counts as public.
PUBLIC_ALIAS = "public.test"


def _playing_public(trusted: str | None = None) -> AddressPolicy:
    def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.2"] if host == PUBLIC_ALIAS else [host]
    return AddressPolicy(trusted, resolver, lambda address: address == "127.0.0.2")


def test_a_redirect_from_a_public_host_to_loopback_is_refused() -> None:
    with server(_redirect_to("/"), host="127.0.0.1") as private:
        with server(_redirect_to(private + "/secret"), host="127.0.0.2") as public:
            url = public.replace("127.0.0.2", PUBLIC_ALIAS) + "/go"
            with pytest.raises(InputError, match="127.0.0.1 resolves to 127.0.0.1.*refused"):
                fetch(url, FetchLimits(), 1_000_000, _playing_public())
            # the public page itself is fetched under the same policy
            page = fetch(public.replace("127.0.0.2", PUBLIC_ALIAS) + "/page", FetchLimits(),
                         1_000_000, _playing_public())
            assert page.status == 200 and b"8" in page.data


def test_a_url_from_the_web_api_may_not_name_a_private_host() -> None:
    with server(_redirect_to("/")) as base:
        with pytest.raises(InputError, match="loopback, private"):
            load(base + "/notice", ReadOptions(operator_named=False))
        assert "約8千6百件" in load(base + "/notice").text  # typed by the operator


def test_the_operators_private_host_may_redirect_to_itself_only() -> None:
    with server(_redirect_to("/page")) as base:
        assert "約8千6百件" in load(base + "/go").text
    with server(_redirect_to("/"), host="127.0.0.2") as other:
        with server(_redirect_to(other + "/page")) as base:
            with pytest.raises(InputError, match="127.0.0.2 resolves to 127.0.0.2.*refused"):
                load(base + "/go")


def test_extra_headers_are_sent_and_status_and_headers_returned() -> None:
    def conditional(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            reply(request, 304, ETag='"v1"')
        else:
            reply(request, 200, PAGE, ETag='"v1"', Content_Type="text/html")
    with server(conditional) as base:
        policy = AddressPolicy("127.0.0.1")
        first = fetch(base + "/n", FetchLimits(), 1_000_000, policy)
        assert first.status == 200 and first.header("ETag") == '"v1"' and first.data == PAGE
        again = fetch(base + "/n", FetchLimits(), 1_000_000, policy, {"If-None-Match": '"v1"'})
        assert again.status == 304 and again.data == b""


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("192.168.0.1", False), ("169.254.169.254", False), ("224.0.0.1", False), ("240.0.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("ff02::1", False),
    ("::ffff:192.168.0.1", False), ("100.64.0.1", False),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public
