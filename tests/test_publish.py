"""publish/: casebook posts in the seed blog's layout. Published pages read back through jikenbo's
own casebook splitter (and, for HTML, its HTML reader) give the same records: the round trip runs
over the whole sample casebook."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jikenbo import pipeline, sources
from jikenbo.extract import extract_record
from jikenbo.parse import split_posts
from jikenbo.publish import render, select
from jikenbo.publish.post import compose
from jikenbo.store import open_store
from tests.conftest import SAMPLE, SHARED, run_cli

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    found = open_store(str(tmp_path_factory.mktemp("publish") / "casebook.db"))
    pipeline.ingest(found, sources.expand([str(SAMPLE)]), sources.ReadOptions())
    return found


def _fields(record) -> dict:
    row = record.to_dict()
    row.pop("source")
    return row


def _incidents(store) -> dict[str, dict]:
    return {release.record.heading: _fields(release.record) for release in store.releases()
            if release.record.is_incident}


def test_markdown_round_trip_on_the_sample_casebook(store) -> None:
    posts = select.batch_posts(store)
    published = render.markdown(posts)
    back = {record.heading: _fields(record)
            for record in (extract_record(post, "published.md") for post in split_posts(published))}
    stored = _incidents(store)
    assert len(stored) >= 70 and len(back) == len(stored)
    assert back == stored


def test_html_round_trip_through_the_html_reader(store, tmp_path: Path) -> None:
    page = tmp_path / "published.html"
    page.write_text(render.html_page(select.batch_posts(store)),
                    encoding="utf-8")
    back = {record.heading: _fields(record)
            for record in pipeline.extract_source(sources.load(str(page))).records}
    assert back == _incidents(store)


def test_post_layout_heading_archive_link_and_labels(store) -> None:
    shirai = next(release for release in store.releases()
                  if release.record.heading.startswith("【セキュリティ事件簿#2024-313】白井市"))
    post = compose(shirai, "2024-313", base_url="http://127.0.0.1:8000/")
    text = render.markdown([post])
    assert text.startswith("【セキュリティ事件簿#2024-313】白井市 市営水道の委託事業者による"
                           "個人情報の流出の可能性について 2024/7/23\n")
    assert f"[リリース文アーカイブ](http://127.0.0.1:8000/releases/{shirai.id})" in text
    assert text.rstrip().endswith("ラベル: インシデント:不正アクセス")


def test_earlier_release_markers_kept_from_the_blog(store) -> None:
    sikes = next(release for release in store.releases()
                 if release.record.heading.startswith("【セキュリティ事件簿#2023-169】"))
    assert "【2023年4月28日リリース分】" in render.markdown([compose(sikes, "2023-169")])


def test_a_press_release_gets_the_casebook_heading_and_markers(tmp_path: Path) -> None:
    """A raw notice (no casebook heading) is published under its case number, issuer, title and
    date, with markers for the case's earlier releases, and reads back as a casebook post."""
    source = SHARED / "corpus" / "releases" / "h007.txt"
    if not source.exists():
        pytest.skip(f"release corpus not found at {source}")
    store = open_store(str(tmp_path / "one.db"))
    pipeline.ingest(store, [str(source)], sources.ReadOptions())
    release = next(iter(store.releases()))
    post = compose(release, "2023-009", earlier=["2022-10-25", "2022-11-11"])
    text = render.markdown([post])
    record = release.record
    assert post.heading.startswith(f"【セキュリティ事件簿#2023-009】{record.organization} ")
    assert "【2022年11月11日リリース分】" in text and "【2022年10月25日リリース分】" in text
    again = extract_record(split_posts(text)[0], "published.md")
    assert again.case_id == "2023-009" and again.organization == record.organization
    assert sorted(again.earlier_releases) == ["2022-10-25", "2022-11-11"]


def test_blogger_atom_is_importable_xml(store) -> None:
    posts = select.batch_posts(store, year="2024")
    feed = ET.fromstring(render.blogger_atom(posts))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(posts) > 10
    first = entries[0]
    terms = [item.get("term") for item in first.findall(f"{ATOM}category")]
    assert "http://schemas.google.com/blogger/2008/kind#post" in terms
    assert any(term.startswith("インシデント:") for term in terms)
    assert first.find(f"{ATOM}title").text.startswith("【セキュリティ事件簿#")
    assert "リリース文アーカイブ" in first.find(f"{ATOM}content").text
    assert all(entry.find(f"{ATOM}published").text.startswith("2024-") for entry in entries)


def test_cli_publish_case_and_batch(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    assert run_cli("ingest", "--db", db, str(SAMPLE)).returncode == 0
    case = run_cli("publish", "2024-313", "--db", db)
    assert case.returncode == 0, case.stderr
    assert case.stdout.decode("utf-8").count("【セキュリティ事件簿#2024-313】") >= 10
    out = tmp_path / "blog.atom"
    batch = run_cli("publish", "--format", "blogger", "--since", "2024-07-01", "--db", db,
                    "-o", str(out))
    assert batch.returncode == 0, batch.stderr
    assert ET.parse(out).getroot().tag == f"{ATOM}feed"


@pytest.mark.parametrize("args", [("publish",), ("publish", "abc"), ("publish", "--since", "7/1"),
                                  ("publish", "2024-313", "--year", "2024")])
def test_cli_publish_usage_errors(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_cli(*args, "--db", str(tmp_path / "empty.db"))
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_cli_publish_unknown_case(tmp_path: Path) -> None:
    result = run_cli("publish", "2099-999", "--db", str(tmp_path / "empty.db"))
    assert result.returncode == 1 and b"no case 2099-999" in result.stderr


def test_publish_and_report_are_documented() -> None:
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("jikenbo publish", "--format blogger", "--since", "--case", "--year",
                   "--base-url", "jikenbo report", "/reports/", "discovered"):
        assert needle in readme, needle
