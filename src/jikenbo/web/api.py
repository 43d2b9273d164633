"""The JSON API under /api/: releases, search, cases and statistics, each answer a pydantic model
(web/models.py) so that the OpenAPI document types every response, every error one shape.

Errors (web/errors.py): a browser gets the Japanese error page, a program (under /api/, a feed, a
CSV or JSON download) gets `{"error": {"status", "message"}}`, also for a parameter FastAPI itself
rejects (400, not FastAPI's 422 and shape).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import FastAPI, Query as Param, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from jikenbo.cases.affected import case_figures
from jikenbo.web.models import (ERRORS, SearchFilters, Case, CasePage, ReleaseDetail, ReleasePage, SearchPage, Statistics)

MAX_PER_PAGE = 100
DOCS_ASSETS = "/api/docs/assets"


def register(app: FastAPI, store: Callable[[], Any], rows: Callable[..., list[dict]],
             query_of: Callable[[Request], Any], release_of: Callable[[Any, str], Any],
             case_of: Callable[[Any, str], Any], statistics: Callable[[Any], dict],
             templates: Any) -> None:
    """The API routes over `store()`; `rows` turns release ids into list rows, `query_of`
    parses a request's search parameters, the others find a release, a case, the statistics
    (or raise the HTTPException a page would); and the API reference page, /api/docs."""
    _reference_page(app, templates)

    @app.get("/api/releases", tags=["releases"], summary="Releases, filtered as in search",
             response_model=ReleasePage, responses=ERRORS)
    def api_releases(request: Request, filters: Annotated[SearchFilters, Param()]) -> dict:
        query = query_of(request)
        result = store().search(query, facets=())
        return {"total": result.total, "page": query.page, "pages": result.pages,
                "items": rows(result.ids)}

    @app.get("/api/search", tags=["releases"], summary="Full-text search with facet counts",
             response_model=SearchPage, responses=ERRORS)
    def api_search(request: Request, filters: Annotated[SearchFilters, Param()]) -> dict:
        query = query_of(request)
        result = store().search(query)
        return {"total": result.total, "page": query.page, "pages": result.pages,
                "items": rows(result.ids, query),
                "facets": {name: dict(values) for name, values in result.facets.items()}}

    @app.get("/api/releases/{release_id}", tags=["releases"], summary="One release",
             response_model=ReleaseDetail, responses=ERRORS)
    def api_release(release_id: str) -> dict:
        release = release_of(store(), release_id)
        return {**rows([release.id])[0],
                "evidence": release.record.to_dict(with_evidence=True)["evidence"],
                "text": release.text}

    @app.get("/api/cases", tags=["cases"], summary="Cases in number order, a page at a time",
             response_model=CasePage, responses=ERRORS)
    def api_cases(year: str | None = Param(None, pattern=r"^\d{4}$"),
                  page: int = Param(1, ge=1, le=10_000),
                  per_page: int = Param(20, ge=1, le=MAX_PER_PAGE)) -> dict:
        total = store().case_total(year)
        return {"total": total, "page": page, "pages": max(1, -(-total // per_page)),
                "items": case_rows(store(), year, per_page, (page - 1) * per_page)}

    @app.get("/api/cases/{number}", tags=["cases"], summary="One case record",
             response_model=Case, responses=ERRORS)
    def api_case(number: str) -> dict:
        return asdict(case_of(store(), number))

    @app.get("/api/stats", tags=["statistics"], summary="Casebook statistics",
             response_model=Statistics, responses=ERRORS)
    def api_stats() -> dict:
        return store().shared("statistics", lambda: statistics(store()))

    _documented_errors_only(app)


def case_rows(store: Any, year: str | None, limit: int | None, offset: int = 0) -> list[dict]:
    """The case list's rows (models.CaseRow): `limit` cases from `offset`, in number order."""
    listed = store.case_list(year, limit, offset)
    figures = case_figures(store, [row["number"] for row in listed])
    return [{"number": row["number"], "releases": row["releases"], "first": row["first"],
             "latest": row["latest"], "organizations": _names(row["organizations"]),
             "references": _names(row["refs"]), "affected": figures[row["number"]].total,
             "contractor": figures[row["number"]].contractor} for row in listed]


def _names(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _reference_page(app: FastAPI, templates: Any) -> None:
    """/api/docs: Swagger UI from the swagger-ui-bundle package, served by this server (no
    CDN), started by static/api_docs.js (no inline script, so the CSP holds)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def reference(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "api_docs.html", {
            "assets": DOCS_ASSETS, "openapi_url": app.openapi_url})


def _documented_errors_only(app: FastAPI) -> None:
    """The OpenAPI document without FastAPI's 422 (a rejected parameter answers 400 here)."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document = generate()
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            schemas = document.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
