"""CSV for people: opens in Excel on Japanese Windows as it is, and cannot run formulas.

The CLI writes it as UTF-8 with a byte-order mark (Excel reads UTF-8 only with one) or as cp932;
rows end in CRLF; booleans are TRUE/FALSE; a list is its items joined by `;` (a `;` or `\\` inside
an item is escaped with `\\`); a null is an empty cell and an empty list is `[]`, so the two stay
apart; a text cell that starts with `= + - @`, a tab or CR gets a leading `'` (OWASP's advice
against CSV injection), which Excel shows as text.
"""
from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from jikenbo import data
from jikenbo.export.casebook import Options, source_text
from jikenbo.store import StoredRelease

_LAYOUT = data.load("csv_columns")
COLUMNS: tuple[str, ...] = tuple(_LAYOUT["columns"])
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# record field → the labels.json group that names its values in Japanese
_VALUE_LABELS = {"categories": "category", "data_types": "data_type", "leak_status": "leak"}


def render(releases: Sequence[StoredRelease], cases: Mapping[str, str], out: TextIO,
           options: Options = Options()) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(options.labels))
    for release in releases:
        row = {"id": release.id, **release.record.to_dict(), "case": cases.get(release.id),
               "source": source_text(release.source_locator)}
        writer.writerow([cell(row[name], name, options) for name in COLUMNS])
    return len(releases)


def header(labels: str) -> list[str]:
    if labels != "ja":
        return list(COLUMNS)
    names = {**data.load("labels")["field"], **_LAYOUT["ja"]}
    return [names.get(name, name) for name in COLUMNS]


def cell(value: Any, name: str, options: Options) -> str:
    """One value as the text of its cell.

    >>> cell(["氏名", "a;b"], "data_types", Options())
    '氏名;a\\\\;b'
    >>> cell("=HYPERLINK(1)", "title", Options())
    "'=HYPERLINK(1)"
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return _LAYOUT["true"] if value else _LAYOUT["false"]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        if not value:
            return _LAYOUT["empty_list"]
        items = [_escape(_label(item, name, options), options.separator) for item in value]
        return neutralise(options.separator.join(items))
    return neutralise(_label(value, name, options))


def neutralise(text: str) -> str:
    """`'` before a cell a spreadsheet would read as a formula; anything else unchanged."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _label(value: str, name: str, options: Options) -> str:
    group = _VALUE_LABELS.get(name)
    if options.labels != "ja" or group is None:
        return value
    return data.load("labels")[group].get(value, value)


def _escape(item: str, separator: str) -> str:
    return item.replace("\\", "\\\\").replace(separator, "\\" + separator)
