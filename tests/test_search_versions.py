"""A new version of a release keeps its row (and rowid), so the caches a reading process holds
— the search's facet index and term answers, the case list — must notice it: a changed page's
new words are found at once, not after the next unrelated ingest."""
from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

from jikenbo.store import open_store
from jikenbo.store.search import Query
from tests.conftest import SHARED, run_cli

NOTICE = SHARED / "corpus" / "unnumbered" / "000-00.txt"  # 白井市: a contractor's leak
# an invented addendum: words the first text never used
ADDENDUM = "【追記】2025年2月3日 調査の結果、流出した個人情報は約2,400件と判明しました。"


def _ingest(db: str, page: Path) -> None:
    result = run_cli("ingest", "--db", db, str(page))
    assert result.returncode == 0, result.stderr.decode()


def test_a_reader_sees_a_new_version_of_a_release_at_once(db: str, tmp_path: Path) -> None:
    page = tmp_path / "notice.txt"
    shutil.copy(NOTICE, page)
    _ingest(db, page)
    with closing(open_store(db)) as reader:  # a web worker: its caches live on
        assert reader.search(Query(q="約2,400件と判明")).total == 0
        [before] = reader.search(Query(sort="affected")).ids
        page.write_text(NOTICE.read_text(encoding="utf-8") + "\n" + ADDENDUM + "\n",
                        encoding="utf-8")
        _ingest(db, page)  # another process stores the new version
        # the same release, its newest text searched (the answer to the same words asked
        # before the new version was kept by the reader: it must not be served again)
        assert reader.search(Query(q="約2,400件と判明")).ids == [before]
