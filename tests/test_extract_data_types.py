"""Data types: what leaked, read from the leaked-items list or the sentence that says what leaked.

Invented phrasings of each shape, near-misses that must not count, the vocabulary checked against
RECORD.md, and adversarial inputs (linear time) beside the tables.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from jikenbo import data
from jikenbo.extract import data_types
from jikenbo.record import DATA_TYPES
from tests.conftest import SHARED
from tests.helpers import body_view


def found(body: str) -> tuple[str, ...]:
    return data_types.data_types(body_view(body)).value


SHAPES = [
    # Gaps in the vocabulary, filled by meaning.
    ("health", "紛失した書類には、利用者の氏名と要介護度が記載されていました。"),
    ("health", "流出したのは、生徒の健康調査の回答です。"),
    ("health", "誤送付した報告書には検診の結果が記載されています。"),
    ("employment", "漏えいした情報:氏名、給与の月額"),
    ("employment", "対象の情報は、相談者の氏名、職業、年齢です。"),
    ("customer_number", "ハードディスクには患者さんのIDと病名が保存されていました。"),
    ("credentials", "元社員が同僚のPWを使ってログインしていました。"),
    ("credentials", "利用者がフィッシングサイトでメールアドレスとパスワードを入力しました。"),
    ("email_content", "職員が送受信したメールが外部から閲覧された可能性があります。"),
    ("email_content", "攻撃者はメールの本文を窃取していました。"),
    ("birthdate", "流出した可能性のある情報:氏名、生年月"),
    ("phone", "名簿には保護者の連絡先が載っていました。"),
    ("education", "紛失したのは2年生の数学のテスト結果です。"),
    ("customer_number", "漏えいした情報は学籍番号と氏名です。"),
    ("address", "漏えいした情報は氏名、郵便番号、住所です。"),
    ("name", "流出したのは申込者名、電話番号です。"),
    ("email", "他の受信者にメールアドレスが表示される形で送信しました。"),
    # An item of a leaked list that no type names is other.
    ("other", "漏えいした情報\n・氏名\n・住所\n・寄付金額"),
    ("other", "対象の情報(使用者名、住所、用途区分、使用量)"),
    ("other", "漏洩した内容:氏名、生年月日、続柄"),
]

NEAR_MISSES = [
    # The address a mail went to or came from is not leaked data.
    ("email", "誤ったメールアドレスに資料を送信しました。"),
    ("email", "以下のメールアドレスより、迷惑メールが大量に送られました。"),
    ("email", "職員の私用メールアドレス宛に転送していました。"),
    # The issuer's own address, a label with its value.
    ("address", "株式会社サンプル(所在地:東京都千代田区1-1)は、本日お知らせします。"),
    # A system or programme named after a kind of data.
    ("health", "攻撃により電子カルテを含めたシステムが利用できなくなりました。"),
    ("government_id", "運転免許証自主返納支援事業の申請書類が所在不明です。"),
    ("education", "修学旅行後、学年主任が旅行会社と連絡を取りました。"),
    ("education", "学習アプリ「クラスパッド」のサーバーに不正アクセスがありました。"),
    ("education", "漏えいした情報は学籍番号と氏名です。"),
    # Negations.
    ("name", "ハードディスクに患者の氏名は記録されていないものの、診療科は含まれていました。"),
    ("employment", "送信した文書には会社名や氏名を記載していませんでした。"),
    ("government_id", "個人番号は暗号化しており、流出の恐れがある範囲には含まれておりません。"),
    ("phone", "※住所、電話番号の漏えいはありません。"),
    # A scam's phone number on a warning screen.
    ("phone", "画面に表示された電話番号に電話をかけてしまいました。"),
    # A countermeasure.
    ("email_content", "1.概要\n書類を紛失しました。\n2.再発防止策\n送信前に宛先や添付ファイル、"
                      "メールの本文を複数人で確認します。"),
    # Not a list of leaked data: a group of people, a number word, a verb phrase.
    ("other", "漏えいした情報\n・患者情報\n・氏名\n・住所"),
    ("other", "申込者の住所、氏名、電話番号(2021年度分)"),
    ("other", "氏名、住所、料金で、毎月の使用時点のもの"),
]


@pytest.mark.parametrize("kind, body", SHAPES)
def test_a_data_shape_gives_its_type(kind: str, body: str) -> None:
    assert kind in found(body)


@pytest.mark.parametrize("kind, body", NEAR_MISSES)
def test_a_near_miss_does_not_give_the_type(kind: str, body: str) -> None:
    assert kind not in found(body)


def _record_ids(section: str) -> list[str]:
    spec = (SHARED / "spec" / "RECORD.md").read_text(encoding="utf-8")
    part = spec.split(f"## {section}")[1].split("\n## ")[0]
    return re.findall(r"^\| `([a-z_]+)` \|", part, re.MULTILINE)


def test_the_vocabulary_covers_every_data_type_of_the_record() -> None:
    table = data.load("data_types")
    assert _record_ids("Data types") == list(DATA_TYPES)
    assert set(table["types"]) == set(DATA_TYPES)
    assert all(table["types"][name] for name in DATA_TYPES)
    words = {word for name in DATA_TYPES for word in table["types"][name]}
    assert set(table["context_rules"]) <= words  # every context rule belongs to a word


@pytest.mark.parametrize("kind", DATA_TYPES)
def test_every_word_names_its_type_in_a_leaked_list(kind: str) -> None:
    rules = data.load("data_types")["context_rules"]
    for word in data.load("data_types")["types"][kind]:
        if word in rules:  # a context rule's word is a label; its pattern is exercised above
            re.compile(rules[word])
            continue
        assert kind in found(f"漏えいした可能性のある情報\n・{word}\n"), word


ADVERSARIAL = {  # about 200 KB each: a quadratic scan of these takes many minutes
    "negated data words": "氏名、住所、電話番号は含まれておりません" * 10_000,
    "data words with no full stop": "氏名、" * 66_000,
    "spaces": " " * 200_000 + "氏名",
    "tabs and digits": ("\t" * 50 + "1234567890") * 3_300,
    "brackets": "【" * 200_000,
    "list items": "用途区分、" * 40_000,
    "countermeasure headings": "1.再発防止策\n" * 25_000,
    "denied cue words": "不正アクセスの痕跡はない" * 16_000,
    "insider subjects": "元職員が" * 50_000,
}
_PROBE = """
import dataclasses, sys
from jikenbo.extract.context import PostText
from jikenbo.extract import categories, data_types
from jikenbo.normalize import normalize
from jikenbo.parse import Post
head = "個人情報の取扱いに関する事案について\\n"
base = PostText.of(Post(head, head + "本文", 0, len(head) + 2, False))
view = dataclasses.replace(base, norm=normalize(head + sys.stdin.read()))
kinds = categories.categories(view).value
print(",".join(data_types.data_types(view).value) + "|" + ",".join(kinds))
"""


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_text_is_read_in_linear_time(name: str) -> None:
    # The timeout is generous on purpose: timing targets live in bench/; this asserts that the
    # reading ends, with the right (empty) answer.
    done = subprocess.run([sys.executable, "-c", _PROBE], input=ADVERSARIAL[name],
                          capture_output=True, text=True, timeout=120, check=True)
    types, kinds = done.stdout.strip().split("|")
    assert kinds == ""
    assert types == ("name" if name in ("data words with no full stop", "spaces") else "")
