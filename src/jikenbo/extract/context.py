"""What every field extractor reads: the post, its normalised text and its parsed heading."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date
from typing import Generic, TypeVar

from jikenbo.extract import scope
from jikenbo.extract.heading import (HeadingParts, entity_name, headline_line, parse_heading,
                                     shifted)
from jikenbo.normalize import Normalized, nfkc, normalize
from jikenbo.parse import Post

T = TypeVar("T")


@dataclass(frozen=True)
class Finding(Generic[T]):
    """A field's value, the rule that produced it and the spans (normalised text) it read."""

    value: T
    rule: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class PostText:
    post: Post
    norm: Normalized
    heading: HeadingParts
    heading_end: int  # end of the first line in the normalised text
    headline_start: int  # the line that carries the headline (the first line, unless a press
    headline_end: int    # release opens with its date, 各位 or letterhead)
    page_title: str | None = None  # the HTML page's title, normalised

    @classmethod
    def of(cls, post: Post, page_title: str | None = None) -> "PostText":
        norm = normalize(post.text)
        first_line_end = norm.text.find("\n")
        heading_end = len(norm.text) if first_line_end < 0 else first_line_end
        if post.casebook:
            start, end, page_title = 0, heading_end, None
        else:
            start, end = headline_line(norm.text)
            page_title = nfkc(page_title) if page_title else None
        heading = parse_heading(norm.text[start:end], post.casebook)
        edges = None
        if heading.organization_rule == "heading_first_word":
            edges = _edge_lines(norm.text)
            if start > 0 or page_title or any(entity_name(norm.text[a:b]) for a, b in edges):
                # The release names its issuer in its letterhead, signature or page title: the
                # headline's first word is the issuer only when it looks like a name.
                heading = parse_heading(norm.text[start:end], post.casebook, strict=True)
        view = cls(post, norm, shifted(heading, start), heading_end, start, end, page_title)
        if edges is not None:  # read once: the fields read them again
            view.__dict__["edge_lines"] = edges
        return view

    @property
    def text(self) -> str:
        return self.norm.text

    @cached_property
    def body(self) -> str:
        """The normalised text without its headline line (same offsets as `text`)."""
        text = self.norm.text
        if self.headline_start == 0:
            return " " * self.headline_end + text[self.headline_end:]
        return (text[:self.headline_start] + " " * (self.headline_end - self.headline_start)
                + text[self.headline_end:])

    @cached_property
    def asides(self) -> scope.Asides:
        """The countermeasure and request sections (extract/scope.py), read once for every
        field; the headline line is never a section's heading, so `body` has the same ones."""
        return scope.Asides(self.norm.text, self.headline_end)

    @property
    def headline(self) -> str:
        return self.norm.text[self.heading.title.start:self.heading.title.end]

    @property
    def release_date(self) -> date | None:
        return date.fromisoformat(self.heading.published) if self.heading.published else None

    @cached_property
    def edge_lines(self) -> list[tuple[int, int]]:
        """The first and then the last few non-blank lines (last first), as text spans."""
        return _edge_lines(self.norm.text)

    @cached_property
    def top_lines(self) -> list[tuple[int, int]]:
        """The opening lines: the first few, and on through a letterhead block of short lines
        without a sentence's full stop (date, section, contact, a second issuer)."""
        return _top_lines(self.norm.text)

    @cached_property
    def bottom_lines(self) -> list[tuple[int, int]]:
        """The last few non-blank lines, last first, that are not opening lines."""
        top = set(self.top_lines)
        return [span for span in self.edge_lines[EDGE_LINES:] if span not in top]

    def original(self, start: int, end: int) -> str:
        """The original text behind a normalised span, as written."""
        first, last = self.norm.span(start, end)
        return self.post.text[first:last]


EDGE_LINES = 6
LETTERHEAD_LINES = 14  # the most opening lines a letterhead block may run to
_SHORT_LINE = 40


def _top_lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    offset, letterhead = 0, True
    for line in text.split("\n", LETTERHEAD_LINES * 3)[:LETTERHEAD_LINES * 3]:
        span, offset = (offset, offset + len(line)), offset + len(line) + 1
        if not line.strip():
            continue
        short = "。" not in line and len(line.strip()) <= _SHORT_LINE
        if len(spans) >= EDGE_LINES and not (letterhead and short):
            break
        # The headline may be a long line or a sentence; after it, one sentence ends the block.
        letterhead = letterhead and (short or not spans)
        spans.append(span)
        if len(spans) >= LETTERHEAD_LINES:
            break
    return spans



def _edge_lines(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans[:EDGE_LINES] + spans[-EDGE_LINES:][::-1]
