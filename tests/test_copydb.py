"""`jikenbo copy-db`: a casebook moved SQLite → PostgreSQL → SQLite loses nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from jikenbo import pipeline
from jikenbo.cases import curate
from jikenbo.sources import ReadOptions
from jikenbo.store import open_store
from jikenbo.store.watch import SeenLink, WatchEntry
from tests.conftest import run_cli, sample_pages

EXPORTS = ("jsonl", "csv", "stix", "misp", "veris")


def _curated_casebook(location: str) -> None:
    """The sample casebook with a merge, a split undone, and a watched source."""
    store = open_store(location)
    try:
        pipeline.ingest(store, [str(page) for page in sample_pages()], ReadOptions())
        curate.relink(store)
        first, second = sorted(set(store.case_numbers().values()))[:2]
        curate.merge(store, first, [second], note="one incident")
        members = [r.id for r in store.case_releases(first)]
        curate.split(store, first, [members[-1][:12]])
        curate.undo(store)
        entry_is_new = store.watch.add(WatchEntry("https://example.jp/news", every=600))
        source = store.watch.entries()[0].id
        store.watch.remember(source, SeenLink("https://example.jp/a", "お知らせ", "incident",
                                              "stored", "", '"e1"', None))
        store.watch.add_collected(source, "https://example.jp/a", members[:2])
        assert entry_is_new
    finally:
        store.close()


def _everything(location: str) -> dict:
    """What a casebook holds, as its commands and the store show it."""
    shown = {fmt: run_cli("export", "--format", fmt, "--db", location).stdout for fmt in EXPORTS}
    store = open_store(location)
    try:
        releases = list(store.releases())
        shown.update(
            counts=store.counts(), numbers=store.case_numbers(), stale=store.links_stale(),
            registry=store.registry(), actions=store.actions(),
            corrections=store.corrections(), stored=store.stored_times(),
            releases=[(r.id, r.record, r.text, r.source_locator, r.start, r.end)
                      for r in releases],
            originals=[store.source_data(r.source_id) for r in releases],
            watch=[(e.url, e.every) for e in store.watch.entries()],
            seen=store.watch.seen(1, "https://example.jp/a"),
            collected=[tuple(row) for row in store.watch.collected(1)],
            aliases={n: store.case_aliases(n) for n in set(store.case_numbers().values())})
    finally:
        store.close()
    return shown


def test_a_casebook_goes_to_postgresql_and_back_unchanged(pg_url: str, tmp_path: Path) -> None:
    original, back = str(tmp_path / "original.db"), str(tmp_path / "back.db")
    _curated_casebook(original)
    there = run_cli("copy-db", original, pg_url)
    assert there.returncode == 0, there.stderr
    assert b"releases: 74 rows" in there.stderr and b"74 releases" in there.stdout
    again = run_cli("copy-db", pg_url, back)
    assert again.returncode == 0, again.stderr
    before = _everything(original)
    assert before["actions"] and before["collected"] and before["jsonl"]
    assert _everything(pg_url) == before
    assert _everything(back) == before
    # the copies work on: a new curator action gets the next id, a search finds what it did
    store = open_store(pg_url)
    try:
        number = sorted(set(store.case_numbers().values()))[3]
        done = curate.renumber(store, number, number[:6] + "0998")
        assert done.action == len(before["actions"]) + 1
    finally:
        store.close()


def test_a_destination_that_is_not_empty_is_refused_without_replace(pg_url: str,
                                                                      tmp_path: Path) -> None:
    original = str(tmp_path / "original.db")
    assert run_cli("ingest", "--db", original, str(sample_pages()[0])).returncode == 0
    assert run_cli("ingest", "--db", pg_url, str(sample_pages()[1])).returncode == 0
    refused = run_cli("copy-db", original, pg_url)
    assert refused.returncode == 2
    assert refused.stderr.decode().strip().splitlines()[-1] == (
        "error: the destination casebook is not empty; give --replace to overwrite it")
    assert run_cli("copy-db", "--replace", original, pg_url).returncode == 0
    assert _everything(pg_url)["jsonl"] == _everything(original)["jsonl"]


@pytest.mark.parametrize("args, message", [
    (("same.db", "same.db"), "SRC and DST are the same database"),
    (("x.db", "postgresql:///nowhere?host=/nonexistent-socket-dir"),
     "cannot connect to PostgreSQL at postgresql:///nowhere?host=/nonexistent-socket-dir"),
])
def test_bad_copies_are_one_line(tmp_path: Path, args: tuple[str, str], message: str) -> None:
    done = run_cli("copy-db", *[str(tmp_path / a) if a.endswith(".db") else a for a in args])
    assert done.returncode in (1, 2) and message in done.stderr.decode()
    assert b"Traceback" not in done.stderr
