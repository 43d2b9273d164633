"""Categories: invented phrasings of each cue's shape, near-misses that must not count, and the
cue table checked against RECORD.md (every id has cues, every cue is exercised here)."""
from __future__ import annotations

import re

import pytest

from jikenbo import data
from jikenbo.extract import categories
from jikenbo.extract.context import PostText
from jikenbo.parse import Post
from jikenbo.record import CATEGORIES
from tests.conftest import SHARED
from tests.helpers import body_view


def found(body: str) -> tuple[str, ...]:
    return categories.categories(body_view(body)).value


# Two or more invented phrasings per cue shape (none is a corpus sentence).
SHAPES = [
    ("unauthorized_access", "会員サイトのサーバーが外部から不正アクセスを受けました。"),
    ("unauthorized_access", "何者かが管理画面に不正にログインしていたことが判明しました。"),
    ("unauthorized_access", "店舗の端末が外部と不正に接続され、遠隔で操作されていました。"),
    ("unauthorized_access", "複数のサーバーへの不正な侵入が確認されました。"),
    ("unauthorized_access", "メール中継サーバーが不正中継に使われていました。"),
    ("unauthorized_access", "攻撃者が社内ネットワークに侵入し、ファイルを閲覧しました。"),
    ("unauthorized_access", "業務用サーバーが侵入を受け、ログが消去されていました。"),
    ("unauthorized_access", "公式サイトがハッキングの被害を受けました。"),
    ("unauthorized_access", "第三者が職員のアカウントのパスワードを入手し、利用していました。"),
    ("unauthorized_access", "教員のアカウントが海外から不正に利用されました。"),
    ("unauthorized_access", "管理者のパスワードが推測され、ログインされていました。"),
    ("unauthorized_access", "社員のIDを乗っ取られ、メールが閲覧されていました。"),
    ("unauthorized_access", "攻撃者が担当者になりすましてログインしました。"),
    ("unauthorized_access", "他人のIDを使ってシステムにログインしていました。"),
    ("ransomware", "サーバーがランサムウエアに感染しました。"),
    ("ransomware", "攻撃者から身代金を要求するメッセージが届きました。"),
    ("ransomware", "共有フォルダのファイルが暗号化されていることを確認しました。"),
    ("malware", "社員のパソコンがEmotetに感染しました。"),
    ("malware", "端末がエモテットと呼ばれる不正なプログラムに感染しました。"),
    ("malware", "トロイの木馬が仕込まれた添付ファイルを開いてしまいました。"),
    ("malware", "情報窃取型のソフトウェアがブラウザの保存情報を送信していました。"),
    ("malware", "インフォスティーラーにより認証情報が盗まれました。"),
    ("malware", "サーバー上でクリプトマイニングが行われていました。"),
    ("malware", "XMRigが設置されていることが分かりました。"),
    ("malware", "攻撃者が不正なプログラムを設置していました。"),
    ("malware", "職員が標的型攻撃メールの添付ファイルを開きました。"),
    ("malware", "遠隔操作ウイルスが見つかりました。"),
    ("malware", "業務用パソコンがマルウェアに感染しました。"),
    ("malware", "職員の端末がウィルスに感染したことを確認しました。"),
    ("malware", "研究室のパソコンからコンピューターウイルスが検出されました。"),
    ("vulnerability", "VPN装置の脆弱性を悪用されました。"),
    ("vulnerability", "ゼロデイ攻撃を受けました。"),
    ("vulnerability", "0day攻撃によるものと考えられます。"),
    ("vulnerability", "リモートアクセス装置が脆弱性を突かれました。"),
    ("vulnerability", "ブログで使っていたプラグインの脆弱性が原因です。"),
    ("vulnerability", "古い版のソフトウェアには脆弱性が存在していました。"),
    ("support_scam", "職員がサポート詐欺の被害に遭いました。"),
    ("support_scam", "閲覧中に偽のセキュリティ警告が表示されました。"),
    ("support_scam", "警告画面の指示に従ってしまいました。"),
    ("support_scam", "大きな警告音とともに表示された番号に電話をかけました。"),
    ("support_scam", "マイクロソフトのサポートを装う人物から指示を受けました。"),
    ("support_scam", "指示されるまま遠隔操作ソフトをインストールしました。"),
    ("phishing", "フィッシングサイトにIDを入力してしまいました。"),
    ("phishing", "職員のメールアカウントが乗っ取られました。"),
    ("phishing", "偽のメールによりパスワードをだまし取られました。"),
    ("phishing", "偽のログイン画面に誘導され、情報を入力しました。"),
    ("phishing", "学生のアカウントが第三者に不正利用され、大量の迷惑メールが送信されました。"),
    ("phishing", "職員のメールアドレスが悪用され、不審メールが送られました。"),
    ("misconfiguration", "共有フォルダの設定に不備がありました。"),
    ("misconfiguration", "担当者がクラウドの設定を誤っていました。"),
    ("misconfiguration", "誤った設定のまま運用していました。"),
    ("misconfiguration", "ファイルの公開範囲が全員になっていました。"),
    ("misconfiguration", "アクセス権限の設定に誤りがありました。"),
    ("misconfiguration", "ドライブの共有設定が「リンクを知っている全員」でした。"),
    ("misconfiguration", "授業中の画面にアクセスコードが表示されていました。"),
    ("misconfiguration", "名簿のフォルダに閲覧制限がかかっていない状態でした。"),
    ("misconfiguration", "ファイアウォールの設定が一部解除状態のままでした。"),
    ("misconfiguration", "セキュリティ設定の一部が漏れていました。"),
    ("misconfiguration", "名簿がインターネット上で閲覧可能な状態でした。"),
    ("misconfiguration", "ファイルが外部から閲覧可能となっていました。"),
    ("misconfiguration", "検索結果から閲覧可能になっていました。"),
    ("misconfiguration", "リンクを知っていれば誰でも閲覧できる状態でした。"),
    ("software_bug", "予約システムの不具合により、別の会員の情報が見える状態でした。"),
    ("software_bug", "アプリのバグが原因でした。"),
    ("software_bug", "プログラムの誤りにより、データが混在しました。"),
    ("software_bug", "画面の設計上のミスがありました。"),
    ("software_bug", "ログイン時のID識別に問題がありました。"),
    ("software_bug", "マイページで住所が誤表示されていました。"),
    ("software_bug", "注文画面に他の利用者の情報が表示される事象が起きました。"),
    ("software_bug", "入力フォームに直前に送信された内容が表示される現象がありました。"),
    ("misdelivery", "案内メールを誤送信しました。"),
    ("misdelivery", "通知書を別の方に誤送付しました。"),
    ("misdelivery", "広報誌を誤配しました。"),
    ("misdelivery", "窓口で証明書を誤交付しました。"),
    ("misdelivery", "名簿をホームページに誤掲載しました。"),
    ("misdelivery", "職員が誤って別の添付ファイルを送信しました。"),
    ("misdelivery", "送信時に宛先を間違えました。"),
    ("misdelivery", "受信者全員のアドレスをCC欄に入力して送信しました。"),
    ("misdelivery", "BCCではなくTOで一斉送信しました。"),
    ("misdelivery", "本来アクセス権のない共有フォルダではない場所に保存していました。"),
    ("misdelivery", "黒塗りの処理が不十分なまま資料を公開しました。"),
    ("misdelivery", "授業でプロジェクターに成績表が投影されました。"),
    ("loss_theft", "顧客名簿を紛失しました。"),
    ("loss_theft", "ノートパソコンの盗難に遭いました。"),
    ("loss_theft", "電車の網棚に鞄の置き忘れがありました。"),
    ("loss_theft", "申請書類が所在不明となっています。"),
    ("loss_theft", "保存期間中の書類を誤廃棄しました。"),
    ("loss_theft", "保管すべき台帳を誤って廃棄しました。"),
    ("loss_theft", "駐車中の車からタブレットが盗まれました。"),
    ("loss_theft", "営業車が車上荒らしに遭いました。"),
    ("loss_theft", "帰宅途中にひったくりに遭いました。"),
    ("loss_theft", "駅で置き引きに遭いました。"),
    ("loss_theft", "面談用の資料を廊下に落としたことに気付きませんでした。"),
    ("insider", "内部不正による情報の持ち出しが判明しました。"),
    ("insider", "内部関係者による犯行と見られます。"),
    ("insider", "担当者が顧客データを無断でコピーしていました。"),
    ("insider", "顧客情報の不正持ち出しについてご報告します。"),
    ("insider", "退職した元社員が在職中に顧客リストを持ち出していました。"),
    ("insider", "職員が業務外の目的で無断で住民情報を閲覧していました。"),
    ("insider", "派遣社員が顧客の画面を盗み見ていました。"),
    ("insider", "出向者により他社へ情報流出していたことが判明しました。"),
    ("insider", "業務上の必要がないのに記録を閲覧していました。"),
    ("insider", "業務に関係がないのに知人の情報を閲覧していました。"),
    ("insider", "社員が取引先に顧客情報を漏らしていました。"),
    ("insider", "職員の独断で名簿を外部に渡していました。"),
    ("insider", "職員が私的に利用していたことが分かりました。"),
    ("insider", "住民情報の目的外利用がありました。"),
    ("insider", "係長が権限を濫用していました。"),
    ("insider", "当該職員を懲戒処分としました。"),
    ("insider", "従業員が名簿を競合他社に流出させた疑いがあります。"),
    ("insider", "社員は顧客の連絡先を外部に漏えいしていた。"),
    ("defacement", "公式サイトのページが改ざんされました。"),
    ("defacement", "決済画面が改竄されていました。"),
    ("defacement", "トップページが書き換えられていました。"),
    ("defacement", "決済画面が偽のものにすり替えられていました。"),
    ("defacement", "カード情報のスキミングが行われていました。"),
    ("defacement", "不正なスクリプトが埋め込まれていました。"),
    ("defacement", "サイト内に不正なリンクが埋め込まれていました。"),
    ("other", "DDoS攻撃によりサイトがつながりにくくなりました。"),
    ("other", "大量の通信によるサービス妨害攻撃を受けました。"),
    ("other", "旧ドメインが失効し、第三者に取得されていました。"),
    ("other", "ソフトウェアのアップデートの不具合で障害が起きました。"),
]

