"""`jikenbo release …`: work on one stored release (correct its fields, list its versions)."""
from __future__ import annotations

import click

from jikenbo.cli import _db_option, _user_errors, main, stored_release
from jikenbo.sources import stored_locator
from jikenbo.store import database_location, open_store


@main.group("release")
def release_group() -> None:
    """Work on one stored release (ID or a unique prefix of at least 6 characters)."""


@release_group.command("correct")
@click.argument("release_id")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--note", default="", metavar="TEXT",
              help="Why: kept with the correction in 'jikenbo case log'.")
@click.option("--reviewed", is_flag=True, help="Also mark the release 確認済み.")
@_db_option
def release_correct(release_id: str, assignments: tuple[str, ...], note: str, reviewed: bool,
                    db: str | None) -> None:
    """Correct fields of release RELEASE_ID: organization=… published=YYYY-MM-DD
    categories=ランサムウェア,不正アクセス affected_count=8600 (empty: null) …; kept across
    re-extraction and relinking, undone with 'jikenbo case undo'."""
    from jikenbo import curation
    with _user_errors():
        click.echo(curation.correct(open_store(database_location(db)), release_id, assignments,
                                    note, reviewed).line())


@release_group.command("versions")
@click.argument("release_id")
@click.option("--diff", "with_diff", is_flag=True,
              help="Print the changes between consecutive versions (unified diff).")
@_db_option
def versions_command(release_id: str, with_diff: bool, db: str | None) -> None:
    """List the versions of release ID (a unique prefix of 6+ characters) with their dates,
    then every place it was read."""
    from jikenbo.web.archive import diff_lines
    with _user_errors():
        store, found = stored_release(db, release_id)
        click.echo(f"{found.id}  {found.record.heading}")
        versions = store.release_versions(found.id)
        for index, version in enumerate(versions):
            click.echo(f"version {version.version}  fetched {version.fetched_at}  "
                       f"added {version.added_at}  {len(version.text):,} chars  "
                       f"{stored_locator(version.locator)} (source version "
                       f"{version.source_version})")
            if with_diff and index:
                for _, line in diff_lines(versions[index - 1].text, version.text):
                    click.echo(f"    {line}")
        for place in store.occurrences(found.id):
            kind = "near-duplicate" if place.near_duplicate else "same text"
            click.echo(f"occurrence  {stored_locator(place.locator)} (source version "
                       f"{place.source_version}, fetched {place.fetched_at}, {kind})")
