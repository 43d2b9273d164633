"""Japanese numbers: `約8千6百` → 8600, `22万4千` → 224000, `7万 4238` → 74238,
`924 万 4,553` → 9244553, `6.5万` → 65000, `二千` → 2000, full-width digits (after NFKC)."""
from __future__ import annotations

import re

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = (("億", 10 ** 8), ("万", 10 ** 4))
_DIGIT = "0-9〇一二三四五六七八九"
_NUMERAL = _DIGIT + "十百千万億"
# A run of digits, kanji numerals and their units; spaces only inside digit groups. It starts
# where no numeral (nor a numeral and a space, comma or point) stands before it, and its quantifiers are
# possessive: a long run of digits or of `1 1 1 …` is read once, never re-read from each of
# its positions, so a search over it stays linear.
NUMBER = (rf"(?<![{_NUMERAL}])(?<![{_NUMERAL}][\s,.])[{_DIGIT}][{_NUMERAL},.]*+"
          rf"(?:\s(?=[0-9万億])[{_NUMERAL},.]++)*+")
_NUMBER = re.compile(NUMBER)
# No number worth reading is longer (`924万4,553` is 10); a run of thousands of digits is noise
# and would overflow a float.
_LONGEST = 24
_KANJI_ONLY = re.compile(r"[〇一二三四五六七八九十百千万億]+")


def parse_number(text: str) -> int | None:
    """The value of a numeral run, or None if it is not a well-formed number."""
    compact = re.sub(r"[\s,]", "", text)
    if not compact or len(compact) > _LONGEST or not re.search(r"[0-9〇一二三四五六七八九]", compact):
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


def is_word_numeral(text: str) -> bool:
    """Whether a numeral is a lone kanji digit, which in running text is part of a word
    rather than a count: drops `一人ひとり`, `今回の一件`, `二人組`; keeps `二十名`, `三千件`, `3名`."""
    return len(text) == 1 and bool(_KANJI_ONLY.fullmatch(text))


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
