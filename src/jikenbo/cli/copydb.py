"""`jikenbo copy-db SRC DST`: move a casebook between SQLite and PostgreSQL, losing nothing."""
from __future__ import annotations

from contextlib import closing

import click

from jikenbo.cli import _user_errors, main
from jikenbo.store import copy as copying
from jikenbo.store import open_store


@main.command("copy-db")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option("--replace", is_flag=True, help="Overwrite a destination that is not empty.")
def copy_db(source: str, destination: str, replace: bool) -> None:
    """Copy the casebook at SRC into DST (SQLite paths or postgresql:// URLs): sources with
    their original bytes, releases, case numbers, curator history and watch tables."""
    if source == destination:
        raise click.UsageError("SRC and DST are the same database")
    with _user_errors():
        with closing(open_store(source)) as origin, closing(open_store(destination)) as target:
            copied = copying.copy(origin, target, replace=replace,
                                  progress=lambda line: click.echo(line, err=True))
        click.echo(f"copied {copied['sources']:,} sources, {copied['releases']:,} releases and "
                   f"{copied['case_members']:,} case memberships")
