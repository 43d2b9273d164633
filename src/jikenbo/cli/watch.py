"""`jikenbo watch`: keep the watch list and run the watcher (see collect/)."""
from __future__ import annotations

import sys
import time
from contextlib import closing
from importlib import resources
from pathlib import Path

import click

from jikenbo.cli import _db_option, _user_errors, main
from jikenbo.collect import watchlist
from jikenbo.errors import JikenboError, UsageError
from jikenbo.sources import DEFAULT_MAX_BYTES
from jikenbo.sources.fetch import FetchLimits
from jikenbo.store import database_location, open_store


@main.group("watch", invoke_without_command=True)
@click.option("--once", is_flag=True, help="Check the sources that are due, then stop.")
@click.option("--every", "interval", metavar="INTERVAL",
              help="Keep running, checking the sources every INTERVAL (30m, 1h, 1d).")
@click.option("--force", is_flag=True, help="Check every source now, whatever its schedule.")
@click.option("--json", "as_json", is_flag=True,
              help="Print each new incident as a JSON line on standard output.")
@click.option("--webhook", metavar="URL", envvar="JIKENBO_WEBHOOK",
              help="POST each new incident as JSON to URL (default: $JIKENBO_WEBHOOK).")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Sources checked at the same time.")
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Seconds between two requests to one host (robots.txt Crawl-delay wins).")
@click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
              help="Seconds one answer may take, connecting and reading included.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES,
              show_default=True, help="Refuse answers larger than this.")
@click.option("--max-links", type=click.IntRange(1), default=30, show_default=True,
              help="New links read per source and run; the rest wait for the next run.")
@_db_option
@click.pass_context
def watch(context: click.Context, once: bool, interval: str | None, force: bool,
          as_json: bool, webhook: str | None, concurrency: int, delay: float, timeout: float,
          max_bytes: int, max_links: int, db: str | None) -> None:
    """Watch the sources of the watch list and ingest new incident notices.

    Without a subcommand, runs the watcher: `--once` (for cron) or `--every 1h`."""
    context.ensure_object(dict)["db"] = db
    if context.invoked_subcommand is not None:
        return
    from jikenbo.collect import http, watcher  # here: the feed parser loads only for a run
    with _user_errors():
        if once == bool(interval):
            raise UsageError("give --once, or --every INTERVAL to keep running")
        pause = watchlist.parse_interval(interval) if interval else None
        limits = http.Limits(FetchLimits(connect_timeout=min(10.0, timeout), read_timeout=timeout),
                        max_bytes, deadline=timeout, host_delay=delay)
        options = watcher.Options(limits, concurrency, max_links, force)
        location = database_location(db)
        failed = _run(location, options, as_json, webhook)
        while pause:
            click.echo(f"next run in {watchlist.format_interval(pause)} (Ctrl-C stops)", err=True)
            time.sleep(pause)
            failed = _run(location, options, as_json, webhook)
    if failed:
        sys.exit(1)


def _run(location: str, options, as_json: bool, webhook: str | None) -> bool:
    """One watch run with its report; True when something failed."""
    from jikenbo.collect import report, watcher
    with closing(open_store(location)) as store:
        if not store.watch.entries():
            raise JikenboError(f"the watch list in {location} is empty; add a source with "
                               "'jikenbo watch add URL'")
    summary = watcher.run_once(lambda: open_store(location), options,
                               lambda checked: click.echo(checked.line(), err=True))
    for incident in summary.incidents:
        if as_json:
            click.echo(incident.to_json())
        problem = report.post_webhook(webhook, incident) if webhook else None
        if problem:
            click.echo(f"warning: {problem}", err=True)
    click.echo(summary.line(), err=True)
    return summary.failed > 0


def _location(context: click.Context, db: str | None) -> str:
    """--db given to the subcommand, else to `watch`, else $JIKENBO_DB or ./jikenbo.db."""
    return database_location(db or context.obj["db"])


@watch.command("add")
@click.argument("url")
@click.option("--every", "interval", metavar="INTERVAL",
              help="Check this source at most every INTERVAL (default: on every run).")
@click.option("--organization", metavar="NAME",
              help="Issuer of notices that do not name one.")
@click.option("--kind", type=click.Choice(watchlist.KINDS), default="auto", show_default=True,
              help="What the URL serves; auto looks at the answer.")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="Only links whose URL or text contains PATTERN (* matches anything).")
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Never links whose URL or text contains PATTERN.")
@_db_option
@click.pass_context
def watch_add(context: click.Context, db: str | None, url: str, interval: str | None,
              organization: str | None, kind: str, include: tuple[str, ...],
              exclude: tuple[str, ...]) -> None:
    """Add URL to the watch list (or change its settings)."""
    with _user_errors():
        item = watchlist.entry(url, kind, interval, organization, include, exclude)
        with closing(open_store(_location(context, db))) as store:
            added = store.watch.add(item)
    click.echo(f"{'added' if added else 'updated'} {item.url}", err=True)


@watch.command("remove")
@click.argument("url")
@_db_option
@click.pass_context
def watch_remove(context: click.Context, db: str | None, url: str) -> None:
    """Take URL off the watch list (the releases it brought stay)."""
    with _user_errors():
        with closing(open_store(_location(context, db))) as store:
            if not store.watch.remove(url):
                raise JikenboError(f"{url} is not on the watch list; see 'jikenbo watch list'")
    click.echo(f"removed {url}", err=True)


@watch.command("list")
@_db_option
@click.pass_context
def watch_list(context: click.Context, db: str | None) -> None:
    """The watched sources: URL, settings, last check and its outcome."""
    with _user_errors():
        with closing(open_store(_location(context, db))) as store:
            entries = store.watch.entries()
    if not entries:
        click.echo("the watch list is empty; add a source with 'jikenbo watch add URL'", err=True)
    for item in entries:
        every = watchlist.format_interval(item.every) if item.every else "each run"
        checked = f"{item.last_checked} {item.last_status}" if item.last_checked else "never"
        click.echo(f"{item.url}  [{item.kind}, {every}"
                   f"{', ' + item.organization if item.organization else ''}]  {checked}"
                   f"{'  (' + str(item.failures) + ' failures)' if item.failures else ''}")


@watch.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@_db_option
@click.pass_context
def watch_import(context: click.Context, db: str | None, path: str) -> None:
    """Add (or update) the sources of a watch-list TOML file."""
    with _user_errors():
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise JikenboError(f"{path}: cannot read ({error})") from None
        entries = watchlist.read_toml(text, path)
        with closing(open_store(_location(context, db))) as store:
            added = sum(store.watch.add(item) for item in entries)
    click.echo(f"{len(entries)} sources read from {path}: {added} added, "
               f"{len(entries) - added} updated", err=True)


@watch.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write here instead of standard output.")
@click.option("--example", is_flag=True, help="Write the commented example watch list instead.")
@_db_option
@click.pass_context
def watch_export(context: click.Context, db: str | None, output: str, example: bool) -> None:
    """Write the watch list as TOML (what 'watch import' reads)."""
    with _user_errors():
        if example:
            text = resources.files("jikenbo").joinpath("data", "watch.example.toml").read_text(
                encoding="utf-8")
        else:
            with closing(open_store(_location(context, db))) as store:
                text = watchlist.write_toml(store.watch.entries())
        with click.open_file(output, "w", encoding="utf-8") as handle:
            handle.write(text)
