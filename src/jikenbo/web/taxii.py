"""A read-only TAXII 2.1 server: one API root (`/taxii2/casebook/`) with one collection, the
casebook's STIX objects as `jikenbo export --format stix` writes them (incidents only).

OpenCTI's and MISP's TAXII connectors poll it with `added_after`; objects are paged by `limit`
and `next`, oldest first. An object is "added" when the newest release of its case was stored,
so a poll after an ingest brings the cases that changed. Nothing can be written.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from jikenbo.export import RENDERERS, Filters, Options, select
from jikenbo.export.casebook import NAMESPACE
from jikenbo.export.stix import dated_objects

TAXII = "application/taxii+json;version=2.1"
STIX = RENDERERS["stix"].media_type
ROOT = "/taxii2/casebook/"
COLLECTION = str(uuid.uuid5(NAMESPACE, "taxii collection casebook"))
MAX_PAGE = 500
_TITLE = "jikenbo 事件簿"


def register(app: FastAPI, store: Callable[[], Any]) -> None:
    """Add the TAXII routes to `app`; `store()` gives this thread's store."""

    def answer(request: Request, body: dict, status: int = 200,
               headers: dict[str, str] | None = None) -> Response:
        if not _acceptable(request.headers.get("accept", "")):
            body, status = _error(406, "this server answers application/taxii+json;version=2.1"), 406
        return Response(json.dumps(body, ensure_ascii=False), status, headers, media_type=TAXII)

    def collection(request: Request, collection_id: str) -> Response | None:
        if collection_id != COLLECTION:
            return answer(request, _error(404, f"no collection {collection_id}"), 404)
        return None

    @app.get("/taxii2/", tags=["taxii"], summary="TAXII 2.1 discovery")
    def discovery(request: Request) -> Response:
        root = str(request.base_url).rstrip("/") + ROOT
        return answer(request, {"title": _TITLE, "description": "read-only TAXII 2.1",
                                "default": root, "api_roots": [root]})

    @app.get(ROOT, tags=["taxii"], summary="TAXII 2.1 API root")
    def api_root(request: Request) -> Response:
        return answer(request, {"title": _TITLE, "versions": [TAXII],
                                "max_content_length": 0})

    @app.get(ROOT + "collections/", tags=["taxii"], summary="TAXII collections")
    def collections(request: Request) -> Response:
        return answer(request, {"collections": [_collection_info()]})

    @app.get(ROOT + "collections/{collection_id}/", tags=["taxii"], summary="TAXII collection")
    def one_collection(request: Request, collection_id: str) -> Response:
        return collection(request, collection_id) or answer(request, _collection_info())

    @app.get(ROOT + "collections/{collection_id}/objects/", tags=["taxii"],
             summary="STIX objects of the collection, paged, filtered by added_after")
    def objects(request: Request, collection_id: str) -> Response:
        return collection(request, collection_id) or _page(request, answer, store, None, False)

    @app.get(ROOT + "collections/{collection_id}/objects/{object_id}/", tags=["taxii"],
             summary="One STIX object of the collection")
    def one_object(request: Request, collection_id: str, object_id: str) -> Response:
        return collection(request, collection_id) or _page(request, answer, store, object_id,
                                                           False)

    @app.get(ROOT + "collections/{collection_id}/manifest/", tags=["taxii"],
             summary="Manifest of the collection's objects")
    def manifest(request: Request, collection_id: str) -> Response:
        return collection(request, collection_id) or _page(request, answer, store, None, True)


def _page(request: Request, answer, store, object_id: str | None, as_manifest: bool) -> Response:
    """One page of objects (or their manifest) after the request's filters."""
    params = request.query_params
    try:
        after = _moment(params.get("added_after"))
        limit = min(int(params.get("limit") or 100), MAX_PAGE)
        start = int(params.get("next") or 0)
        if limit < 1 or start < 0:
            raise ValueError
    except ValueError:
        return answer(request, _error(400, "added_after must be a timestamp; limit and next "
                                           "positive numbers"), 400)
    wanted_ids = {object_id} if object_id else set(_listed(params.get("match[id]")))
    wanted_types = set(_listed(params.get("match[type]")))
    rows = [row for row in store().cached("taxii", lambda: _catalogue(store()))
            if (after is None or row[0] > after)
            and (not wanted_ids or row[1]["id"] in wanted_ids)
            and (not wanted_types or row[1]["type"] in wanted_types)]
    if object_id and not rows:
        return answer(request, _error(404, f"no object {object_id}"), 404)
    shown = rows[start:start + limit]
    more = start + limit < len(rows)
    body: dict[str, Any] = {"more": more}
    if more:
        body["next"] = str(start + limit)
    if shown:
        key = "objects"
        body[key] = ([{"id": o["id"], "date_added": _text(added), "media_type": STIX,
                       "version": o.get("modified", o.get("created", _text(added)))}
                      for added, o in shown] if as_manifest else [o for _, o in shown])
    headers = {"X-TAXII-Date-Added-First": _text(shown[0][0]),
               "X-TAXII-Date-Added-Last": _text(shown[-1][0])} if shown else {}
    return answer(request, body, headers=headers)


def _catalogue(store) -> list[tuple[datetime, dict]]:
    """Every STIX object of the casebook with when it was added, oldest first."""
    releases, cases = select(store, Filters())
    found = dated_objects(releases, cases, Options(added=store.stored_times()))
    rows = [(added, json.loads(item.serialize())) for added, item in found]
    return sorted(rows, key=lambda row: (row[0], row[1]["id"]))


def _collection_info() -> dict:
    return {"id": COLLECTION, "title": "事件簿 (casebook)", "can_read": True, "can_write": False,
            "description": "One incident per case, a report per release (STIX 2.1).",
            "media_types": [STIX]}


def _acceptable(accept: str) -> bool:
    """True for TAXII 2.1 JSON, any JSON-ish wildcard, or no Accept header at all."""
    if not accept.strip():
        return True
    for offer in accept.split(","):
        kind, *rest = [part.strip() for part in offer.split(";")]
        version = next((p.split("=", 1)[1] for p in rest if p.startswith("version=")), "2.1")
        if kind in ("*/*", "application/*") or (kind == "application/taxii+json"
                                                  and version == "2.1"):
            return True
    return False


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=moment.tzinfo or timezone.utc)


def _text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _listed(value: str | None) -> list[str]:
    return [item for item in (value or "").split(",") if item]


def _error(status: int, title: str) -> dict:
    return {"title": title, "http_status": str(status)}
