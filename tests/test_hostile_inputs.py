"""Hostile inputs each give one clear line, never a traceback, and never stop the batch."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from jikenbo.errors import InputError
from jikenbo.sources import load
from tests import hostile
from tests.conftest import run_cli
from tests.helpers import SHIRAI, release_html

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.mark.parametrize("name, make, reason", [
    ("aes.pdf", hostile.aes256_pdf, "AES-encrypted PDF, which cannot be decrypted here"),
    ("cyclic.pdf", hostile.cyclic_pdf, "damaged PDF"),
    ("bomb.pdf", hostile.bomb_pdf, "decompression limit"),
    ("jbig2.pdf", hostile.jbig2_pdf, "decoder that is not installed"),
    ("deep.html", lambda: hostile.deep_html(3000).encode(), "nested more than 2,048 deep"),
    ("controls.txt", lambda: b"\x01\x02\x03" * 3, "control characters"),
])
def test_hostile_documents_are_refused_in_one_line(tmp_path: Path, name, make, reason) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError, match=re.escape(reason)) as caught:
        load(str(path))
    message = str(caught.value)
    assert "\n" not in message and "please report" not in message and message.startswith(str(path))


@pytest.mark.parametrize("markup", [hostile.deep_html(300), hostile.control_reference_html()])
def test_html_that_trips_the_parser_keeps_its_text(tmp_path: Path, markup: str) -> None:
    path = tmp_path / "notice.html"
    path.write_text(markup, encoding="utf-8")
    text = load(str(path)).text
    assert "約8千6百件" in text and "白井市営水道" in text and not _CONTROLS.search(text)


@pytest.mark.parametrize("reference, kept", [
    ("&#1;", ""), ("&#x1F;", ""), ("&#127;", ""), ("&#0001;", ""),
    ("&#123;", "{"), ("&#x12345;", "\U00012345"), ("&#1270;", "\u04f6"), ("&#9;", "\t"),
])
def test_only_references_to_control_characters_are_dropped(reference: str, kept: str) -> None:
    from jikenbo.sources.html import html_main_text
    _, text = html_main_text("x.html", f"<html><body><p>前{reference}後 {SHIRAI}</p></body></html>")
    assert text.startswith(f"前{kept}後") or (kept == "\t" and text.startswith("前") and "後" in text[:3])


def test_a_pdf_with_lone_surrogates_is_read_as_valid_text(tmp_path: Path) -> None:
    path = tmp_path / "cmap.pdf"
    path.write_bytes(hostile.surrogate_pdf())
    text = load(str(path)).text
    assert text == "Hello \ufffd\ufffd\ufffd incident"
    text.encode("utf-8")  # storable


def test_one_batch_of_hostile_inputs_stores_everything_storable(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    files = {
        "01-valid.txt": SHIRAI.encode(),
        "02-huge-count.txt": hostile.huge_count_text().encode(),
        "03-surrogates.pdf": hostile.surrogate_pdf(),
        "04-aes.pdf": hostile.aes256_pdf(),
        "05-bomb.pdf": hostile.bomb_pdf(),
        "06-controls.txt": hostile.control_text().encode(),
        "07-references.html": hostile.control_reference_html().encode(),
        "08-deep.html": hostile.deep_html(300).encode(),
        "09-deeper.html": hostile.deep_html(5000).encode(),
        "10-valid.html": release_html(extra_body="<p>追記: 再発防止に努めます。</p>").encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    db = str(tmp_path / "c.db")
    result = run_cli("ingest", "--db", db, str(folder))
    errors = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in errors and "please report" not in errors
    failed = sorted(re.findall(r"^error: .*/(\d\d-[\w.-]+): ", errors, re.M))
    assert failed == ["04-aes.pdf", "05-bomb.pdf", "09-deeper.html"], errors
    assert "10 files" in errors and "3 failed" in errors
    with sqlite3.connect(db) as connection:
        stored = {Path(row[0]).name for row in connection.execute("SELECT locator FROM sources")}
        assert stored == set(files) - {"04-aes.pdf", "05-bomb.pdf", "09-deeper.html"}
        # Each file is stored by its name, never a path of this machine (issue #12 item 4). The
        # variants of the notice (a misread count, control characters) are near-duplicates of
        # it at other locators: occurrences of the one release, whose count is the valid one
        # (issue #12 item 3).
        counts = dict(connection.execute(
            "SELECT s.locator, r.affected_count FROM occurrences o JOIN releases r "
            "ON r.id = o.release_id JOIN sources s ON s.id = o.source_id").fetchall())
        assert counts["01-valid.txt"] == counts["02-huge-count.txt"] == 8600
        for (text,) in connection.execute("SELECT text FROM releases UNION ALL "
                                          "SELECT text FROM sources"):
            assert not _CONTROLS.search(text)
    again = run_cli("ingest", "--db", db, str(folder))  # the re-run passes the same files
    assert b"0 new" in again.stderr and b"3 failed" in again.stderr
    alone = str(tmp_path / "alone.db")  # the misread count on its own is stored as unknown
    assert run_cli("ingest", "--db", alone, str(folder / "02-huge-count.txt")).returncode == 0
    with sqlite3.connect(alone) as connection:
        assert connection.execute("SELECT affected_count FROM releases").fetchall() == [(None,)]
