"""Where a cue describes what happened, and where it does not.

A word like 不正アクセス or ウイルス感染 names an event only in a clause that reports it: not in the
countermeasures (「4.再発防止策」 … 不正アクセス対策の強化), not in a warning to readers
(「開くとウイルスに感染するおそれがあります」), not in a negation
(「不正ログインの形跡がないことを確認」). The tables are in data/scope.json; every window here is
bounded, so each check costs at most a few hundred characters however long the text is.
"""
from __future__ import annotations

import bisect
import re

from jikenbo import data

_TABLE = data.load("scope")
_HEADING_MARK = re.compile(_TABLE["heading_mark"])
_ASIDE_HEADING = re.compile(_TABLE["aside_heading"])
_NEGATED_TAIL = re.compile(_TABLE["negated_tail"])
_HYPOTHETICAL_TAIL = re.compile(_TABLE["hypothetical_tail"])
_TAIL_BREAK = re.compile(_TABLE["tail_break"])
_HYPOTHETICAL_HEAD = re.compile(_TABLE["hypothetical_head"])

HEADING_MAX = 40   # a heading line is short; a longer line is a sentence
TAIL = 40          # how far after a cue its negation or hypothetical may follow
ASIDE_MAX = 3000   # a countermeasure section never runs longer than this


def _lines(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _mark(line: str) -> str | None:
    """The family of a heading's numbering (`1.`, `(1)`, `【`, `■`), or None for a plain line."""
    found = _HEADING_MARK.match(line)
    if found is None:
        return None
    return next(name for name, value in found.groupdict().items() if value is not None)


def aside_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Sections under a heading about countermeasures or requests to readers.

    Drops: 「4.再発防止策⏎・不正アクセス対策の強化」 (the section runs to the next `5.` heading).
    Keeps: 「2.原因⏎不正アクセスによるもの」 (an account of what happened). Lines before
    `start` (the headline, which may well say 再発防止策について) are never headings.
    """
    spans: list[tuple[int, int]] = []
    lines = _lines(text)
    index = bisect.bisect_left(lines, (start, start))
    while index < len(lines):
        start, end = lines[index]
        line = text[start:end].strip()
        if len(line) > HEADING_MAX or not _ASIDE_HEADING.search(line):
            index += 1
            continue
        stop = _section_end(text, lines, index, _mark(line))
        spans.append((start, min(lines[stop - 1][1], start + ASIDE_MAX)))
        index = stop
    return spans


def _section_end(text: str, lines: list[tuple[int, int]], index: int, family: str | None) -> int:
    """The index of the first line after the section headed by line `index`: the next heading
    of the same numbering family; for an unnumbered heading, the end of its paragraph."""
    stop, start, content = index + 1, lines[index][0], False
    while stop < len(lines) and lines[stop][0] - start < ASIDE_MAX:
        following = text[lines[stop][0]:lines[stop][1]].strip()
        if family is None and not following and content:
            break
        content = content or bool(following)
        mark = _mark(following) if len(following) <= HEADING_MAX else None
        if mark is not None and (family is None or mark == family) \
                and not _ASIDE_HEADING.search(following):
            break
        stop += 1
    return stop


class Asides:
    """Membership test for the aside sections of one text, by offset."""

    def __init__(self, text: str, start: int = 0) -> None:
        self.spans = aside_spans(text, start)
        self._starts = [start for start, _ in self.spans]

    def covers(self, position: int) -> bool:
        index = bisect.bisect_right(self._starts, position) - 1
        return index >= 0 and position < self.spans[index][1]


def tail(text: str, end: int, width: int = TAIL) -> str:
    """The rest of the sentence after `end`, at most `width` characters."""
    window = text[end:end + width]
    stop = min((i for i in (window.find("。"), window.find("\n")) if i >= 0), default=len(window))
    return window[:stop]


def negated(text: str, end: int) -> bool:
    """Whether the sentence goes on to deny the event named just before `end`.

    Drops: 不正ログイン「の形跡及び業務システムの不正利用がないことを確認」.
    Keeps: 不正アクセス「を受けたが、情報の流出はない」 (the denial is about another clause).
    """
    rest = tail(text, end)
    found = _NEGATED_TAIL.match(rest)
    if found is None:
        return False
    return _TAIL_BREAK.search(rest, 0, found.start("denial")) is None


def hypothetical(text: str, end: int) -> bool:
    """Whether the event just before `end` is a risk or something to prevent, not a report.

    Drops: ウイルスに感染「したりする可能性がありますので」, 誤送信「防止のため」.
    Keeps: ウイルスに感染「した可能性があります」.
    """
    return _HYPOTHETICAL_TAIL.match(tail(text, end)) is not None


def conditional(text: str, start: int) -> bool:
    """Whether the event at `start` is only what would follow a condition.

    Drops: 「該当ページにアクセスしても」コンピュータウイルス等….
    Keeps: 「調査したところ、」マルウェアを検知.
    """
    return _HYPOTHETICAL_HEAD.search(text, max(0, start - 12), start) is not None


def reported(text: str, span: tuple[int, int], asides: Asides | None = None) -> bool:
    """Whether a cue at `span` reports what happened (outside `asides`, when given)."""
    if asides is not None and asides.covers(span[0]):
        return False
    return not (negated(text, span[1]) or hypothetical(text, span[1])
                or conditional(text, span[0]))
