"""Leak status: confirmed, suspected, none or unknown (see RECORD.md).

A confirming phrase counts only in a sentence without hedging or negation (`流出した可能性`
is suspected); a conclusion that nothing leaked gives none; hedging alone gives suspected.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import Finding, PostText

_TABLE = data.load("leak_status")
_CONFIRMED = re.compile("|".join(_TABLE["confirmed"]))
_NONE = re.compile("|".join(_TABLE["none"]))
_SUSPECTED = re.compile("|".join(_TABLE["suspected"]))
_HEDGE = re.compile("|".join(_TABLE["maybe_in_sentence"]))
_SENTENCE = re.compile(r"[^。\n]+")


def leak_status(view: PostText) -> Finding[str]:
    confirmed = none = suspected = None
    for sentence in _SENTENCE.finditer(view.body):
        chunk = sentence.group(0)
        offset = sentence.start()
        match = _CONFIRMED.search(chunk)
        if match and confirmed is None and not _HEDGE.search(chunk, match.end()):
            confirmed = (offset + match.start(), offset + match.end())
        match = _NONE.search(chunk)
        if match and none is None:
            none = (offset + match.start(), offset + match.end())
        match = _SUSPECTED.search(chunk)
        if match and suspected is None:
            suspected = (offset + match.start(), offset + match.end())
    if confirmed:
        return Finding("confirmed", "confirming_phrase", (confirmed,))
    if none:
        return Finding("none", "no_leak_conclusion", (none,))
    if suspected:
        return Finding("suspected", "hedged_phrase", (suspected,))
    return Finding("unknown", "not_stated")
