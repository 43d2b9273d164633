"""`jikenbo publish`: casebook posts from the stored casebook (markdown, HTML, Blogger import)."""
from __future__ import annotations

import click

from jikenbo.cli import _db_option, _user_errors, main
from jikenbo.errors import UsageError
from jikenbo.publish import render, select
from jikenbo.store import database_location, open_store


@main.command("publish")
@click.argument("target", required=False)
@click.option("--format", "fmt", type=click.Choice(["markdown", "html", "blogger"]),
              default="markdown", show_default=True)
@click.option("--since", metavar="YYYY-MM-DD", help="Batch: releases published on or after.")
@click.option("--case", "case", metavar="NUMBER", help="Batch: the releases of one case.")
@click.option("--year", metavar="YYYY", help="Batch: the releases published in one year.")
@click.option("--base-url", default="", metavar="URL",
              help="Where the web casebook runs, for the archive links (default: relative).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write here instead of standard output.")
@_db_option
def publish_command(target: str | None, fmt: str, since: str | None, case: str | None,
                    year: str | None, base_url: str, output: str, db: str | None) -> None:
    """Render TARGET (a case number or release id) as casebook posts in the seed blog's layout,
    or, with --since/--case/--year, a batch (a Blogger import file with --format blogger)."""
    with _user_errors():
        if target and (since or case or year):
            raise UsageError("give either TARGET or --since/--case/--year, not both")
        if not target and not (since or case or year):
            raise UsageError("give a TARGET (case number or release id) or --since/--case/--year")
        store = open_store(database_location(db))
        posts = (select.target_posts(store, target, base_url) if target else
                 select.batch_posts(store, since, case, year, base_url))
        text = {"markdown": render.markdown, "html": render.html_page,
                "blogger": render.blogger_atom}[fmt](posts)
        with click.open_file(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    if output != "-":
        click.echo(f"{len(posts)} posts written to {output}", err=True)
