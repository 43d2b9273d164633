"""Downloads: `GET /api/export/{format}` renders the casebook with the same renderers and
filters as `jikenbo export` (the table `export.RENDERERS` serves both)."""
from __future__ import annotations

import io
from typing import Any, Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

from jikenbo import export
from jikenbo.errors import UsageError
from jikenbo.web.models import ERRORS


def register(app: FastAPI, store: Callable[[], Any]) -> None:
    @app.get("/api/export/{name}", tags=["export"], response_class=Response,
             summary="The casebook as jsonl, csv, stix, misp or veris (filters as the CLI's)",
             responses={**ERRORS, 200: {"content": {
                 r.media_type.split(";")[0]: {} for r in export.RENDERERS.values()}}})
    def download(request: Request, name: str) -> Response:
        renderer = export.RENDERERS.get(name)
        if renderer is None:
            raise HTTPException(404, f"no format {name!r}; one of {', '.join(export.RENDERERS)}")
        params = request.query_params
        encoding = params.get("encoding") or renderer.encoding
        if encoding not in export.ENCODINGS or (encoding != renderer.encoding and name != "csv"):
            raise HTTPException(400, "encoding is utf-8-sig, utf-8 or cp932, for csv only")
        chosen = params.get("incidents_only")
        filters = export.Filters(
            params.get("q", ""), params.get("category") or None,
            params.get("organization") or None, params.get("vendor") or None,
            params.get("since") or None, params.get("until") or None,
            params.get("case") or None,
            renderer.incidents or chosen == "true")
        try:
            releases, cases = export.select(store(), filters)
        except UsageError as error:
            raise HTTPException(400, str(error)) from None
        options = export.Options(labels="ja" if params.get("labels") == "ja" else "en",
                                 added=store().stored_times())
        out = io.StringIO(newline="")
        renderer.render(releases, cases, out, options)
        body = out.getvalue().encode(export.ENCODINGS[encoding],
                                     errors="replace" if encoding == "cp932" else "strict")
        charset = "shift_jis" if encoding == "cp932" else "utf-8"
        return Response(body, media_type=f"{renderer.media_type}; charset={charset}",
                        headers={"Content-Disposition":
                                 f'attachment; filename="jikenbo{renderer.suffix}"'})
