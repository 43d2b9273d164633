"""Affected count: people (or records) whose data leaked or may have leaked, for this
organisation.

Candidates are numbers with a counting unit (件, 名, 人分, 枚, 通 …), read line by line; a short
line such as `157 件` takes its context from the lines above it (a table cell under 件数). A
number that is part of a word (`第三者`, `一人ひとり`, `今回の一件`) is no count. Groups joined
inline in one sentence (`A1名及びB2名`) are one candidate, their sum. A stated total (計, 合計)
wins; otherwise the items of a listed breakdown are summed, or the best-placed single count is
taken. People outrank records in the same sentence (`計80件、延べ人数1683名分`) unless the record
count names the leaked items and the people are a related head-count (`児童9人の保護者8件の
メールアドレス`). Counts of mails, files, accesses, staff, reporters or a subset (うち) lose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.numbers import NUMBER, is_word_numeral, parse_number
from jikenbo.extract.scan import Scanner

_WORDS = data.load("counts")


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Possessive spaces and a match that never starts on a space keep the search linear over runs
# of spaces, tabs and digits (NUMBER itself is possessive and anchored on its left).
_COUNT = re.compile(
    rf"(?:(?P<before>{_alternatives(_WORDS['qualifiers_before'])}){_WORDS['counted_noun']}\s*+)?"
    rf"(?P<number>{NUMBER})"
    rf"\s*+(?P<unit>{_alternatives(_WORDS['units'])})"
    rf"(?P<after>{_alternatives(_WORDS['qualifiers_after'])})?")
# read line by line: a scan tries the pattern only where a qualifier or a numeral stands
_COUNT_SCAN = Scanner(_COUNT)
_TOTAL = re.compile(_alternatives(_WORDS["total_words"]))
_PERSONAL = re.compile(_alternatives(_WORDS["personal_context"]))
_FOREIGN = re.compile(_alternatives(_WORDS["foreign_context"]))
_SUBSET = re.compile(r"(うち|内訳|このうち)\s*$")
_NOT_PEOPLE_AFTER = re.compile(rf"\s*(?:{_alternatives(_WORDS['not_people_after'])})")
_NOT_PEOPLE_BEFORE = re.compile(rf"(?:{_alternatives(_WORDS['not_people_before'])})"
                                rf"{_WORDS['not_people_before_particles']}\s*$")
_PERPETRATOR = re.compile(_WORDS["perpetrator"])
_PERPETRATOR_AFTER = re.compile(_WORDS["perpetrator_after"])
_RELATED_GROUP_AFTER = re.compile(_WORDS["related_group_after"])
_LEAKED_ITEM_AFTER = re.compile(_WORDS["leaked_item_after"])
_JOINED = re.compile(_WORDS["joined_counts_between"])
_FIELD_LABEL = re.compile(
    rf"(?P<field>{_alternatives(_WORDS['field_labels'])})(?:等)?\s*[::]?\s*\(?\s*$")
_WORD_BEFORE = re.compile(r"[第A-Za-z]")
_UNIT_COMPOUNDS = tuple(_WORDS["unit_compounds"])
_PEOPLE_UNITS = {"名", "人", "人分", "名分", "世帯"}
_ORGANISATION_UNITS = {"社", "団体"}
_SHORT_LINE = 40
_FOREIGN_WINDOW = 30
_LABEL = 20  # characters before a count read for the item of data it counts
_LOOK_BEFORE = 40  # characters before a count read for what it counts (bounded: linear time)
_SENTENCE_REST = 200  # characters after a count searched for the end of its sentence
_LARGEST = 10 ** 9  # more than any organisation's people or records: a misread, not a count


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
    related: bool = False  # a head-count beside the affected group (児童9人の保護者)
    joined: bool = False   # the sum of groups joined inline (A1名及びB2名)
    field: str = ""        # the one item of data it counts (氏名 1,200件), not a group of people


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
    if len(items) >= 2 and _item_by_item(items):
        widest = max(items, key=lambda item: item.value)
        return Finding(widest.value, "widest_item_count", ((widest.start, widest.end),))
    if len(items) >= 2 and sum(item.value for item in items) > best.value:
        return Finding(sum(item.value for item in items), "sum_of_listed_groups",
                       tuple((item.start, item.end) for item in items))
    rule = "sum_of_joined_groups" if best.joined else "best_count"
    return Finding(best.value, rule, ((best.start, best.end),))


def _field(line: str, match: re.Match[str]) -> str:
    label = _FIELD_LABEL.search(line, max(0, match.start() - _LABEL), match.start())
    return label["field"] if label else ""


def _item_by_item(items: list[_Candidate]) -> bool:
    """Whether counts name different items of the same people (氏名 1,200件 / 住所 1,200件),
    which are not summed; one item twice (代表アドレス 41件 / 個人アドレス 2件) is two groups."""
    fields = [item.field for item in items]
    return all(fields) and len(set(fields)) == len(fields)


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
        matches = _counts(line)
        if not matches:  # most lines hold no count; their context is never read
            offset += len(line) + 1
            continue
        people_here = [match for match, _ in matches
                       if match["unit"] in _PEOPLE_UNITS and not _RELATED_GROUP_AFTER.match(
                           line, match.end())]
        personal = bool(_PERSONAL.search(_context(lines, number)))  # once a line: linear time
        line_found = []
        for match, value in matches:
            people = match["unit"] in _PEOPLE_UNITS
            leaked_items = bool(_LEAKED_ITEM_AFTER.match(line, match.end()))
            if people_here and not people and not leaked_items and not _is_separate_sentence(
                    line, match):
                continue
            line_found.append(_Candidate(
                value, offset + match.start(), offset + match.end(),
                _score(line, personal, match) + (0.5 if leaked_items else 0),
                _is_total(line, match), _is_item(line, len(matches)), people, number,
                related=bool(people and _RELATED_GROUP_AFTER.match(line, match.end())),
                field=_field(line, match)))
        found.extend(_join(line, offset, line_found))
        offset += len(line) + 1
    return found


def _counts(line: str) -> list[tuple[re.Match[str], int]]:
    """The counts on a line with their values; numerals that are part of a word are dropped
    (`第三者`, `一人ひとり`, `M365`), and so are a list number before a word that starts like a
    unit (`1 件名`) and values too large to count anything."""
    out = []
    for match in _COUNT_SCAN.finditer(line):
        start = match.start("number")
        if start and _WORD_BEFORE.match(line, start - 1):
            continue
        unit_word = "".join(line[match.start("unit"):match.start("unit") + 6].split())
        if is_word_numeral(match["number"]) or unit_word.startswith(_UNIT_COMPOUNDS):
            continue
        value = parse_number(match["number"])
        if value and value <= _LARGEST:
            out.append((match, value))
    return out


def _join(line: str, offset: int, found: list[_Candidate]) -> list[_Candidate]:
    """Counts of one kind joined inline by 及び/並びに/、 become one candidate, their sum:
    `講師1名及び司会者2名` → 3; `100名、うち10名` stays two counts."""
    out: list[_Candidate] = []
    for item in found:
        last = out[-1] if out else None
        if (last and last.people == item.people and not last.total and not item.total
                and last.score > 0 and item.score > 0 and not _item_by_item([last, item])
                and _JOINED.search(line[last.end - offset:item.start - offset])):
            out[-1] = replace(last, value=last.value + item.value, end=item.end,
                              score=max(last.score, item.score), joined=True)
        else:
            out.append(item)
    return out


def _context(lines: list[str], number: int) -> str:
    """The line itself, plus the lines above when it is a short table cell or list item."""
    line = lines[number]
    if len(line.strip()) >= _SHORT_LINE and line.rstrip().endswith("。"):
        return line
    above = [text for text in lines[max(0, number - 4):number] if text.strip()][-2:]
    return "\n".join(above + [line])


def _score(line: str, personal: bool, match: re.Match[str]) -> float:
    before = line[max(0, match.start() - _LOOK_BEFORE):match.start()]
    score = 0.0
    if personal:
        score += 2
    if _FOREIGN.search(before[-_FOREIGN_WINDOW:]):
        score -= 3
    if "によると" in before:
        score -= 1
    if _SUBSET.search(before):
        score -= 3
    if _NOT_PEOPLE_AFTER.match(line, match.end()) or _NOT_PEOPLE_BEFORE.search(before):
        score -= 4
    if _PERPETRATOR.search(before) and _PERPETRATOR_AFTER.match(line, match.end()):
        score -= 4
    if match["unit"] in _PEOPLE_UNITS and _RELATED_GROUP_AFTER.match(line, match.end()):
        score -= 1.5
    if match["unit"] in ("社", "者", "団体"):
        score -= 0.5
    if score > 0 and match["before"] in ("約", "最大", "最大で", "延べ"):
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
    rest = line[match.end():match.end() + _SENTENCE_REST]
    stop = rest.find("。")
    return stop >= 0 and not any(unit in rest[:stop] for unit in _PEOPLE_UNITS)
