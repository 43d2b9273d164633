"""`jikenbo cases` and `jikenbo case …`: list, show and curate cases, with a history to undo."""
from __future__ import annotations

import json
from dataclasses import asdict

import click

from jikenbo.cases import curate
from jikenbo.cli import _clip, _db_option, _user_errors, main
from jikenbo.store import database_location, open_store

_note_option = click.option("--note", default="", metavar="TEXT",
                            help="Why: kept with the correction in 'jikenbo case log'.")


@main.command("cases")
@click.option("--year", metavar="YYYY", help="Only the cases numbered in this year.")
@_db_option
def cases_command(year: str | None, db: str | None) -> None:
    """List the cases: number, releases, first and latest date, affected, organisations."""
    from jikenbo.cases.affected import case_figures
    with _user_errors():
        store = open_store(database_location(db))
        rows = store.case_list(year)
        if not rows:
            click.echo("no cases stored; ingest releases first ('jikenbo ingest PATH')", err=True)
        figures = case_figures(store, [row["number"] for row in rows])
        for row in rows:
            found = figures.get(row["number"])
            affected = f"{found.total:,}" if found and found.total is not None else "-"
            refs = f"  [#{row['refs']}]" if row["refs"] else ""
            click.echo(f"{row['number']}  {row['releases']:3d} releases  "
                       f"{row['first'] or '----------'} – {row['latest'] or '----------'}  "
                       f"affected {affected:>9}  {_clip(row['organizations'] or '', 60)}{refs}")


@main.group("case")
def case_group() -> None:
    """Show one case, or correct the linker: merge, split, renumber, log, undo (kept across runs)."""


@case_group.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print the case record as JSON.")
@_db_option
def case_show(number: str, as_json: bool, db: str | None) -> None:
    """The case record (NUMBER: its number, an alias, or a source's casebook number)."""
    from jikenbo.cases.affected import case_figure
    with _user_errors():
        store = open_store(database_location(db))
        found = curate.summary(store, number)
        aliases, refs = store.case_aliases(found.number), store.case_references(found.number)
        figure = case_figure(found)
    if as_json:
        click.echo(json.dumps({**asdict(found), "aliases": aliases, "references": refs,
                               "affected": asdict(figure)}, ensure_ascii=False, indent=2))
        return
    click.echo(f"case {found.number}: {len(found.reports)} releases, {found.first} – {found.latest}")
    if found.number != number.strip():
        click.echo(f"  ({number} leads here)")
    click.echo(f"  aliases        : {', '.join(aliases) or '-'}")
    click.echo(f"  source numbers : {', '.join('#' + ref for ref in refs) or '-'}")
    click.echo(f"  breached party : {found.breached or '-'}")
    click.echo(f"  organisations  : {'、'.join(found.organizations) or '-'}")
    click.echo(f"  vendors        : {'、'.join(found.vendors) or '-'}")
    click.echo(f"  categories     : {', '.join(found.categories) or '-'}")
    click.echo(f"  affected       : {figure.line()}   leak: {found.leak_status}")
    for report in found.reports:
        count = f"{report.affected_count:,}" if report.affected_count is not None else "-"
        click.echo(f"  {report.published or '----------'}  {report.label:4}  "
                   f"{report.release_id[:12]}  {report.organization or '-'}  "
                   f"{_clip(report.title, 50)}  ({count})")


@case_group.command("merge")
@click.argument("target")
@click.argument("others", nargs=-1, required=True)
@_note_option
@_db_option
def case_merge(target: str, others: tuple[str, ...], note: str, db: str | None) -> None:
    """Merge the OTHERS cases into TARGET, which keeps its number (theirs become aliases)."""
    with _user_errors():
        click.echo(curate.merge(open_store(database_location(db)), target, others, note).line())


@case_group.command("split")
@click.argument("number")
@click.argument("release_ids", nargs=-1, required=True)
@_note_option
@_db_option
def case_split(number: str, release_ids: tuple[str, ...], note: str, db: str | None) -> None:
    """Take RELEASE_IDS (ids or unique prefixes) out of case NUMBER into a new case."""
    with _user_errors():
        click.echo(curate.split(open_store(database_location(db)), number, release_ids,
                                note).line())


@case_group.command("renumber")
@click.argument("number")
@click.argument("new")
@_note_option
@_db_option
def case_renumber(number: str, new: str, note: str, db: str | None) -> None:
    """Give case NUMBER the number NEW (J + a year of its releases + serial, never issued
    before); the old number still finds it."""
    with _user_errors():
        click.echo(curate.renumber(open_store(database_location(db)), number, new, note).line())


@case_group.command("log")
@_db_option
def case_log(db: str | None) -> None:
    """Every curator correction of cases: id, time, what, note (undone ones marked)."""
    with _user_errors():
        actions = open_store(database_location(db)).actions()
    if not actions:
        click.echo("no case corrections yet", err=True)
    for action in actions:
        undone = f"  [undone {action.undone_at}]" if action.undone_at else ""
        note = f"  — {action.note}" if action.note else ""
        click.echo(f"{action.id:4d}  {action.created_at}  {action.summary}{note}{undone}")


@case_group.command("undo")
@click.argument("action_id", required=False, type=click.IntRange(1))
@_db_option
def case_undo(action_id: int | None, db: str | None) -> None:
    """Revert the last case correction not yet undone, or correction ACTION_ID."""
    with _user_errors():
        click.echo(curate.undo(open_store(database_location(db)), action_id).line())
