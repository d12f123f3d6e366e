"""kb-assistant: a policy knowledge base for a 12333 hotline, with versions and effective dates.

The public surface is `KB` (the facade), its result types, settings and errors.
"""

from kb_assistant.answer.model import Answer, AnswerMode
from kb_assistant.config import Settings, get_settings
from kb_assistant.errors import (
    BadDateError,
    BadFileError,
    ConfigError,
    InputError,
    KBError,
    NoReleaseError,
    RefusedQuestionError,
    StoreError,
    UnknownReleaseError,
)
from kb_assistant.kb import KB
from kb_assistant.model import Hit, IngestReport, Release, SearchResult

__all__ = [
    "KB",
    "Answer",
    "AnswerMode",
    "BadDateError",
    "BadFileError",
    "ConfigError",
    "Hit",
    "IngestReport",
    "InputError",
    "KBError",
    "NoReleaseError",
    "RefusedQuestionError",
    "Release",
    "SearchResult",
    "Settings",
    "StoreError",
    "UnknownReleaseError",
    "get_settings",
]
