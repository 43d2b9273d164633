"""Take a list away: every list page's matching rows as CSV and JSON, and an Atom feed of the
same filter; all of them answer conditional GET.

CSV and JSON hold *all* matching rows, not the page on screen, so they are streamed: the store is
read a chunk of rows at a time while the answer is being sent, and never all at once. CSV is
UTF-8 with a byte-order mark (Excel opens Japanese only with one), the export's columns and cells
(export/csv.py), Japanese headers unless `labels=en`.

| list          | page                   | CSV / JSON                         | feed                          |
|---------------|------------------------|------------------------------------|-------------------------------|
| search        | /search?…              | /search.csv?…                      | /feeds/search.atom?…          |
| category      | /categories/{name}     | /categories/{name}.csv             | /feeds/categories/{name}.atom |
| organisation  | /organizations/{name}  | /organizations/{name}.csv          | /feeds/organizations/{n}.atom |
| vendor        | /vendors/{name}        | /vendors/{name}.csv                | /feeds/vendors/{name}.atom    |
| case          | /cases/{number}        | /cases/{number}.csv                | /feeds/cases/{number}.atom    |
| cases         | /cases?year=           | /cases.csv (a row per case)        | —                             |
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from jikenbo.errors import JikenboError
from jikenbo.export import Options
from jikenbo.export import csv as csv_export
from jikenbo.export.casebook import source_text
from jikenbo.record import CATEGORIES
from jikenbo.store.search import Query
from jikenbo.web import feeds
from jikenbo.web.api import case_rows
from jikenbo.web.conditional import HeadAsGet, not_modified, validators
from jikenbo.web.models import ATOM, ERRORS
from jikenbo.web.views import label

CHUNK = 500  # rows read from the store at a time while streaming
FEED_SIZE = 50
# The case list's CSV: (column, Japanese header); lists are joined as the export joins them.
CASE_COLUMNS = (("number", "事件番号"), ("releases", "公表数"), ("first", "初報"),
                ("latest", "最新"), ("organizations", "組織"), ("references", "参照番号"),
                ("affected", "影響件数"), ("contractor", "委託先の件数"))
# The lists that can be taken away; the address of the page without `.csv` names the list.
_LIST_PAGE = re.compile(r"/(?:search|cases|(?:cases|categories|organizations|vendors)/[^/]{1,200})")
_PAGER = ("page", "per_page")


def _parameter(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _one_of(model: str) -> dict:
    return {"anyOf": [{"$ref": f"#/components/schemas/{model}"}, {"type": "null"}]}


# The search's filters, documented on the search's take-aways (the API's own enums).
_FILTERS = (_parameter("q", {"type": "string"}), _parameter("category", _one_of("Category")),
            _parameter("data_type", _one_of("DataType")),
            _parameter("leak", _one_of("LeakStatus")),
            _parameter("supply_chain", {"type": "boolean"}),
            *(_parameter(name, {"type": "string"}) for name in
              ("year", "month", "organization", "vendor")),
            _parameter("sort", {"$ref": "#/components/schemas/Sort"}))
_LABELS = _parameter("labels", {"enum": ["ja", "en"], "default": "ja", "type": "string"})


def register(app: FastAPI, store: Callable[[], Any], rows: Callable[..., list[dict]],
             query_of: Callable[[Request], Query], base_url: str, templates: Any) -> None:
    """The take-away routes. Call before the page routes: `/cases/{number}` would otherwise
    read `2024-313.csv` as a case number."""
    lists = _Lists(store, query_of)
    takeaway = _Takeaway(store, rows, base_url)
    templates.env.globals["takeaway"] = links
    app.add_middleware(HeadAsGet)
    for kind, prefix in (("search", "/search"), ("category", "/categories/{name}"),
                         ("organization", "/organizations/{name}"),
                         ("vendor", "/vendors/{name}"), ("case", "/cases/{name}")):
        finder, named = getattr(lists, kind), kind != "search"
        filters = [] if named else list(_FILTERS)
        for suffix, media in (("csv", "text/csv"), ("json", "application/json")):
            app.add_api_route(f"{prefix}.{suffix}", _endpoint(takeaway.export(finder, suffix),
                                                                named),
                              methods=["GET"], tags=["take away"], response_class=Response,
                              responses={**ERRORS, 200: {"content": {media: {}}}},
                              openapi_extra={"parameters": filters + (
                                  [_LABELS] if suffix == "csv" else [])},
                              summary=f"Every release of the {kind} list as {suffix.upper()}")
        feed = "/feeds/search.atom" if kind == "search" else f"/feeds{prefix}.atom"
        app.add_api_route(feed, _endpoint(takeaway.feed(finder), named), methods=["GET"],
                          tags=["feeds"], openapi_extra={"parameters": filters},
                          response_class=Response, responses={**ERRORS, **ATOM},
                          summary=f"Atom feed of the {kind} list, newest added first")
    app.add_api_route("/feeds/releases.atom", _endpoint(takeaway.feed(lists.everything), False),
                      methods=["GET"],
                      tags=["feeds"], response_class=Response, responses={**ERRORS, **ATOM},
                      summary="Atom feed of new releases")
    for suffix, media in (("csv", "text/csv"), ("json", "application/json")):
        app.add_api_route(f"/cases.{suffix}", takeaway.cases(suffix), methods=["GET"],
                          tags=["take away"], response_class=Response,
                          responses={**ERRORS, 200: {"content": {media: {}}}},
                          summary=f"Every case of the case list as {suffix.upper()}")


class _Lists:
    """Each list as (title, page address, query); 404 for a list that does not exist."""

    def __init__(self, store: Callable[[], Any], query_of: Callable[[Request], Query]) -> None:
        self.store, self.query_of = store, query_of

    def everything(self, request: Request, name: str = "") -> tuple[str, str, Query]:
        return "新着", "", Query(sort="added")

    def search(self, request: Request, name: str = "") -> tuple[str, str, Query]:
        query = self.query_of(request)
        return f"検索「{query.q}」" if query.q else "検索", _page("search", request), query

    def category(self, request: Request, name: str) -> tuple[str, str, Query]:
        if name not in CATEGORIES:
            raise HTTPException(404, f"分類 {name} はありません")
        return (label("category", name), f"categories/{name}",
                self.query_of(request).with_(category=(name,)))

    def organization(self, request: Request, name: str) -> tuple[str, str, Query]:
        query = self.query_of(request).with_(organization=name)
        return name, f"organizations/{quote(name)}", self._found(query, f"組織 {name}")

    def vendor(self, request: Request, name: str) -> tuple[str, str, Query]:
        query = self.query_of(request).with_(vendor=(name,))
        return f"委託先・ベンダー {name}", f"vendors/{quote(name)}", self._found(
            query, f"委託先・ベンダー {name}")

    def case(self, request: Request, name: str) -> tuple[str, str, Query]:
        try:
            number = self.store().resolve_case(name)
        except JikenboError:
            raise HTTPException(404, f"事件 {name} はありません") from None
        query = self.query_of(request).with_(case=number)
        return f"事件 {number}", f"cases/{quote(number)}", self._found(query, f"事件 {name}")

    def _found(self, query: Query, what: str) -> Query:
        if not self.store().search(query.with_(page=1, per_page=1), facets=()).total:
            raise HTTPException(404, f"{what} の公表はありません")
        return query


class _Takeaway:
    def __init__(self, store: Callable[[], Any], rows: Callable[..., list[dict]],
                 base_url: str) -> None:
        self.store, self.rows, self.base_url = store, rows, base_url

    def export(self, finder: Callable, suffix: str) -> Callable:
        def download(request: Request, name: str) -> Response:
            title, page, query = finder(request, name)
            etag, modified = validators(self.store(), request)
            if not_modified(request.headers, etag, modified):
                return _not_modified(etag, modified)
            labels = "en" if request.query_params.get("labels") == "en" else "ja"
            body = (self._csv(query, labels) if suffix == "csv" else
                    self._json(query))
            return StreamingResponse(body, media_type=_MEDIA[suffix], headers={
                **_validator_headers(etag, modified),
                "Content-Disposition": _attachment(page or "releases", suffix)})
        return download

    def feed(self, finder: Callable) -> Callable:
        def atom(request: Request, name: str) -> Response:
            title, page, query = finder(request, name)
            etag, modified = validators(self.store(), request)
            if not_modified(request.headers, etag, modified):
                return _not_modified(etag, modified)
            newest = self.store().search(query.with_(sort="added", page=1, per_page=FEED_SIZE),
                                         facets=())
            path = request.url.path.lstrip("/") + (f"?{request.url.query}" if request.url.query
                                                   else "")
            return Response(feeds.atom(self.base_url, f"jikenbo 事件簿: {title}", path,
                                       self.rows(newest.ids), page),
                            media_type="application/atom+xml; charset=utf-8",
                            headers=_validator_headers(etag, modified))
        return atom

    def cases(self, suffix: str) -> Callable:
        def download(request: Request, year: str | None = None) -> Response:
            if year and not (year.isdigit() and len(year) == 4):
                raise HTTPException(400, "year must be four digits")
            etag, modified = validators(self.store(), request)
            if not_modified(request.headers, etag, modified):
                return _not_modified(etag, modified)
            chunks = (self._case_csv(year) if suffix == "csv" else
                      _json_items(self.store().case_total(year), self._case_chunks(year)))
            return StreamingResponse(chunks, media_type=_MEDIA[suffix], headers={
                **_validator_headers(etag, modified),
                "Content-Disposition": _attachment(f"cases-{year}" if year else "cases", suffix)})
        return download

    def _chunks(self, query: Query) -> Iterator[list[str]]:
        """The ids of every match, CHUNK at a time (each chunk a search of its own, so that
        no more than CHUNK rows are held)."""
        number = 1
        while True:
            found = self.store().search(query.with_(page=number, per_page=CHUNK), facets=())
            if found.ids:
                yield found.ids
            if number * CHUNK >= found.total or not found.ids:
                return
            number += 1

    def _csv(self, query: Query, labels: str) -> Iterator[bytes]:
        options = Options(labels=labels)
        yield _csv_line(csv_export.header(labels), bom=True)
        for ids in self._chunks(query):
            store = self.store()
            cases = store.case_numbers_of(ids)
            out = io.StringIO(newline="")
            writer = csv.writer(out, lineterminator="\r\n")
            for release in store.releases_by_id(ids):
                row = {"id": release.id, **release.record.to_dict(),
                       "case": cases.get(release.id),
                       "source": source_text(release.source_locator)}
                writer.writerow([csv_export.cell(row[name], name, options)
                                 for name in csv_export.COLUMNS])
            yield out.getvalue().encode("utf-8")

    def _json(self, query: Query) -> Iterator[bytes]:
        total = self.store().search(query.with_(page=1, per_page=1), facets=()).total
        yield from _json_items(total, (self.rows(ids) for ids in self._chunks(query)))

    def _case_chunks(self, year: str | None) -> Iterator[list[dict]]:
        offset = 0
        while True:
            listed = case_rows(self.store(), year, CHUNK, offset)
            if not listed:
                return
            yield listed
            offset += CHUNK

    def _case_csv(self, year: str | None) -> Iterator[bytes]:
        yield _csv_line([header for _, header in CASE_COLUMNS], bom=True)
        options = Options(labels="ja")
        for listed in self._case_chunks(year):
            out = io.StringIO(newline="")
            writer = csv.writer(out, lineterminator="\r\n")
            for row in listed:
                writer.writerow([csv_export.cell(row[name], name, options)
                                 for name, _ in CASE_COLUMNS])
            yield out.getvalue().encode("utf-8")


_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _endpoint(handle: Callable[[Request, str], Response], named: bool) -> Callable:
    """`handle` as a route function whose signature FastAPI reads: with the path's `{name}`,
    or (search, new releases) without one, so that no stray parameter is documented."""
    if named:
        def with_name(request: Request, name: str) -> Response:
            return handle(request, name)
        return with_name

    def without(request: Request) -> Response:
        return handle(request, "")
    return without


def links(request: Request) -> dict[str, str] | None:
    """The take-away addresses of the list page `request` shows (None on other pages), with
    the page's filters but not its pager: `/search?q=x&page=2` → `/search.csv?q=x` …"""
    path = request.url.path
    if not _LIST_PAGE.fullmatch(path):
        return None
    kept = urlencode([(key, value) for key, value in request.query_params.multi_items()
                      if key not in _PAGER and value])
    query = f"?{kept}" if kept else ""
    address = quote(path)
    found = {"csv": f"{address}.csv{query}", "json": f"{address}.json{query}"}
    if path != "/cases":
        found["atom"] = f"/feeds{address}.atom{query}"
    return found


