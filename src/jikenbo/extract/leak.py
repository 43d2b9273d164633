"""Leak status: confirmed, suspected, none or unknown (see RECORD.md).

Leak status is a property of clauses, not of the whole text. Read sentence by sentence, a
confirming phrase counts when its own clause neither hedges nor negates it (`流出した可能性`,
`流出したことは確認されていない`) and its sentence is no conditional (`万一流出した場合`); a hedge
in another clause (the cause `不正アクセスされた可能性が高い`) does not undo it. A conclusion that
nothing leaked gives none; a hedge about data (`流出の可能性`, not `これ以上漏えいする可能性は
ない`) gives suspected. A bare "no leak found" gives none, unless the finding is provisional
(現時点では), the data is out of the organisation's hands or the investigation goes on, where it
is suspected. Otherwise a headline that names a leak (`個人情報漏えいについて`) confirms it. Bullets under a negated
list header (`以下の事実は確認されていません。・情報が流出したこと`) are negated. Listed data at risk
with no wording at all is suspected only when the incident moved data out of control, not for an
outage (ransomware alone): that stays unknown.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.heading import Span
from jikenbo.extract.scan import Scanner
from jikenbo.extract.scanset import ScannerSet

_TABLE = data.load("leak_status")
# One pattern per entry, all of a kind searched in one scan (extract/scanset.py): Python's re
# tries every branch of a long alternation at every position (ten times slower).
_PATTERNS = {name: [Scanner(entry) for entry in _TABLE[name]]
             for name in ("confirmed", "none", "suspected", "headline", "not_confirmed")}
_PHRASES = {name: ScannerSet(scanners) for name, scanners in _PATTERNS.items()}
_HEDGE = re.compile("|".join(_TABLE["hedge_after"]))
_SOFT_HEDGE = re.compile(_TABLE["soft_hedge"])
_NEGATED_HEDGE = re.compile(_TABLE["negated_hedge_after"])
_HEDGE_SUBJECT = re.compile(_TABLE["hedge_subject"])
_CONDITIONAL = re.compile("|".join(_TABLE["conditional"]))
_INVESTIGATING = re.compile("|".join(_TABLE["still_investigating"]))
_PROVISIONAL = re.compile("|".join(_TABLE["provisional"]))
_NEGATED_HEADER = re.compile(_TABLE["negated_list_header"])
_BULLET = re.compile(_TABLE["bullet"])
_LEAVES_CONTROL = frozenset(_TABLE["data_leaves_control"])
_SENTENCE = re.compile(r"[^。\n]+")
_CLAUSE_END = re.compile(r"[、,。]")
_CLAUSE = 30  # characters after a phrase read as its clause (bounded: linear time)
_SENTENCE_REST = 60  # characters after a continuative phrase (流出し、) read for a hedge
_HEDGE_WINDOW = 40  # characters before a hedge searched for what it is about
_HEDGE_AFTER = 20   # … and after it (可能性があるサーバーには個人情報)


def leak_status(view: PostText, categories: tuple[str, ...] = (),
                data_at_risk: bool = False) -> Finding[str]:
    phrases = _Phrases(view)  # each kind is looked for only when no earlier kind decided
    for name, value, rule in (("confirmed", "confirmed", "confirming_phrase"),
                              ("none", "none", "no_leak_conclusion"),
                              ("suspected", "suspected", "hedged_phrase")):
        found = phrases.first(name)
        if found:
            return Finding(value, rule, (found,))
    found = phrases.first("not_confirmed")
    if found:
        if ("loss_theft" in categories or _INVESTIGATING.search(view.text)
                or _PROVISIONAL.search(_sentence_at(view.text, found[0]))):
            return Finding("suspected", "not_found_yet", (found,))
        return Finding("none", "no_leak_found", (found,))
    found = phrases.first("headline")
    if found:
        return Finding("confirmed", "leak_in_headline", (found,))
    if data_at_risk and _LEAVES_CONTROL.intersection(categories):
        return Finding("suspected", "data_at_risk_listed")
    return Finding("unknown", "not_stated")


class _Phrases:
    """The phrases of one text that stand as written, read kind by kind on demand."""

    def __init__(self, view: PostText) -> None:
        self.text = view.text
        self.sentences = [(match.start(), match.end()) for match in _SENTENCE.finditer(self.text)]
        self.starts = [start for start, _ in self.sentences]
        self.headline = _headline_sentence(self.starts, view.heading.title)
        self.conditional: dict[int, bool] = {}

    @cached_property
    def negated(self) -> set[int]:
        return _negated_lines(self.text)

    def first(self, name: str) -> tuple[int, int] | None:
        """The first phrase of kind `name`, in text order (the entries' matches merged by start,
        an earlier entry first on a tie), that stands as written."""
        text, sentences = self.text, self.sentences
        for match in _PHRASES[name].finditer(text):
            number = bisect_right(self.starts, match.start()) - 1
            if number < 0 or match.end() > sentences[number][1]:
                continue
            start, end = sentences[number]
            if not _reads(name, number == self.headline) or (
                    name in ("confirmed", "suspected") and start in self.negated):
                continue
            if name in ("confirmed", "headline"):
                if number not in self.conditional:
                    self.conditional[number] = bool(_CONDITIONAL.search(text, start, end))
                if self.conditional[number] or _hedged(text, match, end):
                    continue
            if name == "suspected" and not _is_hedge_about_data(text, match, start, end):
                continue
            return match.start(), match.end()
        return None


def _headline_sentence(starts: list[int], title: Span) -> int:
    """The headline's first sentence: a headerless release may open with a paragraph."""
    number = bisect_left(starts, title.start)
    return number if number < len(starts) and starts[number] < max(title.end, title.start + 1) \
        else -1


def _reads(name: str, in_headline: bool) -> bool:
    """Which phrases a sentence is read for: a headline names a leak or hedges it, and the
    body says everything else."""
    if name == "suspected":
        return True
    return (name == "headline") == in_headline


def _hedged(text: str, match: re.Match[str], sentence_end: int) -> bool:
    """Whether the clause after a phrase hedges or negates it: `流出した|可能性があります`. A
    phrase that goes on (`流出し、悪用されるおそれ`) is hedged by the rest of its sentence."""
    end = match.end()
    if match.group(0).endswith("、"):
        return bool(_SOFT_HEDGE.search(text, end, min(sentence_end, end + _SENTENCE_REST)))
    window = text[end:min(sentence_end, end + _CLAUSE)]
    stop = _CLAUSE_END.search(window)
    return bool(_HEDGE.search(window[:stop.start()] if stop else window))


def _is_hedge_about_data(text: str, match: re.Match[str], start: int, end: int) -> bool:
    """A hedge about data that is not itself negated: keeps `情報が流出した可能性`; drops
    `これ以上漏えいする可能性はございません` and `不正アクセスを受けた可能性が高い`."""
    if _NEGATED_HEDGE.match(text, match.end(), end):
        return False
    return bool(_HEDGE_SUBJECT.search(text, max(start, match.start() - _HEDGE_WINDOW),
                                      min(end, match.end() + _HEDGE_AFTER)))


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind("。", 0, position), text.rfind("\n", 0, position)) + 1
    return text[start:position + _CLAUSE]


def _negated_lines(text: str) -> set[int]:
    """Start offsets of bullet lines that follow a negated list header."""
    out: set[int] = set()
    offset, under_header = 0, False
    for line in text.split("\n"):
        if _BULLET.match(line):
            if under_header:
                out.add(offset)
        elif line.strip():
            under_header = bool(_NEGATED_HEADER.search(line))
        offset += len(line) + 1
    return out
