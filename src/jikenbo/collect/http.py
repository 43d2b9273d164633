"""The collector's HTTP client: conditional GET (ETag / If-Modified-Since → 304), a User-Agent
naming the project, a byte cap counted as the body arrives, a deadline for the whole answer and
a wait between requests to one host.

Small and self-contained on purpose, so it can later be folded onto `sources.fetch`.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from jikenbo import __version__
from jikenbo.errors import InputError
from jikenbo.sources.fetch import FetchLimits

USER_AGENT = f"jikenbo/{__version__} (casebook watcher; reads published incident notices)"
ROBOTS_AGENT = "jikenbo"


@dataclass(frozen=True)
class Limits:
    fetch: FetchLimits = FetchLimits()
    max_bytes: int = 20 * 1024 * 1024
    deadline: float = 60.0      # seconds for one whole answer, however slowly it trickles
    host_delay: float = 1.0     # seconds between two requests to the same host


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found


@dataclass(frozen=True)
class Answer:
    url: str                    # after redirects
    status: int                 # 200 or 304 (other statuses raise)
    data: bytes
    content_type: str | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostPacer:
    """Keeps `delay` seconds between the starts of two requests to one host, across threads."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, url: str, delay: float | None = None) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + max(self.delay, delay or 0.0)
        if start > now:
            time.sleep(start - now)


class Client:
    """One connection pool shared by the watcher's threads (httpx.Client is thread-safe)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pacer = HostPacer(limits.host_delay)
        timeout = httpx.Timeout(min(limits.fetch.read_timeout, limits.deadline),
                                connect=min(limits.fetch.connect_timeout, limits.deadline))
        self._client = httpx.Client(timeout=timeout, follow_redirects=True,
                                    max_redirects=limits.fetch.max_redirects,
                                    headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, validators: Validators = Validators(),
            delay: float | None = None) -> Answer:
        """GET `url`, conditionally when validators are given; raise InputError naming it on a
        bad status, time-out, redirect loop or size over the cap."""
        self.pacer.wait(url, delay)
        try:
            with self._client.stream("GET", url, headers=validators.headers()) as response:
                return self._read(url, response)
        except httpx.TimeoutException:
            raise InputError(url, "timed out; will try again later") from None
        except httpx.TooManyRedirects:
            raise InputError(url, f"more than {self.limits.fetch.max_redirects} redirects "
                                  "(a redirect loop?)") from None
        except httpx.HTTPError as error:
            raise InputError(url, f"cannot fetch: {error}") from None

    def _read(self, url: str, response: httpx.Response) -> Answer:
        found = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
        if response.status_code == 304:
            return Answer(str(response.url), 304, b"", None, found)
        if response.status_code != 200:
            raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}")
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(url, cap)
        ends = time.monotonic() + self.limits.deadline
        body = bytearray()
        for chunk in response.iter_bytes():  # decoded: the cap holds for compressed bodies too
            body.extend(chunk)
            if len(body) > cap or response.num_bytes_downloaded > cap:
                raise _too_large(url, cap)
            if time.monotonic() > ends:
                raise InputError(url, f"took longer than {self.limits.deadline:g} s; "
                                      "will try again later")
        return Answer(str(response.url), 200, bytes(body), response.headers.get("content-type"),
                      found)


def _too_large(url: str, cap: int) -> InputError:
    return InputError(url, f"larger than the {cap:,}-byte limit")
