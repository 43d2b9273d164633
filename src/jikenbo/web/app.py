"""The web casebook: server-rendered Japanese pages, a JSON API with OpenAPI, Atom feeds.

Read-only unless a write token is configured: only then does `POST /api/ingest` exist, and it
refuses requests without the token. Requests and queries are size-limited; every page sends a
Content-Security-Policy that allows nothing but this server's own files.
"""
from __future__ import annotations

import hmac
import os
import threading
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers, MutableHeaders

from jikenbo import __version__
from jikenbo.cases import curate
from jikenbo.errors import InputError, JikenboError
from jikenbo.record import CATEGORIES
from jikenbo.store import open_store
from jikenbo.store.search import FACETS, MAX_QUERY, Query, QueryError, Result, parse
from jikenbo.web import (api, archive, case_lists, errors, exports, facets, lists, reports,
                         snippets, statistics, takeaway, taxii, views, warm, writes)
from jikenbo.web.case_lists import CASES_PER_PAGE  # noqa: F401  (the size of a /cases page)
from jikenbo.web.feeds import base_url_of
from jikenbo.web import sources as sources_page
from jikenbo.web import review as review_pages

MAX_BODY = 2_000_000
MAX_QUERY_STRING = 2048  # bytes of URL query; longer is refused (414) before routing
TIMELINE_PAGE = 100  # releases of a case per page of its timeline
LIST_FACETS = ("category", "data_type", "leak", "supply_chain", "year", "month")
_HERE = Path(str(resources.files("jikenbo.web")))
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class _Stores(threading.local):
    """One SQLite connection per server thread."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.store = None

    def get(self):
        if self.store is None:
            self.store = open_store(self.location)
        return self.store


ENV_DB = "JIKENBO_SERVE_DB"
ENV_TOKEN_NAME = "JIKENBO_SERVE_TOKEN_ENV"


def from_environment() -> FastAPI:
    """The app of each worker process of `jikenbo serve --workers N`: the database and the name
    of the token's variable come from the environment the parent process set."""
    return create_app(os.environ[ENV_DB],
                      os.environ.get(os.environ.get(ENV_TOKEN_NAME, "JIKENBO_TOKEN")) or None)


