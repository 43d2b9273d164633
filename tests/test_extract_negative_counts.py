"""Numbers that are not a count of affected people or records: each must give null (RECORD.md:
null when no count is stated; a wrong count is worse than none). Invented phrasings."""
from __future__ import annotations

import pytest

from tests.test_extract_counts import count_of


@pytest.mark.parametrize("body", [
    # a numeral inside a word
    "第三者による不正アクセスを受け、顧客情報が流出した可能性があります。",
    "外部の第三者から会員サーバーへの攻撃があり、個人情報の調査を進めています。",
    "職員一人ひとりが個人情報の取扱いに注意してまいります。",
    "今回の一件で個人情報が表示された皆様にお詫び申し上げます。",
    "同一世帯の方の顔写真が別の方のカードに表示されていました。",
    "M365 アカウントの個人情報を確認しています。",
    # people who reported the problem, not people affected
    "二人のお客様よりマイページに他人の情報が表示されるとのご連絡をいただきました。",
    "3名のお客様からのお問い合わせにより、個人情報の誤表示が判明しました。",
    # mails sent and accesses counted, not people
    "乗っ取られたアカウントから送信された迷惑メールは約5万件でした。個人情報の流出はありません。",
    "該当ページへのアクセスが延べ52件あり、個人情報の閲覧状況を調査しています。",
    # staff counted for discipline or organisation size
    "監督責任のある管理職員2人に対し、訓告処分を行いました。個人情報の管理を徹底します。",
    "約50名規模の専門組織を設置し、個人情報保護を強化します。",
    # a list number before a word that starts like a unit
    "1 件名 個人情報の漏えいについて",
    # a figure far beyond any organisation's people or records
    "個人情報 99999999999999件が対象です。",
])
def test_not_a_count(body: str) -> None:
    assert count_of(body) is None
