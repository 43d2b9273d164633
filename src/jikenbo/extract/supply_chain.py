"""Supply chain and vendors: did it happen at a contractor, and which one, as written.

A sentence that names a contractor (委託先, 受託者, 保守業者 …) together with what happened
(不正アクセス, 感染, 流出 …) makes the incident a supply-chain one; a contractor that only
helps the investigation (`外部委託会社の支援を受け調査`) does not. Vendors are then the legal-entity
names in sentences that name a contractor, other than the organisation itself and its group
companies.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract import identity
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.entities import entity_names

_WORDS = data.load("supply_chain")
_CONTRACTOR = re.compile("|".join(_WORDS["contractor_words"]))
_HELPER = re.compile(rf"\s*(?:会社|業者|事業者|先)?(?:{'|'.join(_WORDS['helper_contexts'])})")
_INCIDENT = re.compile("|".join(_WORDS["incident_words"]))
_RELATED = re.compile("|".join(_WORDS["related_company_words"]))
_SENTENCE = re.compile(r"(?:[^。\n(]|\([^)\n]*\)?)+")  # a 。 inside (…) does not end it


def supply_chain(view: PostText) -> Finding[tuple[bool, tuple[str, ...]]]:
    sentences = [match for match in _SENTENCE.finditer(view.text) if _is_chain_sentence(match.group(0))]
    if not sentences:
        return Finding((False, ()), "no_contractor_sentence")
    own = identity.organization(view).value or ""
    vendors: list[str] = []
    spans = [sentences[0].span()]
    naming = [match for match in _SENTENCE.finditer(view.text) if _CONTRACTOR.search(match.group(0))]
    for sentence in naming:
        for start, end in entity_names(view.text, sentence.start(), sentence.end()):
            name = view.original(start, end).strip()
            if _is_vendor(name, own, view.text[max(0, start - 8):start]) and name not in vendors:
                vendors.append(name)
                spans.append((start, end))
    return Finding((True, tuple(_dedupe(vendors))), "contractor_sentence", tuple(spans))


def _is_chain_sentence(sentence: str) -> bool:
    for match in _CONTRACTOR.finditer(sentence):
        if not _HELPER.match(sentence, match.end()) and _INCIDENT.search(sentence):
            return True
    return False


def _is_vendor(name: str, own: str, before: str) -> bool:
    compact = lambda text: re.sub(r"\s|株式会社|\(株\)", "", text)  # noqa: E731
    if own and (compact(name) in compact(own) or compact(own) in compact(name)):
        return False
    return not _RELATED.search(before)


def _dedupe(names: list[str]) -> list[str]:
    """Drop a name that another, longer name contains (`TGES` inside the full name)."""
    return [name for name in names
            if not any(name != other and name in other for other in names)]
