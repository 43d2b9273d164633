"""Errors a user sees: one line naming the input and what to do, never a traceback."""
from __future__ import annotations


class JikenboError(Exception):
    """A failure the user can act on; `str()` is the whole message."""


class InputError(JikenboError):
    """One input (file, URL, stdin) could not be read; the rest of a batch goes on."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class UsageError(JikenboError):
    """The command was called wrongly; exit status 2."""
