"""Affected count: people (or records) whose data leaked or may have leaked, for this
organisation.

Candidates are numbers with a counting unit (件, 名, 人分 …), read line by line; a short line
such as `157 件` takes its context from the lines above it (a table cell under 件数). A stated
total (計, 合計) wins; otherwise the items of a listed breakdown are summed, or the best-placed
single count is taken. People outrank records in the same sentence (`計80件、延べ人数1683名分`),
and counts attributed to a contractor's nationwide total, mails, files or a subset (うち) lose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.numbers import NUMBER, parse_number

_WORDS = data.load("counts")


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_COUNT = re.compile(
    rf"(?P<before>{_alternatives(_WORDS['qualifiers_before'])})?\s*(?P<number>{NUMBER})\s*"
    rf"(?P<unit>{_alternatives(_WORDS['units'])})(?P<after>{_alternatives(_WORDS['qualifiers_after'])})?")
_TOTAL = re.compile(_alternatives(_WORDS["total_words"]))
_PERSONAL = re.compile(_alternatives(_WORDS["personal_context"]))
_FOREIGN = re.compile(_alternatives(_WORDS["foreign_context"]))
_SUBSET = re.compile(r"(うち|内訳|このうち)\s*$")
_NOT_PEOPLE_AFTER = re.compile(rf"^\s*(?:{_alternatives(_WORDS['not_people_after'])})")
_NOT_PEOPLE_BEFORE = re.compile(rf"(?:{_alternatives(_WORDS['not_people_before'])})\s*$")
_PERPETRATOR = re.compile(_WORDS["perpetrator"])
_PERPETRATOR_AFTER = re.compile(_WORDS["perpetrator_after"])
_PEOPLE_UNITS = {"名", "人", "人分", "名分", "世帯"}
_ORGANISATION_UNITS = {"社", "団体"}
_SHORT_LINE = 40
_FOREIGN_WINDOW = 30


@dataclass(frozen=True)
class _Candidate:
    value: int
    start: int
    end: int
    score: float
    total: bool
    item: bool      # a line of its own in a list (a breakdown to sum)
    people: bool
    line: int


def affected_count(view: PostText) -> Finding[int | None]:
    candidates = [item for item in _candidates(view) if item.score > 0]
    if not candidates:
        return Finding(None, "no_count")
    totals = [item for item in candidates if item.total]
    if totals:
        best = max(totals, key=lambda item: (item.score, item.value))
        return Finding(best.value, "stated_total", ((best.start, best.end),))
    items = _breakdown(candidates)
    best = max(candidates, key=lambda item: (item.score, item.people, item.value))
    if len(items) >= 2 and sum(item.value for item in items) > best.value:
        return Finding(sum(item.value for item in items), "sum_of_listed_groups",
                       tuple((item.start, item.end) for item in items))
    return Finding(best.value, "best_count", ((best.start, best.end),))


def _breakdown(candidates: list[_Candidate]) -> list[_Candidate]:
    """The largest run of list items of one kind (people or records) on nearby lines."""
    runs: list[list[_Candidate]] = []
    for item in sorted((item for item in candidates if item.item), key=lambda item: item.start):
        run = runs[-1] if runs else None
        if run and item.people == run[-1].people and item.line - run[-1].line <= 4:
            run.append(item)
        else:
            runs.append([item])
    return max(runs, key=len, default=[])


def _candidates(view: PostText) -> list[_Candidate]:
    found = []
    lines = view.text.split("\n")
    offset = 0
    for number, line in enumerate(lines):
        valued = [(match, parse_number(match["number"])) for match in _COUNT.finditer(line)]
        matches = [(match, value) for match, value in valued if value]
        has_people = any(match["unit"] in _PEOPLE_UNITS for match, _ in matches)
        context = _context(lines, number)
        for match, value in matches:
            people = match["unit"] in _PEOPLE_UNITS
            if has_people and not people and not _is_separate_sentence(line, match):
                continue
            found.append(_Candidate(
                value, offset + match.start(), offset + match.end(),
                _score(line, context, match), _is_total(line, match),
                _is_item(line, len(matches)), people, number))
        offset += len(line) + 1
    return found


def _context(lines: list[str], number: int) -> str:
    """The line itself, plus the lines above when it is a short table cell or list item."""
    line = lines[number]
    if len(line.strip()) >= _SHORT_LINE and line.rstrip().endswith("。"):
        return line
    above = [text for text in lines[max(0, number - 4):number] if text.strip()][-2:]
    return "\n".join(above + [line])


def _score(line: str, context: str, match: re.Match[str]) -> float:
    score = 0.0
    if _PERSONAL.search(context):
        score += 2
    if _FOREIGN.search(line[max(0, match.start() - _FOREIGN_WINDOW):match.start()]):
        score -= 3
    if "によると" in line[:match.start()]:
        score -= 1
    if _SUBSET.search(line[:match.start()]):
        score -= 3
    if _NOT_PEOPLE_AFTER.match(line, match.end()) or _NOT_PEOPLE_BEFORE.search(line[:match.start()]):
        score -= 4
    if _PERPETRATOR.search(line[:match.start()]) and _PERPETRATOR_AFTER.match(line, match.end()):
        score -= 4
    if match["unit"] in ("社", "者", "団体"):
        score -= 0.5
    if match["before"] in ("約", "最大", "最大で", "延べ"):
        score += 0.5
    return score


def _is_total(line: str, match: re.Match[str]) -> bool:
    if match["unit"] in _ORGANISATION_UNITS:
        return False
    if match["before"] and _TOTAL.fullmatch(match["before"]):
        return True
    return bool(_TOTAL.search(line[max(0, match.start() - 4):match.start()]))


def _is_item(line: str, counts_on_line: int) -> bool:
    text = line.strip()
    return counts_on_line == 1 and not text.endswith("。") and len(text) < 300


def _is_separate_sentence(line: str, match: re.Match[str]) -> bool:
    """Whether a record count stands in another sentence than the line's people count."""
    return "。" in line[match.end():] and not any(
        unit in line[match.end():line.index("。", match.end())] for unit in _PEOPLE_UNITS)
