"""Categories: what happened, from the cue table in data/categories.json.

A cue counts unless one of its category's 'not' patterns covers it (`ウイルス対策ソフト` is no
malware, `不正アクセスの痕跡は確認されておりません` no intrusion). Weak cues (`閲覧可能な状態`)
count only when no stronger explanation (an intrusion, a loss) was found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.record import CATEGORIES


@dataclass(frozen=True)
class _Rules:
    cues: re.Pattern[str]
    weak: re.Pattern[str] | None
    unless: frozenset[str]
    negative: re.Pattern[str] | None


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{item})" for item in patterns)) if patterns else None


_TABLE = data.load("categories")
RULES = {name: _Rules(_compile(_TABLE[name]["cues"]), _compile(_TABLE[name].get("weak", [])),
                      frozenset(_TABLE[name].get("unless", [])), _compile(_TABLE[name]["not"]))
         for name in CATEGORIES}


def first_cue(pattern: re.Pattern[str] | None, negative: re.Pattern[str] | None,
              text: str) -> tuple[int, int] | None:
    """The span of the first match of `pattern` that no `negative` match overlaps."""
    if pattern is None:
        return None
    blocked: list[tuple[int, int]] | None = None
    for match in pattern.finditer(text):
        if blocked is None:  # the negative patterns are read only once a cue matched
            blocked = [found.span() for found in negative.finditer(text)] if negative else []
        if not any(start < match.end() and match.start() < end for start, end in blocked):
            return match.span()
    return None


def categories(view: PostText) -> Finding[tuple[str, ...]]:
    found: dict[str, tuple[int, int]] = {}
    for name, rules in RULES.items():
        span = first_cue(rules.cues, rules.negative, view.text)
        if span:
            found[name] = span
    for name, rules in RULES.items():
        if name in found or rules.weak is None or rules.unless & found.keys():
            continue
        span = first_cue(rules.weak, rules.negative, view.text)
        if span:
            found[name] = span
    ordered = tuple(name for name in CATEGORIES if name in found)
    return Finding(ordered, "category_cues", tuple(found[name] for name in ordered))
