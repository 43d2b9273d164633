"""The strings a Scanner looks for before it scans: every match holds one, so skipping a text
without any of them changes nothing."""
from __future__ import annotations

import re

import pytest

from jikenbo.extract.scan import Scanner, required_strings
from tests.test_scan import SCANNERS, TEXTS


@pytest.mark.parametrize("pattern, needs", [
    ("(漏えい|漏洩|流出)し、", ("流出し、", "漏えいし、", "漏洩し、")),
    (r"(?<!\d)(漏えい|流出)(が|を)?確認|漏洩を確認", ("確認",)),  # 漏洩を確認 holds 確認
    (r"(?<!\d)(?P<y>\d{4})\s{0,2}年\s{0,2}(?P<m>\d{1,2})月", ("年",)),
    ("x(?=y)z", ("xz",)),
    (".abc", ("abc",)),  # `.` is spelt any way, the rest one way  # a lookahead consumes nothing: x and z stand side by side
    ("a(?:b|)c", ("abc", "ac")),
    ("(?i:ab)c", ("c",)),  # the part that ignores case is not listed
    ("不正(な)?アクセス", ("不正なアクセス", "不正アクセス")),  # longer tells more
])
def test_required_strings(pattern: str, needs: tuple[str, ...]) -> None:
    assert required_strings(re.compile(pattern)) == needs


@pytest.mark.parametrize("pattern", [
    "a*", "ab|", "(?i)abc", "[^。]{1,5}", r"\d+", ".+",
    "a|b|c|d|e|f|g",  # more strings than are worth a look each
])
def test_no_required_strings(pattern: str) -> None:
    assert required_strings(re.compile(pattern)) == ()


@pytest.mark.parametrize("scanner", [s for s in SCANNERS if s.needs],
                         ids=lambda s: s.pattern.pattern[:30])
def test_every_match_holds_a_required_string(scanner: Scanner) -> None:
    for text in TEXTS:
        for match in scanner.pattern.finditer(text):
            assert any(need in match.group(0) for need in scanner.needs), match.group(0)


def test_a_required_string_outside_the_bounds_does_not_count() -> None:
    # `確認` stands before pos: the scan from pos must find nothing, as `re` does.
    scanner = Scanner(r"(?<!\d)(漏えい|流出)(が|を)?確認")
    text = "流出を確認した。その後の調査"
    assert list(scanner.finditer(text, 5)) == list(scanner.pattern.finditer(text, 5)) == []
    assert [m.span() for m in scanner.finditer(text, 0, 4)] == []
    assert [m.span() for m in scanner.finditer(text)] == [(0, 5)]