# Near-misses: the same words where they do not report what happened.
NEAR_MISSES = [
    ("malware", "不審なメールを開くとウイルスに感染するおそれがありますのでご注意ください。"),
    ("malware", "リンクをクリックするとウィルスに感染したりする可能性があります。"),
    ("malware", "新型コロナウイルス感染症の対策に係る書類を誤送付しました。"),
    ("malware", "該当ページにアクセスしてもコンピュータウイルスに感染することはありません。"),
    ("malware", "サーバーがランサムウェアに感染し、コンピュータウイルスの駆除を行いました。"),
    ("malware", "偽のウイルス警告が表示され、指示された番号に電話しました。"),
    ("malware", "高度なマルウェア等の攻撃に対する備えとしてEDRを導入します。"),
    ("unauthorized_access", "紛失後、第三者による不正ログインの形跡がないことを確認しました。"),
    ("unauthorized_access", "今回の流出は外部からの不正アクセスによるものではなく、元社員の持ち出しです。"),
    ("unauthorized_access", "サーバーへの不正アクセス及び情報の漏えいは確認されていません。"),
    ("unauthorized_access", "不正アクセスを防ぐため、多要素認証を導入します。"),
    ("defacement", "調査の結果、当社サーバーのパスワード改ざんを確認しました。"),
    ("defacement", "流出した可能性のある情報と、改ざん等の影響を調べています。"),
    ("insider", "紛失したハードディスクを病院外に持ち出した可能性は低いと考えています。"),
    ("insider", "教員がフィッシングサイトでパスワードを入力し、第三者に窃取されました。"),
    ("insider", "講師は許可なく私物のパソコンを使用していました。"),
    ("software_bug", "システム不具合等に備えて、保守用のデータを管理しています。"),
    ("misdelivery", "授業中にプロジェクターで投影した画面にアクセスコードが表示されていました。"),
    ("misdelivery", "今後は誤送信防止のため、送信前に複数人で確認します。"),
]

