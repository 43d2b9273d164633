"""Affected count on invented phrasings of the shapes RECORD.md describes (the corpus sentences
themselves are never copied here); near-misses live in test_extract_negative_counts.py."""
from __future__ import annotations

import pytest

from jikenbo.extract.affected import affected_count
from jikenbo.extract.context import PostText
from jikenbo.parse import split_posts

HEADER = "【セキュリティ事件簿#2024-901】架空商事株式会社 個人情報に関するお知らせ 2024/9/1\n\n"


def count_of(body: str) -> int | None:
    return affected_count(PostText.of(split_posts(HEADER + body)[0])).value


@pytest.mark.parametrize("body, expected", [
    # a single count with an affected subject
    ("当社会員3,214名の氏名およびメールアドレスが流出した可能性があります。", 3214),
    ("患者さま 57 名分の検査結果が記録されていました。", 57),
    # RECORD.md's own examples of written numbers
    ("約8千6百件の顧客情報が閲覧可能な状態でした。", 8600),
    ("7万 4238 件の個人情報が対象となります。", 74238),
    ("会員二十名の個人情報を含む名簿を紛失しました。", 20),
    # a stated total wins over its parts
    ("対象となるお客様は合計 1,024件です。\n・個人のお客様 1,000件\n・法人のお客様 24件", 1024),
    ("流出した顧客情報 合計件数:120件(内訳は別表のとおり)", 120),
    # a qualifier with its counted noun (延べ人数, 合計件数)
    ("閲覧された記録は延べ人数 40名分の個人情報に及びます。", 40),
    # groups listed inline are summed
    ("受講者5名及び講師2名の氏名と住所が記載されていました。", 7),
    ("利用者12人並びに見学者3人の連絡先が含まれます。", 15),
    ("会員の代表アドレス(30件)及び個人アドレス(4件)が他の受信者に表示されました。", 34),
    # counts given item by item count the same people; one item twice is two groups
    ("漏えいした可能性のある情報\n(1)氏名 1,200件\n(2)住所 1,200件\n(3)電話番号 800件", 1200),
    ("対象の個人情報は氏名(300件)及び住所(300件)です。", 300),
    ("漏えいした情報\n・会員 (氏名、住所) 500件\n・非会員(氏名) 200件", 700),
    ("学外アドレス(50件)及び学内アドレス(7件)が他の受信者に表示されました。", 57),
    # the records that leaked outrank a related head-count
    ("申込者40人の保護者35件のメールアドレスが他の受信者に表示されました。", 35),
    ("参加児童20名の保護者18件のメールアドレスを宛先に入力して送信しました。", 18),
    # a count after a comma written as the Japanese 読点, and an honorific 名様
    ("宛先を誤ったため,42件のメールアドレスが他の受信者に表示されました。", 42),
    ("対象のお客様は5名様です。", 5),
    # sheets and letters count records
    ("受験者の氏名が記載された申込書25枚を紛失しました。", 25),
    ("お客様の住所が記載された通知書12通を誤って別の宛先に郵送しました。", 12),
])
def test_counts(body: str, expected: int) -> None:
    assert count_of(body) == expected


@pytest.mark.parametrize("body", [
    "お客様の個人情報が流出した可能性があります。",
    "一部の会員様の情報が閲覧可能な状態でした。",
])
def test_no_numeral_is_no_count(body: str) -> None:
    assert count_of(body) is None


# Adversarial inputs: long runs of the characters the count and leak patterns read. They run in
# a subprocess with a generous timeout, so a pattern that backtracks quadratically fails the test
# (100 KB of `1 1 1 …` takes hours then) while the assertion is on the result.
ADVERSARIAL = r'''
import json, sys
from jikenbo.extract.affected import affected_count
from jikenbo.extract.context import PostText
from jikenbo.extract.leak import leak_status
from jikenbo.parse import split_posts

RUNS = {"digits": "1", "spaced digits": "1 ", "tabbed digits": "1\t", "spaces": " ", "tabs": "\t",
        "commas": "1,", "qualifiers": "約", "ordinals": "第", "units": "件", "brackets": "【",
        "kanji numerals": "二", "counts": "1件 ", "joined counts": "1名及び", "leak words": "流出し、",
        "hedges": "可能性", "bullets": "・流出した\n", "reporters": "1名より"}
out = {}
for name, run in RUNS.items():
    for size in (10_000, 100_000):
        body = "個人情報" + run * (size // len(run)) + "件の流出"
        view = PostText.of(split_posts("【セキュリティ事件簿#2024-903】架空市 お知らせ 2024/9/3\n" + body)[0])
        out[f"{name} {size}"] = [affected_count(view).value, leak_status(view).value]
print(json.dumps(out))
'''


def test_counting_stays_linear_on_long_runs() -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", ADVERSARIAL], capture_output=True, text=True,
                          timeout=120, check=True)
    results = json.loads(done.stdout)
    assert len(results) == 34
    # No run of digits becomes a count beyond the sane range, and the leak words still confirm.
    assert all(count is None or count <= 10 ** 9 for count, _ in results.values())
    assert results["leak words 100000"][1] == "confirmed"
    assert results["counts 10000"][0] is not None
