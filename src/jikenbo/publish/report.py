"""The annual report as markdown, as an HTML section (the web page wraps it) or as a printable
standalone HTML file; the month chart is an SVG drawn here, nothing loaded from elsewhere."""
from __future__ import annotations

from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from jikenbo import data
from jikenbo.publish.annual import AnnualReport

_LABELS = data.load("labels")
_ENV = Environment(loader=PackageLoader("jikenbo.publish", "templates"),
                   autoescape=select_autoescape(["html"]), auto_reload=False)
_ENV.filters["number"] = lambda n: "-" if n is None else f"{n:,}"
_ENV.globals["category"] = lambda name: _LABELS["category"].get(name, name)


def stylesheet() -> str:
    """The report's screen and print CSS (served by the web page, inlined in a file)."""
    return resources.files("jikenbo.publish").joinpath("report.css").read_text(encoding="utf-8")


def month_chart(report: AnnualReport, height: int = 160) -> Markup:
    """Incident releases per month of the year, January to December."""
    counts = dict(report.months)
    months = [f"{report.year}-{month:02d}" for month in range(1, 13)]
    peak = max(counts.values(), default=0) or 1
    bar, gap, left, bottom = 28, 8, 30, 24
    width = left + 12 * (bar + gap)
    parts = [f'<svg class="chart month-chart" role="img" '
             f'aria-label="{escape(report.year)}年 月別の公表件数" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + bottom}" '
             f'viewBox="0 0 {width} {height + bottom}">',
             f'<line x1="{left - 4}" y1="{height}" x2="{width}" y2="{height}" class="axis"/>']
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        x, h = left + index * (bar + gap), count / peak * (height - 20)
        parts.append(f'<rect x="{x}" y="{height - h:.1f}" width="{bar}" height="{h:.1f}" '
                     f'class="bar"><title>{month}: {count}</title></rect>'
                     f'<text x="{x + bar / 2}" y="{height - h - 4:.1f}" class="value">'
                     f'{count or ""}</text>'
                     f'<text x="{x + bar / 2}" y="{height + 16}" class="axis">{index + 1}月</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def html_section(report: AnnualReport) -> Markup:
    return Markup(_ENV.get_template("annual.html").render(report=report,
                                                          chart=month_chart(report)))


def html_document(report: AnnualReport) -> str:
    return _ENV.get_template("annual_page.html").render(report=report, css=Markup(stylesheet()),
                                                        section=html_section(report))


def markdown(report: AnnualReport) -> str:
    previous = int(report.year) - 1
    lines = [f"# セキュリティ事件簿 {report.year}年 年次レポート", "",
             f"- 公表 {report.releases:,} 件、事件 {report.cases:,} 件、組織 {report.organizations:,}",
             f"- 影響件数の合計 {report.affected_total:,}(事件ごとに公表の最大値)", "",
             "## 分類別の公表件数", "", f"| 分類 | {report.year}年 | {previous}年 |", "|---|---:|---:|"]
    lines += [f"| {_LABELS['category'].get(name, name)} | {now:,} | {before:,} |"
              for name, now, before in report.categories]
    lines += ["", "## 影響件数 上位10件", "", "| 順位 | 事件 | 組織 | 影響件数 |", "|---:|---|---|---:|"]
    lines += [f"| {rank} | {case.number} | {'、'.join(case.organizations[:3])}"
              f"{' ほか' if len(case.organizations) > 3 else ''} | {case.affected:,} |"
              for rank, case in enumerate(report.top, 1)]
    lines += ["", "## 委託先・サプライチェーン経由の事件", ""]
    lines += [f"- {case.number} {'、'.join(case.organizations[:5])}"
              f"{' ほか' if len(case.organizations) > 5 else ''}({len(case.organizations)} 組織)"
              for case in report.supply_chain] or ["- なし"]
    lines += ["", "## 影響件数の規模別(事件数)", "", "| 規模 | 事件 |", "|---|---:|"]
    lines += [f"| {name} | {count:,} |" for name, count in report.sizes]
    lines += ["", "## 発行者の種類別(公表数)", "", "| 種類 | 公表 |", "|---|---:|"]
    lines += [f"| {name} | {count:,} |" for name, count in report.issuer_types]
    lines += ["", "## 月別の公表件数", "", "| 月 | 公表 |", "|---|---:|"]
    lines += [f"| {month} | {count:,} |" for month, count in report.months]
    return "\n".join(lines) + "\n"
