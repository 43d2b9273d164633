"""Extract: post → record. One module per field (or closely related group of fields).

Each field function is pure: it reads a `PostText` and returns a `Finding` with the value, the
rule that fired and the spans it read, which become the record's evidence.
"""
from __future__ import annotations

from jikenbo.extract import (affected, categories, data_types, discovered, identity, incident,
                             leak, supply_chain)
from jikenbo.extract.context import Finding, PostText
from jikenbo.extract.limits import bounded
from jikenbo.parse import Post
from jikenbo.record import Evidence, Record


@bounded  # a size limit and a time budget per post, naming the input when refused
def extract_record(post: Post, source: str, page_title: str | None = None) -> Record:
    """The record of one post; evidence offsets point into the source's text. `page_title`,
    an HTML page's title, can name the issuer of a release that has no casebook heading."""
    view = PostText.of(post, page_title)
    findings: dict[str, Finding] = {
        "case_id": identity.case_id(view),
        "organization": identity.organization(view),
        "title": identity.title(view),
        "published": identity.published(view),
        "earlier_releases": identity.earlier_releases(view),
        "is_incident": incident.is_incident(view),
    }
    incident_post = findings["is_incident"].value
    findings["categories"] = categories.categories(view) if incident_post else _nothing(())
    chain = supply_chain.supply_chain(view) if incident_post else _nothing((False, ()))
    findings["supply_chain"] = Finding(chain.value[0], chain.rule, chain.spans)
    findings["vendors"] = Finding(chain.value[1], chain.rule, chain.spans)
    findings["affected_count"] = affected.affected_count(view) if incident_post else _nothing(None)
    findings["data_types"] = data_types.data_types(view) if incident_post else _nothing(())
    if incident_post:
        at_risk = bool(findings["data_types"].value) or findings["affected_count"].value is not None
        findings["leak_status"] = leak.leak_status(view, findings["categories"].value, at_risk)
    else:
        findings["leak_status"] = _nothing("unknown")
    findings["discovered"] = discovered.discovered(view, findings["published"].value)
    values = {name: finding.value for name, finding in findings.items()}
    return Record(**values, heading=post.heading, source=source,
                  evidence=tuple(_evidence(view, findings)))


def _nothing(value: object) -> Finding:
    return Finding(value, "not_an_incident")


def _evidence(view: PostText, findings: dict[str, Finding]) -> list[Evidence]:
    out = []
    for name, finding in findings.items():
        for start, end in finding.spans or ((0, 0),):
            first, last = view.norm.span(start, end)
            out.append(Evidence(name, finding.rule, view.post.start + first,
                                view.post.start + last, view.post.text[first:last]))
    return out
