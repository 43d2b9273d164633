"""Posts → markdown, HTML, or a Blogger-importable Atom file.

Markdown and HTML keep the release text line for line, so jikenbo's own casebook splitter reads a
published page back into the same posts: the first archive line becomes the link to the archived
original, labels sit in the post footer (`ラベル: …`, page furniture to the splitter).
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from jikenbo.publish.post import ARCHIVE, CasebookPost, is_archive_line

_KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_POST_KIND = "http://schemas.google.com/blogger/2008/kind#post"
_LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
_STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.6}"
          ".post{border-bottom:1px solid #ccc;margin-bottom:2em}"
          ".post-title{font-size:1.15em}.post-footer{color:#555;font-size:.9em}")


def markdown(posts: Sequence[CasebookPost]) -> str:
    """Each post: heading line, text verbatim, archive link, `ラベル:` footer line."""
    out = []
    for post in posts:
        out += [post.heading, *_linked(post, lambda url: f"[{ARCHIVE}]({url})")]
        if post.labels:
            out += ["", "ラベル: " + ", ".join(post.labels)]
        out += ["", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def post_html(post: CasebookPost) -> str:
    """One post as the blog's HTML: lines joined by <br> so they come back one to a line."""
    body = "<br>".join(_line_html(line, post.archive_url if first else None)
                       for line, first in _first_archive(post.lines))
    labels = ", ".join(f'<a rel="tag">{html.escape(label)}</a>' for label in post.labels)
    footer = f'<div class="post-footer">ラベル: {labels}</div>' if post.labels else ""
    return (f'<article class="post" id="post-{post.release_id}">'
            f'<h3 class="post-title">{html.escape(post.heading)}</h3>'
            f'<div class="post-body">{body}</div>{footer}</article>')


def html_page(posts: Sequence[CasebookPost], title: str = "セキュリティ事件簿") -> str:
    articles = "\n".join(post_html(post) for post in posts)
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n"
            f"<body><main>\n{articles}\n</main></body></html>\n")


def blogger_atom(posts: Sequence[CasebookPost], blog_title: str = "セキュリティ事件簿",
                 updated: datetime | None = None) -> str:
    """A Blogger import file (Atom): one entry per post, kind `post`, labels as categories."""
    stamp = (updated or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    entries = [_entry(post, stamp) for post in posts]
    return ("<?xml version='1.0' encoding='UTF-8'?>\n"
            "<feed xmlns='http://www.w3.org/2005/Atom'>\n"
            "<id>tag:jikenbo,2024:blog</id>\n"
            f"<updated>{stamp}</updated>\n<title type='text'>{escape(blog_title)}</title>\n"
            "<generator>jikenbo</generator>\n" + "".join(entries) + "</feed>\n")


def _entry(post: CasebookPost, stamp: str) -> str:
    when = f"{post.published}T00:00:00.000+09:00" if post.published else stamp
    categories = [f"<category scheme={quoteattr(_KIND_SCHEME)} term={quoteattr(_POST_KIND)}/>"]
    categories += [f"<category scheme={quoteattr(_LABEL_SCHEME)} term={quoteattr(label)}/>"
                   for label in post.labels]
    return ("<entry>\n"
            f"<id>tag:jikenbo,2024:post-{post.release_id}</id>\n"
            f"<published>{when}</published>\n<updated>{when}</updated>\n"
            + "".join(categories) + "\n"
            f"<title type='text'>{escape(post.heading)}</title>\n"
            f"<content type='html'>{escape(post_html(post))}</content>\n"
            f"<link rel='alternate' type='text/html' href={quoteattr(post.archive_url)}/>\n"
            "<author><name>jikenbo</name></author>\n"
            "</entry>\n")


def _first_archive(lines: Sequence[str]):
    seen = False
    for line in lines:
        first = not seen and is_archive_line(line)
        seen = seen or first
        yield line, first


def _linked(post: CasebookPost, link) -> list[str]:
    return [link(post.archive_url) if first else line
            for line, first in _first_archive(post.lines)]


def _line_html(line: str, archive_url: str | None) -> str:
    if archive_url is not None:
        return f'<a href="{html.escape(archive_url)}">{ARCHIVE}</a>'
    return html.escape(line)
