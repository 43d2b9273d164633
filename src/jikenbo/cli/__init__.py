"""The `jikenbo` command: a thin layer over the library; errors are one line and an exit code.

Exit status: 0 success, 1 some input failed or the command could not finish, 2 usage error.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import click

from jikenbo import __version__, pipeline, sources, stats
from jikenbo.cases import curate
from jikenbo.errors import InputError, JikenboError, UsageError
from jikenbo.store import database_location, open_store

_db_option = click.option("--db", "db", metavar="PATH", envvar="JIKENBO_DB",
                          help="SQLite database file or postgresql:// URL (default: $JIKENBO_DB "
                               "or ./jikenbo.db).")
_read_options = [
    click.option("--max-bytes", type=click.IntRange(1), default=sources.DEFAULT_MAX_BYTES,
                 show_default=True, help="Refuse inputs larger than this."),
    click.option("--lossy", is_flag=True,
                 help="Decode text with invalid bytes using replacement characters."),
]


def read_options(func):
    for option in reversed(_read_options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jikenbo")
def main() -> None:
    """jikenbo (事件簿): Japanese security-incident disclosures → a linked casebook."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--evidence", is_flag=True, help="Add each field's rule and source span.")
@click.option("--link", "with_link", is_flag=True,
              help="Link the releases of all PATHS into cases and add each one's `case` number.")
@read_options
def extract(paths: tuple[str, ...], evidence: bool, with_link: bool, max_bytes: int,
            lossy: bool) -> None:
    """Print one JSON record per post of PATHS (files, directories, URLs, - for stdin)."""
    failures = []
    with _user_errors():
        options = sources.ReadOptions(max_bytes=max_bytes, lossy=lossy)
        extracted = pipeline.read_all(sources.expand(paths), options,
                                      lambda error: failures.append(_report(error)))
        if with_link:  # linking needs every input first
            everything = list(extracted)
            evidence_rows = [record.to_dict(with_evidence=True)["evidence"]
                             for item in everything for record in item.records]
            for row, found in zip(pipeline.with_cases(everything), evidence_rows):
                click.echo(json.dumps({**row, "evidence": found} if evidence else row,
                                      ensure_ascii=False))
        else:
            for item in extracted:
                for record in item.records:
                    click.echo(json.dumps(record.to_dict(with_evidence=evidence),
                                          ensure_ascii=False))
    if failures:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--sample", is_flag=True, help="Ingest the sample corpus bundled with jikenbo.")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Worker processes extracting in parallel (default: one per core; 1: one "
                   "process, each input committed on its own).")
@_db_option
@read_options
def ingest(paths: tuple[str, ...], sample: bool, jobs: int | None, db: str | None,
           max_bytes: int, lossy: bool) -> None:
    """Store the releases of PATHS in the database; the same text is never stored twice."""
    if not paths and not sample:
        raise click.UsageError("give PATHS to ingest, or --sample")
    with _user_errors():
        summary = _ingest(database_location(db), _with_sample(paths, sample), max_bytes, lossy,
                          jobs)
    click.echo(summary.line(), err=True)
    if summary.failed:
        sys.exit(1)


def stored_release(db: str | None, release_id: str):
    """The store and the release a command names by id prefix (a usage error if too short,
    a one-line error if there is none)."""
    if len(release_id) < 6:
        raise UsageError("give at least 6 characters of the release id")
    store = open_store(database_location(db))
    found = store.release(release_id)
    if found is None:
        raise JikenboError(f"no release with id {release_id!r}; list them with 'jikenbo export'")
    return store, found


@main.command()
@click.argument("release_id")
@click.option("--archive", is_flag=True, help="Print the archived original text of the source.")
@_db_option
def show(release_id: str, archive: bool, db: str | None) -> None:
    """Show one stored release (ID or a unique prefix of at least 6 characters)."""
    with _user_errors():
        store, found = stored_release(db, release_id)
        if archive:
            click.echo(store.source_data(found.source_id)[2])
            return
        record = found.record.to_dict(with_evidence=True)
        click.echo(json.dumps({"id": found.id, **record, "text": found.text},
                              ensure_ascii=False, indent=2))


@main.command("stats")
@_db_option
def stats_command(db: str | None) -> None:
    """Summarise the casebook: releases, cases, categories, months, largest incidents."""
    with _user_errors():
        click.echo(stats.render(stats.summary(open_store(database_location(db)))))


_serve_options = [
    click.option("--host", default="127.0.0.1", show_default=True,
                 help="Address to listen on (loopback by default)."),
    click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True),
    click.option("--token-env", default="JIKENBO_TOKEN", show_default=True, metavar="NAME",
                 help="Environment variable holding the write token; POST /api/ingest exists "
                      "only when it is set."),
    click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
                 help="Server processes; one per CPU core serves more readers at once."),
    # kept in the environment, where every worker process's app reads it (web/feeds.py)
    click.option("--base-url", metavar="URL", envvar="JIKENBO_BASE_URL", expose_value=False,
                 callback=lambda ctx, param, value: value and os.environ.update(
                     JIKENBO_BASE_URL=value),
                 help="The casebook's public address, for feed ids and links "
                      "(default: $JIKENBO_BASE_URL or http://127.0.0.1:8000/)."),
]


