"""Cases: releases of one incident linked, numbered J2024-0001 for good, summarised, curated."""
from __future__ import annotations

from collections.abc import Sequence

from jikenbo.cases.link import Constraints, LinkItem, link, link_item, party_key
from jikenbo.cases.numbering import Issued, Numbering, assign, valid_number
from jikenbo.cases.summary import CaseSummary, summarize

__all__ = ["CaseSummary", "Constraints", "Issued", "LinkItem", "Numbering", "link", "link_item",
           "number_releases", "numbering_of", "party_key", "summarize", "valid_number"]


def numbering_of(items: Sequence[LinkItem], constraints: Constraints | None = None,
                 registry: Sequence[Issued] = ()) -> Numbering:
    """Link the releases and number the cases, keeping every number already issued."""
    groups = link(items, constraints)
    return assign(groups, {item.id: item for item in items}, registry)


def number_releases(items: Sequence[LinkItem],
                    constraints: Constraints | None = None) -> dict[str, str]:
    """Release id → case number (incidents only), numbered afresh for these inputs alone."""
    return numbering_of(items, constraints).numbers
