"""A Scanner checks a match's first two characters before trying the pattern (scan.py,
`second_characters`): the places it skips must be places no match begins."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from jikenbo.extract import discovered
from jikenbo.extract.scan import Scanner, second_characters
from jikenbo.normalize import normalize

CORPUS = Path(__file__).parent / "shared" / "corpus"
TEXTS = [normalize(path.read_text(encoding="utf-8")).text
         for folder in ("unnumbered", "releases") for path in sorted((CORPUS / folder).glob("*.txt"))]

# Shapes where a wrong second character would lose a match: an optional or empty rest, a
# lookahead or lookbehind right after the first character, ranges and categories on either
# side, nested and repeated groups, a one-character match, a branch with a group of its own.
TRICKY = [
    "不正(な)?アクセス|不具合|情報",
    "a(?=b)|ab?c|[a-c]d",
    "x|xy|x(?:z|)w",
    r"[\d]件|\d{1,3}名|第[一二三]者",
    "(?:(に|を)受信)|に(?!おいて)提供",
    "漏(えい|洩)|流出(し|さ)れ|(?<=お)客様",
    "(?:情報(?:漏えい|流出))|(?:情)+報|情$",
    r"[がの]提供|[^。]{0,3}提供|(?s:.)x",
    "(ab|a)(c|)d|a",
]


@pytest.mark.parametrize("pattern", TRICKY)
def test_tricky_shapes_find_what_re_finds(pattern: str) -> None:
    scanner = Scanner(pattern)
    rng = random.Random(pattern)
    letters = sorted({c for c in pattern if c not in "()[]{}|?*+\\^$.:<=!-,s"}) + ["。", "\n"]
    texts = ["".join(rng.choice(letters) for _ in range(300)) for _ in range(200)] + TEXTS
    for text in texts:
        low = rng.randrange(len(text) + 1)
        for bounds in ((), (low,), (low, rng.randrange(low, len(text) + 2))):
            assert ([(m.span(), m.groups()) for m in scanner.finditer(text, *bounds)]
                    == [(m.span(), m.groups()) for m in scanner.pattern.finditer(text, *bounds)])


def test_pairs_are_checked_where_the_second_character_is_known() -> None:
    assert second_characters(re.compile("不正アクセス|不具合|情報")) == \
        "(?:(?<=[不])(?=[正具])|(?<=[情])(?=[報]))"
    # `x` may end a match: after it any character may stand, so there is nothing to check.
    assert second_characters(re.compile("x|xy")) is None
    assert second_characters(re.compile("x|xy|ab")) == "(?:(?<=[x])|(?<=[a])(?=[b]))"
    assert second_characters(re.compile("(?i)ab|cd")) is None


def test_cue_scans_try_far_fewer_places() -> None:
    """The awareness cues begin with common characters (`判`, `発`, `連`, `か`); the pair
    check leaves the tries at places where a cue's first two characters stand."""
    text = "".join(TEXTS)
    single = re.compile(discovered._CUE.starts.pattern.split("(?:", 1)[0])
    assert len(single.findall(text)) > 2 * len(discovered._CUE.starts.findall(text))


@pytest.mark.parametrize("scanner", discovered._RELATIVE.values(),
                         ids=lambda s: s.pattern.pattern[:20])
def test_relative_day_scanners_find_what_re_finds(scanner: Scanner) -> None:
    text = "".join(TEXTS) + "同日、翌日、翌12日、同月30日、同年5月1日、当日" * 20
    assert ([(m.span(), m.groups()) for m in scanner.finditer(text)]
            == [(m.span(), m.groups()) for m in scanner.pattern.finditer(text)])
