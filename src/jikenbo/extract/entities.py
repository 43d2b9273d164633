"""Legal-entity names as written: `東京ガスエンジニアリングソリューションズ株式会社`,
`株式会社静岡情報処理センター`, `一般社団法人滋賀県病院協会`, `水道マッピングシステム(株)`,
`(公財)滋賀県国際協会`.

A name runs over katakana, kanji, Latin letters and digits from its legal form outwards and
stops at hiragana or punctuation, so `委託している東京ガス…株式会社` yields just the company.
"""
from __future__ import annotations

import re

from jikenbo import data

_ORG = data.load("organizations")
_STOP = sorted(data.load("supply_chain")["name_stop_words"], key=len, reverse=True)
_NAME_CHAR = r"[ァ-ヶー一-龥々ヶA-Za-z0-9・&.\-]"
_SUFFIX_FORMS = ("株式会社", "有限会社", "合同会社", "(株)", "(有)")
# Every form may open a name: `(株)〇〇`, `(公財)〇〇協会`; one that ends a name is read as such first.
_PREFIX_FORMS = tuple(_ORG["legal_forms"])
_BEFORE = re.compile(rf"{_NAME_CHAR}+$")
_AFTER = re.compile(rf"^{_NAME_CHAR}+")
# Kanji that join or address names rather than end them: `株式会社A及び…`, `株式会社B様より`.
_TRAILING_WORD = re.compile(r"(?:及|並|又|様|殿|等|御中|宛)$")
_LEADING_TIME = re.compile(r"(?:\d+(?:年|月|日|時|分|名|件|社)頃?)+")
_FORMS = re.compile("|".join(map(re.escape, sorted(set(_SUFFIX_FORMS + _PREFIX_FORMS),
                                                   key=len, reverse=True))))


def entity_names(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of legal-entity names in text[start:end]."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    reached = start  # end of the names so far: each starts before the next form, so a new
    for form in _FORMS.finditer(text, start, end):  # name overlaps one only if it starts here
        span = _name_around(text, form, start, end)
        if span and span[0] >= reached:
            spans.append(span)
            reached = span[1]
    return spans


def _name_around(text: str, form: re.Match[str], start: int, end: int) -> tuple[int, int] | None:
    before = _BEFORE.search(text[max(start, form.start() - 40):form.start()])
    if before and form.group(0) in _SUFFIX_FORMS:
        name_start = form.start() - len(before.group(0))
        name_start = _skip_stop_words(text, name_start, form.start())
        if name_start < form.start():
            return name_start, form.end()
    after = _AFTER.match(text[form.end():min(end, form.end() + 40)])
    if after and form.group(0) in _PREFIX_FORMS:
        name = _TRAILING_WORD.sub("", after.group(0))
        if name:
            return form.start(), form.end() + len(name)
    return None


def _skip_stop_words(text: str, name_start: int, name_end: int) -> int:
    """Skip a leading contractor word or time (`委託先`, `16時頃`) caught in the name's run; a run
    that is nothing but such a word leaves no name before the form (`再委託先有限会社テスト`)."""
    time = _LEADING_TIME.match(text, name_start, name_end)
    if time and time.end() < name_end:
        name_start = time.end()
    for word in _STOP:
        if text.startswith(word, name_start) and name_start + len(word) <= name_end:
            return name_start + len(word)
    return name_start
