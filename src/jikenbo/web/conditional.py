"""Conditional GET and HEAD: what lets a feed reader or a nightly download ask "anything new?"
and get `304 Not Modified` and no body when nothing is.

The validators come from the store, not from the answer: the ETag is a hash of the store's change
mark (store.change_mark(): moves when releases are added, cases relinked, a curator acts) and the
address asked for, so it is known before a streamed export is written; Last-Modified is the
newest of those changes. `If-None-Match` wins over `If-Modified-Since` (RFC 9110 §13.2.2).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request

from jikenbo import __version__


def validators(store: Any, request: Request) -> tuple[str, str | None]:
    """(ETag, Last-Modified) of what `request` asks for, in the current state of `store`."""
    mark, newest = store.change_mark()
    address = f"{request.url.path}?{request.url.query}"
    digest = hashlib.sha256(f"{__version__}\n{mark}\n{address}".encode()).hexdigest()[:32]
    return f'"{digest}"', http_date(newest)


def http_date(moment: str | None) -> str | None:
    """A stored ISO time as an HTTP date: `2026-11-23T21:30:17.5+00:00` → `Mon, 23 Nov 2026
    21:30:17 GMT`."""
    if not moment:
        return None
    when = datetime.fromisoformat(moment).astimezone(timezone.utc).replace(microsecond=0)
    return format_datetime(when, usegmt=True)


def not_modified(headers: Headers, etag: str, modified: str | None) -> bool:
    """True when the client's copy is current: its If-None-Match names `etag` (weak or strong,
    or `*`), or, without If-None-Match, its If-Modified-Since is not older than `modified`."""
    asked = headers.get("if-none-match")
    if asked is not None:
        offered = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
        return "*" in offered or etag in offered
    since = headers.get("if-modified-since")
    if not since or not modified:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # a date we cannot read is no condition (RFC 9110: ignore it)


class HeadAsGet:
    """Answers HEAD on every GET route: the request goes on as GET and the body is dropped, so
    the status and headers are exactly those of GET (FastAPI routes declare GET only, and
    would answer 405)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)
        ended = False

        async def headers_only(message) -> None:
            nonlocal ended
            if message["type"] == "http.response.body":
                if ended:
                    return
                ended = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
