"""Data types: kinds of personal data leaked or possibly leaked (data/data_types.json).

A data word names leaked data only where the notice says what leaked. It does not count:
inside a longer word (学籍 in 学籍番号, 運転免許証 in 運転免許証自主返納支援事業); as a field label
with its own value (the issuer's 「所在地:東京都…」); as the address a mail went to or came from
(「誤ったメールアドレスに送信」); when the rest of its clause says the item was not involved
(`電話番号、金融機関口座情報は、含まれておりません` keeps neither phone nor bank_account); on a
line that describes a person in the notice (`性別:男性` of a disciplined employee); or in a
countermeasure section. Every check reads a bounded window around the word.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract import scope
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.scan import Scanner, alphabet
from jikenbo.record import DATA_TYPES

_TABLE = data.load("data_types")
_CONTEXT_RULES: dict[str, str] = _TABLE["context_rules"]


def _word(word: str) -> str:
    """A word's pattern: escaped, or its context rule (`所属` only as an item of a list)."""
    return _CONTEXT_RULES.get(word, re.escape(word))


_WORD_PATTERNS = {name: "|".join(map(_word, sorted(words, key=len, reverse=True)))
                  for name, words in _TABLE["types"].items()}
_WORDS = {name: Scanner(pattern) for name, pattern in _WORD_PATTERNS.items()}
_JOINED = re.compile(_TABLE["joined"])
_KATAKANA_BEFORE = re.compile(_TABLE["katakana_joined_before"])
_FIELD_VALUE = re.compile(_TABLE["field_value"])
_ADDRESSED_BEFORE = re.compile(_TABLE["addressed_before"])
_ADDRESSED_AFTER = re.compile(_TABLE["addressed_after"])
_NEGATIVE = re.compile("|".join(_TABLE["negative"]))
_POSITIVE = re.compile("|".join(_TABLE["positive"]))
_PROFILE_LINE = re.compile(_TABLE["profile_lines"])
_CLAUSE_END = re.compile(r"[。\n]")
_SEGMENT = re.compile(r"[^、,/・\n。()「」『』]{1,40}")
_LIST_ITEM = re.compile(_TABLE["list_item"])
_ITEM_LEAD = re.compile(_TABLE["list_item_lead"])
_ITEM_TAIL = re.compile(_TABLE["list_item_tail"])
# A list item is its lead, its words and its tail, so a segment with any other character (a
# particle of a sentence: は, を, に) is no item; one search tells, where reading it takes three.
_ITEM_ALPHABET = alphabet(_TABLE["list_item_lead"], _TABLE["list_item"], _TABLE["list_item_tail"])
_NOT_ITEM = re.compile(f"[^{_ITEM_ALPHABET}]") if _ITEM_ALPHABET else None
_OTHER_HEAD = re.compile(_TABLE["other_item_head"])
_GROUP_ITEM = re.compile(_TABLE["group_item"])
_ANY_WORD = re.compile("|".join(_WORD_PATTERNS.values()))

CLAUSE = 120  # how far a clause may run after a data word before its negation stops counting
LINE = 80     # how much of the word's line is read for a profile label
NEAR = 30     # the window read for a joined word, a field value or an address
GAP = 4       # at most this many separator characters between two items of one list


def data_types(view: PostText) -> Finding[tuple[str, ...]]:
    text = view.body
    asides = view.asides
    found: dict[str, tuple[int, int]] = {}
    for name in DATA_TYPES:
        for match in _WORDS[name].finditer(text):
            if not asides.covers(match.start()) and _counts(text, match.start(), match.end()):
                found[name] = match.span()
                break
    if "other" not in found:
        span = _unnamed_item(text, asides)
        if span:
            found["other"] = span
    ordered = tuple(name for name in DATA_TYPES if name in found)
    return Finding(ordered, "data_type_words", tuple(found[name] for name in ordered))


def _counts(text: str, start: int, end: int) -> bool:
    """Whether a data word at [start, end) names data that was (possibly) involved."""
    return not (_joined(text, start, end) or _labelled(text, start, end)
                or _profile(text, start, end) or _negated(text, end))


