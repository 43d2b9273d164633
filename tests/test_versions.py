"""Versions, not duplicates (issue #12 item 3), on real notices: a page read again with a
changed text is a new version of its release; the same text elsewhere is another occurrence, and
so is a near-duplicate (same issuer, same headline, mostly the same text); a different notice of
the same issuer stays a release of its own. Re-ingesting never duplicates."""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from jikenbo.pipeline import extract_source
from jikenbo.same_release import SIMILAR, Candidate, is_near_duplicate, is_version, similarity
from jikenbo.sources import load, stored_locator
from jikenbo.store import open_store
from jikenbo.store.sqlite import _statements
from tests.conftest import SAMPLE, SHARED, run_cli

UNNUMBERED = SHARED / "corpus" / "unnumbered"
SHIRAI = UNNUMBERED / "000-00.txt"        # 白井市 市営水道の委託事業者による個人情報の流出の可能性について
TOKYO_2024 = UNNUMBERED / "000-09.txt"    # 東京都の委託事業における個人情報の事故について
TOKYO_2023 = UNNUMBERED / "002-01.txt"    # 東京都 受託者における個人情報の漏えいについて
ADDENDUM = "【追記】2024年8月1日 調査の結果、流出した個人情報は約1,200件と判明しました。"


def candidate(path: Path, text: str | None = None) -> Candidate:
    source = load(str(path))
    if text is not None:
        source = replace(source, data=text.encode(), text=text)
    extracted = extract_source(source)
    [post], [record] = extracted.posts, extracted.records
    return Candidate(record.organization, record.title, post.text)


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def second_report(path: Path) -> str:
    """The notice as its issuer's 第2報 would print it: its own headline, the first report's
    account and what the investigation found."""
    heading, body = text_of(path).split("\n", 1)
    return (heading.replace("について", "について(第2報)", 1) + "\n" + body
            + "\n\n4 調査結果\n\n外部の専門機関による調査の結果、閲覧された情報はありませんでした。\n")


# -- the rule, on real notices ----------------------------------------------------------------
def test_a_notice_with_an_addendum_is_a_version_of_it() -> None:
    first = candidate(SHIRAI)
    changed = candidate(SHIRAI, text_of(SHIRAI) + "\n" + ADDENDUM + "\n")
    assert is_version(changed, first) and is_near_duplicate(changed, first)
    assert similarity(first.text, changed.text) >= SIMILAR


def test_a_changed_sentence_keeps_it_the_same_release() -> None:
    first = candidate(SHIRAI)
    changed = candidate(SHIRAI, text_of(SHIRAI).replace("約8千6百件", "約8千7百件"))
    assert changed.text != first.text and is_version(changed, first)


def test_the_casebook_print_of_a_notice_is_a_near_duplicate_of_the_issuers_page() -> None:
    printed = next(candidate_of for candidate_of in _sample_candidates()
                   if candidate_of.title == candidate(SHIRAI).title)
    assert printed.text != candidate(SHIRAI).text
    assert is_near_duplicate(printed, candidate(SHIRAI))


@pytest.mark.parametrize("first, other", [(TOKYO_2024, TOKYO_2023), (TOKYO_2023, TOKYO_2024)])
def test_another_notice_of_the_same_issuer_is_neither(first: Path, other: Path) -> None:
    stored, new = candidate(first), candidate(other)
    assert stored.organization == new.organization == "東京都"
    assert similarity(stored.text, new.text) < 0.4
    assert not is_version(new, stored) and not is_near_duplicate(new, stored)


def test_a_second_report_under_its_own_headline_is_no_near_duplicate() -> None:
    new = candidate(SHIRAI, second_report(SHIRAI))
    assert similarity(new.text, candidate(SHIRAI).text) >= SIMILAR  # mostly the same text …
    assert not is_near_duplicate(new, candidate(SHIRAI))  # … but a headline of its own


