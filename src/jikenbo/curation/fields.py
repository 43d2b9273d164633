"""A curator's `field=value` for a record field, read and checked against RECORD.md.

One parser per kind of field, each a pure function of the typed text (NFKC-normalised first, so
full-width digits and commas are read like ASCII ones; free text is kept as typed). An empty
value means null for the fields that may be null and the empty list for list fields.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from jikenbo import data
from jikenbo.errors import UsageError
from jikenbo.normalize import nfkc
from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES

_LIST_SEPARATOR = re.compile(r"[,、]")  # `ランサムウェア,不正アクセス` or `ランサムウェア、不正アクセス`
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CASE_ID = re.compile(r"\d{4}-\d{3,4}")  # a source's casebook number (record.schema.json)
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,15}")
_TRUE = {"true", "yes", "y", "1", "はい", "真"}
_FALSE = {"false", "no", "n", "0", "いいえ", "偽"}
MAX_COUNT = 10_000_000_000  # as pipeline.MAX_AFFECTED: more people than live on Earth
MAX_TEXT = 500  # characters of one free-text value

_LABELS = data.load("labels")


def _vocabulary(ids: Sequence[str], kind: str) -> dict[str, str]:
    """Every accepted spelling → its id: the id itself and the casebook's Japanese label."""
    found = {name: name for name in ids}
    found.update({nfkc(label): name for name, label in _LABELS[kind].items() if name in ids})
    return found


_CATEGORY_WORDS = _vocabulary(CATEGORIES, "category")
_DATA_TYPE_WORDS = _vocabulary(DATA_TYPES, "data_type")
_LEAK_WORDS = _vocabulary(LEAK_STATUSES, "leak")


def _text(nullable: bool) -> Callable[[str, str], Any]:
    def parse(typed: str, field: str) -> str | None:
        value = typed.strip()
        if not value:
            if nullable:
                return None
            raise UsageError(f"{field} cannot be empty")
        if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
            raise UsageError(f"{field}: give one line of at most {MAX_TEXT} characters")
        return value
    return parse


def _day(typed: str, field: str) -> str | None:
    value = nfkc(typed).strip()
    if not value:
        return None
    try:
        if _DAY.fullmatch(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise UsageError(f"{field}: {typed.strip()!r} is not a date YYYY-MM-DD")


def _days(typed: str, field: str) -> list[str]:
    return sorted({_day(item, field) for item in _items(typed)})


def _case_id(typed: str, field: str) -> str | None:
    value = nfkc(typed).strip().lstrip("#")
    if not value:
        return None
    if not _CASE_ID.fullmatch(value):
        raise UsageError(f"{field}: {typed.strip()!r} is not a casebook number YYYY-NNN")
    return value


def _flag(typed: str, field: str) -> bool:
    value = nfkc(typed).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UsageError(f"{field}: {typed.strip()!r} is not true or false")


def _count(typed: str, field: str) -> int | None:
    value = nfkc(typed).strip()
    if not value:
        return None
    if not _COUNT.fullmatch(value) or int(value.replace(",", "")) > MAX_COUNT:
        raise UsageError(f"{field}: {typed.strip()!r} is not a count (a whole number from 0 "
                         f"to {MAX_COUNT:,}, or empty for unknown)")
    return int(value.replace(",", ""))


def _choice(words: Mapping[str, str]) -> Callable[[str, str], str]:
    def parse(typed: str, field: str) -> str:
        value = nfkc(typed).strip()
        if value not in words:
            raise UsageError(f"{field}: {typed.strip()!r} is not one of "
                             f"{', '.join(sorted(set(words.values())))}")
        return words[value]
    return parse


def _choices(words: Mapping[str, str]) -> Callable[[str, str], list[str]]:
    one = _choice(words)

    def parse(typed: str, field: str) -> list[str]:
        return list(dict.fromkeys(one(item, field) for item in _items(typed)))
    return parse


def _names(typed: str, field: str) -> list[str]:
    one = _text(False)
    return list(dict.fromkeys(one(item, field) for item in _items(typed)))


def _items(typed: str) -> list[str]:
    return [item for item in _LIST_SEPARATOR.split(nfkc(typed)) if item.strip()]


# field → its parser, in record order: the fields `release correct` and the edit form accept.
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "case_id": _case_id,
    "organization": _text(nullable=True),
    "title": _text(nullable=False),
    "published": _day,
    "discovered": _day,
    "earlier_releases": _days,
    "is_incident": _flag,
    "categories": _choices(_CATEGORY_WORDS),
    "supply_chain": _flag,
    "vendors": _names,
    "affected_count": _count,
    "data_types": _choices(_DATA_TYPE_WORDS),
    "leak_status": _choice(_LEAK_WORDS),
}
LIST_FIELDS = ("earlier_releases", "categories", "vendors", "data_types")


def parse_value(field: str, typed: str) -> Any:
    """The record value a curator typed for a field; UsageError naming the field otherwise."""
    if field not in PARSERS:
        raise UsageError(f"unknown field {field!r}; correctable fields: {', '.join(PARSERS)}")
    return PARSERS[field](typed, field)


def parse_assignments(assignments: Sequence[str]) -> dict[str, Any]:
    """`["organization=白井市", "affected_count=8600"]` → their values; every one is checked
    before any is used, so a bad one leaves nothing half stored."""
    values: dict[str, Any] = {}
    for assignment in assignments:
        field, equals, typed = assignment.partition("=")
        if not equals:
            raise UsageError(f"{assignment!r}: give field=value (e.g. organization=白井市)")
        field = field.strip()
        if field in values:
            raise UsageError(f"{field} is given twice")
        values[field] = parse_value(field, typed)
    if not values:
        raise UsageError("give at least one field=value")
    return values


def same_value(field: str, a: Any, b: Any) -> bool:
    """Whether two values of a field say the same (lists of ids in any order are equal)."""
    if field in LIST_FIELDS:
        return sorted(a or ()) == sorted(b or ())
    return a == b


def shown(field: str, value: Any) -> str:
    """A value as `release correct` takes it back: lists joined by commas, null empty."""
    if field in LIST_FIELDS:
        return ",".join(value or ())
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
