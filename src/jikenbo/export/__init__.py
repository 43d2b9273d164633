"""Exports: one renderer per format, each a `render(releases, cases, out, options)` that writes
text to `out` and returns how many records (or, for incident formats, cases) it wrote.

`RENDERERS` is the one table the CLI and the web read: a format's name, its media type and file
suffix, the text encoding it is written in, and whether it speaks in incidents (then only
incident releases are exported unless asked otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from jikenbo.export.casebook import Options
from jikenbo.export.select import Filters, select

__all__ = ["ENCODINGS", "RENDERERS", "Filters", "Options", "Renderer", "select"]

# CSV encodings offered: UTF-8 with a byte-order mark (what Excel needs to read UTF-8), plain
# UTF-8, and Windows' Japanese code page.
ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp932": "cp932"}


@dataclass(frozen=True)
class Renderer:
    name: str                # also the module of `jikenbo.export` that renders it
    media_type: str
    suffix: str
    encoding: str
    incidents: bool          # one object per case: incident releases only by default
    unit: str                # what the count it returns counts
    description: str

    def render(self, *args: Any, **kwargs: Any) -> int:
        """The format's `render`; its module (and stix2 or pymisp) is imported only now, so that
        every other command starts without them."""
        return import_module(f"{__name__}.{self.name}").render(*args, **kwargs)


RENDERERS: dict[str, Renderer] = {r.name: r for r in (
    Renderer("jsonl", "application/x-ndjson", ".jsonl", "utf-8", False, "records",
             "one record a line, as RECORD.md has it, with id, case and source"),
    Renderer("csv", "text/csv", ".csv", "utf-8-sig", False, "records",
             "a spreadsheet row per release (Excel-ready: BOM, CRLF, TRUE/FALSE)"),
    Renderer("stix", "application/stix+json;version=2.1", ".json", "utf-8", True,
             "incidents", "a STIX 2.1 bundle: an incident per case, a report per release"),
    Renderer("misp", "application/json", ".json", "utf-8", True, "events",
             "MISP events (one per case) with incident, victim and report objects"),
    Renderer("veris", "application/json", ".json", "utf-8", True, "incidents",
             "VERIS 1.4 incidents (VCDB style), one per case, as a JSON list"),
)}
