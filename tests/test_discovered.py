"""`discovered`: the day the issuer became aware. Invented phrasings of each cue's shape (never
corpus sentences), near-misses that must give nothing, an adversarial input, and floors on both
gold sets through the shared scorer."""
from __future__ import annotations

import json
import re
import time

import pytest

from jikenbo import data
from jikenbo.extract.context import PostText
from jikenbo.extract.discovered import discovered
from jikenbo.parse import Post
from jikenbo.pipeline import extract_source
from jikenbo.sources import expand, load
from tests.conftest import SHARED, sample_pages
from tests.test_gold_floors import _scorer


def _found(text: str, published: str | None = "2024-07-31") -> str | None:
    post = Post(heading="お知らせ", text="お知らせ\n" + text, start=0, end=len(text) + 5,
                casebook=False)
    return discovered(PostText.of(post), published).value


FOUND = [
    # told: someone reached the issuer
    ("令和6年7月2日、委託先の運送会社から書類の一部が見当たらないとの連絡を受けました。", "2024-07-02"),
    ("7月3日(水)午後、会員の方から自分以外の情報が表示されるとの問い合わせがあり、調査を始めました。",
     "2024-07-03"),
    ("2024年6月11日、外部の研究者から脆弱性の指摘を受け、公開を停止しました。", "2024-06-11"),
    # found: the issuer noticed
    ("2024年5月9日に、ログを点検していた担当者が不審な通信に気付きました。", "2024-05-09"),
    ("名簿の一部が第三者から閲覧できる状態であったことが7月8日に判明しました。", "2024-07-08"),
    ("6月20日(木)、保管庫を点検した際に外付けディスク1台の所在不明が発覚しました。", "2024-06-20"),
    # symptom: what the staff saw go wrong that day
    ("2024年2月10日(土)朝から、予約システムに接続出来ない状態が続きました。", "2024-02-10"),
    ("2024年3月2日未明、ファイルサーバのデータが暗号化されました。", "2024-03-02"),
    # labels: the day under a heading that says what it is
    ("1 発覚日時\n令和6年7月9日(火)午前10時頃\n2 概要\n書類を誤って送付しました。", "2024-07-09"),
    ("判明した日 2024年6月28日", "2024-06-28"),
    # relative days resolve against the date before them
    ("令和6年3月4日、職員が宛先を誤って送信しました。同日、受信者からの指摘により誤送信が判明しました。",
     "2024-03-04"),
    ("2024年5月20日夜、画面に警告が表示されました。翌日、出勤した職員が異変に気付きました。", "2024-05-21"),
    ("2024年6月3日に案内を発送しました。同月10日、受取人から連絡があり、封入の誤りが判明しました。",
     "2024-06-10"),
    # the date leading the sentence governs its main verb, not one inside a relative clause
    ("2024年3月8日、外部機関からの指摘を受けて確認したところ、端末が2023年12月1日に受信した"
     "メールによりマルウェアに感染していたことが発覚しました。", "2024-03-08"),
    # a timeline: rows under a date line
    ("<経過>\n<2024年4月1日(月)>\n・設定を変更\n<2024年4月3日(水)>\n・利用者からの申し出により、"
     "他人の情報が見えることを把握", "2024-04-03"),
    # awareness that began on a day and went on: its first day
    ("書庫を点検する中で、保存期間内の文書の所在不明が2024年6月5日以降に順次判明しました。",
     "2024-06-05"),
    ("貸出簿と照合したところ、未返却の申請書が7月1日(月)以後、次々と発覚しました。", "2024-07-01"),
    ("配達されなかった通知書が、2024年5月27日から順次判明し、再送しています。", "2024-05-27"),
    # the earliest awareness wins (a contractor's before the issuer's)
    ("委託先は6月30日に異常を検知し、当市は7月4日に委託先から報告を受けました。", "2024-06-30"),
]

