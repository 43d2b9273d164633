"""Curation in a real browser (Debian's Chromium): correct a field in the release page's form,
see it curated apart from the extracted value, mark the release reviewed, watch the review queue
shrink, undo from the CLI and from the web. Saves the review queue screenshot the issue's closing
note shows (tests/test_browser_cases.py saves the case page with aliases)."""
from __future__ import annotations

import pytest

from jikenbo.store import open_store
from tests.conftest import SAMPLE, run_cli
from tests.helpers import casebook_server
from tests.test_browser import SHOTS, browser, page  # noqa: F401  (fixtures)

TOKEN = "curator-token-for-tests"


@pytest.fixture(scope="module")
def location(tmp_path_factory) -> str:
    found = str(tmp_path_factory.mktemp("browser-review") / "casebook.db")
    assert run_cli("ingest", "--db", found, str(SAMPLE)).returncode == 0
    return found


def _queue_count(page) -> int:  # noqa: F811
    return int(page.inner_text("#queue-count").split()[1])


def test_a_curator_corrects_reviews_and_undoes(page, location: str) -> None:  # noqa: F811
    with casebook_server(location, token=TOKEN) as base:
        page.goto(f"{base}/review")
        waiting = _queue_count(page)
        first = page.locator("#review-queue > li").first
        release_id = first.get_attribute("data-release")
        extracted = open_store(location).release(release_id).record
        assert "組織" in first.inner_text()  # the least sure release: its issuer is a default
        first.locator("a.heading").click()
        page.wait_for_url(f"**/releases/{release_id}*")
        assert page.inner_text("#review-state") == "未確認"

        page.click("#edit summary")
        page.fill("#edit-form input[name=token]", TOKEN)
        page.fill("#edit-form input[name=organization]", "高知県行政書士会")
        page.check("#edit-form input[name=categories][value=insider]")
        page.uncheck("#edit-form input[name=categories][value=unauthorized_access]")
        page.fill("#edit-form input[name=note]", "原文の署名を確認")
        page.click("#edit-form button[type=submit]")
        page.wait_for_selector("#curated-fields")
        row = page.locator("#curated-fields tr[data-field=organization]")
        assert "修正済み" in row.inner_text() and "高知県行政書士会" in row.inner_text()
        assert row.locator("td.extracted del").inner_text() == (extracted.organization or "-")
        assert "原文の署名を確認" in row.inner_text()
        categories = page.locator("#curated-fields tr[data-field=categories]")
        assert categories.locator("td.value").inner_text() == "内部不正"
        assert "高知県行政書士会" in page.inner_text("table.record")

        page.fill("#review-form input[name=note]", "照合済み")  # signed in: no token asked
        assert page.locator("#review-form input[name=token]").count() == 0
        page.click("#review-form button[type=submit]")
        page.wait_for_selector("#review-state.reviewed")
        assert page.inner_text("#review-state") == "確認済み"

        page.goto(f"{base}/review")
        assert _queue_count(page) == waiting - 1
        assert page.locator(f"#review-queue li[data-release='{release_id}']").count() == 0
        assert "高知県行政書士会" in page.inner_text("#curator-log")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "review_queue.png"), full_page=True)

        undo = [run_cli("case", "undo", "--db", location) for _ in range(2)]  # review, correction
        assert [result.returncode for result in undo] == [0, 0]
        page.goto(f"{base}/releases/{release_id}")
        assert page.inner_text("#review-state") == "未確認"
        assert page.locator("#curated-fields").count() == 0
        assert "高知県行政書士会" not in page.inner_text("table.record")
        page.goto(f"{base}/review")
        assert _queue_count(page) == waiting

        # the same from the web: correct, then undo with the log's button
        page.goto(f"{base}/releases/{release_id}")
        page.click("#edit summary")
        page.fill("#edit-form input[name=affected_count]", "1,234")
        page.click("#edit-form button[type=submit]")
        page.wait_for_selector("#curated-fields tr[data-field=affected_count]")
        assert "1,234" in page.inner_text("table.record")
        page.goto(f"{base}/review")
        page.locator("#curator-log tr").nth(1).locator("button").click()
        page.wait_for_url(f"{base}/review")
        assert "取り消し済み" in page.locator("#curator-log tr").nth(1).inner_text()
        assert open_store(location).release(release_id).record.affected_count == \
            extracted.affected_count

