"""Test helpers for the wording matcher."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from kb_assistant.answer.wording import WordingMatcher


@contextmanager
def configured(matcher: WordingMatcher, **changes: Any) -> Iterator[WordingMatcher]:
    """The matcher with some settings changed, restored afterwards (it is shared by a session)."""
    default = matcher.config
    matcher.config = replace(default, **changes)
    try:
        yield matcher
    finally:
        matcher.config = default
