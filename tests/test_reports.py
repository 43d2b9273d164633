"""The annual report: `jikenbo report` and `/reports/{year}` over real HTTP, its figures checked
against /api/stats (the same casebook counted the same way)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import httpx

from jikenbo.cases.sizes import BUCKETS, UNKNOWN, bucket_of
from jikenbo.publish import annual, report
from jikenbo.store import open_store
from tests.conftest import run_cli


def test_figures_agree_with_stats(casebook: str, base: str) -> None:
    stats = httpx.get(base + "/api/stats", timeout=30).json()
    found = annual.annual_report(open_store(casebook), "2024")
    # the month chart's (release, category) counts are /stats' for the months of 2024
    expected = {category: {month: n for month, n in months.items() if month.startswith("2024")}
                for category, months in stats["by_month"].items()}
    assert found.by_month == {category: months for category, months in expected.items() if months}
    # the ten largest cases are /stats' ranking for 2024
    ranking = stats["ranking"]["2024"]
    assert [case.affected for case in found.top] == [row["affected"] for row in ranking]
    assert {case.number for case in found.top} == {row["number"] for row in ranking}
    # every 2024 month count is the number of releases /api/releases finds for that month
    for month, count in found.months:
        listed = httpx.get(base + "/api/releases", params={"year": "2024", "month": month[5:]},
                           timeout=30).json()
        assert listed["total"] == count, month


def test_size_buckets_are_those_of_stats_over_each_cases_one_figure(casebook: str) -> None:
    found = annual.annual_report(open_store(casebook), "2024")
    assert [label for label, _ in found.sizes] == [bucket.label for bucket in BUCKETS] + [UNKNOWN]
    counted = dict(found.sizes)
    # every ranked case (its one figure: a contractor breach sums its customers) is in its bucket
    for label, cases in Counter(bucket_of(case.affected) for case in found.top).items():
        assert counted[label] >= cases, label


def test_totals_buckets_and_previous_year(casebook: str) -> None:
    found = annual.annual_report(open_store(casebook), "2024")
    assert found.releases == sum(count for _, count in found.months)
    assert sum(count for _, count in found.sizes) == found.cases
    assert sum(count for _, count in found.issuer_types) == found.releases
    number = open_store(casebook).resolve_case("2024-313")
    assert found.top[0].number == number and "白井市" in found.top[0].organizations
    assert any(case.number == number for case in found.supply_chain)
    before = {name: last for name, _, last in found.categories if last}
    older = annual.annual_report(open_store(casebook), "2023")
    assert before == {name: now for name, now, _ in older.categories if now}
    assert dict(found.issuer_types)["自治体"] >= 10


def test_month_chart_is_an_svg_of_twelve_months(casebook: str) -> None:
    chart = report.month_chart(annual.annual_report(open_store(casebook), "2024"))
    svg = ET.fromstring(str(chart))
    assert svg.tag.endswith("svg") and len(svg.findall("{http://www.w3.org/2000/svg}rect")) == 12


def test_report_page_over_http(base: str) -> None:
    page = httpx.get(base + "/reports/2024", timeout=30)
    assert page.status_code == 200
    assert "2024年 年次レポート" in page.text and 'id="top10"' in page.text
    assert '<svg class="chart month-chart"' in page.text and "<script" not in page.text
    css = httpx.get(base + "/reports/report.css", timeout=30)
    assert css.status_code == 200 and "@media print" in css.text
    assert httpx.get(base + "/reports/1999", timeout=30).status_code == 404
    assert httpx.get(base + "/reports/abcd", timeout=30).status_code == 404


def test_cli_report(casebook: str) -> None:
    text = run_cli("report", "--year", "2024", "--format", "markdown", "--db", casebook)
    assert text.returncode == 0, text.stderr
    assert "| 不正アクセス |" in text.stdout.decode("utf-8")
    page = run_cli("report", "--year", "2024", "--db", casebook)
    assert page.returncode == 0 and b"@media print" in page.stdout
    assert run_cli("report", "--year", "24", "--db", casebook).returncode == 2
    missing = run_cli("report", "--year", "1999", "--db", casebook)
    assert missing.returncode == 1 and b"Traceback" not in missing.stderr


def test_case_page_shows_chain_damage_and_reporting_duty(base: str, casebook: str) -> None:
    page = httpx.get(base + "/cases/2024-313", timeout=30, follow_redirects=True).text
    chain = page[page.index('id="report-chain"'):page.index('id="damage-estimate"')]
    # the contractor learned of it on 7月9日; the first notice followed on 7/17, 8 days later
    assert "2024-07-09" in chain and "発覚から 8 日" in chain and "第1報" in chain
    damage = page[page.index('id="damage-estimate"'):page.index('id="ppc-duty"')]
    assert "本人特定容易度" in damage and "社会的責任度" in damage and " 円" in damage
    duty = page[page.index('id="ppc-duty"'):]
    assert "不正の目的" in duty and "2024-07-12〜2024-07-14" in duty and "2024-09-07" in duty


def test_stats_page_shows_median_days_from_discovery(base: str, casebook: str) -> None:
    from jikenbo.assess.chain import median_days_to_first_notice
    expected = median_days_to_first_notice(open_store(casebook))
    assert expected and all(cases >= 1 for _, _, cases in expected)
    page = httpx.get(base + "/stats", timeout=30).text
    table = page[page.index('id="discovery-medians"'):]
    for year, median, cases in expected:
        assert f'{year}年</a></td><td class="num">{median}</td><td class="num">{cases}</td>' in table
