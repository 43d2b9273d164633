"""Field extractors on whole real releases from the unnumbered corpus (no casebook header)."""
from __future__ import annotations

import pytest

from jikenbo.extract import categories
from jikenbo.pipeline import extract_source
from jikenbo.record import Record
from jikenbo.sources import load
from tests.conftest import SHARED


def _record(starts_with: str) -> Record:
    for path in sorted((SHARED / "corpus" / "unnumbered").glob("*.txt")):
        if path.read_text(encoding="utf-8").startswith(starts_with):
            return extract_source(load(str(path))).records[0]
    raise AssertionError(f"no release starting {starts_with!r} in the unnumbered corpus")


def test_items_said_not_to_be_included_are_not_data_types() -> None:
    # ※電話番号、メールアドレス、銀行口座情報、クレジットカード情報は含まれておりません。
    record = _record("北海道ガス株式会社")
    assert {"name", "customer_number", "usage"} <= set(record.data_types)
    assert not {"phone", "email", "bank_account", "credit_card"} & set(record.data_types)


def test_a_disciplined_employees_profile_is_not_leaked_data() -> None:
    # 所属:大阪市住之江消防署 / 性別:男性 / 年齢:25歳 describe the employee, not a victim.
    assert _record("大阪市 職員の不祥事").data_types == ()


def test_a_sentence_goes_on_past_a_full_stop_inside_parentheses() -> None:
    # 保守管理している…株式会社(以下「TGES」という。)からネットワークが外部からの不正アクセスを受け
    record = _record("かずさ水道広域連合企業団")
    assert record.supply_chain
    assert any("東京ガスエンジニアリングソリューションズ" in name for name in record.vendors)


def test_a_contractor_that_only_helps_the_investigation_is_not_a_supply_chain_incident() -> None:
    # 外部委託会社の協力を得て調査を進めているところです
    assert not _record("国立研究開発法人量子科学技術研究開発機構").supply_chain


def test_a_service_providers_faulty_maintenance_is_a_supply_chain_incident() -> None:
    # サービス提供業者による設定及び動作確認が不十分であった
    assert _record("徳島県 迷惑メール送信事案").supply_chain


@pytest.mark.parametrize("sentence, malware", [
    ("・端末及び USB データにウイルス感染はない。", False),
    ("ウイルス感染は確認されなかったが、メールファイルデータが消去され", False),
    ("初期化を行った理由を確認したところ、ウイルス感染の可能性が判明した。", True),
])
def test_an_infection_found_not_to_have_happened_is_not_malware(sentence: str,
                                                                 malware: bool) -> None:
    rules = categories.RULES["malware"]  # a bare ウイルス感染 is a weak cue (ransomware wins)
    assert (categories.first_cue(rules.weak, rules.negative, sentence) is not None) == malware


def test_employees_data_leaking_is_not_an_insider_case() -> None:
    # 従業員の情報が漏えいした可能性 — the staff are the victims here, not the actors.
    record = _record("ウエルシア薬局株式会社")
    assert "insider" not in record.categories and "support_scam" in record.categories
