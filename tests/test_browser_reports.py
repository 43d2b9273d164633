"""The annual report in Debian's Chromium (Playwright): it renders, its chart has a bar a month,
its print layout hides the site furniture and fits A4; screenshots go to artifacts/screenshots/."""
from __future__ import annotations

from tests.test_browser import SHOTS, browser, page  # noqa: F401  (fixtures)


def test_the_annual_report_renders_and_prints(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/reports/2024")
    assert page.inner_text("h1").startswith("セキュリティ事件簿 2024年")
    chart = page.locator("#chart-year-months svg").bounding_box()
    assert chart and chart["width"] > 300 and chart["height"] > 100
    assert page.locator("#chart-year-months svg rect.bar").count() == 12
    assert page.locator("#top10 tr").count() == 11
    first = page.locator("#top10 tr").nth(1).inner_text()
    # jikenbo's number of 【セキュリティ事件簿#2024-313】 and its one figure (cases/affected.py)
    assert "J2024-" in first and "1,332,954" in first
    assert page.locator("header.site").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SHOTS / "annual_report_2024.pdf"), format="A4")
    page.emulate_media(media="screen")
    page.screenshot(path=str(SHOTS / "annual_report_2024.png"), full_page=True)
    page.locator("#top10 a").first.click()
    page.wait_for_url("**/cases/J2024-*")


def test_the_case_page_shows_the_report_chain_and_assessments(page, base: str) -> None:  # noqa: F811
    page.goto(base + "/cases/2024-313")
    chain = page.inner_text("#report-chain")
    assert "2024-07-09" in chain and "第1報" in chain
    assert "社会的責任度" in page.inner_text("#damage-estimate")
    assert page.locator("#ppc-duty tr").count() >= 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "case_2024_313_chain.png"), full_page=True)
    page.locator("#report-chain a").first.click()
    page.wait_for_url("**/releases/*")
