"""Categories: what happened, from the cue table in data/categories.json.

A cue counts where it reports what happened (extract/scope.py): not inside a countermeasure
section, not denied by the rest of its sentence (「不正ログインの形跡はない」), not a risk
(「ウイルスに感染する可能性があります」), and not covered by one of its category's 'not'
patterns (`ウイルス対策ソフト` is no malware). Weak cues (`閲覧可能な状態`, a bare
`コンピュータウイルス`) count only when no stronger explanation (an intrusion, ransomware) was found.
"""
from __future__ import annotations

from dataclasses import dataclass

from jikenbo import data
from jikenbo.extract import scope
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.scan import Scanner
from jikenbo.record import CATEGORIES


@dataclass(frozen=True)
class _Rules:
    cues: Scanner
    weak: Scanner | None
    unless: frozenset[str]
    negative: Scanner | None


def _compile(patterns: list[str]) -> Scanner | None:
    # A Scanner: a category's cues are an alternation `re` would try at every character.
    return Scanner("|".join(f"(?:{item})" for item in patterns)) if patterns else None


_TABLE = data.load("categories")
RULES = {name: _Rules(_compile(_TABLE[name]["cues"]), _compile(_TABLE[name].get("weak", [])),
                      frozenset(_TABLE[name].get("unless", [])), _compile(_TABLE[name]["not"]))
         for name in CATEGORIES}


def first_cue(pattern: Scanner | None, negative: Scanner | None, text: str,
              asides: scope.Asides | None = None) -> tuple[int, int] | None:
    """The span of the first match of `pattern` that reports an event: no `negative` match
    overlaps it, it lies outside `asides`, and its sentence neither denies it nor makes it a
    risk."""
    if pattern is None:
        return None
    blocked: list[tuple[int, int]] | None = None
    index = 0  # cues come in order, so the blocked spans are walked once
    for match in pattern.finditer(text):
        if blocked is None:  # the negative patterns are read only once a cue matched
            blocked = [found.span() for found in negative.finditer(text)] if negative else []
        start, end = match.span()
        while index < len(blocked) and blocked[index][1] <= start:
            index += 1
        if index < len(blocked) and blocked[index][0] < end:
            continue
        if scope.reported(text, (start, end), asides):
            return start, end
    return None


def categories(view: PostText) -> Finding[tuple[str, ...]]:
    text = view.text
    asides = view.asides
    found: dict[str, tuple[int, int]] = {}
    for name, rules in RULES.items():
        span = first_cue(rules.cues, rules.negative, text, asides)
        if span:
            found[name] = span
    for name, rules in RULES.items():
        if name in found or rules.weak is None or rules.unless & found.keys():
            continue
        span = first_cue(rules.weak, rules.negative, text, asides)
        if span:
            found[name] = span
    ordered = tuple(name for name in CATEGORIES if name in found)
    return Finding(ordered, "category_cues", tuple(found[name] for name in ordered))
