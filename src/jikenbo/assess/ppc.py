"""The PPC reporting duty of one release (個人情報保護法 第26条, 施行規則 第7条): which of the four
triggers apply, each with the record evidence behind it, and the 速報 / 確報 deadlines counted
from the day the issuer became aware (`discovered`).

A city's leak of 120 residents' names is reportable (public sector: more than 100); a company's
of 120 customers' names is not, unless health data, card or bank data or an intrusion is involved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jikenbo import data
from jikenbo.assess.issuer import IssuerType, issuer_type
from jikenbo.record import Record

_TABLE = data.load("ppc")
_TRIGGERS: dict[str, dict] = _TABLE["triggers"]


@dataclass(frozen=True)
class Trigger:
    name: str                       # sensitive, financial, malicious, many
    label: str                      # 要配慮個人情報 …
    because: str                    # the field values that fire it
    evidence: tuple[str, ...]       # the record's evidence texts for those fields


@dataclass(frozen=True)
class Deadlines:
    discovered: str
    preliminary: tuple[str, str]    # 速報: about 3 to 5 days after
    final: str                      # 確報: 30 days after, 60 when 不正の目的
    final_days: int


@dataclass(frozen=True)
class ReportingDuty:
    issuer: IssuerType
    triggers: tuple[Trigger, ...]
    deadlines: Deadlines | None     # None when no trigger applies or the day is unknown

    @property
    def reportable(self) -> bool:
        return bool(self.triggers)


def reporting_duty(record: Record) -> ReportingDuty:
    issuer = issuer_type(record.organization)
    found = [trigger for trigger in (_sensitive(record), _financial(record), _malicious(record),
                                     _many(record, issuer)) if trigger is not None]
    deadlines = None
    if found and record.discovered:
        malicious = any(trigger.name == "malicious" for trigger in found)
        deadlines = _deadlines(date.fromisoformat(record.discovered), malicious)
    return ReportingDuty(issuer, tuple(found), deadlines)


def _deadlines(discovered: date, malicious: bool) -> Deadlines:
    first, last = _TABLE["preliminary_days"]
    days = _TABLE["final_days_malicious" if malicious else "final_days"]
    return Deadlines(discovered.isoformat(),
                     ((discovered + timedelta(days=first)).isoformat(),
                      (discovered + timedelta(days=last)).isoformat()),
                     (discovered + timedelta(days=days)).isoformat(), days)


def _by_type(record: Record, name: str) -> Trigger | None:
    rule = _TRIGGERS[name]
    hits = [kind for kind in record.data_types if kind in rule["data_types"]]
    if not hits:
        return None
    return Trigger(name, rule["label"], "data_types: " + ", ".join(hits),
                   _evidence(record, "data_types"))


def _sensitive(record: Record) -> Trigger | None:
    return _by_type(record, "sensitive")


def _financial(record: Record) -> Trigger | None:
    return _by_type(record, "financial")


def _malicious(record: Record) -> Trigger | None:
    rule = _TRIGGERS["malicious"]
    hits = [kind for kind in record.categories if kind in rule["categories"]]
    cue_texts = _evidence(record, "categories")
    if any(kind in rule["theft_categories"] for kind in record.categories) and any(
            word in text for text in cue_texts for word in rule["theft_words"]):
        hits.append("loss_theft (盗難)")
    if not hits:
        return None
    return Trigger("malicious", rule["label"], "categories: " + ", ".join(hits), cue_texts)


def _many(record: Record, issuer: IssuerType) -> Trigger | None:
    rule = _TRIGGERS["many"]
    limit = rule["public_threshold"] if issuer.public else rule["threshold"]
    if record.affected_count is None or record.affected_count <= limit:
        return None
    sector = "public sector" if issuer.public else "private sector"
    return Trigger("many", rule["label"],
                   f"affected_count {record.affected_count:,} > {limit:,} ({sector}: "
                   f"{issuer.label}, {issuer.rule})", _evidence(record, "affected_count"))


def _evidence(record: Record, field: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.text.strip() for item in record.evidence
                               if item.field == field and item.text.strip()))
