"""/sources: the watch list as the watcher last left it — each source's last check, its status
and the releases it brought (HTML), and the same as JSON at /api/sources."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from jikenbo.collect.watchlist import format_interval
from jikenbo.web.views import safe_url

RELEASES_SHOWN = 10


def register(app: FastAPI, store: Callable, page: Callable) -> None:
    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page(request: Request):
        return page(request, "sources.html", sources=overview(store()))

    @app.get("/api/sources", tags=["sources"], summary="Watched sources, their last check and "
                                                        "the releases they brought")
    def api_sources() -> dict:
        return {"sources": overview(store())}


def overview(store) -> list[dict]:
    counts = store.watch.link_counts()
    found = []
    for entry in store.watch.entries():
        found.append({
            "url": entry.url, "href": safe_url(entry.url), "kind": entry.kind,
            "every": format_interval(entry.every) if entry.every else None,
            "organization": entry.organization, "last_checked": entry.last_checked,
            "status": entry.last_status or "never", "message": entry.last_message,
            "failures": entry.failures, "next_check": entry.next_check,
            "links": counts.get(entry.id, {}),
            "collected": store.watch.collected_total(entry.id),
            "releases": [dict(row) for row in store.watch.collected(entry.id, RELEASES_SHOWN)],
        })
    return found
