"""One watch run: every source that is due is checked in turn (several at once), each new link
is decided on, and incident notices go down the line to `pipeline` and the store.

Faults stay with their source: a time-out, an error status, a redirect loop, garbage or an
oversized answer is reported, the source is retried later with back-off, and the run goes on.
Nothing is stored twice: pages are stored by content (`Store.add_source`), links are
remembered after their page is stored, and a source's validators are kept only once all of its
links were dealt with, so a watcher killed mid-run simply picks up the rest next time.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from jikenbo import pipeline, sources
from jikenbo.cases import curate
from jikenbo.collect import decide
from jikenbo.collect.discover import Discovered, Link, discover
from jikenbo.collect.http import Answer, Client, Limits, Validators
from jikenbo.collect.report import NewIncident, RunSummary, SourceReport
from jikenbo.collect.robots import Robots
from jikenbo.collect.watchlist import wanted
from jikenbo.errors import InputError
from jikenbo.store import versions
from jikenbo.store.watch import Check, SeenLink, WatchEntry

RETRY_FIRST = timedelta(minutes=5)    # back-off after a failure: 5 min, 10, 20 … up to a day
RETRY_LONGEST = timedelta(days=1)
MAX_SITEMAPS = 10                     # child sitemaps read from one sitemap index


@dataclass(frozen=True)
class Options:
    limits: Limits = Limits()
    concurrency: int = 4
    max_links: int = 30               # new links looked at per source and run; the rest wait
    force: bool = False               # check every source now, whatever its schedule


def run_once(open_store: Callable, options: Options,
             on_source: Callable[[SourceReport], None] = lambda report: None) -> RunSummary:
    """Check every due source once; link the new releases into cases; return the summary."""
    summary = RunSummary()
    with closing(open_store()) as store:
        entries = store.watch.entries()
    client = Client(options.limits)
    robots = Robots(client)
    try:
        with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
            futures = [pool.submit(_check_with_store, open_store, entry, client, robots, options)
                       for entry in entries]
            for future in as_completed(futures):
                report = future.result()
                summary.add(report)
                on_source(report)
    finally:
        client.close()
    with closing(open_store()) as store:
        # also after a run that found nothing new, when one killed earlier stored releases
        # but did not live to link them
        if summary.incidents or store.counts()["incidents"] > len(store.case_numbers()):
            curate.relink(store)
        store.refresh_kept()  # the search answers kept (store/kept.py), after what it stored
        numbers = store.case_numbers_of([i.release_id for i in summary.incidents])
    summary.incidents = [replace(i, case=numbers.get(i.release_id)) for i in summary.incidents]
    return summary


def due(entry: WatchEntry, now: datetime) -> bool:
    return entry.next_check is None or datetime.fromisoformat(entry.next_check) <= now


def _check_with_store(open_store: Callable, entry: WatchEntry, client: Client, robots: Robots,
                      options: Options) -> SourceReport:
    with closing(open_store()) as store:  # one connection per thread
        try:
            return check_source(store, entry, client, robots, options)
        except Exception as error:  # noqa: BLE001 — one source's bug must not stop the run
            report = SourceReport(entry.url, "failed",
                                  f"could not be checked ({type(error).__name__}: {error}); "
                                  "please report this source")
            store.watch.record_check(entry.id, _failure(entry, report.message))
            return report


def check_source(store, entry: WatchEntry, client: Client, robots: Robots,
                 options: Options) -> SourceReport:
    now = datetime.now(timezone.utc)
    report = SourceReport(entry.url)
    if not options.force and not due(entry, now):
        report.status, report.message = "not_due", f"next check {entry.next_check}"
        return report
    try:
        if not robots.allowed(entry.url):
            report.status, report.message = "robots", "robots.txt disallows it; not fetched"
            store.watch.record_check(entry.id, Check("robots", report.message, 0,
                                                     _next(entry, now)))
            return report
        answer = client.get(entry.url, Validators(entry.etag, entry.last_modified),
                            robots.delay(entry.url))
        if answer.not_modified:
            report.status, report.not_modified = "not_modified", 1
            report.message = "not modified (304); nothing new"
            store.watch.record_check(entry.id, Check("not_modified", report.message, 0,
                                                     _next(entry, now)))
            return report
        report.fetched += 1
        found = _with_children(discover(entry.kind, entry.url, answer.data, answer.content_type),
                               client, robots, report)
    except InputError as error:
        report.status = "failed"
        report.message = error.reason if error.name == entry.url else str(error)
        store.watch.record_check(entry.id, _failure(entry, report.message))
        return report
    complete = _follow_links(store, entry, found.links, client, robots, options, report)
    # validators only once every link was dealt with: otherwise the next run must see the
    # whole list again to retry the failed links and read the ones left over
    kept = answer.validators if complete else Validators()
    report.message = f"{found.kind}, {len(found.links)} links"
    store.watch.record_check(entry.id, Check("ok", report.message, 0, _next(entry, now),
                                             kept.etag, kept.last_modified))
    return report


def _with_children(found: Discovered, client: Client, robots: Robots,
                   report: SourceReport) -> Discovered:
    """A sitemap index's child sitemaps read (unconditionally) and their links added."""
    links = list(found.links)
    for child in found.sitemaps[:MAX_SITEMAPS]:
        if not robots.allowed(child):
            continue
        answer = client.get(child)
        report.fetched += 1
        links.extend(discover("sitemap", child, answer.data, answer.content_type).links)
    return replace(found, links=tuple(links), sitemaps=())


