"""robots.txt, read once per host and run with Protego (RFC 9309 with the common extensions).

A missing robots.txt (4xx) allows everything; one that cannot be read (5xx, time-out) makes the
check fail, so the host is left alone until a later run, as RFC 9309 asks.
"""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

from protego import Protego

from jikenbo.collect.http import ROBOTS_AGENT, Client
from jikenbo.errors import InputError

_ALLOW_ALL = Protego.parse("")


class Robots:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._rules: dict[str, Protego | InputError] = {}
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        return self._for(url).can_fetch(url, ROBOTS_AGENT)

    def delay(self, url: str) -> float | None:
        found = self._for(url).crawl_delay(ROBOTS_AGENT)
        return float(found) if found is not None else None

    def _for(self, url: str) -> Protego:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            reading = self._origin_locks.setdefault(origin, threading.Lock())
        with reading:  # one request per host, however many threads ask at once
            known = self._rules.get(origin)
            if known is None:
                known = self._rules[origin] = self._read(origin)
        if isinstance(known, InputError):  # remembered, so the host is asked once per run
            raise known
        return known

    def _read(self, origin: str) -> Protego | InputError:
        try:
            answer = self.client.get(f"{origin}/robots.txt")
        except InputError as error:
            if error.reason.startswith("HTTP 4"):
                return _ALLOW_ALL
            return InputError(origin, f"robots.txt cannot be read ({error.reason}); "
                                      "the host is left alone until a later run")
        return Protego.parse(answer.data.decode("utf-8", errors="replace"))
