"""Leak status: confirmed, suspected, none or unknown (see RECORD.md).

Read sentence by sentence. A confirming phrase counts only when nothing after it in its sentence
hedges or negates it, and never in a conditional (`万一情報の流出が確認された場合`). A conclusion
that nothing leaked gives none, hedging (`流出の可能性`) suspected. A bare "no leak found so far"
gives none, unless the data is out of the organisation's hands (a lost USB memory) or the
investigation goes on, where it is suspected; a release that lists data at risk with no wording at all is suspected too.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import Finding, PostText

_TABLE = data.load("leak_status")
_PATTERNS = {name: re.compile("|".join(_TABLE[name]))
             for name in ("confirmed", "none", "suspected", "not_confirmed")}
_HEDGE = re.compile("|".join(_TABLE["hedge_after"]))
_CONDITIONAL = re.compile("|".join(_TABLE["conditional"]))
_INVESTIGATING = re.compile("|".join(_TABLE["still_investigating"]))
_SENTENCE = re.compile(r"[^。\n]+")


def leak_status(view: PostText, categories: tuple[str, ...] = (),
                data_at_risk: bool = False) -> Finding[str]:
    found = _first_phrases(view)
    if "confirmed" in found:
        return Finding("confirmed", "confirming_phrase", (found["confirmed"],))
    if "none" in found:
        return Finding("none", "no_leak_conclusion", (found["none"],))
    if "suspected" in found:
        return Finding("suspected", "hedged_phrase", (found["suspected"],))
    if "not_confirmed" in found:
        if "loss_theft" in categories or _INVESTIGATING.search(view.text):
            return Finding("suspected", "not_found_yet", (found["not_confirmed"],))
        return Finding("none", "no_leak_found", (found["not_confirmed"],))
    if data_at_risk:
        return Finding("suspected", "data_at_risk_listed")
    return Finding("unknown", "not_stated")


def _first_phrases(view: PostText) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for sentence in _SENTENCE.finditer(view.text):
        chunk, offset = sentence.group(0), sentence.start()
        in_heading = view.headline_start <= offset < view.headline_end
        for name, pattern in _PATTERNS.items():
            if name in found or (in_heading and name != "suspected"):
                continue
            match = pattern.search(chunk)
            if match is None:
                continue
            if name == "confirmed" and (_HEDGE.search(chunk, match.end())
                                        or _CONDITIONAL.search(chunk)):
                continue
            found[name] = (offset + match.start(), offset + match.end())
    return found
