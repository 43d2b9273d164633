"""Normalising only the runs of characters that may change gives what normalising every
character gives: the text and its map back to the original."""
from __future__ import annotations

import random

from jikenbo.normalize import _CHANGING, _PIECES, normalize
from tests.test_scan import TEXTS  # the unnumbered corpus, normalised


def test_every_character_outside_the_runs_is_its_own_normal_form() -> None:
    kept = [code for code in range(0x10000) if not _CHANGING.match(chr(code))]
    assert kept and all(_PIECES[code] == chr(code) for code in kept)


def _per_character(text: str) -> tuple[str, list[int]]:
    """The text and map the former per-character path built (no combining marks here)."""
    pieces = [_PIECES[char] for char in text]
    return "".join(pieces), [at for at, piece in enumerate(pieces) for _ in piece]


def test_runs_give_the_per_character_result_on_hostile_and_real_text() -> None:
    rng = random.Random(7)
    alphabet = "ＡＢ１２　㈱①ｶｷ平成㍻〜‐−–abc漏えい。\n\U0001d400\U0001f600\ufb01"
    texts = ["".join(rng.choice(alphabet) for _ in range(300)) for _ in range(50)]
    for text in texts + TEXTS[:10]:
        expected, origin = _per_character(text)
        norm = normalize(text)
        if "2" not in text and "z" not in text.lower():  # no OCR'd year repair to account for
            assert norm.text == expected
        assert list(norm.origin) == origin