@pytest.mark.parametrize("stored, new", [
    (Candidate(None, "お知らせ", "本文"), Candidate(None, "お知らせ", "まったく別の本文です")),
    (Candidate("", "", "a"), Candidate("", "", "b")),
])
def test_an_unnamed_issuer_or_headline_never_makes_two_texts_one(stored, new) -> None:
    assert not is_version(new, stored) and not is_near_duplicate(new, stored)


def test_similarity_of_huge_texts_compares_a_bounded_prefix() -> None:
    # a megabyte each: compared on their first COMPARED_CHARS only, so this returns (it would
    # run for minutes if the whole texts were aligned)
    huge = "不正アクセス" * 200_000
    assert similarity(huge, huge + "追記") == 1.0
    assert similarity("あ" * 1_000_000, "い" * 1_000_000) == 0.0


def _sample_candidates() -> list[Candidate]:
    extracted = extract_source(load(str(sorted(SAMPLE.glob("*.txt"))[0])))
    return [Candidate(r.organization, r.title, p.text)
            for p, r in zip(extracted.posts, extracted.records)]


# -- the store --------------------------------------------------------------------------------
def ingest(db: str, *paths: Path | str) -> str:
    result = run_cli("ingest", "--db", db, *map(str, paths))
    assert result.returncode == 0, result.stderr
    return result.stderr.decode("utf-8")


def test_a_changed_page_becomes_a_version_and_reingesting_changes_nothing(db, tmp_path) -> None:
    page = tmp_path / "inbox" / "notice.txt"
    page.parent.mkdir()
    shutil.copy(SHIRAI, page)
    ingest(db, page)
    page.write_text(text_of(SHIRAI) + "\n" + ADDENDUM + "\n", encoding="utf-8")
    assert "0 new, 1 new versions, 0 unchanged" in ingest(db, page)
    assert "0 new, 1 unchanged" in ingest(db, page)  # the same text again: nothing new
    with closing(open_store(db)) as store:
        [release] = store.releases()
        versions = store.release_versions(release.id)
        assert [(v.version, v.source_version) for v in versions] == [(1, 1), (2, 2)]
        assert ADDENDUM in release.text and ADDENDUM not in versions[0].text
        assert release.source_id == versions[1].source_id  # the record is the newest text's
        assert store.counts()["releases"] == 1
        assert release.source_locator == "notice.txt"  # its name, not this machine's path
        # the search index holds the newest text only
        from jikenbo.store.search import Query
        assert store.search(Query(q="約1,200件と判明")).ids == [release.id]


def test_the_same_text_at_another_locator_is_another_occurrence(db, tmp_path) -> None:
    copy = tmp_path / "mirror.txt"
    shutil.copy(SHIRAI, copy)
    ingest(db, SHIRAI, copy)
    with closing(open_store(db)) as store:
        [release] = store.releases()
        places = store.occurrences(release.id)
    assert [p.locator for p in places] == ["000-00.txt", "mirror.txt"]
    assert not any(p.near_duplicate for p in places)


def test_the_casebook_print_is_the_same_release_as_the_issuers_page(db) -> None:
    ingest(db, SHIRAI)
    ingest(db, sorted(SAMPLE.glob("*.txt"))[0])
    with closing(open_store(db)) as store:
        shirai = [r for r in store.releases() if r.record.organization == "白井市"]
        [release] = shirai
        places = store.occurrences(release.id)
        assert [(stored_locator(p.locator), p.near_duplicate) for p in places] == [
            ("000-00.txt", False), ("000_d3fd7f819010849b.txt", True)]
        assert len(store.release_versions(release.id)) == 1  # another page is no new version
        # the blog's print states the source's case number: the release keeps it for linking
        assert release.record.case_id == "2024-313"
        assert store.case_numbers()[release.id] == store.resolve_case("2024-313")
    ingest(db, sorted(SAMPLE.glob("*.txt"))[0])  # and read again, still nothing new
    with closing(open_store(db)) as store:
        assert len([r for r in store.releases() if r.record.organization == "白井市"]) == 1


