"""Atom feeds of every list, read by feedparser (the reader most Python tools use): well formed
(`bozo == 0`), `tag:` ids and links from the configured base URL whatever Host the client
sends, each facet a category with scheme, term and label, entries newest added first."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import feedparser
import httpx
import pytest

from jikenbo.errors import UsageError
from jikenbo.web.feeds import base_url_of, tag_id
from jikenbo.web.views import label
from tests.helpers import casebook_server

PUBLIC = "https://casebook.example.jp/jikenbo/"
FEEDS = ["/feeds/releases.atom", "/feeds/search.atom?q=個人情報", "/feeds/search.atom?q=不正アクセス&leak=suspected",
         "/feeds/categories/ransomware.atom", f"/feeds/organizations/{quote('白井市')}.atom",
         f"/feeds/vendors/{quote('東京ガスエンジニアリングソリューションズ株式会社')}.atom",
         "/feeds/cases/J2024-0008.atom", "/feeds/cases/2024-313.atom"]


@pytest.fixture(scope="module")
def public(casebook: str) -> Iterator[str]:
    """A server over the sample casebook that is published under PUBLIC."""
    with casebook_server(casebook, base_url=PUBLIC) as url:
        yield url


def read(url: str, headers: dict | None = None) -> feedparser.FeedParserDict:
    answer = httpx.get(url, headers=headers, timeout=60)
    assert answer.status_code == 200, url
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return feedparser.parse(answer.content)


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_is_well_formed_atom_with_tag_ids(public: str, path: str) -> None:
    feed = read(public + path)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.entries
    assert feed.feed.id.startswith(PUBLIC + "feeds/")
    for entry in feed.entries:
        assert entry.id.startswith("tag:casebook.example.jp,20") and ":release/" in entry.id
        assert entry.link.startswith(PUBLIC + "releases/")
        assert entry.id == tag_id(PUBLIC, entry.updated, entry.link.rsplit("/", 1)[1])
    added = [entry.updated for entry in feed.entries]
    assert added == sorted(added, reverse=True)  # newest added first


def test_the_feeds_follow_their_lists(public: str) -> None:
    searched = httpx.get(public + "/api/search", params={"q": "個人情報", "per_page": "50"},
                         timeout=30).json()
    feed = read(public + "/feeds/search.atom?q=個人情報")
    assert len(feed.entries) == min(50, searched["total"])
    case = httpx.get(public + "/api/cases/2024-313", timeout=30).json()
    entries = read(public + f"/feeds/cases/{case['number']}.atom").entries
    assert {e.link.rsplit("/", 1)[1] for e in entries} == {r["release_id"] for r in case["reports"]}
    for entry in read(public + "/feeds/categories/ransomware.atom").entries:
        assert "ransomware" in [tag.term for tag in entry.tags]


def test_each_facet_is_a_category_with_scheme_term_and_label(public: str) -> None:
    feed = read(public + f"/feeds/organizations/{quote('白井市')}.atom")
    release = httpx.get(public + "/api/releases/" + feed.entries[0].link.rsplit("/", 1)[1],
                        timeout=30).json()
    tags = {(tag.scheme, tag.term, tag.label) for tag in feed.entries[0].tags}
    expected = {(PUBLIC + "categories", c, label("category", c)) for c in release["categories"]}
    expected |= {(PUBLIC + "data-types", d, label("data_type", d)) for d in release["data_types"]}
    expected.add((PUBLIC + "leak", release["leak_status"], label("leak", release["leak_status"])))
    assert tags == expected and len(expected) > 2
    assert ("https://casebook.example.jp/jikenbo/data-types", "name", "氏名") in tags


def test_a_hostile_host_header_never_reaches_a_feed(public: str) -> None:
    answer = httpx.get(public + "/feeds/releases.atom", timeout=30,
                       headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert b"evil.example" not in answer.content
    assert b"127.0.0.1" not in answer.content  # nor the address it was reached at


def test_the_default_base_url_and_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("JIKENBO_BASE_URL", raising=False)
    assert base_url_of() == "http://127.0.0.1:8000/"
    monkeypatch.setenv("JIKENBO_BASE_URL", "https://example.org/casebook")
    assert base_url_of() == "https://example.org/casebook/"
    assert base_url_of("http://10.0.0.5:9000") == "http://10.0.0.5:9000/"
    for wrong in ("ftp://example.org/", "example.org", "https://", "https://x/?a=1",
                  "javascript:alert(1)"):
        with pytest.raises(UsageError):
            base_url_of(wrong)


def test_serve_refuses_a_base_url_it_cannot_use(db: str) -> None:
    from tests.conftest import run_cli
    done = run_cli("serve", "--db", db, "--port", "0", "--base-url", "ftp://example.org/")
    assert done.returncode != 0 and b"Traceback" not in done.stderr
    assert b"base URL 'ftp://example.org/'" in done.stderr


def test_every_serve_option_is_in_the_readme() -> None:
    from pathlib import Path

    from jikenbo.cli import serve
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = [name for param in serve.params for name in param.opts if name.startswith("--")]
    assert "--base-url" in names
    assert [name for name in names if name not in readme] == []
