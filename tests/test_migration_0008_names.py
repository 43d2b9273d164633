"""Migration 0008 renames each stored file path to its name, set-based (grouping the names once)
rather than by a NOT EXISTS per source, which compared every pair of sources (171 s of CPU for
10,000 sources). It must follow the rule on any mix of paths, shared names, URLs, pasted texts
and versions of one path."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from jikenbo.store.sqlite import _statements

def _expected(locators: list[str]) -> list[str]:
    """The rule, read off the stored paths before any is renamed: a file path becomes its name
    unless another stored path (not merely another version of it) has that name."""
    name = lambda locator: locator.rsplit("/", 1)[-1]  # noqa: E731
    paths = {}
    for locator in locators:
        paths.setdefault(name(locator), set()).add(locator)
    return [name(x) if "/" in x and "://" not in x and not x.startswith("posted:")
            and len(paths[name(x)]) == 1 else x for x in locators]


def _renaming() -> str:
    script = resources.files("jikenbo.store").joinpath(
        "migrations", "sqlite", "0008_release_versions.sql").read_text(encoding="utf-8")
    [statement] = [s for s in _statements(script) if s.startswith("UPDATE sources")]
    return statement


def _renamed(statement: str, locators: list[str]) -> list[str]:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, locator TEXT NOT NULL)")
        db.executemany("INSERT INTO sources (locator) VALUES (?)", [(x,) for x in locators])
        db.execute(statement)
        return [row[0] for row in db.execute("SELECT locator FROM sources ORDER BY id")]


_PART = st.sampled_from(["home", "op", "srv", "a", "b", "受信", "ｎｏｔｅ", "", "x.txt",
                         "notice.txt", "お知らせ.html", "same.txt"])
_LOCATOR = st.one_of(
    st.lists(_PART, min_size=1, max_size=4).map("/".join),
    st.lists(_PART, min_size=1, max_size=3).map(lambda parts: "https://example.jp/" + "/".join(parts)),
    _PART.map(lambda name: f"posted:2026-01-01/{name}"),
    _PART,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LOCATOR, max_size=12))
def test_each_path_becomes_its_name_unless_another_path_shares_it(locators: list[str]) -> None:
    # A locator given twice stands for two versions of one file (the same path). The NOT EXISTS
    # per source that this replaced saw the rows it had already renamed, so of two versions of
    # one file only the first became its name (['home/home', 'home/home'] → ['home', 'home/home']).
    assert _renamed(_renaming(), locators) == _expected(locators)


def test_a_name_two_paths_share_keeps_both_paths() -> None:
    locators = ["/home/op/inbox/shirai.txt", "/srv/a/same.txt", "/srv/b/same.txt",
                "/srv/b/same.txt", "https://example.jp/shirai.txt", "posted:x/y.txt", "c:/d/e.txt"]
    assert _renamed(_renaming(), locators) == [
        "/home/op/inbox/shirai.txt", "/srv/a/same.txt", "/srv/b/same.txt", "/srv/b/same.txt",
        "https://example.jp/shirai.txt", "posted:x/y.txt", "e.txt"]
