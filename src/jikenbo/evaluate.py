"""Evaluation: score records against gold records, beside a naive baseline, with the misses.

The definitions are those of ../shared/tools/score.py (record v1): records are matched on the
heading after NFKC with white space removed; the gold set's `organization_aliases` and
`affected_count_alternatives` count as right; categories and data types are micro-F1 over sets;
vendors match when one normalised name contains the other; cases are scored by pairwise
precision and recall over incident posts.

The baseline is what a keyword spreadsheet does: the heading's first word as the issuer, the first
date and the first counted number in the text, every keyword that appears anywhere.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jikenbo import data
from jikenbo.parse import Post
from jikenbo.record import Record

FIELDS = ("is_incident", "case_id", "organization", "title", "published", "earlier_releases",
          "supply_chain", "affected_count", "leak_status", "categories_exact")
SET_FIELDS = ("categories", "data_types")
EXTENSION_FIELDS = ("discovered",)  # beyond record v1; scored with `extensions=True`


def norm(text: Any) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    return text.replace("(株)", "株式会社").replace("㈱", "株式会社")


@dataclass(frozen=True)
class Miss:
    heading: str
    field: str
    gold: Any
    predicted: Any


@dataclass
class _Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    values: dict[str, Any]
    misses: list[Miss] = field(default_factory=list)


UNION = "union"  # the name the figures over all gold files together go by


def score_sets(gold_sets: dict[str, Sequence[dict]], predicted: Sequence[dict],
               baseline: Sequence[dict], with_cases: bool = False,
               extensions: bool = False) -> dict[str, tuple[Scores, Scores]]:
    """(jikenbo, baseline) scores for each gold file and, when there are several, their union."""
    sets = dict(gold_sets)
    if len(sets) > 1:
        sets[UNION] = [row for rows in gold_sets.values() for row in rows]
    return {name: (score(rows, _own(predicted, gold_sets, name), with_cases, extensions),
                   score(rows, _own(baseline, gold_sets, name), with_cases, extensions))
            for name, rows in sets.items()}


def _own(predicted: Sequence[dict], gold_sets: dict[str, Sequence[dict]],
         name: str) -> list[dict]:
    """The records a gold file answers for: all but those another gold file names, so a post
    of one set is not counted as spurious in the other."""
    others = {norm(row["heading"]) for other, rows in gold_sets.items() if other != name
              for row in rows} if name != UNION else set()
    return [row for row in predicted if norm(row.get("heading", "")) not in others]


def score(gold_rows: Sequence[dict], predicted: Iterable[dict], with_cases: bool = False,
          extensions: bool = False) -> Scores:
    """Figures and misses of `predicted` against `gold_rows`; `extensions` also scores the
    fields beyond record v1 (`discovered`) on the gold rows that carry them."""
    by_heading: dict[str | None, dict] = {}
    for row in predicted:
        by_heading.setdefault(norm(row.get("heading", "")), row)
    gold_keys = {norm(row["heading"]) for row in gold_rows}
    found = _Tally()
    tallies = {name: _Tally() for name in FIELDS + EXTENSION_FIELDS}
    sets = {name: _Counts() for name in SET_FIELDS}
    vendors = _Counts()
    misses: list[Miss] = []
    gold_cases: dict[str, list[int]] = {}
    predicted_cases: dict[str, list[int]] = {}

    for index, gold in enumerate(gold_rows):
        pred = by_heading.get(norm(gold["heading"]))
        found.add(pred is not None)
        pred = pred or {}
        tallies["is_incident"].add(pred.get("is_incident") == gold["is_incident"])
        if pred.get("is_incident") != gold["is_incident"]:
            misses.append(Miss(gold["heading"], "is_incident", gold["is_incident"],
                               pred.get("is_incident")))
        if not gold["is_incident"]:
            continue
        for name, ok in _field_checks(gold, pred, extensions):
            tallies[name].add(ok)
            if not ok:
                key = "categories" if name == "categories_exact" else name
                misses.append(Miss(gold["heading"], name, gold.get(key), pred.get(key)))
        for name in SET_FIELDS:
            _add_sets(sets[name], gold[name], pred.get(name))
            if set(gold[name]) != set(pred.get(name) or ()) and name == "data_types":
                misses.append(Miss(gold["heading"], name, gold[name], pred.get(name)))
        _add_vendors(vendors, gold["vendors"], pred.get("vendors"))
        if _vendor_miss(gold["vendors"], pred.get("vendors")):
            misses.append(Miss(gold["heading"], "vendors", gold["vendors"], pred.get("vendors")))
        gold_case = gold.get("gold_case") or gold["case_id"]
        if with_cases and gold_case:
            gold_cases.setdefault(gold_case, []).append(index)
            if pred.get("case") is not None:
                predicted_cases.setdefault(str(pred["case"]), []).append(index)

    values: dict[str, Any] = {"posts": len(gold_rows), "found": found.value(),
                              "spurious_posts": sum(1 for key in by_heading if key not in gold_keys)}
    values.update({name: tally.value() for name, tally in tallies.items()
                   if tally.total or name not in EXTENSION_FIELDS})
    values.update({f"{name}_f1": counts.f1() for name, counts in sets.items()})
    values["vendors_f1"] = vendors.f1()
    if with_cases:
        values.update(_pairwise(gold_cases, predicted_cases))
    return Scores(values, misses)


def _field_checks(gold: dict, pred: dict, extensions: bool = False) -> Iterable[tuple[str, bool]]:
    organizations = {norm(gold["organization"])} | {norm(alias) for alias in
                                                     gold.get("organization_aliases", [])}
    counts = {gold["affected_count"]} | set(gold.get("affected_count_alternatives", []))
    yield "case_id", pred.get("case_id") == gold["case_id"]
    yield "organization", norm(pred.get("organization")) in organizations
    yield "title", norm(pred.get("title")) == norm(gold["title"])
    yield "published", pred.get("published") == gold["published"]
    yield "earlier_releases", (sorted(pred.get("earlier_releases") or [])
                               == sorted(gold["earlier_releases"]))
    yield "supply_chain", pred.get("supply_chain") == gold["supply_chain"]
    yield "affected_count", pred.get("affected_count") in counts
    yield "leak_status", pred.get("leak_status") == gold["leak_status"]
    yield "categories_exact", set(pred.get("categories") or []) == set(gold["categories"])
    if extensions and "discovered" in gold:
        days = {gold["discovered"]} | set(gold.get("discovered_alternatives", []))
        yield "discovered", pred.get("discovered") in days


def _add_sets(counts: _Counts, gold: Iterable[str], pred: Iterable[str] | None) -> None:
    gold, pred = set(gold or ()), set(pred or ())
    counts.tp += len(gold & pred)
    counts.fp += len(pred - gold)
    counts.fn += len(gold - pred)


def _vendor_hits(gold: Iterable[str], pred: Iterable[str] | None) -> tuple[list, list, list, list]:
    gold = [norm(name) for name in gold or ()]
    pred = [norm(name) for name in pred or ()]
    hit = [g for g in gold if any(g in p or p in g for p in pred if p)]
    found = [p for p in pred if any(g in p or p in g for g in gold if g)]
    return gold, pred, hit, found


def _add_vendors(counts: _Counts, gold: Iterable[str], pred: Iterable[str] | None) -> None:
    gold, pred, hit, found = _vendor_hits(gold, pred)
    counts.tp += len(hit)
    counts.fn += len(gold) - len(hit)
    counts.fp += len(pred) - len(found)


def _vendor_miss(gold: Iterable[str], pred: Iterable[str] | None) -> bool:
    gold, pred, hit, found = _vendor_hits(gold, pred)
    return len(hit) != len(gold) or len(found) != len(pred)


def _pairwise(gold_cases: dict[str, list[int]], predicted: dict[str, list[int]]) -> dict[str, float]:
    def pairs(groups: dict[str, list[int]]) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for members in groups.values():
            out.update(itertools.combinations(sorted(members), 2))
        return out

    gold_pairs, predicted_pairs = pairs(gold_cases), pairs(predicted)
    tp = len(gold_pairs & predicted_pairs)
    p = tp / len(predicted_pairs) if predicted_pairs else 1.0
    r = tp / len(gold_pairs) if gold_pairs else 1.0
    return {"case_pairs_precision": p, "case_pairs_recall": r,
            "case_pairs_f1": 2 * p * r / (p + r) if p + r else 0.0}


# The naive baseline ---------------------------------------------------------------------------

_CATEGORY_CUES = {name: re.compile("|".join(entry["cues"]))
                  for name, entry in data.load("categories").items() if not name.startswith("_")}
_DATA_WORDS = {name: re.compile("|".join(map(re.escape, words)))
               for name, words in data.load("data_types")["types"].items()}
_CASE = re.compile(r"#\s*(\d{4})-(\d+)")
_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")
_COUNT = re.compile(r"(\d[\d,]*)\s*(?:件|人|名)")
_PREFIX = re.compile(r"^【[^】]*】\s*")


def baseline_record(post: Post, source: str) -> dict[str, Any]:
    """A keyword-only record: first word, first date, first count, any keyword anywhere."""
    text = unicodedata.normalize("NFKC", post.text)
    heading = unicodedata.normalize("NFKC", post.heading)
    case = _CASE.search(heading)
    bare = _PREFIX.sub("", heading).strip()
    organization, _, title = bare.partition(" ")
    date = _DATE.search(text)
    count = _COUNT.search(text)
    return {
        "case_id": f"{case.group(1)}-{int(case.group(2)):03d}" if case else None,
        "organization": organization or None,
        "title": title.strip() or bare,
        "published": (f"{int(date.group(1)):04d}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
                      if date else None),
        "earlier_releases": [],
        "is_incident": True,
        "categories": [name for name, cue in _CATEGORY_CUES.items() if cue.search(text)],
        "supply_chain": "委託" in text,
        "vendors": [],
        "affected_count": int(count.group(1).replace(",", "")) if count else None,
        "data_types": [name for name, words in _DATA_WORDS.items() if words.search(text)],
        "leak_status": ("suspected" if "可能性" in text else
                        "confirmed" if re.search("流出|漏え?い|漏洩", text) else "unknown"),
        "heading": post.heading,
        "source": source,
    }


def evidence_for(record: Record, name: str) -> list[str]:
    """The rule and text behind one field of a record, for the misses list."""
    wanted = "categories" if name == "categories_exact" else name
    return [f"{item.rule}: {item.text.strip()[:60]!r}" if item.text.strip() else item.rule
            for item in record.evidence if item.field == wanted]
