"""Every error the library raises on purpose.

The edges (CLI, HTTP) map these to exit codes and status codes; the core never
prints or exits. The tree::

    KBError
     ├── ConfigError            settings that cannot work (bad embedder name, bad KB_DIR)
     ├── InputError             a request the library cannot serve as asked
     │    ├── BadDateError      a date that is not YYYY-MM-DD
     │    ├── BadFileError      a file that cannot be ingested (path + reason)
     │    └── RefusedQuestionError  a question holding instructions to the assistant
     ├── StoreError             the store is not in the state the request needs
     │    ├── NoReleaseError    nothing has been published yet
     │    └── UnknownReleaseError
     ├── GateError              publish refused: the draft scores worse than the live release
     └── PublishRunningError    another publish holds the slot (any replica or `kb publish`)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "BadDateError",
    "BadFileError",
    "ConfigError",
    "GateError",
    "InputError",
    "KBError",
    "NoReleaseError",
    "PublishRunningError",
    "RefusedQuestionError",
    "StoreError",
    "UnknownReleaseError",
]


class KBError(Exception):
    """Base of every error raised on purpose by kb_assistant."""


class ConfigError(KBError):
    pass


class InputError(KBError):
    pass


class BadDateError(InputError):
    def __init__(self, value: str) -> None:
        super().__init__(f"invalid date {value!r}: expected YYYY-MM-DD, e.g. 2025-01-01")
        self.value = value


class BadFileError(InputError):
    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class RefusedQuestionError(InputError):
    """Not answered on purpose: an evaluation counts it as an escalation, not a crash."""


class StoreError(KBError):
    pass


class NoReleaseError(StoreError):
    def __init__(self) -> None:
        super().__init__("nothing is published yet: run `kb ingest PATH --publish` or `kb publish`")


class UnknownReleaseError(StoreError):
    def __init__(self, release: int, latest: int | None) -> None:
        valid = f"1..{latest}" if latest else "none published yet"
        super().__init__(f"unknown release {release} (valid: {valid})")
        self.release = release


class GateError(KBError):
    """The draft's evaluation dropped by more than the margin; `report` says where."""

    def __init__(self, report: Any) -> None:
        self.report = report
        drops = "; ".join(report.drops)
        super().__init__(
            f"publish refused: {drops}. Fix the draft, or publish anyway with --force --note REASON"
        )


class PublishRunningError(KBError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"publish job {job_id} is still running: wait for it, then publish again")
        self.job_id = job_id
