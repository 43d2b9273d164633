"""Affected count: people (or records) whose data leaked or may have leaked, for this
organisation.

Candidates are numbers with a counting unit (件, 名, 人分 …). A stated total (計, 合計) wins;
otherwise the best-placed candidate in a sentence about personal data, or the sum of a listed
breakdown. Numbers in sentences about a contractor's nationwide total, mails, files or money
are left out.
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
_NOT_PEOPLE_AFTER = re.compile(rf"^\s*(?:{_alternatives(_WORDS['not_people_after'])})")
_NOT_PEOPLE_BEFORE = re.compile(rf"(?:{_alternatives(_WORDS['not_people_before'])})\s*$")
_SENTENCE = re.compile(r"[^。\n]+")


@dataclass(frozen=True)
class _Candidate:
    value: int
    start: int
    end: int
    score: float
    total: bool


def affected_count(view: PostText) -> Finding[int | None]:
    candidates = _candidates(view)
    if not candidates:
        return Finding(None, "no_count")
    totals = [item for item in candidates if item.total and item.score > 0]
    if totals:
        best = max(totals, key=lambda item: (item.score, item.value))
        return Finding(best.value, "stated_total", ((best.start, best.end),))
    best = max(candidates, key=lambda item: (item.score, -item.start))
    if best.score <= 0:
        return Finding(None, "no_personal_count")
    return Finding(best.value, "best_count", ((best.start, best.end),))


def _candidates(view: PostText) -> list[_Candidate]:
    text = view.text
    found = []
    for sentence in _SENTENCE.finditer(text):
        chunk = sentence.group(0)
        for match in _COUNT.finditer(chunk):
            value = parse_number(match["number"])
            if value is None or value == 0:
                continue
            start, end = sentence.start() + match.start(), sentence.start() + match.end()
            score = _score(chunk, match, view)
            total = bool(match["before"] and _TOTAL.fullmatch(match["before"])) or bool(
                _TOTAL.search(chunk[max(0, match.start() - 4):match.start()]))
            found.append(_Candidate(value, start, end, score, total))
    return found


def _score(sentence: str, match: re.Match[str], view: PostText) -> float:
    score = 0.0
    if _PERSONAL.search(sentence):
        score += 2
    if _FOREIGN.search(sentence):
        score -= 3
    if _NOT_PEOPLE_AFTER.match(sentence, match.end()):
        score -= 4
    if _NOT_PEOPLE_BEFORE.search(sentence[:match.start()]):
        score -= 4
    if match["unit"] in ("社", "者") :
        score -= 1
    if match["before"] in ("約", "最大", "最大で", "計", "合計"):
        score += 1
    return score