def create_app(location: str, token: str | None = None, max_body: int = MAX_BODY,
               ingest_seconds: float = writes.INGEST_SECONDS,
               base_url: str | None = None, warm_searches: bool = True) -> FastAPI:
    """The web casebook over one store. `warm_searches`: ask the costliest one-character
    searches once while serving (web/warm.py); off in a process that will not serve."""
    with closing(open_store(location)) as first:  # create and migrate once, before serving,
        curate.repair(first)  # relink what an interrupted run left stale
        first.search(Query(per_page=1), facets=())  # and build the search index up front
    stores = _Stores(location)
    stop_warming = threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # warmed on a thread of its own once the server starts, never waited for
        app.state.warming = warm.in_background(location, stop_warming) if warm_searches else None
        yield
        stop_warming.set()  # the thread ends after the lookup it is in

    app = FastAPI(title="jikenbo 事件簿 API", version=__version__, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan,
                  description="Japanese security-incident releases, linked into cases.")
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.auto_reload = False  # the package's templates do not change while serving
    templates.env.globals.update(label=views.label, qs=views.query_string, LABELS=views.LABELS, FACETS=FACETS,
                                 CATEGORIES=CATEGORIES, version=__version__, MAX_QUERY=MAX_QUERY)
    templates.env.filters["number"] = lambda n: "-" if n is None else f"{n:,}"
    templates.env.globals.update(facets=facets)  # links of list pages: ✓ / ✕ toggles, pages
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    error_pages = errors.ErrorPages(templates.env)
    errors.register(app, error_pages)  # Japanese pages for people, JSON for programs
    app.add_middleware(_Guard, max_body=max_body, refuse=error_pages.for_scope)

    def store():
        return stores.get()

    def page(request: Request, template: str, status_code: int = 200,
             **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    def rows(ids: list[str], query: Query | None = None) -> list[dict]:
        found = store().releases_by_id(ids)
        numbers = store().case_numbers_of(ids)
        added = store().added_times(ids)
        if query is None:
            return [{**_row(release, numbers.get(release.id)), "added": added.get(release.id)}
                    for release in found]
        terms, texts = query.terms(), store().release_texts(ids)  # a search: rows with snippets
        return [{**_row(release, numbers.get(release.id)), "added": added.get(release.id),
                 "search": query.q or None,
                 "snippet": snippets.snippet_of(texts.get(release.id, ""), terms)}
                for release in found]

    def query_of(request: Request) -> Query:
        try:
            return parse(request.query_params)
        except QueryError as error:
            raise HTTPException(400, str(error)) from None

    # CSV, JSON and Atom of every list, HEAD and conditional GET; before the pages, whose
    # `/cases/{number}` would read `2024-313.csv` as a number
    takeaway.register(app, store, rows, query_of, base_url_of(base_url), templates)

    # -- pages --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def latest(request: Request):
        query = query_of(request)
        if "sort" not in request.query_params:  # 新着: what was added last, whatever its date
            query = query.with_(sort="added")
        result = store().search(query, facets=())
        return page(request, "latest.html", result=result, releases=rows(result.ids),
                    counts=store().counts(), params=dict(request.query_params))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request):
        query = query_of(request)
        result = store().search(query)
        return page(request, "search.html", result=result, releases=rows(result.ids, query),
                    query=query, base="/search", params=_params(query))

    @app.get("/releases/{release_id}", response_class=HTMLResponse, include_in_schema=False)
    def release_page(request: Request, release_id: str):
        release = _release(store(), release_id)
        number = store().case_numbers_of([release.id]).get(release.id)
        return page(request, "release.html", release=release, row=_row(release, number),
                    added=store().added_times([release.id]).get(release.id),
                    text=snippets.highlight(release.text, release.start, release.record.evidence,
                                            snippets.terms_of(request.query_params.get("q"))),
                    evidence=release.record.evidence,
                    **archive.release_context(store(), release))

    @app.get("/cases", response_class=HTMLResponse, include_in_schema=False)
    def cases_page(request: Request):
        try:
            listing = case_lists.listing(dict(request.query_params))
        except QueryError as error:
            raise HTTPException(400, str(error)) from None
        return page(request, "cases.html", **case_lists.page(store(), listing))

    @app.get("/cases/{number}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, number: str):
        case = _case(store(), number)
        if case.number != number:  # an alias, an old number or a source's number: one address
            return RedirectResponse(f"/cases/{case.number}", status_code=301)
        listed = Result(query_of(request).with_(per_page=TIMELINE_PAGE), len(case.reports), [])
        first = (listed.query.page - 1) * TIMELINE_PAGE
        shown = case.reports[first:first + TIMELINE_PAGE]
        return page(request, "case.html", case=case, shown=shown, listed=listed,
                    aliases=store().case_aliases(case.number),
                    references=store().case_references(case.number),
                    releases={r["id"]: r for r in rows([r.release_id for r in shown])})

    @app.get("/categories/{name}", response_class=HTMLResponse, include_in_schema=False)
    def category_page(request: Request, name: str):
        if name not in CATEGORIES:
            raise HTTPException(404, f"分類 {name} はありません")
        return listed_page(request, "category.html", f"/categories/{name}",
                           lambda query: query.with_(category=(name,)), name=name)

    @app.get("/organizations/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def organization_page(request: Request, name: str):
        return listed_page(request, "organization.html", f"/organizations/{quote(name, safe='')}",
                           lambda query: query.with_(organization=name), name=name,
                           missing=f"組織 {name} の公表はありません")

    def listed_page(request: Request, template: str, base: str, fixed, name: str,
                    facets: tuple[str, ...] = LIST_FACETS, missing: str | None = None):
        """A list of releases that one thing fixes (a category, an organisation, a vendor):
        the same facets, exclusions and pager as the search page."""
        query = query_of(request)
        result = store().search(fixed(query), facets=facets)
        if missing and not result.total and not query.params():
            raise HTTPException(404, missing)
        return page(request, template, name=name, result=result, query=query, base=base,
                    releases=rows(result.ids), params=_params(query))

    lists.register(app, store, listed_page, page)  # /vendors, /vendors/{name}, /categories

    @app.get("/stats", response_class=HTMLResponse, include_in_schema=False)
    def stats_page(request: Request):
        found = store().shared("statistics", lambda: statistics.statistics(store()))
        return page(request, "stats.html", stats=found, **statistics.charts(found))

    api.register(app, store, rows, query_of, release_of=_release, case_of=_case,
                 statistics=statistics.statistics, templates=templates)  # /api/ (web/api.py)
    taxii.register(app, store)  # read-only TAXII 2.1 at /taxii2/
    exports.register(app, store)  # GET /api/export/{format}
    sources_page.register(app, store, page)  # /sources and /api/sources (collect/)
    archive.register(app, store, page, _release)  # /releases/ID/source, /releases/ID/original

    # -- writing, only with a token -----------------------------------------------------
    if token:
        worker = writes.Worker(location, ingest_seconds)
        relinker = writes.Relinker(worker)
        worker.warm()
        weakref.finalize(app, worker.close)
        waiting = anyio.CapacityLimiter(32)  # POSTs wait for the worker in threads of their own

        @app.post("/api/ingest", tags=["ingest"],
                  summary="Store a release sent as the request body (needs the write token)")
        async def api_ingest(request: Request, source: str = "posted") -> dict:
            offered = request.headers.get("authorization", "")
            if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
                raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' is required")
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > max_body:
                    raise HTTPException(413, f"request body over {max_body} bytes")
            try:
                stored = await anyio.to_thread.run_sync(
                    worker.ingest, f"posted:{source}", bytes(body),
                    request.headers.get("content-type"), limiter=waiting)
            except InputError as error:
                raise HTTPException(422, str(error)) from None
            ticket = relinker.request()
            linked = await anyio.to_thread.run_sync(relinker.wait, ticket, limiter=waiting)
            return {"posts": stored.posts, "new": stored.new, "unchanged": stored.unchanged,
                    "cases": linked.line() if linked else "linking in progress"}

    reports.register(app, store, templates)
    review_pages.register(app, store, templates, token)  # /review, curation forms (token only)
    return app


class _Guard:
    """Refuses over-long bodies and query strings, and puts the security headers on every
    answer (a plain ASGI middleware: it costs next to nothing per request)."""

    def __init__(self, app, max_body: int,
                 refuse: Callable[[Any], Callable[[int, str], Response]]) -> None:
        self.app = app
        self.max_body = max_body
        self.refuse = refuse  # scope → (status, detail) → the error answer (web/errors.py)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length")
        if length and (not length.isdigit() or int(length) > self.max_body):
            refused = self.refuse(scope)(413, f"request body over {self.max_body} bytes")
        elif len(scope.get("query_string", b"")) > MAX_QUERY_STRING:
            refused = self.refuse(scope)(414, "query string too long")
        else:
            refused = None

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = _CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Frame-Options"] = "DENY"
            await send(message)

        await (refused or self.app)(scope, receive, with_headers)


def _params(query: Query) -> dict[str, Any]:
    """The words and order of a list, for the search boxes (facet links use `facets`)."""
    return {"q": query.q, "sort": query.sort}


def _row(release, number: str | None) -> dict:
    record = release.record
    return {"id": release.id, "case": number, **record.to_dict(),
            "casebook_heading": views.casebook_heading(record.case_id or number,
                                                       record.organization, record.title,
                                                       record.published)}


def _release(store, release_id: str):
    if len(release_id) < 6 or not all(c in "0123456789abcdef" for c in release_id.lower()):
        raise HTTPException(404, "release ids are hexadecimal, at least 6 characters")
    try:
        found = store.release(release_id)
    except JikenboError as error:
        raise HTTPException(400, str(error)) from None
    if found is None:
        raise HTTPException(404, f"release {release_id} not found")
    return found


def _case(store, number: str):
    try:
        return curate.summary(store, number)
    except JikenboError:
        raise HTTPException(404, f"case {number} not found") from None