def _joined(text: str, start: int, end: int) -> bool:
    """Part of the name of something else: 運転免許証「自主返納」, 学年「主任」, クラス「パッド」."""
    if _JOINED.match(text, end, end + NEAR):
        return True
    katakana = text[start] >= "ァ"
    return katakana and _KATAKANA_BEFORE.search(text, max(0, start - 1), start) is not None


def _labelled(text: str, start: int, end: int) -> bool:
    """A label with its own value (所在地:…) or the address a mail went to or came from."""
    after = text[end:end + NEAR]
    return (_FIELD_VALUE.match(after) is not None or _ADDRESSED_AFTER.match(after) is not None
            or _ADDRESSED_BEFORE.search(text, max(0, start - NEAR), start) is not None)


def _profile(text: str, start: int, end: int) -> bool:
    """On a line that describes a person in the notice: 「性別:男性」 of a disciplined employee."""
    line_start = max(text.rfind("\n", max(0, start - LINE), start) + 1, start - LINE)
    line_end = text.find("\n", end, end + LINE)
    line = text[line_start:line_end if line_end >= 0 else end + LINE]
    return _PROFILE_LINE.search(line) is not None


def _negated(text: str, end: int) -> bool:
    """The rest of the clause says the item was not involved, before any sign that it was."""
    stop = _CLAUSE_END.search(text, end, end + CLAUSE)
    clause_end = stop.start() if stop else min(len(text), end + CLAUSE)
    negative = _NEGATIVE.search(text, end, clause_end)
    if negative is None:
        return False
    return _POSITIVE.search(text, end, negative.start()) is None


def _unnamed_item(text: str, asides: scope.Asides) -> tuple[int, int] | None:
    """The first item of a list of leaked data that no data type names (`other`).

    A list is a run of short noun items (「氏名、住所、用途区分、使用量」, bullet lines) of which
    at least two name a data type; an item such as 用途区分 or 寄付金額 is then personal data of
    a kind RECORD.md has no type for. Keeps: 用途区分. Drops: 料金で (not a noun item), 患者情報
    (a group, not a kind of data), any item of a list with fewer than two data words.
    """
    run: list[tuple[int, int, bool]] = []  # (start, end, whether it names a type) per item
    last_end = -GAP - 1
    for segment in _SEGMENT.finditer(text):
        seg_start, seg_end = segment.span()
        if _NOT_ITEM and _NOT_ITEM.search(text, seg_start, seg_end):
            # Most segments are sentences, no item: they only end a run (then the gap
            # before the next segment has nothing left to end).
            if run:
                found = _unnamed_in(text, run)
                if found:
                    return found
                run = []
            continue
        item = _item(text, seg_start, seg_end)
        aside = asides.covers(seg_start)
        if seg_start - last_end > GAP or item is None or aside:
            found = _unnamed_in(text, run)
            if found:
                return found
            run = []
        last_end = seg_end
        if item is not None and not aside:
            start, end = item
            word = _ANY_WORD.search(text, start, end + 1)  # + 1: a word's rule may look ahead
            named = word is not None and word.start() < end
            run.append((start, end, named))
    return _unnamed_in(text, run)


def _item(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a list item inside a segment, without bullets, numbering, 等 and counts."""
    if _NOT_ITEM and _NOT_ITEM.search(text, start, end):
        return None
    segment = text[start:end]
    head = _ITEM_LEAD.match(segment)
    lead = head.end() if head else 0
    tail = _ITEM_TAIL.search(segment, lead)
    stop = tail.start() if tail else len(segment)
    return (start + lead, start + stop) if _LIST_ITEM.match(segment[lead:stop]) else None


def _unnamed_in(text: str, run: list[tuple[int, int, bool]]) -> tuple[int, int] | None:
    """The first unnamed personal item of a list, if at least two of its items count."""
    if sum(named for _, _, named in run) < 2:  # most runs: nothing to read further
        return None
    unnamed = next(((start, end) for start, end, named in run
                    if not named and _OTHER_HEAD.search(text, start, end)
                    and not _GROUP_ITEM.fullmatch(text, start, end)), None)
    if unnamed is None:
        return None
    counted = 0
    for start, end, named in run:
        counted += named and _counts(text, start, end)
        if counted == 2:
            return unnamed
    return None
