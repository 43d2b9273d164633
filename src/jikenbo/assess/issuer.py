"""Issuer type from the organisation's name (data/issuer_types.json): 自治体, 国の機関等, 学校,
医療機関, 団体 or 企業, and whether it is public sector (`八尾市立斎場` is; `株式会社イシクラ` is not)."""
from __future__ import annotations

from dataclasses import dataclass

from jikenbo import data
from jikenbo.normalize import nfkc

_TABLE = data.load("issuer_types")
LABELS: dict[str, str] = _TABLE["labels"]


@dataclass(frozen=True)
class IssuerType:
    kind: str        # municipality, government, school, medical, association, company, unknown
    public: bool
    rule: str        # the word or suffix that decided it

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def issuer_type(name: str | None) -> IssuerType:
    """`白井市` → municipality (suffix 市), `広島市立北部医療センター安佐市民病院` → medical, public."""
    text = nfkc(name or "").strip()
    public_word = next((word for word in _TABLE["public"] if word in text), None)
    for rule in _TABLE["rules"]:
        word = next((w for w in rule.get("words", ()) if w in text), None)
        if word is None:
            word = next((s for s in rule.get("suffix", ()) if text.endswith(s)), None)
        if word is not None:
            public = rule["type"] in _TABLE["public_types"] or public_word is not None
            return IssuerType(rule["type"], public, word + (f" + {public_word}" if public_word
                                                            and public_word != word else ""))
    return IssuerType("unknown", public_word is not None, public_word or "")
