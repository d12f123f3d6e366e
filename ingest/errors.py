"""Errors raised for input files that ingestion cannot use.

One exception type for every expected bad input (empty, encrypted, corrupt, undecodable,
unsupported), so callers can skip such a file and report `reason` without knowing which
library failed underneath.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["UnreadableFileError"]


class UnreadableFileError(Exception):
    """A file that cannot be turned into text; `reason` is a short English phrase for people."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def __reduce__(self) -> tuple[type[UnreadableFileError], tuple[Path, str]]:
        # Default pickling would call __init__ with the formatted message only.
        return (type(self), (self.path, self.reason))
