"""Bring a catalog written by an earlier release of kb-assistant up to the current schema.

Each step is idempotent and keyed by the schema version it produces, so opening a store
twice, or opening it from two processes, changes it once. Stores are never migrated down.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["SCHEMA_VERSION", "migrate"]


def _drop_release_lexical_dir(conn: sqlite3.Connection) -> None:
    """Version 2: the lexical folder is derived from the release's set hash, not stored."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(releases)")}
    if "lexical_dir" in columns:
        conn.execute("ALTER TABLE releases DROP COLUMN lexical_dir")


def _add_wording_not_questions(conn: sqlite3.Connection) -> None:
    """Version 3: wording entries list near-topic questions they must not answer."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(wordings)")}
    if "not_questions" not in columns:
        conn.execute("ALTER TABLE wordings ADD COLUMN not_questions TEXT NOT NULL DEFAULT '[]'")


def _add_chunk_questions(conn: sqlite3.Connection) -> None:
    """Version 4: a knowledge-article section carries the callers' questions it answers."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(chunks)")}
    if "questions" not in columns:
        conn.execute("ALTER TABLE chunks ADD COLUMN questions TEXT NOT NULL DEFAULT '[]'")


def _add_wording_kind(conn: sqlite3.Connection) -> None:
    """Version 5: a wording entry is approved wording or the handover line of a topic not
    covered yet."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(wordings)")}
    if "kind" not in columns:
        conn.execute("ALTER TABLE wordings ADD COLUMN kind TEXT NOT NULL DEFAULT 'wording'")


STEPS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("2", _drop_release_lexical_dir),
    ("3", _add_wording_not_questions),
    ("4", _add_chunk_questions),
    ("5", _add_wording_kind),
]
SCHEMA_VERSION = STEPS[-1][0]


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the steps newer than the store's recorded version, in one transaction each."""
    row = conn.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()
    current = int(row[0]) if row else 1
    for version, step in STEPS:
        if int(version) <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(
                "INSERT INTO schema_info(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (version,),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = int(version)
