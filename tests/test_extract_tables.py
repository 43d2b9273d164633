"""Field rules on real snippets from the corpus, with near-misses that must not match."""
from __future__ import annotations

from datetime import date

import pytest

from jikenbo.extract.dates import find_dates
from jikenbo.extract.heading import parse_heading
from jikenbo.extract.numbers import parse_number
from jikenbo.normalize import normalize


@pytest.mark.parametrize("text, value", [
    ("8千6百", 8600), ("22万4千", 224000), ("1万3千", 13000), ("7万 4238", 74238),
    ("6.5万", 65000), ("924 万 4,553", 9244553), ("1,603", 1603), ("二千", 2000), ("7.2 万", 72000),
])
def test_japanese_numbers(text: str, value: int) -> None:
    assert parse_number(normalize(text).text) == value


@pytest.mark.parametrize("text", ["千", "数", "", "万"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text, expected", [
    ("2024/7/23", date(2024, 7, 23)),
    ("2023年7月 27 日", date(2023, 7, 27)),
    ("令和6年5月31日に報道発表した", date(2024, 5, 31)),
    ("令和元年10月1日", date(2019, 10, 1)),
    ("R6.11.27", date(2024, 11, 27)),
    ("2o24/7/23", date(2024, 7, 23)),
    ("zo24年7月1日", date(2024, 7, 1)),
    ("２０２４年７月２３日", date(2024, 7, 23)),
])
def test_dates(text: str, expected: date) -> None:
    assert [found.value for found in find_dates(normalize(text).text)] == [expected]


def test_year_less_dates_resolve_against_the_release_date() -> None:
    text = normalize("7月9日(火曜日)にサーバーに保管されている情報").text
    assert [found.value for found in find_dates(text, date(2024, 7, 23))] == [date(2024, 7, 9)]
    late = normalize("12月26日に報告済み").text
    assert [found.value for found in find_dates(late, date(2023, 1, 10))] == [date(2022, 12, 26)]


@pytest.mark.parametrize("text", ["2024年度", "第2報", "7月", "zoo24", "02-1234-5678"])
def test_not_dates(text: str) -> None:
    assert list(find_dates(normalize(text).text)) == []


@pytest.mark.parametrize("heading, case, org, title, published", [
    ("【セキュリティ事件簿#2024-313】白井市 市営水道の委託事業者による個人情報の流出の可能性について 2024/7/23",
     "2024-313", "白井市", "市営水道の委託事業者による個人情報の流出の可能性について", "2024-07-23"),
    ("【セキュリティ事件簿#2024-324】東京都の委託事業における個人情報の事故について 2024/7/5",
     "2024-324", "東京都", "東京都の委託事業における個人情報の事故について", "2024-07-05"),
    ("【セキュリティ事件簿#2024-512】岡垣町職員の懲戒処分について 2024/11/12",
     "2024-512", "岡垣町", "岡垣町職員の懲戒処分について", "2024-11-12"),
    ("【セキュリティ事件簿#2023-426】公立甲賀病院における個人情報を含む USB メモリの紛失について",
     "2023-426", "公立甲賀病院", "公立甲賀病院における個人情報を含む USB メモリの紛失について", None),
    ("【セキュリティ事件簿#2024-354】部外秘の人事情報に不正アクセスした新潟市の係長が処分される",
     "2024-354", "新潟市", "部外秘の人事情報に不正アクセスした新潟市の係長が処分される", None),
    ("【セキュリティ事件簿#2023-298】札幌医科大学附属病院 個人情報の入った記録媒体(USB メモリ)の紛失について 2023年7月 27 日",
     "2023-298", "札幌医科大学附属病院", "個人情報の入った記録媒体(USB メモリ)の紛失について", "2023-07-27"),
    ("富士ソフト 当社の社内システムに対する不正アクセスについて(最終報)",
     None, "富士ソフト", "当社の社内システムに対する不正アクセスについて(最終報)", None),
])
def test_headings(heading: str, case, org, title, published) -> None:
    text = normalize(heading).text
    parts = parse_heading(text, casebook_post=heading.startswith("【"))
    assert parts.case_number == case
    assert (text[parts.organization.start:parts.organization.end] if parts.organization else None) == org
    assert text[parts.title.start:parts.title.end] == title
    assert parts.published == published


def test_unrelated_post_heading_is_all_title() -> None:
    text = normalize("【搭乗記】日本航空JL794 中部国際空港 セントレア(NGO)⇒ハワイ").text
    parts = parse_heading(text, casebook_post=True)
    assert parts.organization is None and parts.title.end == len(text)
