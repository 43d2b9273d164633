"""The incident record (../shared/spec/RECORD.md v1) as a frozen dataclass, plus evidence."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jikenbo import data

RECORD_FIELDS = ("case_id", "organization", "title", "published", "earlier_releases",
                 "is_incident", "categories", "supply_chain", "vendors", "affected_count",
                 "data_types", "leak_status")

CATEGORIES = ("unauthorized_access", "ransomware", "malware", "vulnerability", "support_scam",
              "phishing", "misconfiguration", "software_bug", "misdelivery", "loss_theft",
              "insider", "defacement", "other")

DATA_TYPES = ("name", "address", "phone", "email", "birthdate", "gender", "credit_card",
              "bank_account", "government_id", "health", "credentials", "customer_number",
              "education", "employment", "photo", "usage", "email_content", "other")

LEAK_STATUSES = ("confirmed", "suspected", "none", "unknown")


@dataclass(frozen=True)
class Evidence:
    """Why a field has its value: the rule that fired and the span of the source text it read."""

    field: str
    rule: str
    start: int  # offsets into the source's decoded text
    end: int
    text: str


@dataclass(frozen=True)
class Record:
    case_id: str | None
    organization: str | None
    title: str
    published: str | None
    earlier_releases: tuple[str, ...]
    is_incident: bool
    categories: tuple[str, ...]
    supply_chain: bool
    vendors: tuple[str, ...]
    affected_count: int | None
    data_types: tuple[str, ...]
    leak_status: str
    heading: str
    source: str
    evidence: tuple[Evidence, ...] = field(default=())
    discovered: str | None = None  # extension: the day the issuer became aware (YYYY-MM-DD)

    def to_dict(self, with_evidence: bool = False) -> dict[str, Any]:
        """The JSON form: RECORD fields, heading and source (lists, not tuples)."""
        out: dict[str, Any] = {name: _plain(getattr(self, name)) for name in RECORD_FIELDS}
        out["discovered"] = self.discovered
        out["heading"] = self.heading
        out["source"] = self.source
        if self.evidence:
            out["confidence"] = self.confidence()
            out["review_fields"] = self.review_fields()
        if with_evidence:
            # the fields by hand: asdict deep-copies, and this runs for every stored release
            out["evidence"] = [{"field": item.field, "rule": item.rule, "start": item.start,
                                "end": item.end, "text": item.text} for item in self.evidence]
        return out

    def confidence(self) -> dict[str, str]:
        """How each field was found — `stated`, `inferred` or `fallback` — by its evidence's
        rule (data/confidence.json); the weakest rule decides when a field has several."""
        found: dict[str, str] = {}
        for item in self.evidence:
            grade = _grade(item.field, item.rule)
            found[item.field] = max(found.get(item.field, grade), grade, key=_RANK.__getitem__)
        return found

    def review_fields(self) -> list[str]:
        """The fields a curator should check, in record order: those the notice does not state,
        less the quiet ones whose default is the normal answer (no casebook number, no earlier
        release, no contractor named, every field but is_incident of a post that is no incident)."""
        quiet = set(_CONFIDENCE["quiet"])
        rules = {(item.field, item.rule) for item in self.evidence}
        grades = self.confidence()
        named = RECORD_FIELDS if self.is_incident else ("is_incident",)
        return [name for name in named if grades.get(name, "stated") != "stated"
                and not any(field == name and (rule in quiet or f"{field}:{rule}" in quiet)
                            for field, rule in rules)]

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "Record":
        evidence = tuple(Evidence(**item) for item in row.get("evidence") or ())
        values = {name: row.get(name) for name in RECORD_FIELDS}
        for name in ("earlier_releases", "categories", "vendors", "data_types"):
            values[name] = tuple(values[name] or ())
        return cls(**values, heading=row.get("heading", ""), source=row.get("source", ""),
                   evidence=evidence, discovered=row.get("discovered"))


_CONFIDENCE = data.load("confidence")
_GRADES = {rule: grade for grade, rules in _CONFIDENCE["classes"].items() for rule in rules}
_RANK = {"stated": 0, "inferred": 1, "fallback": 2}


def _grade(field_name: str, rule: str) -> str:
    """`letterhead_name+self_reference` is graded by its first part; unknown rules by default."""
    for key in (f"{field_name}:{rule}", rule, rule.split("+")[0]):
        if key in _GRADES:
            return _GRADES[key]
    return _CONFIDENCE["default"]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
