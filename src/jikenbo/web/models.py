"""The JSON API's contract: a pydantic model for every answer, enums for the facet parameters,
and the one error shape every /api/ route answers with (`{"error": {"status", "message"}}`).

The enums are built from the record's own vocabularies (record.py, RECORD.md), so a category
added there is a value the API accepts and documents without another edit here.
"""
from __future__ import annotations

from enum import Enum

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from jikenbo.record import CATEGORIES, DATA_TYPES, LEAK_STATUSES
from jikenbo.store.search import SORTS

Category = Enum("Category", {name: name for name in CATEGORIES}, type=str)
DataType = Enum("DataType", {name: name for name in DATA_TYPES}, type=str)
LeakStatus = Enum("LeakStatus", {name: name for name in LEAK_STATUSES}, type=str)
Sort = Enum("Sort", {name: name for name in SORTS}, type=str)


class SearchFilters(BaseModel):
    """The filters /api/releases and /api/search take, as the search page does (store/query.py):
    a facet named several times matches any of its values; `not_<facet>` excludes one."""

    q: str = Field("", description="Words, \"phrases\" or 「phrases」, OR, -word / NOT word")
    category: list[Category] = []
    data_type: list[DataType] = []
    leak: list[LeakStatus] = []
    supply_chain: bool | None = None
    year: list[str] = Field([], description="YYYY, or `unknown` for undated releases")
    month: list[str] = Field([], description="YYYY-MM")
    organization: str | None = None
    vendor: list[str] = []
    not_category: list[Category] = []
    not_data_type: list[DataType] = []
    not_leak: list[LeakStatus] = []
    date_from: str | None = Field(None, alias="from", description="YYYY, YYYY-MM or YYYY-MM-DD")
    date_to: str | None = Field(None, alias="to", description="YYYY, YYYY-MM or YYYY-MM-DD")
    sort: Sort = Sort.date
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class ErrorBody(BaseModel):
    status: int = Field(examples=[404])
    message: str = Field(examples=["release 0000000 not found"])


class Error(BaseModel):
    """What every /api/ route answers when it cannot answer (400, 404, 503)."""

    error: ErrorBody


def api_error(status: int, message: str, headers: dict[str, str] | None = None
              ) -> JSONResponse:
    """The one error answer of the JSON API: `api_error(404, "case X not found")`."""
    body = Error(error=ErrorBody(status=status, message=message))
    return JSONResponse(body.model_dump(), status, headers=headers)


# Documented on every route beside its 200 (`responses=ERRORS`).
ERRORS: dict[int | str, dict] = {
    400: {"model": Error, "description": "A parameter the caller must correct"},
    404: {"model": Error, "description": "Nothing under this address"},
}
ATOM = {200: {"content": {"application/atom+xml": {}}, "description": "An Atom 1.0 feed"}}


class Release(BaseModel):
    """A release as lists show it: the RECORD.md fields plus where it stands in the casebook."""

    model_config = ConfigDict(extra="allow")  # confidence and review_fields when extracted

    id: str
    case: str | None
    case_id: str | None
    organization: str | None
    title: str
    published: str | None
    earlier_releases: list[str]
    is_incident: bool
    categories: list[Category]
    supply_chain: bool
    vendors: list[str]
    affected_count: int | None
    data_types: list[DataType]
    leak_status: LeakStatus
    discovered: str | None = None
    heading: str
    source: str
    casebook_heading: str
    added: str | None = Field(None, description="When jikenbo first stored it (ISO time, UTC)")


class SearchHit(Release):
    search: str | None = None
    snippet: str | None = Field(None, description="The text around the matched words")


class Evidence(BaseModel):
    field: str
    rule: str
    start: int
    end: int
    text: str


class ReleaseDetail(Release):
    evidence: list[Evidence]
    text: str


class ReleasePage(BaseModel):
    total: int
    page: int
    pages: int
    items: list[Release]


class SearchPage(BaseModel):
    total: int
    page: int
    pages: int
    items: list[SearchHit]
    facets: dict[str, dict[str, int]] = Field(
        description="Facet → value → how many of the matches have it")


class Report(BaseModel):
    release_id: str
    published: str | None
    organization: str | None
    title: str
    label: str = Field(description="第1報, 第2報, 最終報, 続報 …")
    affected_count: int | None


class Case(BaseModel):
    number: str
    reports: list[Report]
    organizations: list[str]
    breached: str | None
    vendors: list[str]
    first: str | None
    latest: str | None
    categories: list[Category]
    data_types: list[DataType]
    supply_chain: bool
    affected_total: int | None
    leak_status: LeakStatus
    contractor_total: int | None = None


class CaseRow(BaseModel):
    """A case as the case list shows it."""

    number: str
    releases: int
    first: str | None
    latest: str | None
    organizations: list[str]
    references: list[str] = Field(description="Casebook numbers the sources state")
    affected: int | None
    contractor: int | None


class CasePage(BaseModel):
    total: int
    page: int
    pages: int
    items: list[CaseRow]


class Statistics(BaseModel):
    model_config = ConfigDict(extra="allow")  # further tables as the statistics grow

    counts: dict[str, int]
    by_month: dict[str, dict[str, int]]
    ranking: dict[str, list[dict]]
    supply_chain_cases: list[dict]
    leak: list[tuple[str, int]]
    categories: list[str]
    data_types: list[str]
    leak_statuses: list[str]
