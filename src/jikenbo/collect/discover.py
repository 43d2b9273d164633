"""Discovery: a fetched source (feed, news-list page or sitemap) → the links it lists.

Feeds are read with feedparser (RSS 0.9x/1.0/2.0, Atom), sitemaps with lxml's XML parser (no
entities, no network), news-list pages with lxml's HTML parser after the project's one decoding
step. Links in page furniture (nav, header, footer, aside) are not notices and are left out.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from jikenbo.errors import InputError
from jikenbo.sources.decode import declared_charset, decode

_ROOT = re.compile(rb"<([A-Za-z][\w:.-]{0,40})")   # the first element: skips <?xml and <!--
_FEED_ROOTS = {b"rss", b"rdf:rdf", b"feed", b"rdf"}
_SITEMAP_ROOTS = {b"urlset", b"sitemapindex"}
_FURNITURE = {"nav", "header", "footer", "aside", "script", "style", "noscript", "form"}
_MAX_LINKS = 2000   # a page listing more is cut here (a sitemap index's children included)
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Link:
    url: str
    text: str            # the link's text; for a feed item its title, a newline and its summary
    signature: str = ""  # what changes when the item changes: feed date, lastmod, or the text


@dataclass(frozen=True)
class Discovered:
    kind: str                          # feed, page, sitemap
    links: tuple[Link, ...]
    sitemaps: tuple[str, ...] = ()     # a sitemap index's child sitemaps


def sniff(data: bytes, content_type: str | None) -> str:
    """feed, sitemap or page, from the document's first element (then its Content-Type)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    found = _ROOT.search(head)
    root = found.group(1).lower() if found else b""
    if root in _FEED_ROOTS:
        return "feed"
    if root in _SITEMAP_ROOTS:
        return "sitemap"
    kind = (content_type or "").lower()
    return "feed" if ("rss" in kind or "atom" in kind) else "page"


def discover(kind: str, url: str, data: bytes, content_type: str | None) -> Discovered:
    """The links of a fetched source; raises InputError when it holds none (garbage, an
    empty page, a feed that does not parse)."""
    if kind == "auto":
        kind = sniff(data, content_type)
    found = {"feed": _feed, "sitemap": _sitemap, "page": _page}[kind](url, data, content_type)
    if not found.links and not found.sitemaps:
        raise InputError(url, f"no links found; is it really a {kind}?")
    return found


def _feed(url: str, data: bytes, content_type: str | None) -> Discovered:
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if parsed.get("bozo") and not parsed.entries:
        raise InputError(url, f"not a readable feed ({parsed.get('bozo_exception')})")
    links = []
    for item in parsed.entries[:_MAX_LINKS]:
        target = _absolute(url, item.get("link") or item.get("id") or "")
        if target is None:
            continue
        title = _squeeze(item.get("title", ""))
        summary = _squeeze(_text_of(item.get("summary", "")))
        # dict.get: the stored keys only (feedparser's own get maps `updated` to `published`)
        signature = dict.get(item, "updated") or dict.get(item, "published") or title
        links.append(Link(target, f"{title}\n{summary}" if summary else title, signature))
    return Discovered("feed", _unique(links))


def _sitemap(url: str, data: bytes, content_type: str | None) -> Discovered:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  recover=False)
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as error:
        raise InputError(url, f"not a readable sitemap ({error})") from None
    entries = []
    for element in root.iter(f"{_SITEMAP_NS}url", f"{_SITEMAP_NS}sitemap", "url", "sitemap"):
        location = element.findtext(f"{_SITEMAP_NS}loc") or element.findtext("loc") or ""
        modified = element.findtext(f"{_SITEMAP_NS}lastmod") or element.findtext("lastmod") or ""
        target = _absolute(url, location.strip())
        if target:
            entries.append((lxml.etree.QName(element).localname, target, modified.strip()))
        if len(entries) >= _MAX_LINKS:
            break
    links = [Link(target, "", modified) for name, target, modified in entries if name == "url"]
    children = tuple(target for name, target, _ in entries if name == "sitemap")
    return Discovered("sitemap", _unique(links), children)


def _page(url: str, data: bytes, content_type: str | None) -> Discovered:
    text = decode(data, url, declared_charset(data, content_type), lossy=True).text
    try:
        document = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        raise InputError(url, "not a readable HTML page") from None
    base = document.find(".//base[@href]")
    base_url = urljoin(url, base.get("href")) if base is not None else url
    links = []
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if not href or _in_furniture(anchor):
            continue
        target = _absolute(base_url, href)
        if target is None or target == urldefrag(url)[0]:
            continue
        label = _squeeze(anchor.text_content()) or _squeeze(anchor.get("title", ""))
        links.append(Link(target, label, label))
        if len(links) >= _MAX_LINKS:
            break
    return Discovered("page", _unique(links))


def _in_furniture(anchor: lxml.html.HtmlElement) -> bool:
    return any(parent.tag in _FURNITURE for parent in anchor.iterancestors())


def _absolute(base: str, href: str) -> str | None:
    """An http(s) URL without its fragment, or None (mailto:, javascript:, empty)."""
    target = urldefrag(urljoin(base, href.strip()))[0]
    return target if urlsplit(target).scheme in ("http", "https") else None


def _text_of(markup: str) -> str:
    if "<" not in markup:
        return markup
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div").text_content()
    except (lxml.etree.ParserError, ValueError):
        return markup


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _unique(links: list[Link]) -> tuple[Link, ...]:
    """The first occurrence of each URL (a list page often links a notice twice)."""
    seen: dict[str, Link] = {}
    for link in links:
        if link.url not in seen:
            seen[link.url] = link
        elif not seen[link.url].text and link.text:
            seen[link.url] = link
    return tuple(seen.values())