NEAR_MISSES = [
    # an investigation's finding is the day of the intrusion, not of awareness
    "調査の結果、2024年5月1日に不正なログインがあったことが判明しました。",
    "調査の結果、2024年1月20日に暗号化されたことが判明しました。",
    # a range start is when something began
    "2021年4月1日から2024年3月31日までの間、名簿が閲覧可能な状態であったことが判明しました。",
    "2024年5月14日(火)以降、外部から閲覧できる状態であったことを確認しました。",
    "2024年4月1日以降に送信したメールの宛先に誤りがあったことが判明しました。",
    # negated or conditional awareness
    "現時点(2024年7月1日)で、個人情報の流出は確認されておりません。",
    "2024年3月1日以降に不審な電話がありましたら、当課までご連絡ください。",
    # a check that did not happen
    "2024年6月3日、宛先を十分に確認することなく案内を送信しました。",
    "2024年5月8日、受領時に枚数を確認せず封入しました。",
    # "after discovery" has no day of its own
    "判明後、速やかにサーバーを停止しました。",
    # a day something was published is no day of awareness
    "2024年1月15日に公表した事案について、追加の調査で新たな漏えいが判明しました。",
    # a word that contains a cue is no cue
    "2024年2月2日、認知症カフェの参加者名簿を誤って送付しました。",
    # a cue with no date
    "委託先からの報告により判明しました。",
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_awareness_day(text: str, expected: str) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_give_nothing(text: str) -> None:
    assert _found(text) is None


def test_year_comes_from_the_text_when_the_release_has_no_date() -> None:
    text = "令和5年1月に導入した予約システムについて、2月14日に利用者から指摘があり、設定の誤りが発覚しました。"
    assert _found(text, published=None) == "2023-02-14"
    assert _found("4月12日、職員が紛失に気付きました。", published=None) is None


def test_a_day_after_the_release_is_no_candidate() -> None:
    assert _found("2024年8月5日、委託先から連絡があり判明しました。", "2024-07-31") is None


def test_evidence_points_at_the_date_and_the_cue() -> None:
    text = "2024年6月11日、外部の研究者から脆弱性の指摘を受けました。"
    post = Post(heading="お知らせ", text="お知らせ\n" + text, start=0, end=len(text) + 5,
                casebook=False)
    view = PostText.of(post)
    finding = discovered(view, "2024-07-31")
    assert [view.text[a:b] for a, b in finding.spans] == ["2024年6月11日", "指摘を受"]


def test_cue_table_is_bounded() -> None:
    """Every cue fragment compiles and has no unbounded quantifier (linear-time patterns)."""
    table = data.load("discovered")
    fragments = [item for key, value in table.items() if not key.startswith("_")
                 for item in (value if isinstance(value, list) else
                              value.values() if isinstance(value, dict) else [value])]
    for fragment in fragments:
        re.compile(fragment)
        assert not re.search(r"(?<!\\)[*+]|\{\d+,\}", fragment), fragment


def _seconds(text: str) -> float:
    started = time.perf_counter()
    _found(text)
    return time.perf_counter() - started


def test_adversarial_input_grows_linearly() -> None:
    """Cue-dense lines with no stop, brackets that never close, wrapped lines and relative days:
    four times the input may take at most about four times as long (quadratic would be 16)."""
    unit = ("判明発覚連絡を受け確認" * 3 + "(" * 20 + "以降同日翌日同月3日" + "、" * 30
            + "あ" * 40 + "\n" + "7月1日" + " " * 10)
    small, large = unit * 150, unit * 600
    _seconds(small)  # warm the pattern caches
    ratio = min(_seconds(large) for _ in range(3)) / max(min(_seconds(small) for _ in range(3)),
                                                         1e-4)
    assert ratio < 9, ratio


def _floor(gold_path, paths) -> float:
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line]
    if not any("discovered" in row for row in gold):
        pytest.skip(f"{gold_path} carries no `discovered`")
    predicted = [json.loads(json.dumps(record.to_dict()))
                 for path in paths for record in extract_source(load(str(path))).records]
    result, misses = _scorer().score(gold, predicted, extensions=True)
    return result["discovered"]


def test_dev_gold_floor() -> None:
    assert _floor(SHARED / "gold" / "dev.jsonl", sample_pages()) >= 0.92


def test_releases_gold_floor() -> None:
    folder = SHARED / "corpus" / "releases"
    if not folder.exists():
        pytest.skip(f"release corpus not found at {folder}")
    assert _floor(SHARED / "gold" / "releases.jsonl", list(expand([str(folder)]))) >= 0.89


# A symptom that is the object of the noticing (`…されていることを…確認`) is dated by the
# noticing, not by when it began; a symptom reported on its own keeps its own day.
SYMPTOM_NOTICED = [
    ("3月2日夜、基幹サーバのデータが暗号化されていることを3月3日朝に職員が確認しました。", "2024-03-03"),
    ("5月20日から予約サイトに接続できない状態であったことが、5月22日に判明しました。", "2024-05-22"),
    # near-miss: nothing noticed it later, so the symptom's own day is the awareness day
    ("6月1日朝、予約サイトに接続できない障害が発生し、調査を開始しました。", "2024-06-01"),
]


@pytest.mark.parametrize(("text", "expected"), SYMPTOM_NOTICED)
def test_a_noticed_symptom_takes_the_day_it_was_noticed(text: str, expected: str) -> None:
    assert _found(text) == expected
