"""The annual report page, `/reports/{year}`, and its screen/print stylesheet."""
from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from jikenbo.publish import annual, report

_YEAR = re.compile(r"(19|20)\d\d")


def register(app: FastAPI, store: Callable, templates: Jinja2Templates) -> None:
    @app.get("/reports/report.css", include_in_schema=False)
    def report_css() -> Response:
        return Response(report.stylesheet(), media_type="text/css")

    @app.get("/reports/{year}", response_class=HTMLResponse, include_in_schema=False)
    def annual_page(request: Request, year: str):
        if not _YEAR.fullmatch(year):
            raise HTTPException(404, "年は 2024 のように4桁で指定してください")
        found = store().cached(f"annual-{year}", lambda: annual.annual_report(store(), year))
        if not found.releases:
            raise HTTPException(404, f"{year}年の公表はありません")
        return templates.TemplateResponse(request, "report.html",
                                          {"report": found, "section": report.html_section(found)})
