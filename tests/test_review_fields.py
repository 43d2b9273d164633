"""A curator's `field=value`: what each field accepts (table), what it refuses (near misses), and
hostile values refused within a generous deadline (every pattern is anchored and bounded)."""
from __future__ import annotations

import pytest

from jikenbo.curation.fields import parse_assignments, parse_value, shown
from jikenbo.errors import UsageError


@pytest.mark.parametrize("field, typed, expected", [
    ("organization", " 白井市 ", "白井市"),
    ("organization", "", None),
    ("title", "市営水道の委託事業者による個人情報の流出の可能性について",
     "市営水道の委託事業者による個人情報の流出の可能性について"),
    ("published", "2024-07-23", "2024-07-23"),
    ("published", "２０２４-０７-２３", "2024-07-23"),  # full-width digits, NFKC at the edge
    ("published", "", None),
    ("discovered", "2024-07-09", "2024-07-09"),
    ("earlier_releases", "2023-04-28、2023-06-01,2023-04-28", ["2023-04-28", "2023-06-01"]),
    ("earlier_releases", "", []),
    ("case_id", "#2024-313", "2024-313"),
    ("case_id", "", None),
    ("is_incident", "はい", True),
    ("is_incident", "FALSE", False),
    ("supply_chain", "true", True),
    ("categories", "ランサムウェア,不正アクセス", ["ransomware", "unauthorized_access"]),
    ("categories", "ransomware、ransomware", ["ransomware"]),
    ("categories", "", []),
    ("categories", "ランサムウェア,", ["ransomware"]),
    ("data_types", "氏名、住所,customer_number", ["name", "address", "customer_number"]),
    ("vendors", "東京ガスエンジニアリングソリューションズ株式会社、TGES",
     ["東京ガスエンジニアリングソリューションズ株式会社", "TGES"]),
    ("affected_count", "8600", 8600),
    ("affected_count", "8,600", 8600),
    ("affected_count", "１２，０００", 12000),
    ("affected_count", "0", 0),
    ("affected_count", "", None),
    ("leak_status", "suspected", "suspected"),
    ("leak_status", "漏えいの可能性", "suspected"),
])
def test_accepted_values(field: str, typed: str, expected) -> None:
    assert parse_value(field, typed) == expected


@pytest.mark.parametrize("field, typed", [
    ("published", "2024-02-30"),
    ("published", "2024/07/23"),
    ("published", "2024-7-23"),
    ("published", "令和6年7月23日"),
    ("earlier_releases", "2023-04-28,yesterday"),
    ("case_id", "2024-31"),
    ("case_id", "J2024-0008"),  # jikenbo's own number is no source's casebook number
    ("is_incident", "maybe"),
    ("categories", "hacking"),
    ("data_types", "血液型"),
    ("leak_status", "leaked"),
    ("affected_count", "-1"),
    ("affected_count", "8,60"),
    ("affected_count", "8600件"),
    ("affected_count", "約8千6百"),
    ("affected_count", "10000000001"),
    ("title", ""),
    ("title", "一行目\n二行目"),
    ("vendors", "x" * 501),
])
def test_refused_values(field: str, typed: str) -> None:
    with pytest.raises(UsageError, match=field):
        parse_value(field, typed)


def test_assignments_are_all_checked_and_named() -> None:
    assert parse_assignments(["organization=白井市", "affected_count="]) == {
        "organization": "白井市", "affected_count": None}
    with pytest.raises(UsageError, match="unknown field 'heading'"):
        parse_assignments(["heading=x"])
    with pytest.raises(UsageError, match="organization is given twice"):
        parse_assignments(["organization=a", "organization=b"])
    with pytest.raises(UsageError, match="at least one"):
        parse_assignments([])


@pytest.mark.parametrize("field, value, text", [
    ("categories", ["ransomware", "insider"], "ransomware,insider"),
    ("affected_count", None, ""),
    ("is_incident", False, "false"),
    ("published", "2024-07-23", "2024-07-23"),
])
def test_shown_values_read_back_the_same(field: str, value, text: str) -> None:
    assert shown(field, value) == text
    assert parse_value(field, text) == value


HOSTILE = [
    ("affected_count", "1,000" * 200_000, UsageError),
    ("affected_count", "9" * 1_000_000, UsageError),
    ("published", "2024-07-23" * 100_000, UsageError),
    ("categories", "," * 1_000_000, []),
    ("categories", "ransomware," * 100_000, ["ransomware"]),
    ("case_id", "#" * 1_000_000 + "2024-313", "2024-313"),
    ("vendors", "、" * 1_000_000, []),
]


@pytest.mark.timeout(5, method="signal")
@pytest.mark.parametrize("field, typed, expected", HOSTILE,
                         ids=[f"{field}-{typed[:8]}" for field, typed, _ in HOSTILE])
def test_hostile_values_finish(field: str, typed: str, expected) -> None:
    if expected is UsageError:
        with pytest.raises(UsageError, match=field):
            parse_value(field, typed)
    else:
        assert parse_value(field, typed) == expected
