"""Index pages of what releases name: `/vendors` (each vendor or contractor with its count),
`/vendors/{name}` (the releases naming one, with facets and pages) and `/categories`
(each category with its Japanese label and count)."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from jikenbo.record import CATEGORIES
from jikenbo.store.search import Query, QueryError, Result, parse

VENDORS_PER_PAGE = 100


def register(app: FastAPI, store: Callable, listed_page: Callable, page: Callable) -> None:
    @app.get("/vendors", response_class=HTMLResponse, include_in_schema=False)
    def vendors_page(request: Request):
        try:
            asked = parse({"page": request.query_params.get("page") or "1",
                           "per_page": str(VENDORS_PER_PAGE)})
        except QueryError as error:
            raise HTTPException(400, str(error)) from None
        counted = store().search(Query(per_page=1), facets=("vendor",)).facets["vendor"]
        first = (asked.page - 1) * VENDORS_PER_PAGE
        return page(request, "vendors.html", vendors=counted[first:first + VENDORS_PER_PAGE],
                    result=Result(asked, len(counted), []), params={})

    @app.get("/vendors/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def vendor_page(request: Request, name: str):
        return listed_page(request, "vendor.html", f"/vendors/{quote(name, safe='')}",
                           lambda query: query.with_(vendor=(name,)), name=name,
                           missing=f"委託先・ベンダー {name} を挙げた公表はありません")

    @app.get("/categories", response_class=HTMLResponse, include_in_schema=False)
    def categories_page(request: Request):
        counted = dict(store().search(Query(per_page=1), facets=("category",)).facets["category"])
        return page(request, "categories.html", params={},
                    categories=[(name, counted.get(name, 0)) for name in CATEGORIES])
