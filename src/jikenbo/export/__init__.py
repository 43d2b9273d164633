"""Exports: one renderer per format, each a `render(releases, cases, out, options)` that writes
text to `out` and returns how many records (or, for incident formats, cases) it wrote.

`RENDERERS` is the one table the CLI and the web read: a format's name, its media type and file
suffix, the text encoding it is written in, and whether it speaks in incidents (then only
incident releases are exported unless asked otherwise).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jikenbo.export import csv, jsonl, misp, stix, veris
from jikenbo.export.casebook import Options
from jikenbo.export.select import Filters, select

__all__ = ["ENCODINGS", "RENDERERS", "Filters", "Options", "Renderer", "select"]

# CSV encodings offered: UTF-8 with a byte-order mark (what Excel needs to read UTF-8), plain
# UTF-8, and Windows' Japanese code page.
ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp932": "cp932"}


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable[..., int]
    media_type: str
    suffix: str
    encoding: str
    incidents: bool          # one object per case: incident releases only by default
    unit: str                # what the count it returns counts
    description: str


RENDERERS: dict[str, Renderer] = {r.name: r for r in (
    Renderer("jsonl", jsonl.render, "application/x-ndjson", ".jsonl", "utf-8", False, "records",
             "one record a line, as RECORD.md has it, with id, case and source"),
    Renderer("csv", csv.render, "text/csv", ".csv", "utf-8-sig", False, "records",
             "a spreadsheet row per release (Excel-ready: BOM, CRLF, TRUE/FALSE)"),
    Renderer("stix", stix.render, "application/stix+json;version=2.1", ".json", "utf-8", True,
             "incidents", "a STIX 2.1 bundle: an incident per case, a report per release"),
    Renderer("misp", misp.render, "application/json", ".json", "utf-8", True, "events",
             "MISP events (one per case) with incident, victim and report objects"),
    Renderer("veris", veris.render, "application/json", ".json", "utf-8", True, "incidents",
             "VERIS 1.4 incidents (VCDB style), one per case, as a JSON list"),
)}