ASIDES = [
    # A countermeasure section runs to the next heading of its own numbering.
    ("unauthorized_access", "1.概要\n書類を紛失しました。\n2.再発防止策\n(1)外部からの不正ログインを検知する"
                            "仕組みを導入します。\n(2)職員の研修を行います。\n3.お問い合わせ\n電話窓口"),
    ("malware", "1.概要\n書類を紛失しました。\n2.今後の対応\n標的型攻撃メールへの訓練を実施します。"),
]


@pytest.mark.parametrize("category, body", SHAPES)
def test_a_cue_shape_gives_its_category(category: str, body: str) -> None:
    assert category in found(body)


@pytest.mark.parametrize("category, body", NEAR_MISSES)
def test_a_near_miss_does_not_give_the_category(category: str, body: str) -> None:
    assert category not in found(body)


@pytest.mark.parametrize("category, body", ASIDES)
def test_a_cue_under_a_countermeasure_heading_does_not_count(category: str, body: str) -> None:
    assert category not in found(body)
    # The same lines under a heading that tells what happened do count.
    assert category in found(body.replace("再発防止策", "原因").replace("今後の対応", "原因"))


def test_an_account_sending_spam_is_phishing_and_an_intrusion() -> None:
    body = "職員のメールアカウントが第三者により不正利用され、迷惑メールが大量に送信されました。"
    assert {"phishing", "unauthorized_access"} <= set(found(body))


