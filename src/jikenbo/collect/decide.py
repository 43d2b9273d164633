"""Which links are security-incident disclosures: the extractor's own decision, first on the
link text (so a price-change notice is skipped without a request), then on the page itself."""
from __future__ import annotations

import re
from dataclasses import replace

from jikenbo import data, pipeline
from jikenbo.collect.discover import Link
from jikenbo.normalize import nfkc
from jikenbo.sources import SourceDocument

_GENERIC = {re.sub(r"\s+", "", nfkc(text)) for text in data.load("link_texts")["generic"]}
_FILE_NOTE = re.compile(r"[(\[（［]\s{0,3}(?:PDF|pdf|Word|Excel)[^)\]）］]{0,30}[)\]）］]")

INCIDENT, READ_PAGE, NOT_INCIDENT = "incident", "read_page", "not_incident"


def link_verdict(link: Link) -> str:
    """incident when the extractor calls the link text an incident; read_page when the text
    says nothing (`詳細はこちら`, `PDF`, a sitemap entry); otherwise not_incident.

    incident: `個人情報の漏えいについて（PDF：120KB）`. not_incident: `料金改定のお知らせ`.
    """
    bare = re.sub(r"\s+", "", nfkc(_FILE_NOTE.sub("", link.text)))
    if len(bare) <= 3 or bare in _GENERIC:
        return READ_PAGE
    return INCIDENT if _reads_as_incident(link.url, link.text) else NOT_INCIDENT


def _reads_as_incident(url: str, text: str) -> bool:
    document = SourceDocument(url, text.encode("utf-8"), text, "text", "utf-8")
    try:
        extracted = pipeline.extract_source(document)
    except Exception:  # noqa: BLE001 — a link text the extractor cannot read is not a notice
        return False
    return any(record.is_incident for record in extracted.records)


def page_records(document: SourceDocument, organization: str | None) -> pipeline.Extracted:
    """The page's posts and records, the watch list's organisation filled in where a notice
    does not state its issuer. Raises InputError when the page has no text."""
    extracted = pipeline.extract_source(document)
    if not organization:
        return extracted
    records = tuple(record if record.organization else replace(record, organization=organization)
                    for record in extracted.records)
    return replace(extracted, records=records)


def is_incident(extracted: pipeline.Extracted) -> bool:
    return any(record.is_incident for record in extracted.records)
