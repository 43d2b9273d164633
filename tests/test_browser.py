"""The web casebook in a real browser: Debian's Chromium, driven by Playwright.

Screenshots are kept in artifacts/screenshots/ as test artefacts. Without Chromium the suite is
skipped locally, but fails under CI (CI=true), where .ci/run installs it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from jikenbo.store import open_store
from tests.conftest import ROOT

CHROMIUM = os.environ.get("JIKENBO_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield opened
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"browser errors: {errors}"


def test_searching_for_loss_finds_the_usb_loss_posts(page, base: str) -> None:
    page.goto(base + "/")
    page.fill("header input[name=q]", "紛失")
    page.click("header button[type=submit]")
    page.wait_for_url("**/search?q=*")
    headings = page.locator("ol.releases a.heading").all_inner_texts()
    assert headings and all("紛失" in h or "USB" in h for h in headings[:3])
    assert any("USB" in heading for heading in headings)
    assert page.input_value("main input[name=q]") == "紛失"


def test_a_facet_click_narrows_the_list_and_updates_its_counts(page, base: str) -> None:
    page.goto(base + "/search?q=不正アクセス")
    before = int(page.inner_text("#total").split()[0])
    category_counts = page.locator("section[data-facet=category] .count").all_inner_texts()
    facet = page.locator("section[data-facet=category] a[data-value=ransomware]")
    shown = int(facet.locator("xpath=..").locator(".count").inner_text().strip("()"))
    facet.click()
    page.wait_for_url("**category=ransomware*")
    after = int(page.inner_text("#total").split()[0])
    assert after == shown < before
    assert page.locator("ol.releases > li").count() == min(after, 20)
    # a facet's own counts leave out its own choice (choosing another category adds to the
    # list); the other facets count only what is listed now
    assert page.locator("section[data-facet=category] .count").all_inner_texts() == category_counts
    leak = page.locator("section[data-facet=leak] .count").all_inner_texts()
    assert sum(int(c.strip("()")) for c in leak) == after
    assert page.locator("section[data-facet=category] li.active").count() == 1


def test_the_2024_313_case_page_lists_all_its_releases(page, base: str, casebook: str) -> None:
    store = open_store(casebook)  # the source's number leads to jikenbo's own
    members = store.case_releases(store.resolve_case("2024-313"))
    page.goto(base + "/cases/2024-313")
    assert page.locator("ol.timeline > li").count() == len(members) >= 10
    assert page.inner_text("#report-count") == str(len(members))
    page.locator("ol.timeline a").first.click()
    page.wait_for_url("**/releases/*")
    assert page.locator("mark.ev").count() > 0


def test_the_statistics_page_renders_its_charts(page, base: str) -> None:
    page.goto(base + "/stats")
    for chart in ("#chart-months svg", "#chart-leak svg"):
        box = page.locator(chart).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    assert page.locator("#chart-months svg rect.bar").count() > 10
    assert page.locator("table.ranking").count() >= 2
