"""A release's own archive: its span of the archived source, its versions with the changes
between them, where it was read, the whole archived source and the original bytes.

Routes: /releases/ID/source (the archived text, the release's span anchored at #r-START and
marked) and /releases/ID/original (the bytes as read, with their content type). A file input is
shown by its name only, never a path of the machine that ingested it.
"""
from __future__ import annotations

import difflib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from jikenbo.sources import stored_locator
from jikenbo.web.views import safe_url

# Lines of each version compared for a diff: enough for any notice, and difflib's matching
# stays quick on a page that is not one.
MAX_DIFF_LINES = 2_000
_KIND_TYPES = {"html": "text/html", "pdf": "application/pdf", "text": "text/plain"}
_UNSAFE_NAME = re.compile(r'[^\w.\-()\u3000-\u30ff\u4e00-\u9fff]')


@dataclass(frozen=True)
class Place:
    """A locator as a page shows it: a link for a web address, a file's name otherwise."""

    name: str
    href: str | None


def place(locator: str) -> Place:
    href = safe_url(locator)
    return Place(href or stored_locator(locator), href)


def release_context(store, release) -> dict:
    """What the release page shows of the release's archive (its template's variables)."""
    versions = store.release_versions(release.id)
    archived = store.archived_source(release.source_id)
    return {
        "archive_span": archived.text[release.start:release.end],
        "archive_anchor": f"r-{release.start}",
        "source_place": place(release.source_locator),
        "versions": [{"version": v, "place": place(v.locator),
                      "diff": diff_lines(versions[i - 1].text, v.text) if i else None}
                     for i, v in enumerate(versions)],
        "occurrences": [{"occurrence": o, "place": place(o.locator)}
                        for o in store.occurrences(release.id)],
    }


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A unified diff of two versions as (kind, line) pairs: kind is add, del, hunk or same."""
    lines = difflib.unified_diff(before.splitlines()[:MAX_DIFF_LINES],
                                 after.splitlines()[:MAX_DIFF_LINES], "前版", "この版",
                                 lineterm="", n=1)
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return [(kinds.get(line[:1], "same"), line) for line in lines
            if not line.startswith(("+++", "---"))]


def content_type(kind: str, encoding: str | None, locator: str) -> str:
    """The stored kind and encoding as a Content-Type; the locator's suffix when unknown."""
    base = _KIND_TYPES.get(kind) or mimetypes.guess_type(download_name(locator, ""))[0] \
        or "application/octet-stream"
    return f"{base}; charset={encoding}" if encoding and base.startswith("text/") else base


def download_name(locator: str, fallback: str) -> str:
    """The original's file name: the URL's or file's last part, made safe for a header."""
    path = urlsplit(locator).path if safe_url(locator) else stored_locator(locator)
    name = _UNSAFE_NAME.sub("_", path.rstrip("/").rsplit("/", 1)[-1])[:120]
    return name if name.strip("._") else fallback


def register(app: FastAPI, store: Callable, page: Callable, find: Callable) -> None:
    """`find(store, id)` is the release page's lookup (404 and 400 answers included)."""

    def archived(release_id: str, version: int | None):
        release = find(store(), release_id)
        if version is None:
            return release, store().archived_source(release.source_id), release.start, release.end
        found = [v for v in store().release_versions(release.id) if v.version == version]
        if not found:
            raise HTTPException(404, f"release {release_id} has no version {version}")
        return (release, store().archived_source(found[0].source_id), found[0].start,
                found[0].end)

    @app.get("/releases/{release_id}/source", response_class=HTMLResponse,
             include_in_schema=False)
    def archived_source(request: Request, release_id: str, version: int | None = None):
        release, source, start, end = archived(release_id, version)
        return page(request, "archive.html", release=release, source=source,
                    place=place(source.locator), before=source.text[:start],
                    span=source.text[start:end], after=source.text[end:], anchor=f"r-{start}",
                    version=version)

    @app.get("/releases/{release_id}/original", tags=["releases"],
             summary="The original bytes a release was read from, as fetched")
    def original(release_id: str, version: int | None = None) -> Response:
        release, source, _, _ = archived(release_id, version)
        kind = {"pdf": ".pdf", "html": ".html"}.get(source.kind, ".txt")
        name = download_name(source.locator, f"release-{release.id[:12]}{kind}")
        ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
        return Response(source.data, media_type=content_type(source.kind, source.encoding,
                                                             source.locator),
                        headers={"Content-Disposition": f'attachment; filename="{ascii_name}"; '
                                                        f"filename*=UTF-8''{quote(name)}"})
