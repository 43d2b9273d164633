"""Adversarial inputs for the identity fields, the incident gate and the date patterns: long runs
of spaces, tabs, digits, 【 and cue words at 10 KB and 100 KB. Each runs in a subprocess with a
generous time limit (a cubic pattern takes minutes at 100 KB); the test asserts the result, and
the speed itself is bench/'s business.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

_RUN = """
import json, sys
from jikenbo.extract import identity, incident
from jikenbo.extract.context import PostText
from jikenbo.extract.dates import find_dates
from jikenbo.parse import Post
text = sys.stdin.read()
casebook = text.startswith("【セキュリティ事件簿#")
view = PostText.of(Post(text.split("\\n", 1)[0], text, 0, len(text), casebook), text[:20000])
print(json.dumps({
    "organization": identity.organization(view).value,
    "published": identity.published(view).value,
    "earlier": list(identity.earlier_releases(view).value),
    "incident": incident.is_incident(view).value,
    "dates": sum(1 for _ in find_dates(text)),
}, ensure_ascii=False))
"""

SHAPES = {  # name → (text of about `size` characters, what must come out)
    "bracket_then_spaces": (lambda n: "【" + " " * n + "x", {"earlier": [], "dates": 0}),
    "brackets": (lambda n: "【" * n, {"earlier": [], "dates": 0}),
    "release_markers_unclosed": (lambda n: ("【" + " " * 40 + "リリース分") * (n // 46),
                                 {"earlier": [], "dates": 0}),
    "heading_then_spaces_and_a_year": (lambda n: "個人情報の漏えいについて" + " " * n + "2024",
                                       {"published": None, "dates": 0}),
    "tabs_and_digits": (lambda n: "漏えい" + "\t1" * (n // 2), {"published": None, "dates": 0}),
    "digits": (lambda n: "1" * n + "年", {"dates": 0}),
    "kanji_numerals": (lambda n: "十" * n + "月", {"dates": 0}),
    "year_parted_by_spaces": (lambda n: "2024" + " " * n + "年7月1日", {"dates": 0}),
    "casebook_heading_of_spaces": (lambda n: "【セキュリティ事件簿#2024-001】" + " " * n + "2024/1/1",
                                   {"published": "2024-01-01", "incident": True}),
    "dashes_in_a_heading": (lambda n: "漏えいについて" + " -" * (n // 2) + " 青葉県", {}),
    "signature_of_titles": (lambda n: "書類の紛失\n" + "青葉市長 " + "長" * n, {}),
    "members_addresses": (lambda n: "会員の皆様" * (n // 5), {"organization": None}),
    "definitions": (lambda n: "(以下「当社」)" * (n // 8), {"organization": None}),
    "infection_words": (lambda n: "ウイルス" * (n // 4) + "に感染し", {}),
    "planted_link_words": (lambda n: "不正な" * (n // 3), {}),
    "explainer_spaces": (lambda n: "とは" + " " * n, {"incident": False}),
    "many_dates": (lambda n: "令和6年7月17日、2024/7/1 " * (n // 20), {}),
}


@pytest.mark.parametrize("size", [10_000, 100_000])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_identity_fields_on_adversarial_text(shape: str, size: int) -> None:
    make, expected = SHAPES[shape]
    text = make(size)
    done = subprocess.run([sys.executable, "-c", _RUN], input=text.encode(), capture_output=True,
                          timeout=120, check=True)
    found = json.loads(done.stdout)
    assert {name: found[name] for name in expected} == expected
    if shape == "many_dates":
        assert found["dates"] == 2 * (size // 20)
