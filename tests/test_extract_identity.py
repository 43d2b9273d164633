"""Issuer, headline, dates and the incident gate of releases without a casebook header.

Every row is an invented phrasing of a shape real notices use (never a corpus sentence); the
near-misses that must not match sit in their own tables.
"""
from __future__ import annotations

from datetime import date

import pytest

from jikenbo.extract.dates import find_dates
from jikenbo.extract.heading import entity_name, plausible_name
from jikenbo.normalize import normalize
from jikenbo.pipeline import extract_source
from jikenbo.sources import from_bytes


def _record(text: str, kind: str = "text/plain; charset=utf-8"):
    return extract_source(from_bytes("release", text.encode(), kind)).records[0]


def _rule(record, field: str) -> str:
    return next(item.rule for item in record.evidence if item.field == field)


# --- what can be an issuer's name at all ------------------------------------------------------

@pytest.mark.parametrize("name", ["豊郷町", "県立広島大学", "株式会社サンプル", "日本テスト連盟",
                                  "みどり市", "学校法人青葉学園", "北海道", "(株)テスト"])
def test_names_an_issuer_can_have(name: str) -> None:
    assert plausible_name(name)


@pytest.mark.parametrize("name", [
    "この度、町",           # a sentence's opening
    "このたび当協会",        # an opener run into a self-reference
    "弊社",                 # the issuer's word for itself
    "当センター",
    "2023年4月1日",          # a date
    "県立高等学校",          # a generic noun: founder + kind
    "市立中学校",
    "今般、本学",
    "市内小学校",           # where, before a generic noun
    "市営水道",             # who runs it; 道 names only 北海道
    "元小学校",
    "記録媒体(USB",         # a phrase cut at a space
])
def test_phrases_that_are_never_an_issuer(name: str) -> None:
    assert not plausible_name(name)


# --- where a headerless release names its issuer ----------------------------------------------

SIGNATURES = [  # a head signing for the unit, written without a space after the unit
    ("みどり町長 山田 花子", "みどり町"),
    ("青葉市長 鈴木一郎", "青葉市"),
    ("北山村長 佐藤 次郎", "北山村"),
    ("サンプル大学長 田中 三郎", "サンプル大学"),
    ("株式会社テスト 代表取締役社長 高橋 四郎", "株式会社テスト"),
]


@pytest.mark.parametrize(("line", "issuer"), SIGNATURES)
def test_a_signature_names_the_unit_its_head_signs_for(line: str, issuer: str) -> None:
    assert entity_name(line)[0] == issuer


@pytest.mark.parametrize(("line", "issuer"), [
    ("株式会社 サンプル(さんぷる)", "株式会社サンプル"),
    ("テスト商事株式会社(テストショウジ)", "テスト商事株式会社"),
])
def test_a_reading_after_a_name_is_not_part_of_it(line: str, issuer: str) -> None:
    assert entity_name(line)[0] == issuer


@pytest.mark.parametrize("line", ["問い合わせ先:青葉コールセンター", "お問い合わせ先 株式会社テスト",
                                  "担当:総務課 山田", "連絡先 青葉サポートセンター"])
def test_a_contact_line_names_no_issuer(line: str) -> None:
    assert entity_name(line) is None  # the desk may be a contractor's


def test_a_signature_at_the_end_names_the_issuer() -> None:
    text = ("住民名簿の紛失について\n"
            "このたび、職員が住民の名簿を紛失し、皆様にご迷惑をおかけしました。深くお詫びします。\n"
            "今後は書類の管理を徹底します。\n"
            "みどり町長 山田 花子\n")
    assert _record(text).organization == "みどり町"


def test_a_letterhead_longer_than_six_lines_still_names_the_issuer() -> None:
    text = ("生徒の個人情報を含む書類の紛失について\n報道資料\n令和7年5月1日\n教育庁総務課\n"
            "担当:山田\n電話:000-000-0000\n青葉県立みどり高等学校\n担当:佐藤\n"
            "生徒の個人情報を含む書類を紛失しました。\n")
    record = _record(text)
    assert (record.organization, record.published) == ("青葉県立みどり高等学校", "2025-05-01")


def test_a_definition_with_a_noun_for_its_kind_names_the_issuer() -> None:
    text = ("ネットワークへの不正アクセスについて\n"
            "このたび、学校法人青葉学園(以下「学園」といいます。)のサーバーが不正アクセスを受けました。\n"
            "個人情報が漏えいした可能性があります。\n")
    record = _record(text)
    assert record.organization == "学校法人青葉学園" and _rule(record, "organization") == "defined_name"


