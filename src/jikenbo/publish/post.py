"""A casebook post in the seed blog's layout, built from a stored release.

The blog prints `【セキュリティ事件簿#2024-313】白井市 <title> 2024/7/23`, the release verbatim, the
「リリース文アーカイブ」 link, then for each earlier release of the case a `【2023年4月28日リリース分】`
marker with its own archive link; labels read `インシデント:不正アクセス`. A post already on a
casebook page is kept as it stands (its heading, markers and archive lines are the blog's own).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jikenbo import data
from jikenbo.store import StoredRelease

ARCHIVE = "リリース文アーカイブ"
_LAYOUT = data.load("page_layout")
_HEADER = re.compile(_LAYOUT["casebook_header"])
_ARCHIVE_LINE = re.compile(_LAYOUT["archive_line"])
_CATEGORY_LABELS: dict[str, str] = data.load("labels")["category"]
LABEL_PREFIX = "インシデント:"


@dataclass(frozen=True)
class CasebookPost:
    release_id: str
    heading: str
    lines: tuple[str, ...]        # the release verbatim, then markers and archive lines
    archive_url: str              # where this release's archived original is
    labels: tuple[str, ...]
    published: str | None
    case_number: str | None


def compose(release: StoredRelease, case_number: str | None, earlier: Sequence[str] = (),
            base_url: str = "") -> CasebookPost:
    """The post of one release; `earlier` are the publication dates of the case's earlier
    releases (markers for a release that is not yet on a casebook page)."""
    record = release.record
    text = release.text.replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if _HEADER.match(first):
        heading, body = first.strip(), rest.split("\n")
    else:
        heading, body = _heading(release, case_number), ["", *text.split("\n")]
    lines = list(body)
    if not any(_ARCHIVE_LINE.match(line) for line in lines):
        lines += ["", ARCHIVE]
        for day in sorted(set(earlier) - {record.published}, reverse=True):
            lines += ["", _marker(day), "", ARCHIVE]
    labels = tuple(LABEL_PREFIX + _CATEGORY_LABELS[name] for name in record.categories
                   if name in _CATEGORY_LABELS)
    return CasebookPost(release.id, heading, tuple(lines),
                        f"{base_url.rstrip('/')}/releases/{release.id}", labels,
                        record.published, case_number or record.case_id)


def _heading(release: StoredRelease, case_number: str | None) -> str:
    record = release.record
    number = case_number or record.case_id or "----"
    parts = [f"【セキュリティ事件簿#{number}】{record.organization or ''}".rstrip(), record.title]
    if record.published:
        year, month, day = (int(part) for part in record.published.split("-"))
        parts.append(f"{year}/{month}/{day}")
    return " ".join(part for part in parts if part)


def _marker(day: str) -> str:
    year, month, date = (int(part) for part in day.split("-"))
    return f"【{year}年{month}月{date}日リリース分】"


def is_archive_line(line: str) -> bool:
    return bool(_ARCHIVE_LINE.match(line))
