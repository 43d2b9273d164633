"""Curation on the web: the review queue (/review), the curation block of the release page, the
extractor's accuracy on reviewed releases (/stats), and — only when a write token is configured
— the POST routes that correct fields, mark a release 確認済み and undo a curator action.

Writes are POST forms only (nothing changes on a GET). The first one carries the write token in
a form field; a valid token is then remembered in an HttpOnly, SameSite=Strict cookie holding an
HMAC of the token (never the token itself), which a form on another site cannot send. A POST
whose Origin is another site is refused as well.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import anyio
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from jikenbo import curation
from jikenbo.cases import curate
from jikenbo.curation import gold
from jikenbo.curation.fields import LIST_FIELDS, PARSERS, parse_value, shown
from jikenbo.errors import JikenboError
from jikenbo.record import DATA_TYPES, LEAK_STATUSES
from jikenbo.web import views

COOKIE = "jikenbo_curator"
MAX_FORM = 64_000  # bytes of one curation form
QUEUE_SHOWN = 50  # releases listed on /review (least sure first)
LOG_SHOWN = 30  # latest curator actions listed on /review
FIELD_LABELS = {**views.LABELS["field"], "discovered": "覚知日"}
GRADE_LABELS = {"fallback": "既定値", "inferred": "推定", "stated": "明記"}
CHOICE_FIELDS = {"categories": "category", "data_types": "data_type"}  # checkboxes, label kind


def register(app: FastAPI, store: Callable, templates: Jinja2Templates,
             token: str | None) -> None:
    templates.env.globals.update(
        curation_of=lambda release: curation_view(store(), release),
        reviewed_accuracy=lambda: store().cached("reviewed-accuracy",
                                                 lambda: gold.reviewed_accuracy(store())),
        curator=lambda request: signed_in(request, token), curation_writable=bool(token),
        FIELD_LABELS=FIELD_LABELS, GRADE_LABELS=GRADE_LABELS, CHOICE_FIELDS=CHOICE_FIELDS,
        ACCURACY_FIELDS=gold.ACCURACY_FIELDS, DATA_TYPES=DATA_TYPES, LEAK_STATUSES=LEAK_STATUSES)

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request):
        items = curation.queue(store())
        return templates.TemplateResponse(request, "review.html", {
            "items": [_queue_row(item) for item in items[:QUEUE_SHOWN]], "total": len(items),
            "actions": list(reversed(store().actions()))[:LOG_SHOWN]})

    if not token:
        return

    @app.post("/releases/{release_id}/correct", include_in_schema=False)
    async def correct(request: Request, release_id: str):
        form = await _authorised_form(request, token)

        def work() -> curation.Outcome:  # every value is checked before anything is stored
            values = {field: parse_value(field, _typed(form, field)) for field in PARSERS
                      if field in form}
            return curation.correct_values(store(), release_id, values, _one(form, "note"),
                                           reviewed=_one(form, "reviewed") == "1")
        await _run(work)
        return _back(f"/releases/{release_id}#curation", form, token)

    @app.post("/releases/{release_id}/review", include_in_schema=False)
    async def review(request: Request, release_id: str):
        form = await _authorised_form(request, token)
        await _run(curation.review, store(), release_id, _one(form, "note"))
        return _back(f"/releases/{release_id}#curation", form, token)

    @app.post("/review/undo", include_in_schema=False)
    async def undo(request: Request):
        form = await _authorised_form(request, token)
        action = _one(form, "action")
        if not action.isdigit():
            raise HTTPException(400, "取り消す操作の番号がありません")
        await _run(curate.undo, store(), int(action))
        return _back(_local(_one(form, "next")) or "/review", form, token)


def curation_view(store, release) -> dict[str, Any]:
    """What the release page shows of curation: review state, the corrected fields beside the
    extractor's values, the fields still to check, and the edit form's current values."""
    review = store.reviews([release.id]).get(release.id)
    corrected = store.corrections_in_force([release.id]).get(release.id, {})
    record = release.record.to_dict()
    return {
        "state": curation.REVIEW_STATES[review is not None], "review": review,
        "corrections": [{"field": field, "value": displayed(field, item.value),
                         "extracted": displayed(field, item.extracted), "note": item.note,
                         "at": item.created_at, "action": item.action_id}
                        for field, item in corrected.items()],
        "unsure": curation.unsure_fields(release.record, corrected),
        "current": {field: shown(field, record.get(field)) for field in PARSERS},
        "chosen": {field: set(record.get(field) or ()) for field in CHOICE_FIELDS},
    }


def displayed(field: str, value: Any) -> str:
    """A field value in the page's words: Japanese labels for ids, はい/いいえ, - for none."""
    if field in CHOICE_FIELDS:
        return "、".join(views.label(CHOICE_FIELDS[field], item) for item in value or ()) or "-"
    if field == "leak_status":
        return views.label("leak", value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return shown(field, value) or "-"


def signed_in(request: Request, token: str | None) -> bool:
    """Whether the request carries the cookie a valid token was exchanged for."""
    offered = request.cookies.get(COOKIE, "")
    return bool(token) and hmac.compare_digest(offered.encode(), _cookie_value(token).encode())


def _queue_row(item: curation.QueueItem) -> dict[str, Any]:
    record = item.release.record
    return {"id": item.release.id, "organization": record.organization, "title": record.title,
            "published": record.published, "unsure": item.unsure,
            "heading": views.casebook_heading(record.case_id, record.organization,
                                              record.title, record.published)}


async def _authorised_form(request: Request, token: str) -> dict[str, list[str]]:
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "他のサイトからの書き込みは受け付けません")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise HTTPException(413, f"フォームが {MAX_FORM} バイトを超えています")
    form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=200)
    offered = _one(form, "token")
    if offered and hmac.compare_digest(offered.encode(), token.encode()):
        return form
    if not offered and signed_in(request, token):
        return form
    raise HTTPException(401, "書き込みトークンが正しくありません(サーバーの JIKENBO_TOKEN)")


async def _run(work: Callable, *arguments: Any) -> Any:
    """A curator action in a worker thread; a user error becomes a 400 page with its message."""
    try:
        return await anyio.to_thread.run_sync(lambda: work(*arguments))
    except JikenboError as error:
        raise HTTPException(400, str(error)) from None


def _back(url: str, form: dict[str, list[str]], token: str) -> RedirectResponse:
    """See the result (303: the browser GETs it); remember a token given in the form."""
    response = RedirectResponse(url, status_code=303)
    if _one(form, "token"):
        response.set_cookie(COOKIE, _cookie_value(token), httponly=True, samesite="strict",
                            path="/")
    return response


def _cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"jikenbo curator cookie", hashlib.sha256).hexdigest()


def _typed(form: dict[str, list[str]], field: str) -> str:
    """A field's typed text; checkbox lists arrive as several values (and one empty one)."""
    values = form.get(field, [""])
    return ",".join(values) if field in LIST_FIELDS else values[-1]


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[-1].strip()


def _local(url: str) -> str | None:
    """Only a path of this site is followed after a write (never another site)."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else None
