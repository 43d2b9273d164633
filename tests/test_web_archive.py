"""A release's own archive over real HTTP (issue #12 item 4): the original bytes of a text, an
HTML page in Shift_JIS and a PDF come back as read, with their content type and file name; a
file input is shown by its name, never the ingesting machine's path."""
from __future__ import annotations

import httpx
import pytest

from jikenbo.store import open_store
from jikenbo.web.archive import content_type, diff_lines, download_name
from tests.conftest import SHARED, run_cli
from tests.helpers import casebook_server, release_html, release_pdf

SHIRAI = SHARED / "corpus" / "unnumbered" / "000-00.txt"


def lines(name: str) -> list[str]:
    text = (SHARED / "corpus" / "unnumbered" / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-archive")
    inbox = folder / "home" / "operator" / "inbox"
    inbox.mkdir(parents=True)
    files = {"notice.txt": SHIRAI.read_bytes(),  # three notices of three issuers
             "tokyo.html": release_html(lines("000-09.txt"), "shift_jis").encode(
                 "shift_jis", errors="xmlcharrefreplace"),
             "usb.pdf": release_pdf(lines("002-07.txt")[:40])}
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    location = str(folder / "casebook.db")
    assert run_cli("ingest", "--db", location, str(inbox)).returncode == 0
    store = open_store(location)
    ids = {place.locator: release.id for release in store.releases()
           for place in store.occurrences(release.id)}
    with casebook_server(location) as base:
        yield base, ids, files, str(inbox)


@pytest.mark.parametrize("name, expected", [
    ("notice.txt", "text/plain; charset=utf-8"),
    ("tokyo.html", "text/html; charset=shift_jis"),
    ("usb.pdf", "application/pdf"),
])
def test_the_original_comes_back_as_read(served, name: str, expected: str) -> None:
    base, ids, files, _ = served
    assert len(set(ids.values())) == 3
    answer = httpx.get(f"{base}/releases/{ids[name]}/original", timeout=30)
    assert answer.status_code == 200 and answer.content == files[name]
    assert answer.headers["content-type"].lower() == expected
    assert f'filename="{name}"' in answer.headers["content-disposition"]


def test_every_read_is_listed_by_file_name_only(served) -> None:
    base, ids, _, inbox = served
    for name, release in ids.items():
        page = httpx.get(f"{base}/releases/{release}", timeout=30).text
        assert name in page and inbox not in page and "/home/operator" not in page


def test_an_unknown_version_or_release_is_a_clear_404(served) -> None:
    base, ids, _, _ = served
    release = ids["notice.txt"]
    for path in (f"/releases/{release}/original?version=99", f"/releases/{release}/source?version=99",
                 "/releases/abcdef0123/original", "/releases/zz/source"):
        assert httpx.get(base + path, timeout=30).status_code == 404


@pytest.mark.parametrize("kind, encoding, locator, expected", [
    ("html", "euc-jp", "https://www.city.example.lg.jp/a.html", "text/html; charset=euc-jp"),
    ("html", "cp932", "index.html", "text/html; charset=shift_jis"),
    ("pdf", None, "notice.pdf", "application/pdf"),
    ("text", None, "notice.txt", "text/plain"),
    ("", None, "scan.pdf", "application/pdf"),
    ("", None, "unknown.bin", "application/octet-stream"),
])
def test_content_types(kind, encoding, locator, expected) -> None:
    assert content_type(kind, encoding, locator) == expected


@pytest.mark.parametrize("locator, expected", [
    ("https://www.city.example.lg.jp/news/0723.html", "0723.html"),
    ("/home/operator/inbox/白井市.txt", "白井市.txt"),
    ('evil"\r\nX-Header: 1.txt', "evil___X-Header__1.txt"),
    ("https://example.jp/", "fallback.txt"),
    ("posted:../..", "fallback.txt"),
])
def test_download_names_are_safe_for_a_header(locator: str, expected: str) -> None:
    assert download_name(locator, "fallback.txt") == expected


def test_a_diff_shows_what_the_new_version_changed() -> None:
    before = SHIRAI.read_text(encoding="utf-8")
    after = before.replace("約8千6百件", "約8千7百件")
    kinds = {kind for kind, line in diff_lines(before, after) if "約8千" in line}
    assert kinds == {"add", "del"} and diff_lines(before, before) == []
