"""Cue vocabularies, grouped by meaning, one JSON file each (see the README of this folder)."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    """The parsed content of `data/<name>.json`."""
    with resources.files(__package__).joinpath(f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)
