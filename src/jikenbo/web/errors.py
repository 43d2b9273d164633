"""Error answers: a Japanese HTML page for people, JSON for programs.

A request gets the page when it asks for HTML (a browser's Accept header) or when its address is
not one programs use (/api/, /feeds/, /taxii2/, a list's .csv/.json/.atom); otherwise the API's
one error shape, `{"error": {"status": …, "message": …}}` (web/models.py `api_error`). Every refusal goes through here — HTTP errors, unknown routes and methods,
invalid parameters, a busy database, and the size limits the ASGI guard applies before routing.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException

from jikenbo.errors import StoreBusy
from jikenbo.web.models import api_error

MACHINE_PATHS = ("/api/", "/feeds/", "/taxii2/")
DOWNLOADS = (".csv", ".json", ".atom")  # a list taken away: /search.csv, /cases/J2024-0008.atom
RETRY_AFTER = "5"  # seconds a client is asked to wait when the database is busy
BUSY = "the database is busy; try again shortly"
# status → (heading, what the reader can do about it)
TITLES: dict[int, tuple[str, str]] = {
    400: ("リクエストが正しくありません", "検索条件やアドレスを確かめて、もう一度お試しください。"),
    401: ("認証が必要です", "この操作には書き込み用のトークンが必要です。"),
    404: ("ページが見つかりません", "アドレスが間違っているか、ページが移動・削除された可能性があります。"),
    405: ("この方法では利用できません", "このアドレスはこの HTTP メソッドに対応していません。"),
    413: ("送信された内容が大きすぎます", "送信する内容を小さくして、もう一度お試しください。"),
    414: ("アドレス(検索条件)が長すぎます", "検索条件を減らすか短くして、もう一度お試しください。"),
    422: ("リクエストが正しくありません", "送信された内容を処理できませんでした。"),
    503: ("ただいま混み合っています", "データベースが他の処理で使われています。しばらくしてから、もう一度お試しください。"),
}
OTHER = ("エラーが発生しました", "しばらくしてから、もう一度お試しください。")
STOCK = {"Not Found", "Method Not Allowed", "Bad Request", "Unauthorized", BUSY}


def wants_html(path: str, accept: str) -> bool:
    """`/search` from anyone, or `/api/…` from a browser (Accept: text/html…): the page;
    `/api/…` from a program (Accept: */* or application/json): JSON."""
    return "text/html" in accept or not (path.startswith(MACHINE_PATHS)
                                         or path.endswith(DOWNLOADS))


class ErrorPages:
    """Renders error.html without a request, so that the ASGI guard can use it too."""

    def __init__(self, env: Environment) -> None:
        self.template = env.get_template("error.html")

    def answer(self, path: str, accept: str, status: int, detail: object,
               headers: dict[str, str] | None = None) -> Response:
        if not wants_html(path, accept):
            return api_error(status, str(detail), headers)
        heading, advice = TITLES.get(status, OTHER)
        html = self.template.render(status=status, heading=heading, advice=advice,
                                    message=_shown(detail, heading), params=None)
        return HTMLResponse(html, status, headers=headers)

    def for_scope(self, scope) -> Callable[[int, str], Response]:
        """The answer-maker for a raw ASGI request (used before routing)."""
        accept = Headers(scope=scope).get("accept", "")
        return lambda status, detail: self.answer(scope.get("path", ""), accept, status, detail)


def _shown(detail: object, heading: str) -> str | None:
    """The detail worth showing under the heading: Starlette's stock English phrases
    ("Not Found") add nothing to the Japanese heading."""
    if not isinstance(detail, str) or detail in STOCK:
        return None
    return None if detail == heading else detail


def _named(location) -> str:
    """The parameter a validation error is about: ('query', 'category', 0) → category (the
    place in a repeated parameter's list says nothing to the caller)."""
    return ".".join(str(part) for part in location[1:] if not isinstance(part, int))


def register(app: FastAPI, pages: ErrorPages) -> None:
    def of(request: Request, status: int, detail: object,
           headers: dict[str, str] | None = None) -> Response:
        return pages.answer(request.url.path, request.headers.get("accept", ""), status, detail,
                            headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        return of(request, error.status_code, error.detail, getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        if wants_html(request.url.path, request.headers.get("accept", "")):
            return of(request, 400, "パラメータの値が正しくありません: " + "、".join(
                _named(item["loc"]) for item in error.errors()))
        first = error.errors()[0] if error.errors() else {}  # programs: 400, as documented
        where = _named(first.get("loc", ()))
        message = str(first.get("msg", "invalid request"))
        return api_error(400, f"{where}: {message}" if where else message)

    @app.exception_handler(StoreBusy)
    @app.exception_handler(sqlite3.OperationalError)
    async def busy(request: Request, error: Exception):
        if isinstance(error, sqlite3.OperationalError) and "locked" not in str(error) \
                and "busy" not in str(error):
            raise error
        return of(request, 503, BUSY, {"Retry-After": RETRY_AFTER})