def test_the_headline_is_not_a_countermeasure_heading() -> None:
    # A headline 「…ならびに再発防止策について」 must not make the whole notice an aside.
    text = "PC紛失のご報告ならびに再発防止策について\n営業用のパソコンを紛失しました。"
    view = PostText.of(Post("x", text, 0, len(text), False))
    assert "loss_theft" in categories.categories(view).value


def _record_ids(section: str) -> list[str]:
    spec = (SHARED / "spec" / "RECORD.md").read_text(encoding="utf-8")
    part = spec.split(f"## {section}")[1].split("\n## ")[0]
    return re.findall(r"^\| `([a-z_]+)` \|", part, re.MULTILINE)


def test_the_cue_table_covers_every_category_of_the_record() -> None:
    table = data.load("categories")
    assert _record_ids("Categories") == list(CATEGORIES)
    for name in CATEGORIES:
        assert table[name]["cues"], name
        assert set(table[name].get("unless", [])) <= set(CATEGORIES), name
    assert set(table) - {"_about"} == set(CATEGORIES)


@pytest.mark.parametrize("name", CATEGORIES)
def test_every_cue_is_exercised_by_a_shape(name: str) -> None:
    table = data.load("categories")[name]
    examples = [body for category, body in SHAPES if category == name]
    for cue in table["cues"] + table.get("weak", []):
        assert any(re.search(cue, body) for body in examples), cue
    for pattern in table["not"]:
        re.compile(pattern)


@pytest.mark.parametrize("body, counted", [
    ("再発防止策\n外部からの不正ログインを検知する仕組みを導入します。", False),
    # An unnumbered heading's section ends with its paragraph.
    ("再発防止策\n外部からの不正ログインを検知する仕組みを導入します。\n\n"
     "経緯\n外部から不正ログインされたことが分かりました。", True),
    # A line of apology is no countermeasure heading.
    ("お詫びとお願い\n外部から不正ログインされたことが分かりました。", True),
])
def test_an_unnumbered_countermeasure_section_is_one_paragraph(body: str, counted: bool) -> None:
    assert ("unauthorized_access" in found(body)) == counted