def test_another_notice_of_the_issuer_at_the_same_locator_is_a_new_release(db, tmp_path) -> None:
    page = tmp_path / "news.txt"
    shutil.copy(TOKYO_2024, page)
    ingest(db, page)
    shutil.copy(TOKYO_2023, page)
    assert "1 new, 0 unchanged" in ingest(db, page)
    page.write_text(second_report(SHIRAI), encoding="utf-8")
    ingest(db, SHIRAI, page)  # a 第2報 at another locator than the first report
    with closing(open_store(db)) as store:
        assert store.counts()["releases"] == 4
        assert all(len(store.release_versions(r.id)) == 1 for r in store.releases())


def test_cli_lists_versions_with_their_diff_and_occurrences(db, tmp_path) -> None:
    page = tmp_path / "notice.txt"
    shutil.copy(SHIRAI, page)
    ingest(db, page)
    page.write_text(text_of(SHIRAI).replace("約8千6百件", "約8千7百件"), encoding="utf-8")
    ingest(db, page)
    with closing(open_store(db)) as store:
        release_id = next(store.releases()).id
    out = run_cli("release", "versions", "--db", db, "--diff", release_id[:8]).stdout.decode()
    lines = out.splitlines()
    assert lines[1].startswith("version 1  fetched ") and "notice.txt (source version 1)" in lines[1]
    assert any(line.strip().startswith("-") and "約8千6百件" in line for line in lines)
    assert any(line.strip().startswith("+") and "約8千7百件" in line for line in lines)
    assert sum(line.startswith("occurrence  notice.txt") for line in lines) == 2
    missing = run_cli("release", "versions", "--db", db, "abcdef01")
    assert missing.returncode == 1 and missing.stderr.decode().startswith("error: no release")
    assert run_cli("release", "versions", "--db", db, "ab").returncode == 2


# -- an older database ------------------------------------------------------------------------
def test_an_older_database_keeps_file_names_and_gains_first_versions(tmp_path) -> None:
    """A casebook stored before versions existed: each release becomes its own first version
    and every file path its name (unless two paths share a name)."""
    location = str(tmp_path / "old.db")
    folder = resources.files("jikenbo.store").joinpath("migrations", "sqlite")
    with closing(sqlite3.connect(location)) as db:
        db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        for entry in sorted(folder.iterdir(), key=lambda item: item.name):
            if entry.name.endswith(".sql") and entry.name < "0008":
                for statement in _statements(entry.read_text(encoding="utf-8")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
                           (int(entry.name[:4]), entry.name))
        for number, locator in enumerate(["/home/op/inbox/shirai.txt", "/srv/a/same.txt",
                                          "/srv/b/same.txt", "https://example.jp/n.html"], 1):
            db.execute("INSERT INTO sources (locator, version, sha256, kind, fetched_at, data, "
                       "text) VALUES (?, 1, ?, 'text', '2026-01-01', x'00', 'text')",
                       (locator, str(number)))
        db.execute("INSERT INTO releases (id, source_id, start_offset, end_offset, heading, "
                   "text, title, earlier_releases, is_incident, supply_chain, vendors, "
                   "categories, data_types, leak_status, evidence, ingested_at) VALUES "
                   "('ab12cd34', 1, 0, 4, 'h', 'text', 't', '[]', 0, 0, '[]', '[]', '[]', "
                   "'unknown', '[]', '2026-01-02')")
        db.execute("INSERT INTO occurrences VALUES ('ab12cd34', 1, 0, 4)")
        db.commit()
    with closing(open_store(location)) as store:
        locators = [row[0] for row in store.execute("SELECT locator FROM sources ORDER BY id")]
        assert locators == ["shirai.txt", "/srv/a/same.txt", "/srv/b/same.txt",
                            "https://example.jp/n.html"]
        [version] = store.release_versions("ab12cd34")
        assert (version.version, version.content_id, version.added_at) == (1, "ab12cd34",
                                                                           "2026-01-02")
        assert [o.content_id for o in store.occurrences("ab12cd34")] == ["ab12cd34"]
