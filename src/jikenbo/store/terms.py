"""The words of a search: plain words, phrases in "…" or 「…」, `OR` between alternatives, and
`-word` / `NOT word` to exclude. One left-to-right scan, so parsing is linear in the query's
length. Text that is not an operator where it stands is searched as written; what cannot be
read (an empty phrase, NOT NOT, too many words) raises a message the user can act on.
"""
from __future__ import annotations

from dataclasses import dataclass

from jikenbo import data
from jikenbo.normalize import nfkc
from jikenbo.record import CATEGORIES, DATA_TYPES
from jikenbo.store.fold import fold

MAX_TERMS = 8
_QUOTES = {'"': '"', "「": "」", "『": "』"}
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
    """(token, quoted) pairs of normalised text. A quote that never closes, a closing bracket
    without its opener and a lone '-' are ordinary characters (a piece cut from a title still
    finds that title); a quote is looked for at most once per kind, so the scan stays linear."""
    tokens: list[tuple[str, bool]] = []
    unclosed: set[str] = set()
    at, size = 0, len(q)
    while at < size:
        char = q[at]
        if char in _SPACE:
            at += 1
            continue
        negated = char == "-" and at + 1 < size
        opener = q[at + negated]
        if opener in _QUOTES and opener not in unclosed:
            close = q.find(_QUOTES[opener], at + negated + 1)
            if close >= 0:
                tokens.extend([("NOT", False)] * negated + [(q[at + negated + 1:close], True)])
                at = close + 1
                continue
            unclosed.add(opener)
        end = at + 1
        while end < size and q[end] not in _SPACE and (q[end] not in _QUOTES
                                                        or q[end] in unclosed):
            end += 1
        word = q[at:end]
        if word.startswith("-") and len(word) > 1:
            tokens.append(("NOT", False))
            word = word[1:]
        tokens.append((word, False))
        at = end
    return tokens


def _operators(tokens: list[tuple[str, bool]]) -> list[str | None]:
    """Per token: 'OR' between two words, 'NOT' before one; elsewhere these are plain words."""
    found: list[str | None] = []
    for index, (token, quoted) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        operator = None if quoted or token not in ("OR", "NOT") else token
        if following is None or following == ("OR", False):
            operator = None
        if operator == "OR" and (index == 0 or found[-1] is not None):
            operator = None
        found.append(operator)
    return found


def clauses(q: str) -> tuple[Clause, ...]:
    """The query `q` as clauses of alternatives; raises TermError when it cannot be read."""
    found: list[list[Term]] = []
    joining, negating, count = False, False, 0
    tokens = _tokens(nfkc(q))
    for (token, quoted), operator in zip(tokens, _operators(tokens)):
        if operator == "OR":
            joining = True
            continue
        if operator == "NOT":
            if negating:
                raise TermError("NOT が続いています")
            negating = True
            continue
        text = fold(token.lower()).strip()
        if quoted and not text:
            raise TermError("引用符の中が空です: 「…」や \"…\" の中に語を入れてください")
        if text:
            count += 1
            if count > MAX_TERMS:
                raise TermError(f"検索語は{MAX_TERMS}個までです")
            term = Term(text, token, negating, quoted)
            if joining and found:
                found[-1].append(term)
            else:
                found.append([term])
        joining = negating = False
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
