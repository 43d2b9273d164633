"""Every group of the count and leak-status vocabularies is read by its extractor (a group
nobody reads is a cue that silently does nothing)."""
from __future__ import annotations

import inspect

import pytest

from jikenbo import data
from jikenbo.extract import affected, leak


@pytest.mark.parametrize("table, module", [("counts", affected), ("leak_status", leak)])
def test_every_vocabulary_group_is_read(table: str, module: object) -> None:
    source = inspect.getsource(module)
    unread = [key for key in data.load(table) if not key.startswith("_")
              and f'"{key}"' not in source and f"'{key}'" not in source]
    assert unread == []
