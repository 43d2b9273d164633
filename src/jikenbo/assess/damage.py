"""The JNSA JO model's damage estimate (想定損害賠償額), per person and in total.

per person = 500 × 機微情報度 × 本人特定容易度 × 社会的責任度 × 事後対応評価, where 機微情報度 =
10^(x−1) + 5^(y−1) with x, y the highest levels among the leaked data types (data/jo_model.json).
Name and address leaked by a company: 500 × 2 × 6 × 1 × 1 = ¥6,000; with a card number
(x1 y3): 500 × 26 × 6 × 1 × 1 = ¥78,000. Total = per person × affected count (none when the
count is unknown). Every input says where it came from.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jikenbo import data
from jikenbo.assess import Input
from jikenbo.assess.issuer import IssuerType, issuer_type
from jikenbo.record import Record

_MODEL = data.load("jo_model")
_SENSITIVITY: dict[str, dict] = _MODEL["sensitivity"]


@dataclass(frozen=True)
class DamageEstimate:
    per_person: int | None          # yen; None when no data type is known
    total: int | None               # yen; None when the affected count is unknown too
    inputs: tuple[Input, ...]

    def input(self, name: str) -> Input:
        return next(item for item in self.inputs if item.name == name)


def estimate(data_types: Sequence[str], affected: int | None, organization: str | None,
             origin: str = "record") -> DamageEstimate:
    """The estimate from leaked data types, affected count and issuer; `origin` names the
    record or case the values were read from."""
    issuer = issuer_type(organization)
    inputs = [Input("data_types", tuple(data_types), f"{origin}.data_types"),
              Input("affected_count", affected, f"{origin}.affected_count"),
              Input("issuer_type", issuer.label,
                    f"{origin}.organization {organization!r} ({issuer.rule or 'no rule'})")]
    if not data_types:
        return DamageEstimate(None, None, tuple(inputs))
    x, y, why = _levels(data_types)
    sensitivity = 10 ** (x - 1) + 5 ** (y - 1)
    identify, identify_why = _identifiability(data_types)
    social, social_why = _social_responsibility(organization, issuer)
    response = _MODEL["response"]
    inputs += [Input("x", x, why[0]), Input("y", y, why[1]),
               Input("機微情報度", sensitivity, f"10^({x}-1) + 5^({y}-1)"),
               Input("本人特定容易度", identify, identify_why),
               Input("社会的責任度", social, social_why),
               Input("事後対応評価", response["value"], response["why"])]
    per_person = _MODEL["base_yen"] * sensitivity * identify * social * response["value"]
    total = per_person * affected if affected is not None else None
    return DamageEstimate(per_person, total, tuple(inputs))


def estimate_record(record: Record) -> DamageEstimate:
    return estimate(record.data_types, record.affected_count, record.organization, "record")


def _levels(data_types: Sequence[str]) -> tuple[int, int, tuple[str, str]]:
    known = [name for name in data_types if name in _SENSITIVITY]
    if not known:
        return 1, 1, ("no data type on the EP map: level 1", "no data type on the EP map: level 1")
    x_type = max(known, key=lambda name: _SENSITIVITY[name]["x"])
    y_type = max(known, key=lambda name: _SENSITIVITY[name]["y"])
    return (_SENSITIVITY[x_type]["x"], _SENSITIVITY[y_type]["y"],
            (f"{x_type}: {_SENSITIVITY[x_type]['why']}",
             f"{y_type}: {_SENSITIVITY[y_type]['why']}"))


def _identifiability(data_types: Sequence[str]) -> tuple[int, str]:
    present = set(data_types)
    for rule in _MODEL["identifiability"]:
        if present.issuperset(rule["needs"]):
            return rule["value"], rule["why"]
    return 1, "no rule"


def _social_responsibility(organization: str | None, issuer: IssuerType) -> tuple[int, str]:
    table = _MODEL["social_responsibility"]
    if issuer.kind in table["high_issuer_types"]:
        return table["high"], f"{table['why_high']} ({issuer.label})"
    word = next((w for w in table["high_name_words"] if w in (organization or "")), None)
    if word is not None:
        return table["high"], f"{table['why_high']} ({word})"
    return table["normal"], f"{table['why_normal']} ({issuer.label})"
