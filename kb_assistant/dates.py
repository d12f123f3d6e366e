"""Query dates: what "as of" means everywhere (CLI, HTTP, evaluation)."""

from __future__ import annotations

from datetime import date

from kb_assistant.errors import BadDateError

__all__ = ["parse_date"]


def parse_date(value: str | date | None) -> date:
    """A query date: today when not given (so future versions switch on their own)."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadDateError(value) from exc
