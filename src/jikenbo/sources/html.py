"""HTML → (page title, main text): page furniture removed, block structure kept as lines.

trafilatura finds the main text of a single notice. A casebook blog page carries many posts,
which a main-content detector would cut down to one, so such pages keep their whole cleaned
body and are split into posts downstream.
"""
from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

from jikenbo.errors import InputError

_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                   "iframe", "template", "svg", "button", "select")
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
_FURNITURE_CLASS = re.compile(r"(^|[\s_-])(nav|navi|navbar|menu|breadcrumbs?|footer|sidebar|"
                              r"side-bar|gnav|global-?nav|pankuzu|skip|share|sns)([\s_-]|$)", re.I)
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
               "section", "article", "blockquote", "pre", "dd", "dt", "ul", "ol", "main")
_CASEBOOK_MARK = "セキュリティ事件簿#"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Character references to what XML forbids (`&#1;`, `&#x1F;`): lxml would put the control
# character into the tree and then refuse to set any text containing it.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:[xX]0{0,8}(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F])"
    r"|0{0,8}(?:[0-8]|1[12]|1[4-9]|2[0-9]|3[01]|127)(?!\d));?")
# libxml2 stops building the tree at this depth (with huge_tree; 256 without): deeper text is lost.
MAX_DEPTH = 2048


def html_main_text(name: str, markup: str) -> tuple[str | None, str]:
    """Return the page title and its main text; raise InputError when there is no text."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(
            _CONTROL_REFERENCE.sub("", _XML_DECLARATION.sub("", markup)), parser=parser)
    except (etree.ParserError, ValueError):
        raise InputError(name, "HTML page could not be parsed and has no text") from None
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise InputError(name, f"HTML elements nested more than {MAX_DEPTH:,} deep; the text "
                               "below that depth cannot be read (save the page as text)")
    title = _title(tree)
    _drop_furniture(tree)
    text = None
    if markup.count(_CASEBOOK_MARK) < 2:
        text = _main_text(tree)
    text = _tidy(text or _block_text(tree))
    if not text:
        raise InputError(name, "HTML page has no main text (only scripts, navigation or images)")
    return title, text


def _main_text(tree: lxml.html.HtmlElement) -> str | None:
    """trafilatura's main text; None when it gives up on a tree (deep nesting recurses)."""
    try:
        return trafilatura.extract(tree, favor_recall=True, include_tables=True,
                                   include_comments=False, deduplicate=False)
    except (RecursionError, ValueError):
        return None


def _title(tree: lxml.html.HtmlElement) -> str | None:
    """The page's title, with the site's name (og:site_name) after it when the title lacks it:
    the site's name is often the issuer's."""
    title = None
    for xpath in ("//meta[@property='og:title']/@content", "//title/text()"):
        found = [value.strip() for value in tree.xpath(xpath) if value.strip()]
        if found:
            title = re.sub(r"\s+", " ", found[0])
            break
    site = [value.strip() for value in tree.xpath("//meta[@property='og:site_name']/@content")
            if value.strip()]
    if site and site[0] not in (title or ""):
        title = f"{title} | {site[0]}" if title else site[0]
    return title


def _drop_furniture(tree: lxml.html.HtmlElement) -> None:
    doomed = [element for element in tree.iter(etree.Element)
              if element.tag in _FURNITURE_TAGS
              or element.get("role", "").lower() in _FURNITURE_ROLES
              or _FURNITURE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}")]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _block_text(tree: lxml.html.HtmlElement) -> str:
    body = tree.find("body")
    root = body if body is not None else tree
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return root.text_content()


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return tidy.strip()
