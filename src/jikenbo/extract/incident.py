"""Incident or not: casebook posts carry a header; travel reports and commentary do not.

A document without a header is an incident notice when its headline holds an incident cue, or
its text holds `minimum_hits` different ones. Cues are words grouped by meaning plus a few
phrases with a bounded gap (`ウイルスEmotetに感染し`, `不適切なURLリンク`). A headline that asks
what a term means (`…インシデントとは`) is an explainer, never a notice.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.scan import Scanner

_CUES = data.load("incident_cues")
_WORDS = sorted({word for words in _CUES["incident"].values() for word in words},
                key=len, reverse=True)
_INCIDENT = Scanner("|".join(map(re.escape, _WORDS))
                    + "|" + "|".join(f"(?P<{name}>{pattern})"
                                     for name, pattern in _CUES["incident_patterns"].items()))
_EXPLAINER = re.compile(_CUES["explainer_heading"])
_WEAK = frozenset(_CUES["weak_in_heading"])  # `個人情報の取扱いについて` is no notice by itself


def is_incident(view: PostText) -> Finding[bool]:
    """True for a casebook post or a document that reads like an incident notice.

    True: `【セキュリティ事件簿#2024-313】白井市 …`, `マイナンバーカードの誤交付について`.
    False: `安く旅する方法` between incident posts, `■ セキュリティインシデントとは`.
    """
    if view.heading.case_id is not None:
        span = view.heading.case_id
        return Finding(True, "casebook_header", ((span.start, span.end),))
    if view.post.casebook:
        return Finding(False, "unrelated_post_on_casebook_page", ((0, view.heading_end),))
    headline = view.text[view.headline_start:view.headline_end]
    explainer = _EXPLAINER.search(headline)
    if explainer:
        return Finding(False, "explainer_page", ((view.headline_start, view.headline_end),))
    hits = list(_INCIDENT.finditer(view.text))
    kinds = {hit.lastgroup or hit.group(0) for hit in hits}
    in_heading = [hit for hit in hits if view.headline_start <= hit.start() < view.headline_end]
    strong = [hit for hit in in_heading if hit.group(0) not in _WEAK]
    if strong or (in_heading and len(kinds) >= 2):
        return Finding(True, "incident_word_in_heading", ((strong or in_heading)[0].span(),))
    if len(kinds) >= _CUES["minimum_hits"]:
        return Finding(True, "incident_words", tuple(hit.span() for hit in hits[:5]))
    return Finding(False, "no_incident_words")
