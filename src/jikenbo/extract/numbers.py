"""Japanese numbers: `約8千6百` → 8600, `22万4千` → 224000, `7万 4238` → 74238,
`924 万 4,553` → 9244553, `6.5万` → 65000, `二千` → 2000, full-width digits (after NFKC)."""
from __future__ import annotations

import re

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = (("億", 10 ** 8), ("万", 10 ** 4))
# A run of digits, kanji numerals and their units; spaces only inside digit groups.
NUMBER = (r"(?:[0-9〇一二三四五六七八九][0-9〇一二三四五六七八九十百千万億,.]*"
          r"(?:\s(?=[0-9万億])[0-9〇一二三四五六七八九十百千万億,.]+)*)")
_NUMBER = re.compile(NUMBER)


def parse_number(text: str) -> int | None:
    """The value of a numeral run, or None if it is not a well-formed number."""
    compact = re.sub(r"[\s,]", "", text)
    if not compact or not re.search(r"[0-9〇一二三四五六七八九]", compact):
        return None
    total = 0.0
    rest = compact
    for unit, size in _BIG_UNITS:
        if unit in rest:
            head, rest = rest.split(unit, 1)
            value = _small(head) if head else 1.0
            if value is None:
                return None
            total += value * size
    if rest:
        value = _small(rest)
        if value is None:
            return None
        total += value
    return int(round(total))


def _small(text: str) -> float | None:
    """A number below 10,000: `8千6百`, `4238`, `6.5`, `二千`."""
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    value, buffer = 0.0, ""
    for char in text:
        if char.isdigit() or char == ".":
            buffer += char
        elif char in _KANJI_DIGITS:
            buffer += str(_KANJI_DIGITS[char])
        elif char in _SMALL_UNITS:
            value += (float(buffer) if buffer else 1.0) * _SMALL_UNITS[char]
            buffer = ""
        else:
            return None
    try:
        return value + (float(buffer) if buffer else 0.0)
    except ValueError:
        return None


def find_numbers(text: str) -> list[re.Match[str]]:
    return list(_NUMBER.finditer(text))
