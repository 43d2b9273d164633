"""Cases: each linking signal on real releases, numbering, the case record, curator commands."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from jikenbo import evaluate
from jikenbo.cases import link_item, number_releases, summarize
from jikenbo.cases.link import candidate_links
from jikenbo.pipeline import extract_source
from jikenbo.sources import SourceDocument, load
from jikenbo.store import open_store, release_id
from tests.conftest import SHARED, run_cli

UNNUMBERED = SHARED / "corpus" / "unnumbered"


def _file(starts_with: str) -> Path:
    for path in sorted(UNNUMBERED.glob("*.txt")):
        if path.read_text(encoding="utf-8").startswith(starts_with):
            return path
    raise AssertionError(f"no release starting {starts_with!r}")


def _item(text: str):
    document = SourceDocument("test", text.encode("utf-8"), text, "text", "utf-8")
    extracted = extract_source(document)
    post, record = extracted.posts[0], extracted.records[0]
    return link_item(release_id(post.text), record, post.text), record


def _rules(*texts: str) -> set[str]:
    items = [_item(text)[0] for text in texts]
    return {found.rule for found in candidate_links(items)}


def _text(starts_with: str) -> str:
    return _file(starts_with).read_text(encoding="utf-8")


def test_the_unnumbered_corpus_links_as_the_curator_did() -> None:
    result = run_cli("extract", "--link", *map(str, sorted(UNNUMBERED.glob("*.txt"))))
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    gold = [json.loads(line) for line in
            (SHARED / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    figures = evaluate.score(gold, rows, with_cases=True).values
    assert figures["case_pairs_precision"] >= 0.98
    assert figures["case_pairs_recall"] >= 0.95
    assert all(row["case"] is None for row in rows if not row["is_incident"])


def test_releases_naming_the_same_contractor_link() -> None:
    assert "shared_vendor" in _rules(_text("白井市 市営水道"), _text("熊本市 上下水道局"))


def test_an_abbreviation_defined_elsewhere_names_the_contractor() -> None:
    # 長岡市 defines 東京ガスエンジニアリングソリューションズ株式会社(以下、「TGES社」…); a
    # release that only says TGES社 still links to a release naming the company in full.
    full = _text("熊本市 上下水道局")
    short = _text("長岡市水道局").replace("東京ガスエンジニアリングソリューションズ株式会社", "")
    defining = _text("長岡市水道局")
    items = [_item(text)[0] for text in (full, short, defining)]
    assert not items[1].vendors and "tges" in items[1].abbreviations
    assert ("tges", "東京ガスエンジニアリングソリューションズ") in items[2].definitions
    numbers = number_releases(items[:2] + items[2:])
    assert numbers[items[0].id] == numbers[items[1].id]


def test_a_customer_naming_the_issuer_of_another_release_as_contractor_links() -> None:
    rules = _rules(_text("株式会社NTTマーケティングアクトProCX"), _text("沖縄県 NTTビジネス"))
    assert "vendor_is_issuer" in rules


def test_a_follow_up_citing_the_first_release_date_links_to_it() -> None:
    final = _text("杏林大学")
    first = ("杏林大学 不正アクセスによる情報流出のおそれがある事案について 2024/6/12\n\n"
             "本学職員のパーソナルコンピューター(PC)が不正アクセスを受け、個人情報が流出した"
             "おそれがある事案が発生しました。\n")
    assert "cited_date" in _rules(first, final)


def test_a_numbered_report_links_to_the_issuers_previous_release() -> None:
    third = _text("セイコーグループ株式会社")
    later = third.replace("(第3報)", "(第4報) 2024/3/1", 1)
    assert "follow_up" in _rules(third.replace("(第3報)", "(第3報) 2023/10/20", 1), later)


def test_unrelated_organisations_on_the_same_day_stay_apart() -> None:
    items = [_item(_text(name))[0] for name in ("岩水開発株式会社", "株式会社ムラヤマ")]
    assert items[0].dates == items[1].dates
    numbers = number_releases(items)
    assert numbers[items[0].id] != numbers[items[1].id]


def test_numbers_follow_the_first_release_year_and_do_not_depend_on_input_order(tmp_path) -> None:
    paths = sorted(map(str, UNNUMBERED.glob("*.txt")))
    forward = run_cli("extract", "--link", *paths)
    backward = run_cli("extract", "--link", *reversed(paths))
    by_heading = lambda out: {json.loads(line)["heading"]: json.loads(line)["case"]  # noqa: E731
                              for line in out.stdout.decode().splitlines()}
    assert by_heading(forward) == by_heading(backward)
    numbers = by_heading(forward)
    shirai = next(number for heading, number in numbers.items() if heading.startswith("白井市"))
    assert shirai.startswith("J2024-")  # jikenbo's own form, never the source's YYYY-NNN


def test_a_stated_casebook_number_is_the_sources_reference_and_finds_the_case(db) -> None:
    assert run_cli("ingest", "--sample", "--db", db).returncode == 0
    store = open_store(db)
    numbers = store.case_numbers()
    stated = {r.id: r.record.case_id for r in store.releases()
              if r.record.case_id and r.id in numbers}
    assert stated and not set(stated.values()) & set(numbers.values())
    for rid, case_id in stated.items():
        assert numbers[rid].startswith("J") and case_id in store.case_references(numbers[rid])
    rid, case_id = next(iter(stated.items()))
    shown = run_cli("case", "show", "--db", db, case_id)
    assert shown.returncode == 0 and f"case {numbers[rid]}:" in shown.stdout.decode()
    assert f"#{case_id}" in shown.stdout.decode()


def test_a_release_that_joins_a_case_takes_its_number_and_others_keep_theirs(tmp_path, db) -> None:
    joining = _file("白井市 市営水道")
    rest = tmp_path / "rest"
    rest.mkdir()
    for path in UNNUMBERED.glob("*.txt"):
        if path != joining:
            (rest / path.name).write_bytes(path.read_bytes())
    assert run_cli("ingest", "--db", db, str(rest)).returncode == 0
    before = open_store(db).case_numbers()
    assert run_cli("ingest", "--db", db, str(joining)).returncode == 0
    after = open_store(db).case_numbers()
    assert {rid: after[rid] for rid in before} == before
    newcomer = (set(after) - set(before)).pop()
    kumamoto = release_id(extract_source(load(str(_file("熊本市 上下水道局")))).posts[0].text)
    assert after[newcomer] == after[kumamoto]


def test_relinking_changes_nothing(db) -> None:
    assert run_cli("ingest", "--db", db, str(UNNUMBERED)).returncode == 0
    again = run_cli("link", "--db", db)
    assert again.returncode == 0 and b"(0 changed)" in again.stdout


def test_curator_split_merge_and_renumber_persist_across_runs(db) -> None:
    assert run_cli("ingest", "--db", db, str(UNNUMBERED)).returncode == 0
    store = open_store(db)
    shirai = release_id(extract_source(load(str(_file("白井市 市営水道")))).posts[0].text)
    case = store.case_numbers()[shirai]
    size = len(store.case_releases(case))

    assert run_cli("case", "split", "--db", db, case, shirai[:12]).returncode == 0
    split_off = open_store(db).case_numbers()[shirai]
    assert split_off != case and len(open_store(db).case_releases(case)) == size - 1
    assert run_cli("ingest", "--db", db, "--sample").returncode == 0  # a later automatic run
    assert run_cli("link", "--db", db).returncode == 0
    assert open_store(db).case_numbers()[shirai] == split_off

    assert run_cli("case", "merge", "--db", db, case, split_off).returncode == 0
    assert open_store(db).case_numbers()[shirai] == case
    size = len(open_store(db).case_releases(case))  # the sample's casebook copies joined it
    assert run_cli("case", "renumber", "--db", db, case, "J2024-0999").returncode == 0
    assert run_cli("link", "--db", db).returncode == 0
    assert open_store(db).case_numbers()[shirai] == "J2024-0999"
    shown = run_cli("case", "show", "--db", db, case)  # the old number still finds it
    assert shown.returncode == 0 and "case J2024-0999" in shown.stdout.decode()
    assert len(open_store(db).case_releases("J2024-0999")) == size


def test_curator_mistakes_get_a_message_not_a_traceback(db) -> None:
    assert run_cli("ingest", "--db", db, str(UNNUMBERED)).returncode == 0
    for args in (("case", "show", "1999-001"), ("case", "renumber", "J2024-0001", "24-1"),
                 ("case", "renumber", "J2024-0001", "2024-999"),
                 ("case", "split", "J2024-0001", "zzzz"), ("case", "undo", "99")):
        result = run_cli(*args, "--db", db)
        assert result.returncode in (1, 2) and b"Traceback" not in result.stderr
        assert result.stderr.startswith(b"error: ")


def test_the_case_record_does_not_add_a_contractors_total_to_its_customers_shares() -> None:
    shirai = extract_source(load(str(_file("白井市 市営水道")))).records[0]
    kumamoto = extract_source(load(str(_file("熊本市 上下水道局")))).records[0]
    contractor = replace(kumamoto, organization="東京ガスエンジニアリングソリューションズ株式会社",
                         vendors=(), affected_count=4_160_000, published="2024-07-24")
    case = summarize("2024-313", [("a", shirai), ("b", kumamoto), ("c", contractor)])
    assert case.breached == "東京ガスエンジニアリングソリューションズ株式会社"
    # the contractor's own total counts the customers' people again: shown beside, not added
    assert case.affected_total == shirai.affected_count + kumamoto.affected_count
    assert case.contractor_total == 4_160_000
    assert case.organizations[:2] == ("熊本市", "白井市")
    assert [report.published for report in case.reports] == sorted(
        report.published for report in case.reports)
    alone = summarize("2024-313", [("a", shirai), ("b", kumamoto)])
    assert alone.affected_total == shirai.affected_count + kumamoto.affected_count


@pytest.mark.parametrize("heading, label", [("(第3報)", "第3報"), ("(最終報)", "最終報")])
def test_reports_are_labelled_in_the_chain(heading: str, label: str) -> None:
    record = extract_source(load(str(_file("セイコーグループ株式会社")))).records[0]
    labelled = replace(record, heading=record.heading.replace("(第3報)", heading))
    assert summarize("2023-001", [("x", labelled)]).reports[0].label == label


def test_releases_stored_before_linking_existed_get_their_features_computed(db) -> None:
    assert run_cli("ingest", "--db", db, str(UNNUMBERED)).returncode == 0
    before = open_store(db).case_numbers()
    store = open_store(db)
    store.db.execute("UPDATE releases SET link_item = NULL")
    store.close()
    assert run_cli("link", "--db", db).returncode == 0
    assert open_store(db).case_numbers() == before
    assert open_store(db).execute("SELECT COUNT(*) FROM releases WHERE link_item IS NULL")[0][0] == 0
