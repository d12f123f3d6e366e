"""Stores written by earlier releases open and publish after the schema moves on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb_assistant.store.catalog import Catalog
from kb_assistant.store.migrations import SCHEMA_VERSION


def _schema_version(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT value FROM schema_info WHERE key='schema_version'").fetchone()[0])


def test_catalog_new_store_records_the_current_schema(tmp_path: Path):
    Catalog(tmp_path / "catalog.sqlite3").close()
    assert _schema_version(tmp_path / "catalog.sqlite3") == SCHEMA_VERSION == "5"


def test_catalog_version_1_store_drops_the_release_lexical_dir(tmp_path: Path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:  # a store as version 1 wrote it, with one release
        conn.executescript(
            """
            CREATE TABLE schema_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO schema_info VALUES ('schema_version', '1');
            CREATE TABLE releases(
                release_id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, author TEXT NOT NULL,
                note TEXT NOT NULL, set_hash TEXT NOT NULL, lexical_dir TEXT NOT NULL
            );
            INSERT INTO releases VALUES (1, '2026-01-01T00:00:00+00:00', 'trainer', 'first', 'abc', 'lex/1');
            """
        )
    catalog = Catalog(path)
    catalog.close()
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(releases)")]
        kept = conn.execute("SELECT release_id, author, note, set_hash FROM releases").fetchall()
    assert "lexical_dir" not in columns
    assert kept == [(1, "trainer", "first", "abc")]
    assert _schema_version(path) == "5"
    Catalog(path).close()  # opening again changes nothing
    assert _schema_version(path) == "5"


def test_catalog_version_2_store_gains_wording_not_questions(tmp_path: Path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:  # a store as version 2 wrote it, with one wording row
        conn.executescript(
            """
            CREATE TABLE schema_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO schema_info VALUES ('schema_version', '2');
            CREATE TABLE wordings(
                version_id TEXT PRIMARY KEY, wording_id TEXT NOT NULL, status TEXT NOT NULL,
                approved_at TEXT, questions TEXT NOT NULL, citations TEXT NOT NULL, answer TEXT NOT NULL
            );
            INSERT INTO wordings VALUES ('v1', 'WD-1', 'approved', NULL, '["问"]', '[]', '答');
            """
        )
    Catalog(path).close()
    with sqlite3.connect(path) as conn:
        kept = conn.execute("SELECT wording_id, questions, answer, not_questions FROM wordings").fetchall()
    assert kept == [("WD-1", '["问"]', "答", "[]")]
    with sqlite3.connect(path) as conn:  # version 5: every earlier entry is approved wording
        assert conn.execute("SELECT kind FROM wordings").fetchall() == [("wording",)]
    assert _schema_version(path) == "5"


def test_catalog_version_3_store_gains_section_questions_on_chunks(tmp_path: Path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:  # a store as version 3 wrote it, with one chunk
        conn.executescript(
            """
            CREATE TABLE schema_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO schema_info VALUES ('schema_version', '3');
            CREATE TABLE chunks(
                version_id TEXT NOT NULL, position INTEGER NOT NULL, chunk_hash TEXT NOT NULL,
                article TEXT, article_number INTEGER, article_sub INTEGER NOT NULL, part INTEGER NOT NULL,
                part_count INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL,
                PRIMARY KEY(version_id, position)
            );
            INSERT INTO chunks VALUES ('v1', 0, 'h1', NULL, NULL, 0, 1, 1, '一、领取条件', '缴费满一年。');
            """
        )
    catalog = Catalog(path)
    [chunk] = catalog.chunks_of(["v1"])
    catalog.close()
    assert (chunk.heading, chunk.text, chunk.questions) == ("一、领取条件", "缴费满一年。", ())
    assert _schema_version(path) == "5"
