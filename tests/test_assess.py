"""assess/: the JNSA JO damage estimate, the PPC reporting duty and the issuer type, on the model's
worked examples and on real releases of the sample casebook."""
from __future__ import annotations

from functools import cache

import pytest

from jikenbo.assess.damage import estimate, estimate_record
from jikenbo.assess.issuer import issuer_type
from jikenbo.assess.ppc import reporting_duty
from jikenbo.pipeline import extract_source
from jikenbo.record import Record
from jikenbo.sources import load
from tests.conftest import sample_pages


@cache
def _records() -> dict[str, Record]:
    return {record.heading: record for page in sample_pages()
            for record in extract_source(load(str(page))).records}


def _release(prefix: str) -> Record:
    return next(record for heading, record in _records().items() if heading.startswith(prefix))


# The JO model's worked examples: a private company, nothing said about its response.
def test_jo_worked_example_name_and_address() -> None:
    found = estimate(("name", "address"), 1, "株式会社サンプル商事")
    assert found.per_person == 6000
    assert found.input("機微情報度").value == 2
    assert found.input("本人特定容易度").value == 6
    assert found.input("社会的責任度").value == 1
    assert found.input("事後対応評価").value == 1


def test_jo_worked_example_with_card_number() -> None:
    found = estimate(("name", "address", "credit_card"), 10, "株式会社サンプル商事")
    assert found.per_person == 78000
    assert found.input("y").value == 3 and found.input("機微情報度").value == 26
    assert found.total == 780000


@pytest.mark.parametrize(("types", "identify"), [
    (("name", "address", "phone"), 6), (("name", "email"), 3), (("address", "phone"), 3),
    (("email",), 1), (("health",), 1)])
def test_identifiability(types: tuple[str, ...], identify: int) -> None:
    assert estimate(types, None, "株式会社サンプル商事").input("本人特定容易度").value == identify


def test_no_data_type_no_estimate() -> None:
    found = estimate((), 500, "株式会社サンプル商事")
    assert found.per_person is None and found.total is None


def test_real_release_every_input_has_its_origin() -> None:
    shirai = _release("【セキュリティ事件簿#2024-313】白井市")
    found = estimate_record(shirai)
    # a city (社会的責任度 2), name and address (6), basic data (機微情報度 2): ¥24,000 a person
    assert found.per_person == 500 * 2 * 6 * 2 * 1
    assert found.total == found.per_person * shirai.affected_count
    assert all(item.source for item in found.inputs)
    assert "白井市" in found.input("issuer_type").source


@pytest.mark.parametrize(("name", "kind", "public"), [
    ("白井市", "municipality", True), ("東京都教育委員会", "municipality", True),
    ("奈良市企業局", "municipality", True), ("吉田町立図書館", "municipality", True),
    ("株式会社イシクラ", "company", False), ("福岡徳洲会病院", "medical", False),
    ("広島市立北部医療センター安佐市民病院", "medical", True), ("上智大学", "school", False),
    ("一般社団法人医療ISAC", "association", False),
    ("国立研究開発法人量子科学技術研究開発機構", "government", True),
    ("滋賀労働局", "government", True), ("ひろしプロジェクト", "unknown", False)])
def test_issuer_type(name: str, kind: str, public: bool) -> None:
    found = issuer_type(name)
    assert (found.kind, found.public) == (kind, public)


def test_ppc_city_contractor_breach() -> None:
    """白井市: an intrusion at the contractor, 約8千6百件 (> 100, public sector)."""
    duty = reporting_duty(_release("【セキュリティ事件簿#2024-313】白井市"))
    names = {trigger.name for trigger in duty.triggers}
    assert names == {"malicious", "many"}
    many = next(trigger for trigger in duty.triggers if trigger.name == "many")
    assert "> 100" in many.because and many.evidence
    assert duty.deadlines is not None and duty.deadlines.discovered == "2024-07-09"
    assert duty.deadlines.preliminary == ("2024-07-12", "2024-07-14")
    assert (duty.deadlines.final, duty.deadlines.final_days) == ("2024-09-07", 60)


def test_ppc_hospital_health_data() -> None:
    duty = reporting_duty(_release("【セキュリティ事件簿#2023-299】福岡徳洲会病院"))
    sensitive = next(trigger for trigger in duty.triggers if trigger.name == "sensitive")
    assert "health" in sensitive.because and sensitive.evidence


def test_ppc_card_data_below_the_head_count() -> None:
    """89 supporters' card data: reportable for the card data alone, not for the count."""
    duty = reporting_duty(_release("【セキュリティ事件簿#2023-301】特定非営利活動法人テラ・ルネッサンス"))
    names = {trigger.name for trigger in duty.triggers}
    assert "financial" in names and "many" not in names


def test_ppc_private_company_below_thresholds_is_not_reportable() -> None:
    """株式会社ポケモン: 326 members' names and addresses, no intrusion, no sensitive data."""
    duty = reporting_duty(_release("【セキュリティ事件簿#2025-091】株式会社ポケモン"))
    assert not duty.reportable and duty.deadlines is None


def test_ppc_final_report_30_days_without_malice() -> None:
    """東京都教育委員会: 803 students' data shown by a sharing setting (public sector, > 100)."""
    duty = reporting_duty(_release("【セキュリティ事件簿#2024-223】東京都教育委員会"))
    assert [trigger.name for trigger in duty.triggers] == ["many"]
    assert duty.deadlines is not None and duty.deadlines.final_days == 30
    assert duty.deadlines.final == "2024-06-14"
