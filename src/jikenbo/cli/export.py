"""`jikenbo export`: the stored casebook in one of the formats of `export.RENDERERS`."""
from __future__ import annotations

import io
import sys

import click

from jikenbo import export
from jikenbo.cli import _db_option, _user_errors, main
from jikenbo.errors import JikenboError
from jikenbo.store import database_location, open_store


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted(export.RENDERERS)), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write here instead of standard output.")
@click.option("--query", "-q", default="", help="Only releases whose text has these words.")
@click.option("--category", help="Only releases of this category (RECORD.md id).")
@click.option("--organization", help="Only releases issued by this organisation.")
@click.option("--vendor", help="Only releases that name this contractor or vendor.")
@click.option("--since", metavar="DATE", help="Only releases published on or after DATE "
                                              "(YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only releases published on or before DATE.")
@click.option("--case", "case", metavar="NUMBER", help="Only the releases of this case.")
@click.option("--incidents-only/--all-releases", default=None,
              help="Leave out posts that are not incidents (always so for stix, misp, veris).")
@click.option("--encoding", type=click.Choice(sorted(export.ENCODINGS)), default=None,
              help="CSV text encoding (default utf-8-sig: UTF-8 with a BOM, for Excel).")
@click.option("--labels", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="CSV column names and category words: ids (en) or Japanese (ja).")
@_db_option
def export_command(fmt: str, output: str, query: str, category: str | None,
                   organization: str | None, vendor: str | None, since: str | None,
                   until: str | None, case: str | None, incidents_only: bool | None,
                   encoding: str | None, labels: str, db: str | None) -> None:
    """Write the stored releases as JSON lines, CSV, STIX 2.1, MISP or VERIS."""
    renderer = export.RENDERERS[fmt]
    if encoding and fmt != "csv":
        raise click.UsageError("--encoding applies to --format csv only")
    if renderer.incidents and incidents_only is False:
        raise click.UsageError(f"--format {fmt} describes incidents only; --all-releases "
                               "applies to jsonl and csv")
    with _user_errors():
        filters = export.Filters(query, category, organization, vendor, since, until, case,
                                 renderer.incidents or bool(incidents_only))
        store = open_store(database_location(db))
        releases, cases = export.select(store, filters)
        options = export.Options(labels=labels, added=store.stored_times())
        text_encoding = export.ENCODINGS[encoding or renderer.encoding]
        try:
            raw = sys.stdout.buffer if output == "-" else open(output, "wb")
        except OSError as error:
            raise JikenboError(f"cannot write {output}: {error.strerror}") from None
        # cp932 lacks some characters (rare kanji, emoji): those become `?` rather than failing
        out = io.TextIOWrapper(raw, encoding=text_encoding, newline="",
                               errors="replace" if text_encoding == "cp932" else "strict")
        try:
            count = renderer.render(releases, cases, out, options)
        finally:
            out.flush()
            out.detach()
            if raw is not sys.stdout.buffer:
                raw.close()
    click.echo(f"{count} {renderer.unit} exported as {fmt}", err=True)