def test_a_contractor_defined_by_its_own_short_name_is_not_the_issuer() -> None:
    text = ("不正アクセスに関するお知らせ\n"
            "当所が利用するサービスの運営会社である株式会社テストクラウド(以下「テストクラウド」)の"
            "サーバーが不正アクセスを受け、個人情報が漏えいした可能性があります。\n")
    assert _record(text).organization is None


@pytest.mark.parametrize(("address", "issuer"), [
    ("日本テスト連盟会員の皆様", "日本テスト連盟"),
    ("青葉生活協同組合組合員の皆さま", "青葉生活協同組合"),
])
def test_members_addressed_belong_to_the_issuer(address: str, issuer: str) -> None:
    text = ("会員情報の流出について\n"
            "この度、会員管理システムへの不正アクセスが発生し、個人情報が流出した可能性があります。\n"
            f"{address}には多大なご迷惑をおかけします。\n")
    assert _record(text).organization == issuer


@pytest.mark.parametrize("address", ["JCBカード会員の皆様", "全会員の皆様", "当協会会員の皆様"])
def test_members_addressed_without_an_organisation_name_no_one(address: str) -> None:
    text = ("会員情報の流出について\n"
            "この度、会員管理システムへの不正アクセスが発生し、個人情報が流出した可能性があります。\n"
            f"{address}には多大なご迷惑をおかけします。\n")
    assert _record(text).organization is None


def test_html_site_name_names_the_issuer() -> None:
    page = ("<html><head><meta charset='utf-8'><meta property='og:title' content='書類の紛失について'>"
            "<meta property='og:site_name' content='みどり市'></head><body><main>"
            "<h1>書類の紛失について</h1><p>個人情報を含む書類を紛失しました。お詫びします。</p>"
            "<p>個人情報の管理を徹底します。</p></main></body></html>")
    assert _record(page, "text/html").organization == "みどり市"


NULL_ISSUERS = [  # nothing names the issuer: null, not a sentence opener or a neighbour
    "この度、町において個人情報の漏えい事案が発生しました。\nお詫び申し上げます。\n",
    "弊社の社員を装った不審なメールについて\n個人情報が流出した可能性があります。\n",
    "2024年3月2日に、当社のパソコンがウイルスに感染したことを確認しました。\n個人情報の流出を調査中です。\n",
    "県立高等学校における個人情報の紛失について\n書類を紛失しました。\n",
    ("ランサムウェアによる被害について\n当センター及び青葉サンプル診療所の電子カルテが停止しました。\n"
     "当センターの個人情報が流出しました。青葉サンプル診療所は復旧しました。\n"),
    ("この度、本学工学研究科において個人情報が閲覧可能な状態でした。\n"
     "本学理工学系大学院の学生の個人情報が含まれます。本学理工学系大学院では調査中です。\n"),
]


@pytest.mark.parametrize("text", NULL_ISSUERS)
def test_no_issuer_rather_than_a_wrong_one(text: str) -> None:
    assert _record(text).organization is None


def test_a_self_reference_resolves_to_a_name_of_the_same_kind() -> None:
    text = ("書類の紛失について\nこのたび、当町の窓口で申請書を紛失しました。\n"
            "青葉町として事案を把握し、関係者に謝罪しました。個人情報の管理を徹底します。\n")
    assert _record(text).organization == "青葉町"


# --- headline and dates ----------------------------------------------------------------------

@pytest.mark.parametrize(("first_line", "title"), [
    ("更新日:2024年6月3日", "書類の紛失について"),
    ("掲載日 令和6年6月3日", "書類の紛失について"),
    ("お知らせ", "書類の紛失について"),
])
def test_furniture_above_the_headline_is_skipped(first_line: str, title: str) -> None:
    record = _record(f"{first_line}\n{title}\n個人情報を含む書類を紛失しました。お詫びします。\n")
    assert record.title == title


@pytest.mark.parametrize("headline", ["青葉システムの設定不備 について", "申込サイトの不具合 のお知らせ"])
def test_a_first_word_that_is_a_phrase_is_no_issuer(headline: str) -> None:
    record = _record(f"{headline}\n個人情報が閲覧可能な状態でした。お詫びします。\n")
    assert record.organization is None


@pytest.mark.parametrize("line", ["2024年6月3日 15時00分", "2024.06.03 15:00", "報道発表日 令和6年6月3日",
                                  "最終更新日:2024年6月3日", "公開日 2024年6月3日(月曜日)"])
def test_date_lines_with_times_and_labels_give_the_notice_date(line: str) -> None:
    record = _record(f"{line}\n書類の紛失について\n個人情報を含む書類を紛失しました。\n")
    assert (record.title, record.published) == ("書類の紛失について", "2024-06-03")


