"""The words of a search: plain words, phrases in "…" or 「…」, `OR` between alternatives, and
`-word` / `NOT word` to exclude. One left-to-right scan (each quote closed with one `find`), so
parsing is linear in the query's length; malformed input raises a message the user can act on.
"""
from __future__ import annotations

from dataclasses import dataclass

from jikenbo import data
from jikenbo.normalize import nfkc
from jikenbo.record import CATEGORIES, DATA_TYPES
from jikenbo.store.fold import fold

MAX_TERMS = 8
_QUOTES = {'"': '"', "「": "」", "『": "』"}
_CLOSERS = {"」", "』"}
_SPACE = (" ", "\t", "\n", "\r")


class TermError(ValueError):
    """A query string that cannot be read (unclosed quote, dangling OR or NOT)."""


@dataclass(frozen=True)
class Term:
    text: str           # folded, as matched against the index
    shown: str          # as typed (normalised), for messages and marking
    negated: bool = False
    phrase: bool = False


Clause = tuple[Term, ...]  # alternatives joined by OR; a query matches every clause


def _tokens(q: str) -> list[tuple[str, bool]]:
    """(token, quoted) pairs of normalised text; operators are unquoted 'OR' and 'NOT'."""
    tokens: list[tuple[str, bool]] = []
    at, size = 0, len(q)
    while at < size:
        char = q[at]
        if char in _SPACE:
            at += 1
            continue
        negated = char == "-" and at + 1 < size and q[at + 1] in _QUOTES
        if negated:
            tokens.append(("NOT", False))
            at += 1
            char = q[at]
        if char in _QUOTES:
            close = q.find(_QUOTES[char], at + 1)
            if close < 0:
                raise TermError(f"引用符 {char} が閉じていません")
            tokens.append((q[at + 1:close], True))
            at = close + 1
            continue
        if char in _CLOSERS:
            raise TermError(f"閉じ括弧 {char} に対応する開き括弧がありません")
        end = at
        while end < size and q[end] not in _SPACE and q[end] not in _QUOTES \
                and q[end] not in _CLOSERS:
            end += 1
        word = q[at:end]
        if word.startswith("-") and len(word) > 1:
            tokens.append(("NOT", False))
            word = word[1:]
        elif word == "-":
            raise TermError("「-」の後に除外する語を続けてください")
        tokens.append((word, False))
        at = end
    return tokens


def clauses(q: str) -> tuple[Clause, ...]:
    """The query `q` as clauses of alternatives; raises TermError when it cannot be read."""
    found: list[list[Term]] = []
    joining, negating, count = False, False, 0
    for token, quoted in _tokens(nfkc(q)):
        if not quoted and token == "OR":
            if not found or joining or negating:
                raise TermError("OR の前後には検索語が必要です")
            joining = True
            continue
        if not quoted and token == "NOT":
            if negating:
                raise TermError("NOT が続いています")
            negating = True
            continue
        text = fold(token.lower()).strip()
        if quoted and not text:
            raise TermError("引用符の中が空です")
        if text:
            count += 1
            if count > MAX_TERMS:
                raise TermError(f"検索語は{MAX_TERMS}個までです")
            term = Term(text, token, negating, quoted)
            if joining:
                found[-1].append(term)
            else:
                found.append([term])
        joining = negating = False
    if joining:
        raise TermError("OR の後に検索語が必要です")
    if negating:
        raise TermError("NOT / - の後に除外する語が必要です")
    return tuple(tuple(clause) for clause in found)


def _field_words() -> dict[str, tuple[tuple[str, str], ...]]:
    """Folded word → the (facet, value) pairs it names: the labels, split at ・, and synonyms."""
    words: dict[str, set[tuple[str, str]]] = {}
    labels, synonyms = data.load("labels"), data.load("field_words")
    for facet, values in (("category", CATEGORIES), ("data_type", DATA_TYPES)):
        for value in values:
            if value == "other":
                continue
            label = labels[facet].get(value, "")
            for word in [label, *label.split("・"), *synonyms[facet].get(value, ())]:
                if word:
                    words.setdefault(fold(nfkc(word).lower()), set()).add((facet, value))
    return {word: tuple(sorted(pairs)) for word, pairs in words.items()}


FIELD_WORDS = _field_words()
