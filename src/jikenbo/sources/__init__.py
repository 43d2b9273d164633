"""Sources: turn paths, URLs and stdin into decoded documents, keeping the original bytes.

`expand()` lists the inputs a command was given (directories recursively); `load()` reads one
of them into a `SourceDocument` or raises `InputError` with a message naming it.
"""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from jikenbo.errors import InputError
from jikenbo.sources.decode import clean_text, declared_charset, decode
from jikenbo.sources.fetch import AddressPolicy, FetchLimits, fetch
from jikenbo.sources.html import html_main_text
from jikenbo.sources.pdf import pdf_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".pdf", ""}


@dataclass(frozen=True)
class SourceDocument:
    """One input as read: the archived original (`data`) and its decoded text."""

    locator: str          # path as given, URL, or "-" for stdin
    data: bytes           # the original bytes, kept as the release archive
    text: str             # decoded text (for HTML: the main text only), not normalised
    kind: str             # text, html or pdf
    encoding: str | None
    title: str | None = None
    fetched_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    lossy: bool = False
    fetch: FetchLimits = field(default_factory=FetchLimits)
    # The operator named the URL (command line, watch list), so its own host may be an intranet
    # or loopback address; False for URLs from anywhere else (the web API, links in pages).
    operator_named: bool = True


def is_url(locator: str) -> bool:
    return "://" in locator


def stored_locator(locator: str) -> str:
    """How an input is kept and shown: a URL, "-" or a posted name as given, a file by its name
    only (`/home/op/inbox/notice.txt` → `notice.txt`), never a path of the ingesting machine."""
    if locator == "-" or is_url(locator) or locator.startswith("posted:"):
        return locator
    return Path(locator).name or locator


def expand(locators: Iterable[str]) -> Iterator[str]:
    """Yield each input; a directory yields its files, recursively, in name order.

    Hidden files and files whose suffix is not a document's are skipped inside directories
    (a named file is always read).
    """
    for locator in locators:
        path = Path(locator)
        if locator == "-" or is_url(locator) or not path.is_dir():
            yield locator
            continue
        for child in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            if child.is_file() and not hidden and child.suffix.lower() in _TEXT_SUFFIXES:
                yield str(child)


def load(locator: str, options: ReadOptions | None = None) -> SourceDocument:
    """Read one input into a SourceDocument; raise InputError naming it on any failure."""
    options = options or ReadOptions()
    header = None
    if locator == "-":
        data = sys.stdin.buffer.read(options.max_bytes + 1)
        _check_size(locator, len(data), options.max_bytes)
    elif is_url(locator):
        host = urlsplit(locator).hostname if options.operator_named else None
        response = fetch(locator, options.fetch, options.max_bytes, AddressPolicy(host))
        data, header = response.data, response.content_type
    else:
        data = _read_file(locator, options.max_bytes)
    if not data.strip():
        raise InputError(locator, "empty input; nothing to read")
    return _interpret(locator, data, header, options)


def _read_file(locator: str, max_bytes: int) -> bytes:
    path = Path(locator)
    if not path.exists():
        raise InputError(locator, "no such file or directory; check the path")
    if not path.is_file():
        raise InputError(locator, "not a regular file")
    _check_size(locator, path.stat().st_size, max_bytes)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(locator, f"cannot read: {error.strerror}") from None


def _check_size(locator: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(locator, f"larger than the {max_bytes:,}-byte limit; "
                                  "raise it with --max-bytes if the input is genuine")


def from_bytes(locator: str, data: bytes, content_type: str | None = None,
               options: ReadOptions | None = None) -> SourceDocument:
    """A source from bytes received some other way (an HTTP POST): sniffed like a file."""
    options = options or ReadOptions()
    _check_size(locator, len(data), options.max_bytes)
    if not data.strip():
        raise InputError(locator, "is empty")
    return _interpret(locator, data, content_type, options)


def _interpret(locator: str, data: bytes, header: str | None,
               options: ReadOptions) -> SourceDocument:
    """Bytes → document; every text leaves here cleaned (`clean_text`), the bytes untouched."""
    if data.lstrip()[:5] == b"%PDF-" or (header or "").startswith("application/pdf"):
        text = _some_text(locator, clean_text(pdf_text(locator, data)))
        return SourceDocument(locator, data, text, "pdf", None)
    decoded = decode(data, locator, declared_charset(data, header), options.lossy)
    markup = clean_text(decoded.text)
    if _looks_like_html(markup, locator, header):
        title, text = html_main_text(locator, markup)
        return SourceDocument(locator, data, _some_text(locator, clean_text(text)), "html",
                              decoded.encoding, clean_text(title) if title else None)
    return SourceDocument(locator, data, _some_text(locator, markup), "text", decoded.encoding)


def _some_text(locator: str, text: str) -> str:
    if not text.strip():
        raise InputError(locator, "no text left once control characters are removed")
    return text


def _looks_like_html(text: str, locator: str, header: str | None) -> bool:
    if header and "html" in header.lower():
        return True
    if locator.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:1024].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head
