"""Sources: files, directories, stdin, HTML, PDF and URLs fetched from a real loopback server."""
from __future__ import annotations

from pathlib import Path

import pytest

from jikenbo.errors import InputError
from jikenbo.sources import ReadOptions, expand, load
from jikenbo.sources.fetch import FetchLimits
from tests.helpers import (SHIRAI_LINES, blank_pdf, http_server, release_html, release_pdf)


def test_html_keeps_main_text_and_title_and_drops_furniture(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(release_html(), encoding="utf-8")
    source = load(str(page))
    assert source.kind == "html"
    assert source.title == "個人情報の流出の可能性について｜白井市"
    assert "約8千6百件" in source.text
    for furniture in ("くらしの情報", "追跡スクリプト", "Copyright", "color:red"):
        assert furniture not in source.text
    assert source.data == page.read_bytes()


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(release_pdf())
    source = load(str(path))
    assert source.kind == "pdf"
    assert "白井市" in source.text and "TGES社" in source.text


@pytest.mark.parametrize("make, reason", [
    (lambda: release_pdf(password="secret"), "encrypted PDF"),
    (lambda: release_pdf()[:1500], "truncated or damaged PDF"),
    (blank_pdf, "no text layer"),
])
def test_unreadable_pdfs_are_refused(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(make())
    with pytest.raises(InputError, match=reason):
        load(str(path))


@pytest.mark.parametrize("content, reason", [
    (b"", "empty input"),
    (b"  \n\n", "empty input"),
    (b"<html><body><script>x()</script><nav>menu</nav></body></html>", "no main text"),
])
def test_empty_inputs_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        load(str(path))


def test_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("\n".join(SHIRAI_LINES) * 50, encoding="utf-8")
    with pytest.raises(InputError, match="limit"):
        load(str(path), ReadOptions(max_bytes=10_000))


def test_missing_path() -> None:
    with pytest.raises(InputError, match="no such file"):
        load("/no/such/notice.txt")


def test_directory_expands_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("b/c/3.txt", "a.html", "b/2.pdf", ".hidden.txt", "b/image.png"):
        (tmp_path / name).write_text("x")
    found = [Path(item).relative_to(tmp_path).as_posix() for item in expand([str(tmp_path)])]
    assert found == ["a.html", "b/2.pdf", "b/c/3.txt"]


def test_url_fetch_with_declared_shift_jis() -> None:
    body = release_html(charset="Shift_JIS", extra_body="<p>①お問い合わせ～</p>").encode("cp932")
    routes = {"/notice": (200, {"Content-Type": "text/html; charset=Shift_JIS"}, body),
              "/moved": (301, {"Location": "/notice"}, b"")}
    with http_server(routes) as base:
        source = load(f"{base}/moved")
    assert source.kind == "html"
    assert source.encoding == "cp932"
    assert "①お問い合わせ～" in source.text and "約8千6百件" in source.text


def test_url_pdf() -> None:
    routes = {"/r.pdf": (200, {"Content-Type": "application/pdf"}, release_pdf())}
    with http_server(routes) as base:
        assert "白井市" in load(f"{base}/r.pdf").text


@pytest.mark.parametrize("path, options, reason", [
    ("/missing", ReadOptions(), "HTTP 404"),
    ("/slow", ReadOptions(fetch=FetchLimits(read_timeout=0.5)), "timed out"),
    ("/loop", ReadOptions(), "redirects"),
    ("/big", ReadOptions(max_bytes=5_000), "limit"),
])
def test_url_failures_are_reported(path: str, options: ReadOptions, reason: str) -> None:
    routes = {"/slow": (200, {}, b"late"), "/loop": (302, {"Location": "/loop"}, b""),
              "/big": (200, {"Content-Type": "text/plain"}, b"x" * 50_000)}
    with http_server(routes) as base:
        with pytest.raises(InputError, match=reason) as caught:
            load(base + path, options)
    assert caught.value.name == base + path


def test_refuses_other_schemes() -> None:
    with pytest.raises(InputError, match="only http"):
        load("ftp://127.0.0.1/notice.txt")
