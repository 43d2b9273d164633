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

    def __reduce__(self):  # rebuilt from both arguments when sent back from a worker process
        return type(self), (self.name, self.reason)


class UsageError(JikenboError):
    """The command was called wrongly; exit status 2."""


class StoreBusy(JikenboError):
    """Another writer held the database longer than we wait; nothing was changed, try again."""
