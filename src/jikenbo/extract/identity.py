"""Who issued the release, its headline, its number and dates: case_id, organization, title,
published and earlier_releases.

The casebook heading gives most of these. A raw press release (HTML page, PDF, text) without
one takes its headline from the first opening line that is not its date, addressee or
letterhead, its date from the first lines or the signature block, and its issuer from the
names in those lines or the page title, checked against what its 当社/本学/本市 refers to.
"""
from __future__ import annotations

import re

from jikenbo import data
from jikenbo.extract.context import EDGE_LINES, Finding, PostText
from jikenbo.extract.dates import find_dates
from jikenbo.extract.entities import entity_names
from jikenbo.extract.heading import entity_name, is_date_line, is_issuer_name, is_kind_noun

_PRESS = data.load("press_release")
_SEPARATORS = re.compile(_PRESS["title_separators"])
_SITE_WORDS = re.compile("|".join(map(re.escape, _PRESS["site_words"])), re.I)
_PRESS_SELF = {word for words in _PRESS["self_references"].values() for word in words}
_SELF = {kind: re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
         for kind, words in _PRESS["self_references"].items()}
_KIND_SUFFIX = {kind: tuple(suffixes) for kind, suffixes in _PRESS["self_reference_suffixes"].items()}
_CJK = "一-龥ァ-ヴーヶ々"
_NAMED_IN_BODY = {kind: re.compile(rf"[{_CJK}]{{1,20}}?(?:{'|'.join(map(re.escape, suffixes))})"
                                   rf"(?![{_CJK}])")
                  for kind, suffixes in _KIND_SUFFIX.items() if kind not in ("company", "organisation")}
_LEGAL_FORMS = tuple(data.load("organizations")["legal_forms"])
# `【2023年4月28日リリース分】`: a bounded window inside the brackets keeps the scan linear.
_EARLIER_MARKER = re.compile(r"【([^】\n]{0,40})リリース分\s{0,3}】")
_NAME_RUN = re.compile(r"[ァ-ヶー一-龥々A-Za-z0-9・]{2,30}$")
# `学校法人〇〇学園(以下「学園」といいます。)`: a release defining its own short name.
_DEFINED = re.compile(r"[((](?:以下|以降)[、,]?\s{0,2}[「『](?P<alias>[^」』\n]{1,15})[」』]")
# `〇〇連盟会員の皆様`: the members a body writes to are its own.
_MEMBERS = re.compile("(?:" + "|".join(map(re.escape, _PRESS["member_words"])) + ")(?:の皆様|の皆さま|各位)")
# `(令和6年11月8日)` under a headline heads a step of the release's timeline.
_TIMELINE = re.compile(r"\s{0,3}[((]")
_BODY_WINDOW = 1500  # how far into the body a definition or an address is looked for


def case_id(view: PostText) -> Finding[str | None]:
    span = view.heading.case_id
    if span is None:
        return Finding(None, "no_casebook_number")
    return Finding(view.heading.case_number, "casebook_header", ((span.start, span.end),))


def organization(view: PostText) -> Finding[str | None]:
    """The issuer: from the heading; for a press release without a casebook heading, from its
    letterhead or signature lines or its page title, preferring the name that the release's
    own 当社/本学/本市 points at; failing those, the name of that kind the body uses most."""
    span = view.heading.organization
    in_heading = None
    if span is not None:
        name = view.original(span.start, span.end).strip()
        in_heading = Finding(name, view.heading.organization_rule, ((span.start, span.end),))
        # A name read off the start of a press release's headline (`市営水道の…`, `東京都の…`)
        # is weaker evidence than the names its letterhead, page title or signature give.
        if view.post.casebook or view.heading.organization_rule == "heading_first_word":
            return in_heading
    if view.post.casebook:
        return Finding(None, "none")
    selves = {kind: match.span() for kind, pattern in _SELF.items()
              if (match := pattern.search(view.text))}
    candidates = _issuer_candidates(view)
    for name, rule, spans in candidates:
        kind = next((kind for kind in selves if _is_kind(name, kind)), None)
        if kind:
            return Finding(name, rule + "+self_reference", (*spans, selves[kind]))
    if candidates:
        return Finding(*candidates[0])
    if in_heading:
        return in_heading
    for kind, self_span in selves.items():
        named = _most_named(view, kind, view.text[self_span[0]:self_span[1]])
        if named:
            return Finding(view.original(*named), "body_name+self_reference", (named, self_span))
    return Finding(None, "none")


def _issuer_candidates(view: PostText) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
    """Names in the letterhead lines, then the page title, then the signature lines."""
    top, bottom = view.top_lines, view.bottom_lines
    titled = []
    if view.page_title:
        for part in reversed(_SEPARATORS.split(view.page_title)):
            found = entity_name(_SITE_WORDS.sub(" ", part).strip())
            if found:
                titled.append((found[0], "page_title", ()))
    return (_named_lines(view, top, "letterhead") + titled + _named_lines(view, bottom, "signature")
            + _named_in_body(view))


