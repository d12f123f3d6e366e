"""The small data tables a site may replace (thesaurus, typing slips, referrals, dictionary).

Each is bundled in `kb_assistant/data/` and can be swapped for a site copy; the TSV ones
share one reader, so a bad line is reported the same way for every table.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

__all__ = ["data_text", "tsv_pairs"]


def data_text(name: str, path: Path | None = None) -> str:
    """The site copy at `path` when given, else the bundled `data/<name>`."""
    if path is not None:
        return path.read_text(encoding="utf-8")
    return resources.files("kb_assistant.data").joinpath(name).read_text(encoding="utf-8")


def tsv_pairs(text: str, table: str, shape: str) -> Iterator[tuple[str, str]]:
    """(key, value) of each `key<TAB>value` line; blank lines and `#` comments are skipped."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, value = line.partition("\t")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{table} line {number}: expected '{shape}'")
        yield key.strip(), value.strip()
