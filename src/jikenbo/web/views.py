"""What pages show: casebook headings, labels, highlighted evidence and SVG charts.

Everything that reaches a page from a release is escaped here or by Jinja2's autoescaping;
functions that build markup escape each piece of text themselves and return `Markup`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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


# Chart geometry, in SVG pixels: a month gets at least MONTH_SLOT[0] (its label stays legible; a
# long range scrolls inside its own box) and at most MONTH_SLOT[1] (a short one does not sprawl).
CHART_WIDTH, PLOT_HEIGHT, MONTH_SLOT = 960, 260, (30, 64)
LEFT, TOP, BOTTOM = 56, 16, 78   # room for the count ticks and 件数; the month labels and 月
_MONTH = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")


def month_search(month: str, category: str) -> str:
    """The search a month chart segment stands for: that category's releases of that month."""
    return "/search?" + urlencode({"month": month, "category": category})


def months_between(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`: `months_between("2024-11", "2025-02")` →
    2024-11, 2024-12, 2025-01, 2025-02 (a month without releases still takes its place)."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def tick_step(peak: int, most: int = 5) -> int:
    """A round step (1, 2, 5 × 10ⁿ) giving at most `most` ticks up to `peak`: 37 → 10."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            if multiple * magnitude * most >= peak:
                return multiple * magnitude
        magnitude *= 10


def stacked_bars(series: dict[str, dict[str, int]], order: Sequence[str]) -> Markup:
    """Releases per month (x, 月) and category (stacked, one colour each) with a count axis
    (y, 件数); every segment links to the search for its month and category."""
    months = sorted({month for counts in series.values() for month in counts
                     if _MONTH.fullmatch(month)})  # a malformed date is left off, not a 500
    names = [name for name in order if any(series.get(name, {}).values())]
    if not months or not names:
        return Markup('<p class="empty">データがありません</p>')
    months = months_between(months[0], months[-1])
    totals = [sum(series[name].get(month, 0) for name in names) for month in months]
    step = tick_step(max(totals))
    top = -(-max(totals) // step) * step
    slot = max(MONTH_SLOT[0], min(MONTH_SLOT[1], (CHART_WIDTH - LEFT) // len(months)))
    width, height = LEFT + slot * len(months) + 8, TOP + PLOT_HEIGHT + BOTTOM
    scale = PLOT_HEIGHT / top
    parts = [f'<svg class="chart" role="img" aria-label="月別・分類別の公表件数" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">', _count_axis(top, step, scale, width)]
    for index, month in enumerate(months):
        x, y = LEFT + index * slot + slot * 0.15, TOP + PLOT_HEIGHT
        for color, name in enumerate(names):
            count = series[name].get(month, 0)
            if count:
                y -= count * scale
                parts.append(_segment(month, name, count, x, y, slot * 0.7, count * scale,
                                      color))
        if totals[index]:  # the month's total above its bar
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" class="total" '
                         f'text-anchor="middle">{totals[index]:,}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{TOP + PLOT_HEIGHT + 12}" '
                     f'class="tick" text-anchor="end" transform="rotate(-45 {x + slot * 0.35:.1f}'
                     f' {TOP + PLOT_HEIGHT + 12})">{escape(month)}</text>')
    parts.append(f'<text x="{LEFT + (width - LEFT) / 2:.0f}" y="{height - 4}" class="axis-title" '
                 f'text-anchor="middle">月</text></svg>')
    legend = "".join(f'<li><span class="swatch c{i % len(PALETTE)}"></span>'
                     f'{escape(label("category", name))}</li>' for i, name in enumerate(names))
    return Markup('<div class="chart-scroll">' + "".join(parts) + "</div>"
                  f'<ul class="legend">{legend}</ul>')


def _count_axis(top: int, step: int, scale: float, width: int) -> str:
    """Grid lines with their counts every `step`, and the axis title 件数."""
    parts = []
    for value in range(0, top + 1, step):
        y = TOP + PLOT_HEIGHT - value * scale
        parts.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" '
                     f'class="{"baseline" if value == 0 else "grid"}"/>'
                     f'<text x="{LEFT - 8}" y="{y + 4:.1f}" class="tick" '
                     f'text-anchor="end">{value:,}</text>')
    middle = TOP + PLOT_HEIGHT / 2
    parts.append(f'<text x="14" y="{middle:.0f}" class="axis-title" text-anchor="middle" '
                 f'transform="rotate(-90 14 {middle:.0f})">件数</text>')
    return "".join(parts)


def _segment(month: str, name: str, count: int, x: float, y: float, width: float,
             height: float, color: int) -> str:
    title = f"{month} {label('category', name)}: {count:,}件"
    return (f'<a href="{escape(month_search(month, name))}" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title><rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{PALETTE[color % len(PALETTE)]}" class="bar"/></a>')


def horizontal_bars(rows: Sequence[tuple[str, int]], title: str, unit: str,
                    kind: str | None = None, link: Callable[[str], str] | None = None) -> Markup:
    """One bar per row, labelled (by `label(kind, name)` when a kind is given), its count
    written beside it; the count axis is titled `unit` (件数, 事件数); a row's label links to
    `link(name)` when given."""
    if not rows or not any(count for _, count in rows):
        return Markup('<p class="empty">データがありません</p>')
    peak = max(count for _, count in rows)
    row_height, label_width, bar_room = 28, 190, 420
    width, height = label_width + bar_room + 70, 8 + row_height * len(rows) + 30
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    for index, (name, count) in enumerate(rows):
        y, w = 8 + index * row_height, count / peak * bar_room
        text = escape(label(kind, name) if kind else name)
        if link:
            text = Markup(f'<a href="{escape(link(name))}">{text}</a>')
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" class="tick" '
                     f'text-anchor="end">{text}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="20" class="bar" '
                     f'fill="{PALETTE[index % len(PALETTE)]}"><title>{count:,}</title></rect>'
                     f'<text x="{label_width + w + 6:.1f}" y="{y + 15}" class="tick">'
                     f'{count:,}</text>')
    parts.append(f'<line x1="{label_width}" y1="4" x2="{label_width}" y2="{height - 26}" '
                 f'class="baseline"/><text x="{label_width + bar_room / 2:.0f}" '
                 f'y="{height - 6}" class="axis-title" text-anchor="middle">{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup('<div class="chart-scroll">' + "".join(parts) + "</div>")