def _named_in_body(view: PostText) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
    """Names the body gives itself: a definition `〇〇法人〇〇(以下「学園」)` whose short name is
    a self-reference or a noun for its kind, and members addressed as `〇〇連盟会員の皆様`."""
    found = []
    window = view.text[:_BODY_WINDOW]
    for match in _DEFINED.finditer(window):
        alias = match["alias"].strip()
        span = _name_before(view, match.start())
        # An issuer shortens its own name to a noun for its kind (`学園`, `当社`); another
        # party keeps a proper short name (`(以下「サンプル」)`).
        if span and (alias in _PRESS_SELF or is_kind_noun(alias)):
            found.append((view.original(*span), "defined_name", (span, match.span())))
    for match in _MEMBERS.finditer(window):
        span = _name_before(view, match.start())
        if span:
            found.append((view.original(*span), "members_address", (span, match.span())))
    return found


def _name_before(view: PostText, end: int) -> tuple[int, int] | None:
    """The organisation's name that ends at `end`, if the characters before it make one."""
    legal = [span for span in entity_names(view.text, max(0, end - 40), end) if span[1] == end]
    if legal:
        return legal[-1]
    run = _NAME_RUN.search(view.text, max(0, end - 30), end)
    if run and is_issuer_name(run.group(0)):
        return run.span()
    return None


def _named_lines(view: PostText, lines: list[tuple[int, int]],
                 where: str) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
    found = []
    for start, end in lines:
        named = entity_name(view.text[start:end])
        if named:
            span = (start + named[1], start + named[2])
            found.append((view.original(*span).strip(), f"{where}_name", (span,)))
    return found


def _is_kind(name: str, kind: str) -> bool:
    if kind == "company" and any(form in name for form in _LEGAL_FORMS):
        return True
    return name.endswith(_KIND_SUFFIX[kind])


def _most_named(view: PostText, kind: str, self_word: str) -> tuple[int, int] | None:
    """The name of the issuer's kind the body uses most, ending in the noun its self-reference
    uses: 本市 → `新座市`; 当センター never resolves to a sister `〇〇診療所`, 本学 never to a
    sub-unit `〇〇大学院`."""
    pattern = _NAMED_IN_BODY.get(kind)
    if pattern is None:
        return None
    noun = self_word[1:]
    seen: dict[str, list[tuple[int, int]]] = {}
    for match in pattern.finditer(view.text):
        name = match.group(0)
        cut = match.start() > 0 and re.match(f"[{_CJK}]", view.text[match.start() - 1])
        if (not cut and not _SELF[kind].fullmatch(name) and len(name) > 2
                and name.endswith(noun) and is_issuer_name(name)):
            seen.setdefault(name, []).append(match.span())
    if not seen:
        return None
    return max(seen.values(), key=len)[0]


def title(view: PostText) -> Finding[str]:
    span = view.heading.title
    return Finding(view.original(span.start, span.end).strip(), "heading",
                   ((span.start, span.end),))


def published(view: PostText) -> Finding[str | None]:
    if view.heading.published:
        span = view.heading.published_span
        spans = ((span.start, span.end),) if span else ()
        return Finding(view.heading.published, "heading_date", spans)
    if view.post.casebook:
        return Finding(None, "none")
    # A date line above the headline is the letterhead's; below it, near the top, it may be a
    # step of the release's own timeline, so the signature's date at the end comes first.
    top, bottom = view.top_lines[:EDGE_LINES], view.bottom_lines
    above = [span for span in top if span[0] < view.headline_start]
    below = [span for span in top if span[0] >= view.headline_start]
    for rule, lines in (("letterhead_date", above), ("signature_date", bottom),
                        ("edge_date", below)):
        for start, end in lines:
            line = view.text[start:end]
            if not is_date_line(line) or (rule == "edge_date" and _TIMELINE.match(line)):
                continue
            for found in find_dates(line):
                if not found.yearless:
                    return Finding(found.value.isoformat(), rule,
                                   ((start + found.start, start + found.end),))
    return Finding(None, "none")


def earlier_releases(view: PostText) -> Finding[tuple[str, ...]]:
    """Dates of `【2023年4月28日リリース分】` markers, other than the release's own date."""
    found: dict[str, tuple[int, int]] = {}
    for marker in _EARLIER_MARKER.finditer(view.text):
        for item in find_dates(marker.group(1).strip(), view.release_date):
            day = item.value.isoformat()
            if day != view.heading.published:
                found.setdefault(day, marker.span())
    return Finding(tuple(sorted(found)), "release_marker" if found else "none",
                   tuple(found.values()))


