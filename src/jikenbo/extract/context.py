"""What every field extractor reads: the post, its normalised text and its parsed heading."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date
from typing import Generic, TypeVar

from jikenbo.extract.heading import HeadingParts, parse_heading
from jikenbo.normalize import Normalized, normalize
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

    @classmethod
    def of(cls, post: Post) -> "PostText":
        norm = normalize(post.text)
        first_line_end = norm.text.find("\n")
        heading_end = len(norm.text) if first_line_end < 0 else first_line_end
        heading = parse_heading(norm.text[:heading_end], post.casebook)
        return cls(post, norm, heading, heading_end)

    @property
    def text(self) -> str:
        return self.norm.text

    @cached_property
    def body(self) -> str:
        """The normalised text after the heading line (same offsets as `text`)."""
        return " " * self.heading_end + self.norm.text[self.heading_end:]

    @property
    def headline(self) -> str:
        return self.norm.text[self.heading.title.start:self.heading.title.end]

    @property
    def release_date(self) -> date | None:
        return date.fromisoformat(self.heading.published) if self.heading.published else None

    def original(self, start: int, end: int) -> str:
        """The original text behind a normalised span, as written."""
        first, last = self.norm.span(start, end)
        return self.post.text[first:last]
