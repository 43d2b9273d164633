"""A safety net for one post: a size limit and a time budget, each refusing with a clear error.

Every pattern in extraction is meant to be linear in its input (`bench/adversarial_bench.py`
shows it shape by shape); these limits are for what no pattern foresaw. A post over
`max_post_chars()` characters, or one whose extraction runs past `post_seconds()`, is refused
with an `InputError` naming the input, so the batch reports it and goes on with the next input.

    JIKENBO_MAX_POST_CHARS   characters per post (default 200,000; 0 turns the limit off)
    JIKENBO_POST_SECONDS     seconds per post (default 20; 0 turns the budget off)

The time budget interrupts a running pattern through SIGALRM, which only the main thread can
receive; in another thread, or where SIGALRM is taken (pytest-timeout), it stays off.
"""
from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from jikenbo.errors import InputError
from jikenbo.parse import Post

# A release is a few thousand characters; the longest post in the corpus is 12,225.
MAX_POST_CHARS = 200_000
# Linear extraction reads 1 MB in well under 5 s; a post that takes 20 s has met a pattern bug.
POST_SECONDS = 20.0

R = TypeVar("R")


def max_post_chars() -> int:
    return int(_setting("JIKENBO_MAX_POST_CHARS", MAX_POST_CHARS))


def post_seconds() -> float:
    return _setting("JIKENBO_POST_SECONDS", POST_SECONDS)


def _setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError:
        return default


def bounded(extract: Callable[..., R]) -> Callable[..., R]:
    """Wrap `extract(post, source, ...)` in the size limit and the time budget."""
    @functools.wraps(extract)
    def run(post: Post, source: str, *args: object, **kwargs: object) -> R:
        limit = max_post_chars()
        if limit and len(post.text) > limit:
            raise InputError(source, f"the post at character {post.start:,} is "
                                     f"{len(post.text):,} characters long, over the limit of "
                                     f"{limit:,} per post (JIKENBO_MAX_POST_CHARS); split the "
                                     f"input into releases")
        with _deadline(source, post, post_seconds()):
            return extract(post, source, *args, **kwargs)
    return run


@contextmanager
def _deadline(source: str, post: Post, seconds: float) -> Iterator[None]:
    if not seconds or not _alarm_is_free():
        yield
        return
    armed = True

    def overtime(signum: int, frame: object) -> None:
        if armed:  # a late alarm after the post was done is ignored
            raise InputError(source, f"extracting the post at character {post.start:,} took "
                                     f"more than {seconds:g} s (JIKENBO_POST_SECONDS) and was "
                                     f"stopped; please report this input")

    previous = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _alarm_is_free() -> bool:
    return (hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