def _follow_links(store, entry: WatchEntry, links: tuple[Link, ...], client: Client,
                  robots: Robots, options: Options, report: SourceReport) -> bool:
    """Deal with each link; False when some failed or were left for the next run."""
    looked = 0
    complete = True
    for link in links:
        if not wanted(entry, link.url, link.text):
            continue
        report.links += 1
        seen = store.watch.seen(entry.id, link.url)
        if not _needs_look(seen, link):
            continue
        if looked >= options.max_links:
            complete = False
            continue
        looked += 1
        outcome = _follow(store, entry, link, seen, client, robots, report)
        store.watch.remember(entry.id, outcome)
        complete = complete and outcome.decision != "failed"
    return complete


def _needs_look(seen: SeenLink | None, link: Link) -> bool:
    """New links, failed ones, and incident notices whose feed entry or link text changed."""
    if seen is None or seen.decision == "failed":
        return True
    return seen.decision == "incident" and seen.signature != link.signature


def _follow(store, entry: WatchEntry, link: Link, seen: SeenLink | None, client: Client,
            robots: Robots, report: SourceReport) -> SeenLink:
    """Decide on one link, fetching its page when the link text does not settle it."""
    known = seen is not None and seen.decision == "incident"
    verdict = decide.INCIDENT if known else decide.link_verdict(link)
    if verdict == decide.NOT_INCIDENT:
        return _decided(report, link, "skipped", "the link text is not an incident notice")
    try:
        if not robots.allowed(link.url):
            return _decided(report, link, "skipped", "robots.txt disallows it")
        validators = Validators(seen.etag, seen.last_modified) if known else Validators()
        answer = client.get(link.url, validators, robots.delay(link.url))
    except InputError as error:
        return _decided(report, link, "failed", str(error))
    if answer.not_modified:
        report.not_modified += 1
        return replace(seen, link_text=link.text, signature=link.signature)
    report.fetched += 1
    return _read_page(store, entry, link, answer, known, client.limits.max_bytes, report)


def _read_page(store, entry: WatchEntry, link: Link, answer: Answer, known: bool,
               max_bytes: int, report: SourceReport) -> SeenLink:
    """The fetched page through the project's decoding (HTML, PDF) and the extractor; stored
    when it is an incident notice."""
    try:
        document = sources.from_bytes(link.url, answer.data, answer.content_type,
                                      sources.ReadOptions(max_bytes=max_bytes))
        # a PDF has no title: the link text stands in (it can name the issuer)
        extracted = decide.page_records(replace(document, title=document.title or link.text),
                                        entry.organization)
    except InputError as error:
        return _decided(report, link, "skipped", f"unreadable: {error.reason}", answer)
    if not decide.is_incident(extracted):
        return _decided(report, link, "skipped", "the page is not an incident notice", answer)
    report.incidents.extend(_store(store, entry, link, extracted))
    return _decided(report, link, "incident", "stored", answer)


def _decided(report: SourceReport, link: Link, decision: str, reason: str,
             answer: Answer | None = None) -> SeenLink:
    """The link as it is remembered, counted in the report."""
    validators = answer.validators if answer else Validators()
    if decision == "skipped":
        report.skipped += 1
    elif decision == "failed":
        report.failed += 1
        report.errors.append(reason)
    return SeenLink(link.url, link.text, decision, reason, link.signature, validators.etag,
                    validators.last_modified)


def _store(store, entry: WatchEntry, link: Link,
           extracted: pipeline.Extracted) -> list[NewIncident]:
    """Store the page through the pipeline; the incidents among its releases that are new, and
    those whose changed text became a new version of a stored release (reported as updates)."""
    outcome = pipeline.store_source(store, extracted)
    incidents = [rid for rid, record in zip(outcome.release_ids, extracted.records)
                 if record.is_incident]
    store.watch.add_collected(entry.id, link.url, incidents)
    found: dict[str, NewIncident] = {}
    for rid, kind, record in zip(outcome.release_ids, outcome.kinds, extracted.records):
        if record.is_incident and kind in (versions.NEW, versions.VERSION):  # else stored before
            found.setdefault(rid, NewIncident(
                entry.url, link.url, rid, record.heading, record.organization, record.published,
                record.categories, kind == versions.VERSION))
    return list(found.values())


def _next(entry: WatchEntry, now: datetime) -> str | None:
    return (now + timedelta(seconds=entry.every)).isoformat() if entry.every else None


def _failure(entry: WatchEntry, message: str) -> Check:
    failures = entry.failures + 1
    wait = min(RETRY_FIRST * 2 ** min(failures - 1, 20), RETRY_LONGEST)
    return Check("failed", message, failures,
                 (datetime.now(timezone.utc) + wait).isoformat())
