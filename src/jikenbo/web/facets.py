"""Links of a list page: a facet value chosen (✓) or excluded (✕) and taken back, and pages.

Every link is the query it leads to, written out as URL parameters (`category=A&category=B`,
`not_category=C`), so a list can be bookmarked, shared and opened without JavaScript.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from markupsafe import Markup

from jikenbo.store.query import EXCLUDE, UNDATED, Query
from jikenbo.web.views import label

PAGE_FACETS = {"category": "分類", "data_type": "情報の種類", "leak": "漏えい状況",
               "supply_chain": "委託先経由", "year": "年", "month": "月",
               "vendor": "委託先・ベンダー"}
_CLASS = {"include": "active", "exclude": "excluded", "": ""}


def _e(text: object) -> str:
    """HTML-escaped as markupsafe (and so Jinja) escapes, entity for entity."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def href(base: str, query: Query, **extra: object) -> str:
    """`base` with the query's parameters (page 1 unless `page` is given) and `extra` ones."""
    pairs = [(name, value) for name, value in query.params() if name not in extra]
    pairs += [(name, str(value)) for name, value in extra.items()
              if value not in (None, "") and not (name == "page" and value == 1)]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def state(query: Query, facet: str, value: str) -> str:
    """'include', 'exclude' or '' : how a facet value stands in the query."""
    if facet == "supply_chain":
        chosen = query.supply_chain is not None and str(query.supply_chain).lower() == value
        return "include" if chosen else ""
    if value in getattr(query, facet):
        return "include"
    return "exclude" if (facet, value) in query.excluded else ""


def toggle(base: str, query: Query, facet: str, value: str, mode: str = "include") -> str:
    """The link that turns `mode` ('include' or 'exclude') of one value on, or off when on.
    Including a value takes back its exclusion and the other way round."""
    if facet == "supply_chain":
        on = state(query, facet, value) != "include"
        return href(base, query.with_(supply_chain=(value == "true") if on else None, page=1))
    now = state(query, facet, value)
    chosen = tuple(v for v in getattr(query, facet) if v != value)
    excluded = tuple(pair for pair in query.excluded if pair != (facet, value))
    if mode == "include" and now != "include":
        chosen += (value,)
    if mode == "exclude" and now != "exclude":
        excluded += ((facet, value),)
    return href(base, query.with_(**{facet: chosen}, excluded=excluded, page=1))


def cleared(base: str, query: Query, facet: str) -> str:
    """The link without any choice in one facet."""
    if facet == "supply_chain":
        return href(base, query.with_(supply_chain=None, page=1))
    return href(base, query.with_(**{facet: ()}, page=1,
                                  excluded=tuple(p for p in query.excluded if p[0] != facet)))


def hidden_fields(query: Query) -> list[tuple[str, str]]:
    """The facet choices a search form carries along when its words change."""
    return [(name, value) for name, value in query.params() if name not in ("q", "sort")]


def state_any(query: Query, facet: str) -> bool:
    """Whether anything is chosen or excluded in a facet."""
    if facet == "supply_chain":
        return query.supply_chain is not None
    return bool(getattr(query, facet)) or bool(query.excluding(facet))


def unlisted(query: Query, facet: str, listed: list[str]) -> list[tuple[str, int]]:
    """Chosen or excluded values no release left in the list has (count 0), so that their
    toggle can still be turned off."""
    if facet == "supply_chain":
        return []
    asked = [*getattr(query, facet), *query.excluding(facet)]
    return [(value, 0) for value in dict.fromkeys(asked) if value not in listed]


def shown(facet: str, value: str) -> str:
    """A facet value as a page shows it: the Japanese label, 日付不明, or as it is."""
    if facet == "year" and value == UNDATED:
        return "日付不明"
    if facet in ("year", "month", "vendor"):
        return value
    return label(facet, value)


@dataclass(frozen=True)
class Item:
    value: str
    shown: str
    count: int
    state: str      # 'include', 'exclude' or ''
    include: str    # the link that toggles ✓
    exclude: str    # the link that toggles ✕ ('' where a facet has no exclusion)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    items: list[Item]
    clear: str      # the link without this facet's choices ('' when none)


def panel(base: str, query: Query, counted: dict[str, list[tuple[str, int]]]) -> list[Section]:
    """Every facet of a list with its values, counts and toggle links. The links share all
    parameters but one facet's, so those are encoded once per facet, not once per value (a
    search page lists some hundred values)."""
    pairs = [(name, value) for name, value in query.params()]
    sections = []
    for name, values in counted.items():
        if name == "supply_chain":
            items = [Item(value, shown(name, value), count, state(query, name, value),
                          toggle(base, query, name, value), "") for value, count in values]
            sections.append(Section(name, PAGE_FACETS[name], items,
                                    cleared(base, query, name) if state_any(query, name) else ""))
            continue
        own = {name, EXCLUDE + name}
        rest = urlencode([(key, value) for key, value in pairs if key not in own])
        chosen, excluded = list(getattr(query, name)), list(query.excluding(name))

        encoded: dict[str, str] = {}

        def link(included: list[str], left_out: list[str]) -> str:
            parts = [rest] if rest else []
            for key, chosen_values in ((name, included), (EXCLUDE + name, left_out)):
                for v in chosen_values:
                    if v not in encoded:
                        encoded[v] = quote_plus(v)
                    parts.append(f"{key}={encoded[v]}")
            return f"{base}?{'&'.join(parts)}" if parts else base

        items = []
        listed = {value for value, _ in values}
        for value, count in values + unlisted(query, name, list(listed)):
            now = "include" if value in chosen else "exclude" if value in excluded else ""
            others_in = [v for v in chosen if v != value]
            others_out = [v for v in excluded if v != value]
            items.append(Item(
                value, shown(name, value), count, now,
                link(others_in + ([] if now == "include" else [value]), others_out),
                link(others_in, others_out + ([] if now == "exclude" else [value]))))
        sections.append(Section(name, PAGE_FACETS[name], items,
                                link([], []) if chosen or excluded else ""))
    return sections


def panel_html(sections: list[Section]) -> Markup:
    """The facet sections as HTML, written here rather than in the template: a search page
    lists some hundred values, and each field through Jinja's escaping took about 2 ms of a
    ~10 ms search page at 100,000 releases. The markup is what `_macros.html` wrote before,
    byte for byte."""
    out = []
    for section in sections:
        out.append(f'\n  <section data-facet="{_e(section.name)}">\n'
                   f'    <h2>{_e(section.title)}</h2>\n    <ul>\n    ')
        if section.clear:
            out.append(f'<li><a class="clear" href="{_e(section.clear)}">× 解除</a></li>')
        out.append("\n    ")
        for item in section.items:
            css = _CLASS[item.state]
            mark = "✓" if item.state == "include" else ""
            value = _e(item.value)
            out.append(f'\n      <li class="{css}">'
                       f'<a href="{_e(item.include)}" data-value="{value}">'
                       f'<span class="mark">{mark}</span>{_e(item.shown)}</a>\n'
                       f'        <span class="count">({item.count})</span>\n        ')
            if item.exclude:
                title = "除外をやめる" if item.state == "exclude" else "除外する"
                out.append(f'<a class="exclude" href="{_e(item.exclude)}" data-exclude="{value}" '
                           f'title="{title}">✕</a>')
            out.append("</li>\n    ")
        out.append("\n    </ul>\n  </section>\n")
    return Markup("".join(out))
