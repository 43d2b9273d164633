"""When a release read again is one already stored: a new version of it, or a near-duplicate.

A release's identity is its first text (`store.release_id`). A text seen before is that release
again. A changed text is the same release when it is what a stored release became:
- at the locator the stored release stood on in the previous read (a page fetched again), it is a
  VERSION when it comes from the same issuer under the same headline, or when its text is mostly
  the same (SIMILAR or more);
- at another locator it is the same release, another OCCURRENCE, only when all three hold: same
  issuer, same headline and mostly the same text.
Anything else (a 第2報 with its own headline, another incident of the same issuer) is a new
release. Pure functions over the fields compared; the store asks them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from jikenbo.normalize import nfkc

# Mostly the same text: the Indel similarity of the two normalised texts (2·LCS / total length).
# On the real notices of the sample casebook and the unnumbered corpus, one notice as two pages
# print it scores 0.78–1.00 and two notices of one issuer 0.15–0.34; a notice with a 追記 line
# appended scores 0.63 when the notice is short, and is a version by issuer and headline.
SIMILAR = 0.75
# Texts are compared on at most this many characters each (Indel is O(n·m/64)): a release
# longer than that is judged by its beginning, where its headline and first account stand.
COMPARED_CHARS = 20_000
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Candidate:
    """What is compared of a release: its issuer, headline and text."""

    organization: str | None
    title: str
    text: str


def key(text: str) -> str:
    """Text as compared: normalised (NFKC), white space removed."""
    return _SPACE.sub("", nfkc(text))


def similarity(first: str, second: str) -> float:
    """How much of two texts is the same, 0–1, on their normalised forms.

    `similarity("不正アクセスについて", "不正アクセスについて(追記あり)")` is 0.77;
    two different notices of one city score about 0.3."""
    return Indel.normalized_similarity(key(first)[:COMPARED_CHARS], key(second)[:COMPARED_CHARS])


def same_issuer(new: Candidate, stored: Candidate) -> bool:
    """Both name the same organisation (an unnamed issuer is never the same as anything)."""
    return bool(new.organization) and key(new.organization or "") == key(stored.organization or "")


def same_headline(new: Candidate, stored: Candidate) -> bool:
    return bool(key(new.title)) and key(new.title) == key(stored.title)


def is_version(new: Candidate, stored: Candidate) -> bool:
    """At the same locator: same issuer and headline, or mostly the same text.

    Keeps as a version the page that gained a 【追記】 line; drops the page whose notice was
    replaced by another issuer's under another headline."""
    if same_issuer(new, stored) and same_headline(new, stored):
        return True
    return similarity(new.text, stored.text) >= SIMILAR


def is_near_duplicate(new: Candidate, stored: Candidate) -> bool:
    """At another locator: same issuer, same headline and mostly the same text.

    Keeps the city's own page of a notice the casebook blog also printed; drops the city's
    第2報, whose headline is its own."""
    return (same_issuer(new, stored) and same_headline(new, stored)
            and similarity(new.text, stored.text) >= SIMILAR)