def serve_options(func):
    for option in reversed(_serve_options):
        func = option(func)
    return func


@main.command()
@_db_option
@serve_options
@click.option("--no-serve", is_flag=True, help="Ingest and print the summary, then stop.")
def start(db: str | None, host: str, port: int, token_env: str, workers: int,
          no_serve: bool) -> None:
    """Ingest the bundled sample corpus and open the web casebook (the README's first command)."""
    location = database_location(db)
    with _user_errors():
        summary = _ingest(location, _with_sample((), True), sources.DEFAULT_MAX_BYTES, False)
        click.echo(f"Sample corpus ingested into {location}: {summary.line()}\n")
        click.echo(stats.render(stats.summary(open_store(location))))
    click.echo("\nAlso:\n"
               f"  jikenbo cases --db {location}\n"
               f"  jikenbo export --db {location} --format csv -o casebook.csv\n"
               "  jikenbo extract PATH_OR_URL …      # records as JSON lines, nothing stored\n"
               f"  jikenbo ingest --db {location} PATH_OR_URL …")
    if not no_serve:
        _serve(location, host, port, token_env, workers)


@main.command()
@_db_option
@serve_options
def serve(db: str | None, host: str, port: int, token_env: str, workers: int) -> None:
    """Serve the web casebook, JSON API (/api/openapi.json) and Atom feeds."""
    _serve(database_location(db), host, port, token_env, workers)


def _serve(location: str, host: str, port: int, token_env: str, workers: int = 1) -> None:
    import uvicorn

    from jikenbo.web import app as web
    token = os.environ.get(token_env) or None
    with _user_errors():
        # fails here, with a message, on a bad --db; the worker processes serve and warm
        app = web.create_app(location, token=token, warm_searches=workers == 1)
    writes = "POST /api/ingest enabled" if token else "read-only"
    click.echo(f"jikenbo casebook on http://{host}:{port}/ ({writes}, {workers} "
               f"process{'es' if workers > 1 else ''}; Ctrl-C stops)", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    os.environ[web.ENV_DB], os.environ[web.ENV_TOKEN_NAME] = location, token_env
    uvicorn.run(f"{web.__name__}:{web.from_environment.__name__}", factory=True, host=host,
                port=port, workers=workers, log_level="warning")


def _ingest(location: str, paths: list[str], max_bytes: int, lossy: bool,
            jobs: int | None = None) -> pipeline.Summary:
    from jikenbo.ingest_parallel import default_jobs, ingest_parallel
    store = open_store(location)
    inputs = list(sources.expand(paths))
    options = sources.ReadOptions(max_bytes=max_bytes, lossy=lossy)
    with _progress(len(inputs)) as advance:
        summary = ingest_parallel(store, inputs, options, jobs or default_jobs(),
                                  on_error=_report, on_progress=lambda locator: advance())
    linked = curate.repair(store)  # after new releases, or an earlier run cut short
    if linked:
        click.echo(f"cases: {linked.line()}", err=True)
    store.close()
    return summary


@main.command("link")
@_db_option
def link_command(db: str | None) -> None:
    """Link the stored releases into cases again (ingest does this after storing, and any
    ingest, link or serve repairs links an interrupted run left stale)."""
    with _user_errors():
        store = open_store(database_location(db))
        click.echo(curate.relink(store).line())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


@contextmanager
def _progress(total: int) -> Iterator:
    """A progress bar on stderr when it is a terminal and the batch has several inputs."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=total, label="ingesting", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def _with_sample(paths: tuple[str, ...], sample: bool) -> list[str]:
    found = list(paths)
    if sample:
        found.append(str(Path(str(resources.files("jikenbo").joinpath("sample")))))
    return found


def _report(error: InputError) -> InputError:
    click.echo(f"error: {error}", err=True)
    return error


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except UsageError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except JikenboError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except sqlite3.OperationalError as error:  # the database failed under us (disk, lock)
        click.echo(f"error: database: {error}; nothing more was changed", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("interrupted; what was stored so far is kept", err=True)
        sys.exit(130)


# Command groups that live in modules of their own register themselves on `main` when imported
# (one line each, below); they use the options and helpers defined above.
from jikenbo.cli import evaluation as _evaluation  # noqa: E402,F401  (jikenbo eval)
from jikenbo.cli import export as _export  # noqa: E402,F401  (jikenbo export)
from jikenbo.cli import watch as _watch  # noqa: E402,F401  (jikenbo watch …)
from jikenbo.cli import publish as _publish  # noqa: E402,F401  (jikenbo publish)
from jikenbo.cli import cases as _cases  # noqa: E402,F401  (jikenbo cases, case …)
from jikenbo.cli import release as _release  # noqa: E402,F401  (jikenbo release …)
from jikenbo.cli import review as _review  # noqa: E402,F401  (jikenbo review, corrections …)
from jikenbo.cli import copydb as _copydb  # noqa: E402,F401  (jikenbo copy-db)
