"""Data types: kinds of personal data leaked or possibly leaked (data/data_types.json).

A word counts unless the rest of its clause says the item was not involved
(`電話番号、金融機関口座情報は、含まれておりません` keeps neither phone nor bank_account), or its
line describes a person in the notice (`性別:男性` of a disciplined employee), not leaked data.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.record import DATA_TYPES

_TABLE = data.load("data_types")
_CONTEXT_RULES: dict[str, str] = _TABLE["context_rules"]


def _word(word: str) -> str:
    """A word's pattern: escaped, or its context rule (`所属` only as an item of a list)."""
    return _CONTEXT_RULES.get(word, re.escape(word))


_WORDS = {name: re.compile("|".join(map(_word, sorted(words, key=len, reverse=True))))
          for name, words in _TABLE["types"].items()}
_NEGATIVE = re.compile("|".join(_TABLE["negative"]))
_POSITIVE = re.compile("|".join(_TABLE["positive"]))
_PROFILE_LINE = re.compile(_TABLE["profile_lines"])
_CLAUSE_END = re.compile(r"[。\n]")


def data_types(view: PostText) -> Finding[tuple[str, ...]]:
    text = view.body
    found: dict[str, tuple[int, int]] = {}
    for name in DATA_TYPES:
        for match in _WORDS[name].finditer(text):
            if _counts(text, match.start(), match.end()):
                found[name] = match.span()
                break
    ordered = tuple(name for name in DATA_TYPES if name in found)
    return Finding(ordered, "data_type_words", tuple(found[name] for name in ordered))


def _counts(text: str, start: int, end: int) -> bool:
    """Whether a data word at [start, end) names data that was (possibly) involved."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if _PROFILE_LINE.search(text[line_start:line_end if line_end >= 0 else len(text)]):
        return False
    stop = _CLAUSE_END.search(text, end)
    clause_end = stop.start() if stop else len(text)
    negative = _NEGATIVE.search(text, end, clause_end)
    if negative is None:
        return True
    positive = _POSITIVE.search(text, end, negative.start())
    return positive is not None
