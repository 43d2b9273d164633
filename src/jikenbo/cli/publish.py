"""`jikenbo publish` (casebook posts: markdown, HTML, Blogger import) and `jikenbo report` (the
annual report), from the stored casebook."""
from __future__ import annotations

import re

import click

from jikenbo.cli import _db_option, _user_errors, main
from jikenbo.errors import JikenboError, UsageError
from jikenbo.store import database_location, open_store

# The publishing modules (and Jinja2) load when a command runs: every other command starts as
# fast as before.


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
    from jikenbo.publish import render, select
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


@main.command("report")
@click.option("--year", required=True, metavar="YYYY", help="The year to report on.")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default="html",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write here instead of standard output.")
@_db_option
def report_command(year: str, fmt: str, output: str, db: str | None) -> None:
    """The annual report: totals, categories beside the previous year, the ten largest cases,
    supply-chain cases, size buckets, issuer types and a month chart (HTML prints on A4)."""
    from jikenbo.publish import annual, report
    with _user_errors():
        if not re.fullmatch(r"(19|20)\d\d", year):
            raise UsageError(f"--year wants a year such as 2024, not {year!r}")
        found = annual.annual_report(open_store(database_location(db)), year)
        if not found.releases:
            raise JikenboError(f"no incident releases published in {year}")
        text = report.html_document(found) if fmt == "html" else report.markdown(found)
        with click.open_file(output, "w", encoding="utf-8") as handle:
            handle.write(text)
