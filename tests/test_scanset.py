"""A ScannerSet yields exactly what merging its scanners' own scans yields: every leak-status
table, on the corpus, on hostile text made of its own phrases and on dense runs of starts."""
from __future__ import annotations

import random
from heapq import merge

import pytest

from jikenbo.extract import leak
from jikenbo.extract.scan import Scanner
from jikenbo.extract.scanset import ScannerSet
from tests.test_scan import TEXTS


def _merged(scanners: list[Scanner], text: str) -> list[tuple[tuple[int, int], str]]:
    return [(match.span(), match.re.pattern) for match in
            merge(*(scanner.pattern.finditer(text) for scanner in scanners),
                  key=lambda match: match.start())]


def _hostile(scanners: list[Scanner], rng: random.Random) -> list[str]:
    letters = [c for scanner in scanners for c in scanner.pattern.pattern
               if c not in "()[]{}|?*+\\^$.:<=!-,"]
    return ["".join(rng.choice(letters + list("。\n 、")) for _ in range(400)) for _ in range(40)]


@pytest.mark.parametrize("name", sorted(leak._PATTERNS))
def test_same_matches_as_merged_scans(name: str) -> None:
    scanners = leak._PATTERNS[name]
    phrases = ScannerSet(scanners)
    assert phrases.starts is not None  # the one-scan path is what is tested
    rng = random.Random(name)
    for text in TEXTS + _hostile(scanners, rng):
        assert ([(match.span(), match.re.pattern) for match in phrases.finditer(text)]
                == _merged(scanners, text))


def test_a_dense_run_of_starts_hands_over_with_the_same_matches() -> None:
    scanners = leak._PATTERNS["confirmed"]
    text = "漏" * 3000 + "漏えいしました。" + "流" * 2000 + "流出したことを確認" + "にを" * 900
    assert ([(match.span(), match.re.pattern) for match in ScannerSet(scanners).finditer(text)]
            == _merged(scanners, text))


def test_a_table_with_a_pattern_of_no_start_class_is_merged_as_before() -> None:
    scanners = [Scanner("[^。]{0,3}流出"), Scanner("漏えい")]
    phrases = ScannerSet(scanners)
    assert phrases.starts is None
    text = "漏えいし、情報が流出。漏えい"
    assert ([(m.span(), m.re.pattern) for m in phrases.finditer(text)]
            == _merged(scanners, text))
