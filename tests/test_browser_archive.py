"""A release's own archive in a real browser (issue #12 items 3 and 4): the page shows the
release's span of the archived source, marked, with the whole source one click away and scrolled
to it; its versions with the change between them; the source by its file name; and the original
bytes as a download."""
from __future__ import annotations

import shutil

import pytest

from jikenbo.store import open_store
from tests.conftest import SAMPLE, SHARED, run_cli
from tests.helpers import casebook_server
from tests.test_browser import SHOTS, browser, page  # noqa: F401  (fixtures)

SHIRAI = SHARED / "corpus" / "unnumbered" / "000-00.txt"
ADDENDUM = "【追記】2024年8月1日 調査の結果、流出した個人情報は約1,200件と判明しました。"


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> tuple[str, str]:
    """A casebook holding a notice read twice from one file (the second time with an addendum)
    and a page of the casebook blog with many posts."""
    folder = tmp_path_factory.mktemp("browser-archive")
    location, notice = str(folder / "casebook.db"), folder / "inbox" / "notice.txt"
    notice.parent.mkdir()
    shutil.copy(SHIRAI, notice)
    assert run_cli("ingest", "--db", location, str(notice)).returncode == 0
    notice.write_text(SHIRAI.read_text(encoding="utf-8") + "\n" + ADDENDUM + "\n",
                      encoding="utf-8")
    assert run_cli("ingest", "--db", location, str(notice), str(SAMPLE)).returncode == 0
    return location, str(notice)


def test_the_release_page_shows_its_span_versions_and_original(page, archived) -> None:  # noqa: F811
    location, notice = archived
    store = open_store(location)
    release = next(r for r in store.releases() if r.record.organization == "白井市")
    with casebook_server(location) as base:
        page.goto(f"{base}/releases/{release.id}")
        assert page.inner_text("#source").startswith("notice.txt")
        assert str(SHIRAI.parent) not in page.content() and notice not in page.content()
        span = page.locator("#archive mark.span")
        assert span.get_attribute("id") == f"r-{release.start}"
        assert ADDENDUM in span.inner_text()
        assert span.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        versions = page.locator("ol.versions > li")
        assert versions.count() == 2
        assert ADDENDUM in versions.nth(1).locator("pre.diff .add").all_inner_texts()[-1]
        assert page.locator("ul.occurrences > li").count() == 3  # two reads and the blog's print
        with page.expect_download() as download:
            page.click("#original")
        assert download.value.suggested_filename == "notice.txt"
        assert open(download.value.path(), "rb").read() == open(notice, "rb").read()


def test_the_whole_source_is_one_click_away_and_scrolled_to_the_release(page, archived) -> None:  # noqa: F811
    location, _ = archived
    store = open_store(location)
    # a post deep inside a page of the casebook blog: its span, not the page, is shown
    release = max(store.releases(), key=lambda r: r.start)
    whole = store.archived_source(release.source_id).text
    assert release.start > 10_000 and len(whole) > release.end - release.start
    with casebook_server(location) as base:
        page.goto(f"{base}/releases/{release.id}")
        shown = page.inner_text("#archive pre.archive")
        assert len(shown) < len(whole) / 2 and release.record.title in shown
        page.click("#full-source")
        page.wait_for_load_state()
        assert page.url.endswith(f"/releases/{release.id}/source#r-{release.start}")
        mark = page.locator(f"mark#r-{release.start}")
        assert mark.inner_text().strip() == release.text.strip()
        assert page.evaluate("window.scrollY") > 0  # scrolled down to the release
        box = mark.bounding_box()
        assert box is not None and 0 <= box["y"] < 900  # … so that it starts in view
        page.screenshot(path=str(SHOTS / "release-archive-source.png"))
