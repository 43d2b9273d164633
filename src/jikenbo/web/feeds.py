"""Atom feeds carrying the structured fields (namespace `jikenbo`), built with ElementTree so
that every value is escaped by the serializer.

Every address in a feed comes from the configured base URL (`JIKENBO_BASE_URL`, `serve
--base-url`), never from the request's Host header, which a client chooses. Entries are `tag:`
ids (RFC 4151) that stay the same wherever the feed is read from; each facet of a release is an
Atom category with a scheme, so a reader can filter on it.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from urllib.parse import urlsplit

from jikenbo.errors import UsageError
from jikenbo.web.views import label

ENV_BASE_URL = "JIKENBO_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
ATOM = "http://www.w3.org/2005/Atom"
NS = "https://jikenbo.invalid/ns/record/1"
ET.register_namespace("", ATOM)
ET.register_namespace("jikenbo", NS)
# What XML 1.0 does not allow in a document (ElementTree would write it and make the feed
# ill-formed): controls but tab, newline and carriage return, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def base_url_of(given: str | None = None) -> str:
    """The casebook's public address: `given`, else $JIKENBO_BASE_URL, else the default; an
    http(s) URL with a host, ending in `/`. UsageError for anything else."""
    chosen = given or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    parts = urlsplit(chosen)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise UsageError(f"base URL {chosen!r}: give an http(s) address such as "
                         f"{DEFAULT_BASE_URL}")
    return chosen.rstrip("/") + "/"


def xml_text(value: str) -> str:
    """`value` without the characters XML forbids: `"a\\x01b"` → `"ab"`, `"事件簿"` kept."""
    return _NOT_XML.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, ns: str = ATOM,
         **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}",
                            {name: xml_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


# Atom category schemes, below the base URL: which facet a term belongs to.
SCHEMES = (("categories", "category", "categories"), ("data_types", "data_type", "data-types"))


def tag_id(base: str, added: str | None, release_id: str) -> str:
    """`tag:casebook.example,2026-11-23:release/4f2a…`: the host of the base URL, the day the
    release was first stored (it never changes), the release id."""
    host = urlsplit(base).hostname or "localhost"
    return f"tag:{host},{(added or '2000-01-01')[:10]}:release/{release_id}"


def atom(base_url: str, title: str, path: str, rows: Sequence[dict],
         page: str = "") -> bytes:
    """The feed at `base_url + path` of these rows (list rows with `added`); `page` is the
    address of the list it follows, below the base URL."""
    base = base_url.rstrip("/") + "/"
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", base + path)
    _sub(feed, "link", rel="self", href=base + path, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=base + page, type="text/html")
    # `updated` is when a release was first added: a release added today about last year is new
    updated = max((row.get("added") or "" for row in rows), default="") or None
    _sub(feed, "updated", _added(updated))
    _sub(feed, "generator", "jikenbo")
    for row in rows:
        _entry(feed, base, row)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ET.Element, base: str, row: dict) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", tag_id(base, row.get("added"), row["id"]))
    _sub(entry, "title", row["casebook_heading"])
    _sub(entry, "link", rel="alternate", href=f"{base}releases/{row['id']}")
    _sub(entry, "updated", _added(row.get("added")) if row.get("added")
         else _timestamp(row["published"]))
    if row["published"]:
        _sub(entry, "published", _timestamp(row["published"]))
    author = _sub(entry, "author")
    _sub(author, "name", row["organization"] or "不明")
    for field, kind, scheme in SCHEMES:
        for value in row.get(field) or ():
            _sub(entry, "category", scheme=base + scheme, term=value, label=label(kind, value))
    _sub(entry, "category", scheme=base + "leak", term=row["leak_status"],
         label=label("leak", row["leak_status"]))
    summary = (f"{row['organization'] or ''} {row['title']} — 影響件数 "
               f"{row['affected_count'] if row['affected_count'] is not None else '不明'}、"
               f"{label('leak', row['leak_status'])}")
    _sub(entry, "summary", summary)
    fields = _sub(entry, "record", ns=NS)
    for name in ("case", "case_id", "organization", "published", "affected_count",
                 "leak_status", "supply_chain"):
        value = row.get(name)
        if value is not None:
            _sub(fields, name, str(value).lower() if isinstance(value, bool) else str(value),
                 ns=NS)
    for name in ("vendors", "data_types", "earlier_releases"):
        for value in row.get(name) or ():
            _sub(fields, name.rstrip("s") if name != "data_types" else "data_type", value, ns=NS)


def _added(moment: str | None) -> str:
    """A stored time (`2026-11-23T21:30:17.123+00:00`) as an Atom date, in whole seconds."""
    if not moment:
        return _timestamp(None)
    return datetime.fromisoformat(moment).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamp(day: str | None) -> str:
    if day:
        return f"{day}T00:00:00+09:00"
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
