"""supply_chain and vendors on invented phrasings of each shape (RECORD.md: the incident happened
at a contractor, sub-contractor, vendor or service provider; vendors are their names as written).

Each shape has two invented phrasings; near-misses that must not count have tables of their own.
"""
from __future__ import annotations

import pytest

from jikenbo.extract import supply_chain as chain_module
from jikenbo.extract.context import PostText
from jikenbo.parse import split_posts


def _chain(body: str, issuer: str = "株式会社ハルカゼ商会") -> tuple[bool, tuple[str, ...]]:
    text = f"個人情報の漏えいに関するお詫びとお知らせ\n{issuer}\n\n{body}\n"
    return chain_module.supply_chain(PostText.of(split_posts(text)[0])).value


@pytest.mark.parametrize("body, vendors", [
    # a contractor word with what happened there
    ("当社が業務を委託している株式会社ミナトデータサービスのサーバーが不正アクセスを受け、"
     "お客様の情報が流出した可能性があります。", ["株式会社ミナトデータサービス"]),
    ("当社の委託先である北斗システム株式会社において、ランサムウェアによる被害が発生しました。",
     ["北斗システム株式会社"]),
    # a named provider of the service or product the organisation used, with what happened
    ("当店が導入していた、株式会社サクラペイ(以下「サクラペイ社」といいます。)が提供する決済"
     "サービスが改ざんされ、カード情報が流出した可能性があります。", ["株式会社サクラペイ"]),
    ("業務で使用している「有限会社ハヤテソフト」(札幌市)の製品において、外部からの不正アクセスが"
     "確認されました。", ["有限会社ハヤテソフト"]),
    ("申込受付サービスを提供する株式会社ツバメクラウドより、同社のシステムが不正アクセスを受けたとの"
     "連絡がありました。", ["株式会社ツバメクラウド"]),
    # a contractor named in a sentence of its own, the incident in the next
    ("当社は、発送業務をカワセミ物流株式会社に委託しております。同社の倉庫で書類の紛失が判明しました"
     "。委託先からの報告によれば、紛失したのは顧客名簿です。", ["カワセミ物流株式会社"]),
    # the contractor made the mistake: where it happened, not who received
    ("委託先において、受講者あてのメールを誤って全員に見える形で送信しました。", []),
    ("受託業者にて申込者へ書類を送付する際、別人の書類を誤って同封しました。", []),
    # a contractor that is not named
    ("外部委託先のパソコンがコンピュータウイルスに感染したことが判明しました。", []),
])
def test_an_incident_at_a_third_party_is_supply_chain(body: str, vendors: list[str]) -> None:
    assert _chain(body) == (True, tuple(vendors))


@pytest.mark.parametrize("body, issuer, vendors", [
    # a public-interest body written with its abbreviated legal form keeps its name
    ("市委託事業として(公財)青葉市文化振興協会が運営する講座において、受講者のメールアドレスが"
     "流出しました。", "青葉市", ["(公財)青葉市文化振興協会"]),
    ("受託者である(一社)北国観光推進機構の職員が、誤って参加者全員を宛先に入れてメールを送信しました。",
     "北国県", ["(一社)北国観光推進機構"]),
    # the same company written with (株) and with 株式会社 is one vendor, as first written
    ("委託先の水無月ネット(株)が不正アクセスを受けました。水無月ネット株式会社の委託先管理を見直し"
     "ます。", "株式会社ハルカゼ商会", ["水無月ネット(株)"]),
    ("再委託先である有限会社ヒイラギ計算センターでデータが流出しました。再委託先の有限会社 ヒイラギ"
     "計算センターからの報告です。", "株式会社ハルカゼ商会", ["有限会社ヒイラギ計算センター"]),
])
def test_vendor_names_are_kept_as_written_once(body: str, issuer: str, vendors: list[str]) -> None:
    assert _chain(body, issuer) == (True, tuple(vendors))


@pytest.mark.parametrize("body", [
    # a vendor that only helped investigate
    "セキュリティ専門ベンダーとの調査の結果、当社サーバーへの不正アクセスの痕跡が確認されました。",
    "外部の委託業者の協力を得て、不正アクセスの原因を調査しております。",
    # a contractor that received what the organisation sent by mistake, then was asked to delete it
    "職員が委託業者に申込書を送信する際、誤って別の患者の個人情報を含むファイルを送信しました。",
    "当社職員がメールを誤送信しました。送付先の委託業者に当該ファイルの削除を依頼し、削除済みです。",
    # what will be done next says nothing about where it happened
    "当社の職員が書類を紛失しました。今後は委託先を含め、個人情報の漏えい防止策を徹底してまいります。",
    "当社サーバーが不正アクセスを受けました。今後は株式会社ヒバリセキュリティの製品を導入し、対策を"
    "強化します。",
    # a service the organisation uses, but no third party named as where it happened
    "当社および当社グループ会社が利用しているサーバー機器に対する外部からの攻撃を検知しました。",
    # the issuer's own service
    "株式会社ハルカゼ商会が提供するオンラインサービスに不正アクセスがありました。",
])
def test_near_misses_are_not_supply_chain(body: str) -> None:
    assert _chain(body) == (False, ())


@pytest.mark.parametrize("body, vendors", [
    # a forensic firm named next to the real contractor is not a vendor
    ("委託先である株式会社ミナトデータサービスのサーバーが不正アクセスを受けました。セキュリティ"
     "ベンダーの株式会社クロガネラボによる調査で、流出の範囲を特定しました。",
     ["株式会社ミナトデータサービス"]),
    # a group company of the issuer is not a third party
    ("当社子会社のハルカゼ物流株式会社が業務を委託しているツグミ運送株式会社で伝票が紛失しました。",
     ["ツグミ運送株式会社"]),
])
def test_names_that_are_not_third_parties_are_left_out(body: str, vendors: list[str]) -> None:
    assert _chain(body) == (True, tuple(vendors))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", [
    "委託先である株式会社アドバーサリアル{n}及び再委託先有限会社テスト{n}が不正アクセスを受け、",
    "株式会社ミラー(株)ミラー株式会社 ",
    "委託先((((((((委託先に送信",
])
def test_many_names_in_one_long_sentence_are_read_once_each(unit: str) -> None:
    # 100 KB in one sentence: the sentence, the contractor mentions and the names are each read in
    # a bounded number of passes (the old de-duplication compared every name with every other).
    body = "".join(unit.format(n=n % 50) for n in range(100_000 // len(unit)))
    supply, vendors = _chain(body)
    if "{n}" in unit:
        assert supply and len(vendors) == 100
    assert len(set(vendors)) == len(vendors)
