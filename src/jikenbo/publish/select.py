"""Which stored releases a publish run covers, each composed into its post."""
from __future__ import annotations

import re
from collections.abc import Iterable

from jikenbo.errors import JikenboError, UsageError
from jikenbo.publish.post import CasebookPost, compose
from jikenbo.store import Store, StoredRelease

_CASE_NUMBER = re.compile(r"^\d{4}-\d{3,4}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def target_posts(store: Store, target: str, base_url: str = "") -> list[CasebookPost]:
    """A case number (`2024-313`: every release of the case, oldest first) or a release id
    (at least 6 characters)."""
    if _CASE_NUMBER.match(target):
        number = store.resolve_case(target)
        releases = store.case_releases(number)
        if not releases:
            raise JikenboError(f"no case {target}; list them with 'jikenbo cases'")
        return posts_of(store, releases, base_url)
    if len(target) < 6:
        raise UsageError("give a case number (YYYY-NNN) or at least 6 characters of a release id")
    release = store.release(target)
    if release is None:
        raise JikenboError(f"no release with id {target!r}; list them with 'jikenbo export'")
    if not release.record.is_incident:
        raise JikenboError(f"release {release.id[:12]} is not an incident notice; "
                           "the casebook publishes incidents only")
    return posts_of(store, [release], base_url)


def batch_posts(store: Store, since: str | None = None, case: str | None = None,
                year: str | None = None, base_url: str = "") -> list[CasebookPost]:
    """Every incident release published on or after `since`, in `year`, or of `case`."""
    if since and not _DAY.match(since):
        raise UsageError(f"--since wants a day as YYYY-MM-DD, not {since!r}")
    if year and not re.fullmatch(r"\d{4}", year):
        raise UsageError(f"--year wants YYYY, not {year!r}")
    releases = store.case_releases(store.resolve_case(case)) if case else store.releases()
    chosen = [release for release in releases if release.record.is_incident
              and (not since or (release.record.published or "") >= since)
              and (not year or (release.record.published or "").startswith(year))]
    return posts_of(store, chosen, base_url)


def posts_of(store: Store, releases: Iterable[StoredRelease], base_url: str) -> list[CasebookPost]:
    releases = list(releases)
    numbers = store.case_numbers_of([release.id for release in releases])
    dates_by_case: dict[str, list[str]] = {}
    for release in releases:
        number = numbers.get(release.id)
        if number and number not in dates_by_case:
            dates_by_case[number] = [member.record.published
                                     for member in store.case_releases(number)
                                     if member.record.published]
    posts = []
    for release in releases:
        number = numbers.get(release.id)
        day = release.record.published
        earlier = [d for d in dates_by_case.get(number, ()) if day and d < day]
        posts.append(compose(release, number, earlier, base_url))
    return posts