def _page(path: str, request: Request) -> str:
    kept = urlencode([(key, value) for key, value in request.query_params.multi_items()
                      if key not in _PAGER])
    return f"{path}?{kept}" if kept else path


def _json_items(total: int, chunks: Iterator[list[dict]]) -> Iterator[bytes]:
    """`{"total": N, "items": [...]}`, written a chunk at a time."""
    yield f'{{"total": {total}, "items": ['.encode()
    first = True
    for items in chunks:
        text = ", ".join(json.dumps(item, ensure_ascii=False) for item in items)
        yield (text if first else ", " + text).encode("utf-8")
        first = False
    yield b"]}"


def _csv_line(cells: list[str], bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return ("\ufeff" if bom else "").encode("utf-8") + out.getvalue().encode("utf-8")


def _attachment(page: str, suffix: str) -> str:
    """A file name for the download: ASCII for old clients, the list's own name beside it."""
    name = "jikenbo-" + unquote(urlsplit(page).path).replace("/", "-")
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80]
    return (f'attachment; filename="{plain}.{suffix}"; '
            f"filename*=UTF-8''{quote(name, safe='')}.{suffix}")


def _validator_headers(etag: str, modified: str | None) -> dict[str, str]:
    return {"ETag": etag, **({"Last-Modified": modified} if modified else {})}


def _not_modified(etag: str, modified: str | None) -> Response:
    return Response(status_code=304, headers=_validator_headers(etag, modified))

