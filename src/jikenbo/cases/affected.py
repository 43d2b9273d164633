"""A case's affected figure, defined once for every page, list, ranking and export.

The figure: for each organisation that states a count, the largest count across its releases
(a later report may restate or correct, but one party's releases count the same people, so the
largest stands for all of them), summed over the organisations. In a contractor breach the
contractor's own stated total counts the same people as its customers' notices, so it is not
added: it is shown beside the sum (`contractor`); it is the figure only when no customer states
a count.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jikenbo.cases.link import party_key


@dataclass(frozen=True)
class AffectedFigure:
    total: int | None              # the case's one figure
    parties: int                   # organisations whose figures were summed
    contractor: int | None = None  # the contractor's own stated total, shown beside

    def line(self) -> str:
        if self.total is None:
            return "unknown"
        beside = f" (contractor's own total {self.contractor:,})" if self.contractor else ""
        return f"{self.total:,} over {self.parties} organisation(s){beside}"


def affected_figure(counts: Iterable[tuple[str | None, int | None]],
                    breached: str | None = None) -> AffectedFigure:
    """`counts`: (organisation, stated count) per release; `breached`: the contractor of a
    supply-chain case."""
    largest: dict[str, int] = {}
    for organization, count in counts:
        if count is not None:
            key = party_key(organization) or organization or "?"
            largest[key] = max(largest.get(key, 0), count)
    if not largest:
        return AffectedFigure(None, 0)
    contractor = party_key(breached)
    own = largest.pop(contractor, None) if contractor and len(largest) > 1 else None
    return AffectedFigure(sum(largest.values()), len(largest), own)


def case_figure(summary) -> AffectedFigure:
    """The figure of a cases.CaseSummary."""
    return affected_figure(((r.organization, r.affected_count) for r in summary.reports),
                           summary.breached if summary.supply_chain else None)


def case_figures(store, numbers: Sequence[str]) -> dict[str, AffectedFigure]:
    """The figure of each of these stored cases (current numbers, as the case list gives),
    their releases read in one statement."""
    from jikenbo.cases.summary import summarize
    return {number: case_figure(summarize(number, [(r.id, r.record) for r in releases]))
            for number, releases in store.releases_of_cases(numbers).items()}


@dataclass(frozen=True)
class RankedCase:
    number: str
    year: str            # of the case's first publication, or of when it was first added
    undated: bool        # True: no release of the case is dated; `year` is when it was added
    figure: AffectedFigure
    organizations: str
    heading: str


def ranked_cases(store) -> list[RankedCase]:
    """Every case with a figure, largest first; undated cases ranked by the year they were
    added (one pass over the store)."""
    from jikenbo.cases.summary import summarize
    numbers = store.case_numbers()
    added = store.stored_times()
    groups: dict[str, list] = {}
    for release in store.releases():
        if release.id in numbers:
            groups.setdefault(numbers[release.id], []).append(release)
    ranked = []
    for number, releases in groups.items():
        summary = summarize(number, [(release.id, release.record) for release in releases])
        figure = case_figure(summary)
        if figure.total is None:
            continue
        published = [r.record.published for r in releases if r.record.published]
        first_added = min(added.get(release.id) or "9999" for release in releases)
        ranked.append(RankedCase(number, (min(published) if published else first_added)[:4],
                                 not published,
                                 figure, "、".join(summary.organizations),
                                 releases[0].record.heading))
    return sorted(ranked, key=lambda case: (-case.figure.total, case.number))
