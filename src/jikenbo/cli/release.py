"""`jikenbo release …`: work on one stored release."""
from __future__ import annotations

import click

from jikenbo.cli import _db_option, _user_errors, main
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
