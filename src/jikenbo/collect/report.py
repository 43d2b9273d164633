"""What a watch run tells its operator: a line per source, a summary, new incidents as JSON
lines, and an optional webhook POST per new incident."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import httpx

from jikenbo.collect.http import USER_AGENT


@dataclass(frozen=True)
class NewIncident:
    source: str           # the watched source that listed it
    url: str              # the notice itself
    release_id: str
    heading: str
    organization: str | None
    published: str | None
    categories: tuple[str, ...]
    update: bool          # True when it is a new version of a stored release (its page changed)
    case: str | None = None

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "categories": list(self.categories)},
                          ensure_ascii=False)


@dataclass
class SourceReport:
    url: str
    status: str = "ok"    # ok, not_modified, failed, robots, not_due
    message: str = ""
    links: int = 0
    fetched: int = 0
    not_modified: int = 0
    skipped: int = 0
    failed: int = 0
    incidents: list[NewIncident] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.status in ("failed", "robots", "not_due", "not_modified"):
            return f"{self.status:12} {self.url}: {self.message}"
        parts = [f"{self.links} links", f"{self.fetched} fetched", f"{self.not_modified} 304",
                 *_incidents(self.incidents), f"{self.skipped} skipped", f"{self.failed} failed"]
        return f"{self.status:12} {self.url}: {', '.join(parts)}"


@dataclass
class RunSummary:
    sources: int = 0
    not_due: int = 0
    fetched: int = 0
    not_modified: int = 0
    skipped: int = 0
    failed: int = 0
    incidents: list[NewIncident] = field(default_factory=list)

    def add(self, report: SourceReport) -> None:
        if report.status == "not_due":
            self.not_due += 1
            return
        self.sources += 1
        self.fetched += report.fetched
        self.not_modified += report.not_modified
        self.skipped += report.skipped
        self.failed += report.failed + (report.status == "failed")
        self.incidents.extend(report.incidents)

    def line(self) -> str:
        waiting = f" ({self.not_due} not due)" if self.not_due else ""
        return (f"{self.sources} sources{waiting}, {self.fetched} fetched, "
                f"{self.not_modified} 304, {', '.join(_incidents(self.incidents))}, "
                f"{self.skipped} skipped, {self.failed} failed")


def _incidents(incidents: list[NewIncident]) -> list[str]:
    """`2 new incidents`, and `1 new versions` when changed notices became versions."""
    versions = sum(incident.update for incident in incidents)
    counted = [f"{len(incidents) - versions} new incidents"]
    return counted + [f"{versions} new versions"] if versions else counted


def post_webhook(url: str, incident: NewIncident, timeout: float = 10.0) -> str | None:
    """POST the incident as JSON to `url`; returns a one-line problem, or None when it went."""
    try:
        answer = httpx.post(url, content=incident.to_json().encode("utf-8"), timeout=timeout,
                            headers={"Content-Type": "application/json; charset=utf-8",
                                     "User-Agent": USER_AGENT})
    except httpx.HTTPError as error:
        return f"webhook {url}: {error or type(error).__name__}"
    if answer.status_code >= 400:
        return f"webhook {url}: HTTP {answer.status_code}"
    return None
