"""What pages show: casebook headings, labels, highlighted evidence and SVG charts.

Everything that reaches a page from a release is escaped here or by Jinja2's autoescaping;
functions that build markup escape each piece of text themselves and return `Markup`.
"""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from markupsafe import Markup, escape

from jikenbo import data
from jikenbo.record import Evidence

LABELS = data.load("labels")
PALETTE = ("#c0392b", "#8e44ad", "#2c3e50", "#d35400", "#16a085", "#2980b9", "#7f8c8d",
           "#f39c12", "#27ae60", "#e84393", "#6c5ce7", "#b33939", "#95a5a6")


def label(kind: str, value: object) -> str:
    key = str(value).lower() if isinstance(value, bool) else str(value)
    return LABELS.get(kind, {}).get(key, key)


def casebook_heading(number: str | None, organization: str | None, title: str,
                     published: str | None) -> str:
    """`【事件簿#2024-313】白井市 市営水道の… 2024/7/23` with the source's number; jikenbo's own
    numbers are shown as what they are: `【J2024-0008】…`."""
    prefix = (f"【{number}】" if number.startswith("J") else f"【事件簿#{number}】") if number else ""
    date = ""
    if published:
        year, month, day = published.split("-")
        date = f" {int(year)}/{int(month)}/{int(day)}"
    named = organization and not title.startswith(organization)
    return f"{prefix}{organization + ' ' if named else ''}{title}{date}"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown as links (never `javascript:` or paths)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def query_string(params: dict[str, object], **changes: object) -> str:
    merged = {**params, **changes}
    return urlencode({key: value for key, value in merged.items()
                      if value not in (None, "", False) and key != "per_page"})


def highlight(text: str, offset: int, evidence: Sequence[Evidence]) -> Markup:
    """The release text with each evidence span marked, labelled with its field."""
    spans = sorted({(item.start - offset, item.end - offset, item.field) for item in evidence
                    if item.end > item.start and item.start >= offset
                    and item.end - offset <= len(text)})
    out, at = [], 0
    for start, end, field in spans:
        if start < at:
            continue  # overlapping evidence: the first span is shown
        out.append(escape(text[at:start]))
        out.append(Markup('<mark class="ev ev-{0}" title="{1}">{2}</mark>').format(
            field, label("field", field), text[start:end]))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def stacked_bars(months: Sequence[str], series: dict[str, dict[str, int]], height: int = 220
                 ) -> Markup:
    """Releases per month, one stacked bar per month, one colour per category."""
    if not months:
        return Markup('<p class="empty">データがありません</p>')
    names = [name for name in series if any(series[name].values())]
    totals = [sum(series[name].get(month, 0) for name in names) for month in months]
    peak = max(totals) or 1
    bar, gap, left, bottom = 18, 6, 36, 40
    width = left + len(months) * (bar + gap) + 10
    parts = [f'<svg class="chart" role="img" aria-label="月別・分類別の公表件数" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + bottom}" '
             f'viewBox="0 0 {width} {height + bottom}">']
    parts.append(f'<text x="2" y="12" class="axis">{peak}</text>'
                 f'<line x1="{left - 4}" y1="{height}" x2="{width}" y2="{height}" class="axis"/>')
    for index, month in enumerate(months):
        x = left + index * (bar + gap)
        y = height
        for color_index, name in enumerate(names):
            count = series[name].get(month, 0)
            if not count:
                continue
            h = count / peak * (height - 20)
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                         f'fill="{PALETTE[color_index % len(PALETTE)]}" class="bar">'
                         f'<title>{escape(month)} {escape(label("category", name))}: '
                         f'{count}</title></rect>')
        parts.append(f'<text x="{x}" y="{height + 14}" class="axis" '
                     f'transform="rotate(45 {x} {height + 14})">{escape(month)}</text>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch c{i % len(PALETTE)}"></span>'
        f'{escape(label("category", name))}</li>' for i, name in enumerate(names))
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')


def horizontal_bars(rows: Sequence[tuple[str, int]], kind: str) -> Markup:
    if not rows:
        return Markup('<p class="empty">データがありません</p>')
    peak = max(count for _, count in rows) or 1
    height = 24 * len(rows) + 4
    parts = [f'<svg class="chart" role="img" aria-label="{escape(label("field", kind))}" '
             f'xmlns="http://www.w3.org/2000/svg" width="520" height="{height}" '
             f'viewBox="0 0 520 {height}">']
    for index, (name, count) in enumerate(rows):
        y = 4 + index * 24
        w = count / peak * 300
        parts.append(f'<text x="0" y="{y + 14}" class="axis">{escape(label(kind, name))}</text>'
                     f'<rect x="150" y="{y}" width="{w:.1f}" height="18" class="bar" '
                     f'fill="{PALETTE[index % len(PALETTE)]}"><title>{count}</title></rect>'
                     f'<text x="{156 + w:.1f}" y="{y + 14}" class="axis">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
