"""Every page on a 390 px phone (Debian's Chromium at 390×844): nothing wider than the screen,
with a release that has a 300-character URL and a long unbroken title in the casebook; number
and date cells on one line; a skip link first; the highlight colours explained on the release
page. Screenshots go to docs/screenshots/ (mobile-*.png)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from jikenbo.store import open_store
from tests.conftest import ROOT, SAMPLE, run_cli
from tests.test_browser import ARGS, browser  # noqa: F401  (shared fixture)

SHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
LONG_URL = "https://www.example.co.jp/information/security/2024/" + "incident-report-" * 16 + ".html"
LONG_WORD = "SECURITY-INCIDENT-NOTICE-" * 4
LONG_NOTICE = f"""【セキュリティ事件簿#2024-901】株式会社ミナトデジタルソリューションズ 当社ウェブサイト{LONG_WORD}への不正アクセスによる個人情報流出の可能性に関するお知らせとお詫び 2024/9/30

このたび、当社が運営するウェブサイト({LONG_URL})が第三者による不正アクセスを受け、お客様の個人情報12,345件(氏名、住所、電話番号、メールアドレス)が流出した可能性があることが判明いたしました。

お客様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。
"""


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample casebook and one release written to be hard to fit on a phone."""
    folder = tmp_path_factory.mktemp("mobile")
    pages = folder / "pages"
    shutil.copytree(SAMPLE, pages)
    (pages / "zz_long.txt").write_text(LONG_NOTICE, encoding="utf-8")
    location = str(folder / "casebook.db")
    assert run_cli("ingest", "--db", location, str(pages)).returncode == 0
    return location


@pytest.fixture
def phone(browser) -> Iterator:  # noqa: F811
    context = browser.new_context(locale="ja-JP", viewport=PHONE, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"browser errors: {errors}"


def _pages(casebook: str) -> dict[str, str]:
    store = open_store(casebook)
    releases = list(store.releases())
    long_one = next(r for r in releases if LONG_WORD in r.record.title)
    widest_org = max((r.record.organization or "" for r in releases), key=len)
    return {"latest": "/", "search": "/search?q=個人情報", "release": f"/releases/{long_one.id}",
            "release-search": f"/releases/{long_one.id}?q=不正アクセス", "cases": "/cases",
            "case": f"/cases/{store.resolve_case('2024-313')}", "stats": "/stats",
            "category": "/categories/unauthorized_access",
            "organization": f"/organizations/{widest_org}", "sources": "/sources",
            "report": "/reports/2024", "error": "/no-such-page"}


def test_no_page_is_wider_than_a_390px_phone(phone, base: str, casebook: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, path in _pages(casebook).items():
        answer = phone.goto(base + path)
        assert answer.status < 400 or name == "error", (path, answer.status)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        phone.screenshot(path=str(SHOTS / f"mobile-{name}.png"))  # the first screen
    assert too_wide == {}


def test_the_long_url_and_title_are_on_the_page_not_hidden(phone, base: str,
                                                          casebook: str) -> None:
    phone.goto(base + _pages(casebook)["release"])
    assert LONG_WORD in phone.inner_text("h1")
    assert LONG_URL in phone.inner_text("#release-text")
    box = phone.locator("#release-text").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_number_and_date_cells_stay_on_one_line(phone, base: str) -> None:
    phone.goto(base + "/stats")
    cells = phone.locator("td.num, td.date")
    assert cells.count() > 20
    lines = cells.evaluate_all(
        """cells => cells.filter(c => c.innerText.trim()).map(c => {
             const range = document.createRange(); range.selectNodeContents(c);
             const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
             return [c.innerText, tops.size]; })""")
    assert lines and all(count == 1 for _, count in lines), [t for t, n in lines if n != 1]
    scroller = phone.locator(".table-scroll").first
    assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(phone, base: str) -> None:
    phone.goto(base + "/search?q=紛失")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("[document.activeElement.className, document.activeElement.innerText]")
    assert focused == ["skip", "本文へ移動"]
    box = phone.locator("a.skip").bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0  # on screen once focused
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
    assert phone.url.endswith("#main")


def test_the_release_page_explains_its_highlight_colours(phone, base: str,
                                                        casebook: str) -> None:
    shirai = next(r for r in open_store(casebook).releases() if r.record.organization == "白井市")
    phone.goto(base + f"/releases/{shirai.id}?q=水道")
    legend = phone.locator("ul.ev-legend")
    assert "影響件数" in legend.inner_text() and "検索語" in legend.inner_text()
    colour = "e => getComputedStyle(e).backgroundColor"
    # (mark in the text, its entry in the legend): the entry has the text's colour
    for in_text, entry in (("ev-affected_count", "ev-affected_count"),
                           ("ev-organization", "ev-organization"),
                           ("ev-categories", "ev-categories"), ("ev-data_types", "ev-data_types"),
                           ("ev-case_id", "ev:not([class*=ev-])"), ("hit", "hit")):
        marks = phone.locator(f"#release-text mark.{in_text}")
        assert marks.count(), in_text
        assert legend.locator(f"mark.{entry}").evaluate(colour) == marks.first.evaluate(colour)
    entries = legend.locator("mark")
    shown = {entries.nth(i).evaluate(colour) for i in range(entries.count())}
    assert len(shown) == entries.count() == 6  # every colour tells a different thing
    phone.goto(base + f"/releases/{shirai.id}")  # no search: no 検索語 entry
    assert "検索語" not in phone.inner_text("ul.ev-legend")
