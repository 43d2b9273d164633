"""Assess: what a stored release or case means for its issuer. Reads records, never writes.

`issuer` (what kind of organisation issued it), `damage` (JNSA JO model damage estimate) and
`ppc` (the Personal Information Protection Commission's reporting duty). Every figure comes with
the inputs it was computed from and where each input came from.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Input:
    """One input of an assessment: its value and where it came from (a record field, a text
    span, a rule of the model or a default)."""

    name: str
    value: object
    source: str