def test_a_headline_that_opens_with_a_date_is_kept_whole() -> None:
    line = "2024年5月6日 (月) に発生したシステム障害により、ご迷惑をおかけしました。"
    record = _record(f"{line}\n不正アクセスにより個人情報が流出した可能性があります。\n")
    assert record.title == line and record.organization is None


@pytest.mark.parametrize(("heading", "title", "issuer"), [
    ("【セキュリティ事件簿#2024-001】委託先がメールを誤送信 - 青葉県", "委託先がメールを誤送信", "青葉県"),
    ("【セキュリティ事件簿#2024-002】受講者のアドレスが流出 | みどり市", "受講者のアドレスが流出", "みどり市"),
])
def test_a_trailing_byline_leaves_the_headline(heading: str, title: str, issuer: str) -> None:
    record = _record(f"{heading}\n\nメールを誤送信し、個人情報が流出しました。\n")
    assert (record.title, record.organization) == (title, issuer)


def test_a_headline_with_a_dash_inside_keeps_it() -> None:
    record = _record("【セキュリティ事件簿#2024-003】サンプル株式会社 A-B間の通信障害について\n\n本文。\n")
    assert record.title == "A-B間の通信障害について"


def test_a_parenthesised_timeline_date_is_not_the_notice_date() -> None:
    text = ("証明書の誤交付について\n証明書を取り違えて交付した事案が発生しました。\n概要\n"
            "(令和6年4月2日)\n窓口で申請を受け付けた際に写真を取り違えた。\n")
    assert _record(text).published is None


def test_a_date_line_above_the_headline_is_the_notice_date() -> None:
    text = "令和六年七月十七日\n書類の紛失について\n個人情報を含む書類を紛失しました。\n"
    assert _record(text).published == "2024-07-17"


DATES = [
    ("令和六年七月十七日", date(2024, 7, 17)),
    ("令和元年十二月三日", date(2019, 12, 3)),
    ("二〇二四年三月九日", date(2024, 3, 9)),
    ("令和6年度 2月1日", date(2025, 2, 1)),  # a fiscal year runs April to March
    ("令和6年度4月10日", date(2024, 4, 10)),
    ("2023年度 十月一日", date(2023, 10, 1)),
]


@pytest.mark.parametrize(("text", "day"), DATES)
def test_kanji_numeral_and_fiscal_year_dates(text: str, day: date) -> None:
    assert [found.value for found in find_dates(normalize(text).text)] == [day]


@pytest.mark.parametrize("text", ["令和6年度", "第三十一回", "十月", "2024年度の計画"])
def test_not_dates(text: str) -> None:
    assert list(find_dates(normalize(text).text)) == []


# --- the incident gate -----------------------------------------------------------------------

INCIDENTS = [
    "会員ページにおける誤表示について\n他の会員の氏名が表示される状態でした。\n",
    "住民票の写しの誤交付について\n別の方の住民票を交付しました。\n",
    "ホームページへの不審なリンクの埋め込みについて\n当社サイトの一部に外部サイトへの誘導が仕込まれていました。\n",
    "職員のパソコンがウィルスに感染したことを確認しました\n調査を進めています。\n",
    "業務用端末のEmotet感染について\n対応を進めています。\n",
    "申請書類の所在不明について\n保管していた書類が見つからない状態です。\n",
    "職員を装ったなりすましメールについて\n取引先に偽のメールが届きました。\n",
    "委託業務における個人情報の事故について\n設定の誤りで申込者の情報が外部から見える状態でした。\n",
]
NOT_INCIDENTS = [
    "■ ランサムウェアとは\nランサムウェアはデータを暗号化して身代金を要求する不正プログラムです。個人情報の漏えいにも繋がります。\n",
    "情報漏えいとは?\n情報漏えいの意味と対策を解説します。\n",
    "春の新商品のご案内\n新しいカタログを公開しました。\n",
    "不審なメールにご注意ください\n添付を開くとウイルスに感染するおそれがあります。\n",
    "中小企業のセキュリティ対策は十分か?\n不正アクセスや情報漏えいの傾向を考えます。\n",
    "個人情報の取扱いについて\n当社はお客様の情報を適切に管理します。\n",  # a weak word alone
    "交通事故防止運動のお知らせ\n春の運動期間が始まります。\n",
]


@pytest.mark.parametrize("text", INCIDENTS)
def test_incident_notices_without_a_header(text: str) -> None:
    assert _record(text).is_incident


@pytest.mark.parametrize("text", NOT_INCIDENTS)
def test_explainers_and_warnings_are_not_incidents(text: str) -> None:
    assert not _record(text).is_incident
