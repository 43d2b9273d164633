"""JSON lines: one stored release a line, the record as RECORD.md has it plus id and case."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TextIO

from jikenbo.export.casebook import Options, source_text
from jikenbo.store import StoredRelease


def render(releases: Sequence[StoredRelease], cases: Mapping[str, str], out: TextIO,
           options: Options = Options()) -> int:
    for release in releases:
        row = {"id": release.id, **release.record.to_dict(), "case": cases.get(release.id)}
        row["source"] = source_text(release.source_locator)
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(releases)
