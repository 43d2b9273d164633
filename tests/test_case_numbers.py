"""Permanent case numbers: random curator and linker histories on real releases keep them.

A hypothesis state machine ingests real notices from the unnumbered corpus, relinks, rebuilds
the links from scratch, merges, splits, renumbers and undoes, and after every step checks, from
the outside, that every number ever shown still resolves, that the case it names shares a
release with the case it named a step before (a number never moves to another incident), that
no number is issued twice, and that every incident release has exactly one case.
"""
from __future__ import annotations

import os
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from jikenbo.cases import curate, link
from jikenbo.cases.numbering import valid_number
from jikenbo.errors import JikenboError, UsageError
from jikenbo.pipeline import extract_source, store_extracted
from jikenbo.sources import load
from jikenbo.store import open_store
from tests.conftest import SHARED

# the notices of a contractor breach and its customers, a multi-report incident, a follow-up
# pair, a customer/contractor pair and unrelated notices of the same days
_NAMES = ("白井市 市営水道", "熊本市 上下水道局", "長岡市水道局", "セイコーグループ株式会社",
          "杏林大学", "株式会社NTTマーケティングアクトProCX", "沖縄県 NTTビジネス",
          "岩水開発株式会社", "株式会社ムラヤマ")
STEPS = {"count": 0}


@lru_cache(maxsize=1)
def _extracted() -> list:
    paths = sorted((SHARED / "corpus" / "unnumbered").glob("*.txt"))
    chosen = [next(p for p in paths if p.read_text(encoding="utf-8").startswith(name))
              for name in _NAMES]
    chosen += [p for p in paths if p not in chosen][:5]
    return [extract_source(load(str(path))) for path in chosen]


class CaseNumbers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = open_store(":memory:")
        self.seen: dict[str, set[str]] = {}   # number → the releases its case held last step
        self.issued: set[str] = set()

    # -- what happens -----------------------------------------------------------------------
    @rule(index=st.integers(0, 13))
    def ingest(self, index: int) -> None:
        store_extracted(self.store, _extracted()[index])
        curate.relink(self.store)

    @rule()
    def relink(self) -> None:
        assert curate.relink(self.store).moved == 0  # nothing changed since the last run

    @rule()
    def rebuild(self) -> None:
        self.store.replace_case_numbers({})
        curate.relink(self.store)

    @precondition(lambda self: len(self._cases()) >= 2)
    @rule(data=st.data())
    def merge(self, data) -> None:
        numbers = sorted(self.seen)  # any number ever shown, aliases included
        target = data.draw(st.sampled_from(numbers))
        other = data.draw(st.sampled_from(numbers))
        try:
            curate.merge(self.store, target, [other])
        except UsageError:  # the same case twice
            assert self.store.resolve_case(target) == self.store.resolve_case(other)
            return
        assert self.store.resolve_case(other) == self.store.resolve_case(target)

    @precondition(lambda self: any(len(m) > 1 for m in self._cases().values()))
    @rule(data=st.data())
    def split(self, data) -> None:
        cases = {n: m for n, m in self._cases().items() if len(m) > 1}
        number = data.draw(st.sampled_from(sorted(cases)))
        members = sorted(cases[number])
        taken = data.draw(st.lists(st.sampled_from(members), min_size=1,
                                   max_size=len(members) - 1, unique=True))
        before = self._cases()
        done = curate.split(self.store, number, [rid[:16] for rid in taken])
        numbers = self.store.case_numbers()
        new = numbers[taken[0]]
        left = {numbers[rid] for rid in set(members) - set(taken)}  # may fall apart in two
        # a new number, unless the linker puts the releases taken out with another case
        assert new in done.message and new not in left
        assert new not in self.seen or (new in before and new != number)
        assert self.store.resolve_case(number) in left  # the number stays with the case

    @precondition(lambda self: self._cases())
    @rule(data=st.data(), serial=st.integers(9000, 9005))
    def renumber(self, data, serial: int) -> None:
        number = data.draw(st.sampled_from(sorted(self._cases())))
        year = number[1:5]
        new = f"J{year}-{serial:04d}"
        try:
            curate.renumber(self.store, number, new)
        except UsageError:  # issued before, or a year the case has no release in
            assert new in self.issued or year not in self._years(number)
            return
        assert new not in self.issued and self.store.case_numbers()[self._anchor(number)] == new

    @rule()
    def undo(self) -> None:
        pending = [a for a in self.store.actions() if not a.undone_at]
        try:
            curate.undo(self.store)
        except UsageError:
            assert not pending

    # -- what must hold after every step ----------------------------------------------------
    @invariant()
    def numbers_are_permanent(self) -> None:
        STEPS["count"] += 1
        cases = self._cases()
        incidents = {item.id for item in self.store.link_items() if item.is_incident}
        assert set(self.store.case_numbers()) == incidents  # each incident release: one case
        constraints = self.store.corrections()
        assert len(cases) == len(link(self.store.link_items(), constraints))
        assert all(valid_number(number) for number in cases)
        for number, before in self.seen.items():
            now = self.store.resolve_case(number)
            assert now in cases, f"{number} no longer resolves"
            assert cases[now] & before, f"{number} moved to another incident"
        registry = {issued.number for issued in self.store.registry()}
        assert self.issued <= registry  # issued numbers are never taken back
        self.issued = registry
        for number in list(self.seen):
            self.seen[number] = cases[self.store.resolve_case(number)]
        self.seen.update(cases)

    def teardown(self) -> None:
        self.store.close()

    # -- helpers ----------------------------------------------------------------------------
    def _cases(self) -> dict[str, set[str]]:
        cases: dict[str, set[str]] = {}
        for release, number in self.store.case_numbers().items():
            cases.setdefault(number, set()).add(release)
        return cases

    def _years(self, number: str) -> set[str]:
        dates = [r.record.published for r in self.store.case_releases(number)]
        return {day[:4] for day in dates if day} or {number[1:5]}

    def _anchor(self, number: str) -> str:
        return self.store.issued(number).anchor


CaseNumbers.TestCase.settings = settings(
    max_examples=int(os.environ.get("JIKENBO_INVARIANT_EXAMPLES") or 100),
    stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_case_numbers_stay_permanent = CaseNumbers.TestCase


@pytest.fixture(autouse=True, scope="module")
def _report_steps():
    yield
    print(f"\ncase-number invariants checked after {STEPS['count']} steps")


def test_a_number_issued_once_is_never_issued_again(tmp_path) -> None:
    store = open_store(str(tmp_path / "c.db"))
    for extracted in _extracted()[:3]:  # the contractor breach: one case
        store_extracted(store, extracted)
    curate.relink(store)
    (number,) = set(store.case_numbers().values())
    first = sorted(store.case_numbers())[0]
    done = curate.split(store, number, [first[:16]])
    split_off = store.case_numbers()[first]
    assert split_off != number and split_off in done.message
    curate.merge(store, number, [split_off])
    assert store.resolve_case(split_off) == number  # the absorbed number is an alias
    assert split_off in store.case_aliases(number)
    store.replace_case_numbers({})
    curate.relink(store)  # a rebuild keeps every number
    assert store.resolve_case(split_off) == number and store.case_aliases(number) == [split_off]
    with pytest.raises(UsageError):
        curate.renumber(store, number, split_off)  # issued before: never given again
    with pytest.raises(JikenboError):
        curate.renumber(store, number, "2024-313")  # the source's form is not jikenbo's
