"""Cases: releases of one incident linked, numbered YYYY-NNN, summarised, curator-corrected."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from jikenbo.cases.link import Constraints, LinkItem, link, link_item, party_key
from jikenbo.cases.numbering import assign, valid_number
from jikenbo.cases.summary import CaseSummary, summarize

__all__ = ["CaseSummary", "Constraints", "LinkItem", "link", "link_item", "number_releases",
           "party_key", "summarize", "valid_number"]


def number_releases(items: Sequence[LinkItem], constraints: Constraints | None = None,
                    previous: Mapping[str, str] | None = None,
                    pinned: Mapping[str, str] | None = None) -> dict[str, str]:
    """Link the releases and number the cases: release id → case number (incidents only)."""
    groups = link(items, constraints)
    numbers = assign(groups, {item.id: item for item in items}, previous, pinned)
    return {member: number for members, number in zip(groups, numbers) for member in members}
