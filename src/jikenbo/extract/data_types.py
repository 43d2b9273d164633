"""Data types: kinds of personal data leaked or possibly leaked (data/data_types.json).

A word counts unless its clause says the item was not involved:
`電話番号、金融機関口座情報は、含まれておりません` keeps nothing of bank_account.
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
_NOT_AFTER = re.compile(_TABLE["not_after"])


def data_types(view: PostText) -> Finding[tuple[str, ...]]:
    text = view.body
    found: dict[str, tuple[int, int]] = {}
    for name in DATA_TYPES:
        for match in _WORDS[name].finditer(text):
            if not _NOT_AFTER.match(text, match.end()):
                found[name] = match.span()
                break
    ordered = tuple(name for name in DATA_TYPES if name in found)
    return Finding(ordered, "data_type_words", tuple(found[name] for name in ordered))
