"""Search words marked in pages: the snippet under each result and the release text reached
from a search (`?q=`). Every piece of text is escaped here; only the marks are markup."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from jikenbo.record import Evidence
from jikenbo.store import snippet
from jikenbo.store.search import MAX_QUERY, Query, QueryError
from jikenbo.store.terms import TermError
from jikenbo.web.views import label


def marked(pieces: Sequence[tuple[str, bool]]) -> Markup:
    """(piece, is_hit) pairs as HTML, each hit in a <mark>."""
    return Markup("").join(Markup('<mark class="hit">{0}</mark>').format(piece) if hit
                           else escape(piece) for piece, hit in pieces)


def snippet_of(text: str, terms: Sequence[str]) -> Markup:
    return marked(snippet.kwic(text, terms))


def terms_of(q: str | None) -> list[str]:
    """The words of a query to mark; none when the query cannot be read."""
    try:
        return Query(q=(q or "")[:MAX_QUERY]).terms()
    except (QueryError, TermError):
        return []


def highlight(text: str, offset: int, evidence: Sequence[Evidence],
              terms: Sequence[str]) -> Markup:
    """The release text with each evidence span marked by field (as `views.highlight`) and
    the search words marked inside and between them."""
    hits = snippet.hits(text, terms)
    spans = sorted({(item.start - offset, item.end - offset, item.field) for item in evidence
                    if item.end > item.start and item.start >= offset
                    and item.end - offset <= len(text)})

    def inner(start: int, end: int) -> Markup:
        return marked(snippet.pieces(text, hits, start, end))

    out, at = [], 0
    for start, end, field in spans:
        if start < at:
            continue  # overlapping evidence: the first span is shown
        out.append(inner(at, start))
        out.append(Markup('<mark class="ev ev-{0}" title="{1}">{2}</mark>').format(
            field, label("field", field), inner(start, end)))
        at = end
    out.append(inner(at, len(text)))
    return Markup("").join(out)
