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


@pytest.mark.parametrize("pattern, runs", [
    (r"(?<!\d)\d{4}年", True),
    (r"(?<![\d/.\-])(1[0-2]|0?[1-9])/", True),  # 0-9 are all refused before a start
    (r"(?<![A-Za-z])[RHS]\d", True),
    (r"(?<!年)\d{4}", False),  # a digit before a start is allowed
    (r"(?<![0-9])\d{4}", False),  # \d holds more digits than 0-9
    (r"\d{4}年", False),
    (r"(?<=\d)年", False),
])
def test_tries_only_the_first_of_a_run_where_the_lookbehind_refuses_the_rest(
        pattern: str, runs: bool) -> None:
    scanner = Scanner(pattern)
    assert (scanner.starts is not None and scanner.starts.pattern.endswith("+")) == runs
    text = "12345年 2024年1/2 RH1 ３4年 5/6/7 ab2024年" * 3
    for bounds in ((), (3,), (3, 40), (17, 60)):
        assert ([m.span() for m in scanner.finditer(text, *bounds)]
                == [m.span() for m in re.compile(pattern).finditer(text, *bounds)])
