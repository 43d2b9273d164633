"""Leak status read clause by clause, on invented phrasings of the shapes RECORD.md names.
Each shape has two phrasings; the near-misses of each are in their own tables."""
from __future__ import annotations

import pytest

from jikenbo.extract.context import PostText
from jikenbo.extract.leak import leak_status
from jikenbo.parse import split_posts

HEADER = "【セキュリティ事件簿#2024-902】架空病院 個人情報に関するお知らせ 2024/9/2\n\n"


def status_of(body: str, categories: tuple[str, ...] = (), at_risk: bool = False,
              header: str = HEADER) -> str:
    return leak_status(PostText.of(split_posts(header + body)[0]), categories, at_risk).value


@pytest.mark.parametrize("body", [
    # a misdelivery that reached the recipient, even if the papers came back
    "患者1名の結果通知を別の方へ誤送付しました。回収済みのため、これ以上漏えいする可能性はございません。",
    "お客様の請求書を他のお客様に誤送付する事案が発生しました。",
    # a mail whose recipients saw each other's addresses
    "講座の案内を Bcc で送信するべきところ、To で送信しました。",
    "会員 52 名のアドレスを CC 欄に入力した状態でメールを送信しました。",
    # data shown to other users
    "ログイン後の画面に別の利用者の情報が表示される事象が起きました。",
    "予約ページで他の会員のデータが表示される不具合がありました。",
    # an insider collected or browsed data
    "元職員が顧客データを不正に取得し、私的に利用していました。",
    "職員が業務外で知人の住民情報を盗み見ていました。",
    # data taken and used by an attacker
    "窃取されたメールアドレスが不審メールの送信に使用されていることを確認しました。",
    "会員の氏名が記載された名簿が外部に流出し、関係者にご迷惑をおかけしました。",
    # a plain confirmation, not undone by a hedge in another clause or sentence
    "お客様情報の漏洩を確認致しました。",
    "会員情報の流出を確認いたしました。原因はサーバーが攻撃を受けた可能性が高いと考えております。",
    "当社は会員情報の流出を確認しました。なお、当該期間以降に流出した可能性はありません。",
])
def test_confirmed(body: str) -> None:
    assert status_of(body) == "confirmed"


@pytest.mark.parametrize("body", [
    "調査の結果、個人情報の漏洩等は発生していないことを確認しました。",
    "専門家の調査により、外部に流出した可能性は低いと判断しております。",
    "暗号化されていたため、データが流出した可能性は低く、二次被害のおそれも限定的です。",
    "調査の結果、個人情報の流出は確認されていません。",
    "会員情報の外部への漏えいはございません。",
    "調査の結果、第三者に閲覧された形跡は確認されておりません。",
])
def test_none(body: str) -> None:
    assert status_of(body) == "none"


@pytest.mark.parametrize("body", [
    "会員情報が外部に流出した可能性があります。",
    # a hedge at the end of a sentence scopes over a continuative leak verb before it
    "個人情報が流出し、第三者に悪用されるおそれがあります。",
    "顧客データが閲覧された可能性を否定できません。",
    # a provisional "not found": the finding may still change
    "現時点で個人情報の流出は確認されておりません。",
    "当社が把握している限り、顧客情報の外部流出は確認されていません。",
])
def test_suspected(body: str) -> None:
    assert status_of(body) == "suspected"


def test_a_headline_that_names_a_leak_confirms_when_the_body_does_not_hedge() -> None:
    body = "担任が調査票を紛失しました。現在のところ二次被害は確認されていません。"
    assert status_of(body, header="生徒の個人情報漏えいについて\n\n") == "confirmed"
    hedged = "担任が調査票を紛失しました。個人情報が流出した可能性があります。"
    assert status_of(hedged, header="生徒の個人情報漏えいについて\n\n") == "suspected"


@pytest.mark.parametrize("body", [
    # bullets under a negated list header are negated
    "調査の結果、以下の事実は確認されておりません。\n・個人情報が外部に流出したこと\n・情報が公開されたこと",
    "現在までに次の事象はありません。\n・顧客データが第三者に閲覧されたこと",
    # conditionals and countermeasures are no confirmation
    "万一、個人情報の流出が確認された場合は速やかにお知らせします。",
    "今後、メールの誤送信が起こらないよう確認を徹底します。",
    # a hedge about something else than data is no hedge
    "添付ファイルを開くとウイルスに感染する可能性がありますのでご注意ください。",
])
def test_near_misses_say_nothing(body: str) -> None:
    assert status_of(body) == "unknown"


def test_one_item_not_leaking_is_no_conclusion_about_the_rest() -> None:
    body = "名簿が閲覧可能な状態でした。なお、パスワードの流出はありません。"
    assert status_of(body) == "suspected"


def test_a_headline_yields_to_a_finding_in_the_body() -> None:
    body = "調査の結果、顧客情報の流出は確認されませんでした。"
    assert status_of(body, header="顧客情報流出に関する調査結果について\n\n") == "none"
    assert status_of("調査を進めています。", header="情報流出の有無について\n\n") == "unknown"


@pytest.mark.parametrize("body, categories, expected", [
    # a device taken out and lost is a loss, not data taken
    ("職員がUSBメモリを自宅に持ち出して紛失しました。", ("loss_theft",), "suspected"),
    # an account used by an attacker is no data taken
    ("攻撃者により管理者アカウントが使用されたことを確認しました。", ("unauthorized_access",),
     "suspected"),
    # data published by mistake is exposed, not known to be viewed
    ("ホームページに個人情報を含む資料を誤って掲載していました。", ("misconfiguration",),
     "suspected"),
])
def test_exposure_without_a_taker_is_not_confirmed(body: str, categories: tuple[str, ...],
                                                    expected: str) -> None:
    assert status_of(body, categories, at_risk=True) == expected


def test_an_outage_with_nothing_said_about_leakage_is_unknown() -> None:
    body = "ランサムウェアにより電子カルテシステムが停止し、診療を制限しています。"
    assert status_of(body, ("ransomware",), at_risk=True) == "unknown"
    lost = "患者情報を保存したUSBメモリを紛失しました。"
    assert status_of(lost, ("loss_theft",), at_risk=True) == "suspected"
