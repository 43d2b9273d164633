"""`jikenbo review` (the review queue, one release's review state, marking it 確認済み) and
`jikenbo corrections export` (curated releases as gold JSON lines for `jikenbo eval`)."""
from __future__ import annotations

import json
import sys

import click

from jikenbo import curation
from jikenbo.cli import _clip, _db_option, _user_errors, main
from jikenbo.curation import gold
from jikenbo.curation.fields import shown
from jikenbo.errors import JikenboError
from jikenbo.store import database_location, open_store

GRADES = {"fallback": "既定値", "inferred": "推定"}


@main.command("review")
@click.argument("release_id", required=False)
@click.option("--ok", is_flag=True, help="Mark RELEASE_ID 確認済み (reviewed).")
@click.option("--note", default="", metavar="TEXT",
              help="Kept with the review in 'jikenbo case log'.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="How many releases of the queue to list.")
@_db_option
def review_command(release_id: str | None, ok: bool, note: str, limit: int,
                   db: str | None) -> None:
    """List the unreviewed (未確認) releases, least sure first, with the fields to check; with
    RELEASE_ID, show its review state and corrections, or mark it 確認済み with --ok."""
    if ok and not release_id:
        raise click.UsageError("give the RELEASE_ID to mark 確認済み")
    with _user_errors():
        store = open_store(database_location(db))
        if ok:
            click.echo(curation.review(store, release_id, note).line())
        elif release_id:
            _state(store, release_id)
        else:
            _queue(store, limit)


def _queue(store, limit: int) -> None:
    items = curation.queue(store)
    click.echo(f"{len(items)} releases 未確認; the {min(limit, len(items))} least sure first",
               err=True)
    for item in items[:limit]:
        record = item.release.record
        unsure = ", ".join(f"{field}({GRADES.get(grade, grade)})" for field, grade in item.unsure)
        click.echo(f"{item.release.id[:12]}  {_clip(record.organization or '-', 20)}  "
                   f"{_clip(record.title, 40)}  check: {unsure or '-'}")


def _state(store, release_id: str) -> None:
    release = curation.find_release(store, release_id)
    review = store.reviews([release.id]).get(release.id)
    corrected = store.corrections_in_force([release.id]).get(release.id, {})
    record = release.record
    click.echo(f"{release.id}  {record.organization or '-'}  {record.title}")
    state = curation.REVIEW_STATES[review is not None]
    click.echo(f"  state     : {state}" + (f" {review.created_at}" if review else "")
               + (f" — {review.note}" if review and review.note else ""))
    unsure = curation.unsure_fields(record, corrected)
    click.echo(f"  check     : {', '.join(f'{f}({GRADES.get(g, g)})' for f, g in unsure) or '-'}")
    for field, item in corrected.items():
        click.echo(f"  corrected : {field} = {shown(field, item.value) or '∅'} (extracted: "
                   f"{shown(field, item.extracted) or '∅'}; {item.created_at}"
                   + (f" — {item.note}" if item.note else "") + ")")


@main.group("corrections")
def corrections_group() -> None:
    """The curators' corrections and reviews."""


@corrections_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write here instead of standard output.")
@_db_option
def corrections_export(output: str, db: str | None) -> None:
    """Write the releases curators reviewed or corrected as gold JSON lines (the shape of the
    gold files), which 'jikenbo eval --gold FILE PATHS' scores."""
    with _user_errors():
        rows = list(gold.gold_rows(open_store(database_location(db))))
        try:
            out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
        except OSError as error:
            raise JikenboError(f"cannot write {output}: {error.strerror}") from None
        try:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
    reviewed = sum(row["reviewed"] for row in rows)
    click.echo(f"{len(rows)} curated releases exported ({reviewed} 確認済み)" if rows else
               "no reviewed or corrected releases yet; nothing exported", err=True)
