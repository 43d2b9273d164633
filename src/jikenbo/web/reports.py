"""The annual report page, `/reports/{year}`, and its screen/print stylesheet; and what the case
and statistics pages show from assess/ (report chain, damage estimate, PPC reporting duty,
median days from discovery to first notice), given to their templates as functions."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from jikenbo.assess.chain import chain, median_days_to_first_notice
from jikenbo.assess.damage import estimate
from jikenbo.assess.ppc import reporting_duty
from jikenbo.cases import curate
from jikenbo.errors import JikenboError
from jikenbo.publish import annual, report

_YEAR = re.compile(r"(19|20)\d\d")


def register(app: FastAPI, store: Callable, templates: Jinja2Templates) -> None:
    templates.env.globals["case_assessment"] = lambda number: case_assessment(store(), number)
    templates.env.globals["discovery_medians"] = lambda: store().cached(
        "discovery-medians", lambda: median_days_to_first_notice(store()))

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


def case_assessment(store, number: str) -> dict[str, Any] | None:
    """The case's report chain, its JO damage estimate and each release's PPC reporting duty."""
    try:
        summary = curate.summary(store, number)
    except JikenboError:
        return None
    members = {release.id: release.record for release in store.case_releases(summary.number)}
    issuer = summary.organizations[0] if summary.organizations else summary.breached
    return {"chain": chain(summary, members),
            "damage": estimate(summary.data_types, summary.affected_total, issuer, "case"),
            "duties": [(item, reporting_duty(members[item.release_id]))
                       for item in summary.reports if item.release_id in members]}
