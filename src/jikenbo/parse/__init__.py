"""Parse: a source's text → posts (releases and the blog's unrelated posts).

A casebook blog page holds many posts. A post starts at a `【セキュリティ事件簿#…】` header, or at
the title of an unrelated post (a travel report after a post's 「リリース文アーカイブ」 link, or a
`【搭乗記】…` title). 「リリース文アーカイブ」 and `【YYYY年M月D日リリース分】` lines belong to the post
above them; page furniture (label banners, the blog tagline) is dropped. A document with no
casebook header is one release.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jikenbo import data

_LAYOUT = data.load("page_layout")
_HEADER = re.compile(_LAYOUT["casebook_header"])
_ARCHIVE = re.compile(_LAYOUT["archive_line"])
_MARKER = re.compile(_LAYOUT["release_marker"])
_FURNITURE = [re.compile(pattern) for pattern in _LAYOUT["furniture"]]
_KIND_LABEL = re.compile(r"^\s*【([^】]{1,12})】\s*(\S.{7,})$")
_MAX_TITLE = 150


@dataclass(frozen=True)
class Post:
    """One post of a source: its first line, its text and where it lies in the source text."""

    heading: str
    text: str
    start: int
    end: int
    casebook: bool  # True when the post sits on a casebook page


@dataclass(frozen=True)
class _Line:
    text: str
    start: int
    end: int  # offset just after the line's text (before its newline)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_posts(text: str) -> list[Post]:
    """Split `text` into posts; a text without a casebook header is one post."""
    lines = _lines(text)
    if not any(_HEADER.match(line.text) for line in lines):
        body = [line for line in lines if not line.blank]
        if not body:
            return []
        return [Post(body[0].text.strip(), text[body[0].start:body[-1].end].strip("\n"),
                     body[0].start, body[-1].end, casebook=False)]
    starts = _post_starts(lines)
    posts = []
    for number, first in enumerate(starts):
        last = starts[number + 1] if number + 1 < len(starts) else len(lines)
        kept = [line for line in lines[first:last] if not line.blank and not _is_furniture(line)]
        if kept:
            posts.append(Post(kept[0].text.strip(), text[kept[0].start:kept[-1].end],
                              kept[0].start, kept[-1].end, casebook=True))
    return posts


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(raw.rstrip("\r"), offset, offset + len(raw.rstrip("\r"))))
        offset += len(raw) + 1
    return lines


def _post_starts(lines: list[_Line]) -> list[int]:
    """Indexes of the lines that start a post; what comes before the first is page furniture."""
    starts = []
    after_archive = False
    for index, line in enumerate(lines):
        if line.blank or _is_furniture(line):
            continue
        if _HEADER.match(line.text) or _is_unrelated_title(line, after_archive):
            starts.append(index)
        after_archive = bool(_ARCHIVE.match(line.text)) or (after_archive and bool(_MARKER.match(line.text)))
    return starts


def _is_unrelated_title(line: _Line, after_archive: bool) -> bool:
    """An unrelated post's title: a short line right after a post's archive link, or a label.

    Starts a post: `安く旅する方法` after 「リリース文アーカイブ」; `【搭乗記】日本航空JL794 …`.
    Stays inside the post: `【追記】2024年7月24日…`, `【2024年5月31日リリース分】`, a sentence ending in 。.
    """
    text = line.text.strip()
    if _MARKER.match(text) or _ARCHIVE.match(text) or len(text) > _MAX_TITLE or text.endswith("。"):
        return False
    if after_archive:
        return True
    match = _KIND_LABEL.match(text)
    if not match:
        return False
    label = match.group(1)
    if label in _LAYOUT["in_release_labels"]:
        return False
    return label in _LAYOUT["post_kind_labels"] or label.endswith("記")


def _is_furniture(line: _Line) -> bool:
    return any(pattern.search(line.text) for pattern in _FURNITURE)
