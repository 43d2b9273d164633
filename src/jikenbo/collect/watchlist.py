"""The watch list as the operator writes it: intervals like `1h`, link patterns, a TOML file.

TOML layout (see data/watch.example.toml): one `[[source]]` table per source with `url` and
optionally `kind`, `every`, `organization`, `include`, `exclude`.
"""
from __future__ import annotations

import re
import tomllib
from urllib.parse import urlsplit

import tomli_w

from jikenbo.errors import UsageError
from jikenbo.store.watch import WatchEntry

KINDS = ("auto", "feed", "page", "sitemap")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d{1,6})([smhd])")
_KEYS = {"url", "kind", "every", "organization", "include", "exclude"}


def parse_interval(text: str) -> int:
    """`90s`, `15m`, `1h`, `1d` or `1h30m` → seconds. Refuses `0h`, `1x`, `h1`."""
    cleaned = text.strip().lower()
    parts = _INTERVAL.findall(cleaned)
    if not parts or "".join(number + unit for number, unit in parts) != cleaned:
        raise UsageError(f"interval {text!r}: write it like 30m, 1h, 6h or 1d")
    seconds = sum(int(number) * _UNITS[unit] for number, unit in parts)
    if seconds < 1:
        raise UsageError(f"interval {text!r}: must be longer than zero")
    return seconds


def format_interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r}: a watched source must be an http:// or https:// URL")
    return url.strip()


def entry(url: str, kind: str = "auto", every: str | None = None,
          organization: str | None = None, include: tuple[str, ...] = (),
          exclude: tuple[str, ...] = ()) -> WatchEntry:
    """A checked watch-list entry from the operator's words; raises UsageError on a bad one."""
    if kind not in KINDS:
        raise UsageError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
    return WatchEntry(check_url(url), kind, parse_interval(every) if every else None,
                      (organization or "").strip() or None,
                      tuple(p for p in include if p), tuple(p for p in exclude if p))


def matches(pattern: str, text: str) -> bool:
    """True when the pieces of `pattern` between `*`s occur in `text` in order (a substring
    match with wildcards, linear in the text: no regular expression is built from it).

    Keeps `/press/*.pdf` for `https://x.jp/press/2024/0801.pdf`; drops it for `/news/0801.pdf`.
    """
    position = 0
    for piece in pattern.split("*"):
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def wanted(source: WatchEntry, url: str, text: str) -> bool:
    """A link passes when it matches an include pattern (if any) and no exclude pattern; a
    pattern is tried on the URL and on the link text."""
    def hit(pattern: str) -> bool:
        return matches(pattern, url) or matches(pattern, text)
    if source.include and not any(hit(p) for p in source.include):
        return False
    return not any(hit(p) for p in source.exclude)


def read_toml(text: str, name: str = "watch list") -> list[WatchEntry]:
    """The entries of a watch-list TOML file; raises UsageError naming the bad table."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{name}: not valid TOML ({error})") from None
    tables = document.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise UsageError(f"{name}: sources are written as [[source]] tables")
    return [_from_table(table, f"{name}: source {number}")
            for number, table in enumerate(tables, 1)]


def _from_table(table: dict, where: str) -> WatchEntry:
    unknown = set(table) - _KEYS
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if not isinstance(table.get("url"), str):
        raise UsageError(f"{where}: needs a url")
    lists = {key: table.get(key, []) for key in ("include", "exclude")}
    for key, value in lists.items():
        if isinstance(value, str):
            lists[key] = [value]
        elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise UsageError(f"{where}: {key} is a list of strings")
    try:
        return entry(table["url"], str(table.get("kind", "auto")), table.get("every"),
                     table.get("organization"), tuple(lists["include"]),
                     tuple(lists["exclude"]))
    except UsageError as error:
        raise UsageError(f"{where}: {error}") from None


def write_toml(entries: list[WatchEntry]) -> str:
    """The watch list as TOML that `read_toml` reads back to the same entries (tomli-w
    writes the values; each source is a `[[source]]` table, as in the shipped example)."""
    tables = []
    for item in entries:
        table: dict = {"url": item.url}
        if item.kind != "auto":
            table["kind"] = item.kind
        if item.every:
            table["every"] = format_interval(item.every)
        if item.organization:
            table["organization"] = item.organization
        for key in ("include", "exclude"):
            if getattr(item, key):
                table[key] = list(getattr(item, key))
        tables.append(f"[[source]]\n{tomli_w.dumps(table)}")
    return "\n".join(tables)


def settings_only(item: WatchEntry) -> WatchEntry:
    """The entry without its check history (what an export or an import carries)."""
    return WatchEntry(item.url, item.kind, item.every, item.organization, item.include,
                      item.exclude)
