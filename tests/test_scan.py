"""Scanner yields exactly what `re` yields: every extraction pattern, on real and hostile text."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from jikenbo.extract import categories, data_types, dates, discovered, incident, leak
from jikenbo.extract.scan import Scanner, alphabet, first_characters
from jikenbo.normalize import normalize

CORPUS = Path(__file__).parent / "shared" / "corpus" / "unnumbered"
TEXTS = [normalize(path.read_text(encoding="utf-8")).text for path in sorted(CORPUS.glob("*.txt"))]
SCANNERS = ([rules.cues for rules in categories.RULES.values()]
            + [rules.weak for rules in categories.RULES.values() if rules.weak]
            + [rules.negative for rules in categories.RULES.values() if rules.negative]
            + [pattern.scanner for pattern in dates.PATTERNS] + list(data_types._WORDS.values())
            + [discovered._CUE, discovered._YEARLESS, discovered._MONTH_SLASH, discovered._YEAR,
               incident._INCIDENT] + [s for entries in leak._PATTERNS.values() for s in entries])


def _forced(scanner: Scanner) -> Scanner:
    """The scanner with its start class even where `re` would skip ahead by itself."""
    forced = Scanner(scanner.pattern)
    starts = first_characters(scanner.pattern)
    forced.starts = re.compile(starts) if starts else None
    return forced


@pytest.mark.parametrize("scanner", SCANNERS, ids=lambda s: s.pattern.pattern[:30])
def test_same_matches_as_finditer(scanner: Scanner) -> None:
    rng = random.Random(scanner.pattern.pattern)
    letters = [c for c in scanner.pattern.pattern if c not in "()[]{}|?*+\\^$.:<=!-,"]
    hostile = ["".join(rng.choice(letters + list("。\n 、12年月日")) for _ in range(200))
               for _ in range(50)]
    forced = _forced(scanner)
    for text in TEXTS + hostile:
        low = rng.randrange(len(text) + 1)
        high = rng.randrange(low, len(text) + 2)
        for bounds in ((), (low,), (low, high)):
            expected = [(m.span(), m.groups()) for m in scanner.pattern.finditer(text, *bounds)]
            assert [(m.span(), m.groups()) for m in scanner.finditer(text, *bounds)] == expected
            assert [(m.span(), m.groups()) for m in forced.finditer(text, *bounds)] == expected


@pytest.mark.parametrize("pattern, starts", [
    ("(サーバ|システム)[^。]{0,10}侵入|ハッキング", "[サシハ]"),
    (r"(?<!\d)(令和|平成)?\d+年", r"[令平\d]"),
    ("a?b*c", "[abc]"),
])
def test_first_characters(pattern: str, starts: str) -> None:
    assert first_characters(re.compile(pattern)) == starts


@pytest.mark.parametrize("pattern", ["a*", "(?:x|)", ".abc", "[^。]{1,5}", r"(a)?\1b", "(?i)abc"])
def test_no_start_class_where_any_character_may_start(pattern: str) -> None:
    assert first_characters(re.compile(pattern)) is None
    text = "abcxabc。" * 3
    assert [m.span() for m in Scanner(pattern).finditer(text)] == \
        [m.span() for m in re.finditer(pattern, text)]


def test_alphabet() -> None:
    assert alphabet("^[A-Z][0-9]{1,3}$", "(等|など)?$") == "A-Z0-9等など"
    assert alphabet("a.b") is None


def test_a_dense_run_of_start_characters_hands_over_to_re_with_the_same_matches() -> None:
    # Long digit runs make nearly every character a start for the date patterns: the scanner
    # hands the rest to `re`, which must find exactly the matches it would have found.
    text = ("1" * 500 + "2024年7月1日に判明" + "9" * 300 + "令和6年7月2日" + "3" * 200
            + "7/3 1,234名" + "0" * 150)
    for scanner in SCANNERS:
        assert ([(m.span(), m.group()) for m in scanner.finditer(text)]
                == [(m.span(), m.group()) for m in scanner.pattern.finditer(text)])
