"""Raw press releases (no casebook heading): headline, issuer and date from the layouts issuers
use — date and 各位 before the headline, a signature block after it, an HTML page title.

The bodies are real releases from the unnumbered corpus with their casebook line removed; each
is laid out the way issuers publish, and the gold record says what must come out.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from jikenbo.pipeline import extract_source
from jikenbo.sources import from_bytes
from tests.conftest import SHARED

KINDS = {  # one real release of each kind of issuer
    "company": lambda org: org.startswith("株式会社") or org.endswith("株式会社"),
    "city": lambda org: org.endswith("市"),
    "university": lambda org: org.endswith("大学"),
    "hospital": lambda org: org.endswith("病院"),
}


def _gold(kind: str) -> tuple[dict, str]:
    for line in (SHARED / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["is_incident"] and row["organization"] and row["published"] \
                and KINDS[kind](row["organization"]):
            text = (SHARED / "corpus" / row["file"]).read_text(encoding="utf-8")
            return row, text.split("\n", 1)[1].strip()
    raise AssertionError(f"no gold release of kind {kind}")


def _japanese(day: str) -> str:
    value = date.fromisoformat(day)
    return f"{value.year}年{value.month}月{value.day}日"


def _reiwa(day: str) -> str:
    value = date.fromisoformat(day)
    return f"令和{value.year - 2018}年{value.month}月{value.day}日"


LAYOUTS = {
    "letterhead": lambda g, body: (f"{_japanese(g['published'])}\n各位\n\n{g['organization']}\n"
                                   f"\n{g['title']}\n\n{body}\n\n以上\n").encode(),
    "signature": lambda g, body: (f"{g['title']}\n\n{body}\n\n{_reiwa(g['published'])}\n"
                                  f"{g['organization']} 総務部 総務課\n").encode(),
    "html_title": lambda g, body: (
        f"<html><head><meta charset='utf-8'><title>{g['title']} | {g['organization']}</title>"
        f"</head><body><main><h1>{g['title']}</h1><p>{_japanese(g['published'])}</p>"
        + "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
        + "</main></body></html>").encode(),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_headline_issuer_and_date_of_a_raw_release(kind: str, layout: str) -> None:
    gold, body = _gold(kind)
    kind_of_input = "text/html" if layout.startswith("html") else "text/plain; charset=utf-8"
    source = from_bytes(f"press-{kind}-{layout}", LAYOUTS[layout](gold, body), kind_of_input)
    record = extract_source(source).records[0]
    assert (record.organization, record.title, record.published) == (
        gold["organization"], gold["title"], gold["published"])
    assert record.is_incident


def test_the_issuers_own_word_for_itself_is_part_of_the_evidence() -> None:
    gold, body = _gold("company")
    text = f"{_japanese(gold['published'])}\n各位\n{gold['organization']}\n\n{gold['title']}\n" \
           "このたび、当社のサーバーが不正アクセスを受けました。\n"
    record = extract_source(from_bytes("press-self", text.encode(), "text/plain")).records[0]
    spans = [e.text for e in record.evidence if e.field == "organization"]
    assert spans == [gold["organization"], "当社"]


def test_a_name_in_the_body_resolves_its_self_reference_when_nothing_else_names_it() -> None:
    # No letterhead, no signature: 本市 and the city's name in the text are all there is.
    text = ("個人情報を含む書類の紛失について\n"
            "このたび、新座市の窓口で申請書を紛失しました。本市では再発防止に努めます。\n"
            "新座市は関係者に謝罪しました。")
    record = extract_source(from_bytes("press-body", text.encode(), "text/plain")).records[0]
    assert record.organization == "新座市"
    assert [e.rule for e in record.evidence if e.field == "organization"][0] == \
        "body_name+self_reference"


@pytest.mark.parametrize("line", ["報道関係者各位", "プレスリリース", "(コード番号:1234 東証プライム)",
                                  "代表取締役社長 山田 太郎", "2024年7月23日", "令和6年7月23日 更新"])
def test_letterhead_lines_are_not_the_headline(line: str) -> None:
    gold, body = _gold("company")
    text = f"{line}\n{gold['title']}\n{body}"
    record = extract_source(from_bytes("press-line", text.encode(), "text/plain")).records[0]
    assert record.title == gold["title"] and record.heading == line


def test_every_gold_release_laid_out_as_a_press_release() -> None:
    """Each layout of each gold incident release: headline, issuer and date come out right
    (the four kinds above are spot checks; this is the measure, pinned at a floor)."""
    right, misses = 0, []
    rows = [json.loads(line) for line in
            (SHARED / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row["is_incident"] and row["organization"] and row["published"]]
    for gold in rows:
        body = (SHARED / "corpus" / gold["file"]).read_text(encoding="utf-8").split("\n", 1)[1]
        for layout, make in LAYOUTS.items():
            kind = "text/html" if layout.startswith("html") else "text/plain; charset=utf-8"
            record = extract_source(from_bytes(gold["file"], make(gold, body.strip()), kind)).records[0]
            wanted = (gold["organization"], gold["title"], gold["published"])
            if (record.organization, record.title, record.published) == wanted:
                right += 1
            else:
                misses.append((layout, wanted, record.organization, record.title, record.published))
    assert len(rows) >= 50
    assert right / (len(rows) * len(LAYOUTS)) >= 0.98, misses
