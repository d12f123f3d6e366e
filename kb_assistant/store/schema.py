"""The catalog's tables as a fresh store creates them (kept current: `migrations` upgrades
older stores to the same shape).

versions/chunks hold every document and wording version ever ingested (append-only,
content-hash ids; `seq` is the order texts became current, so a file put back to an earlier
text moves that version last); draft is what publishing would release next; releases and
release_versions pin which versions, with which validity windows, each release serves.
"""

from __future__ import annotations

__all__ = ["SCHEMA"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id TEXT NOT NULL UNIQUE,
    doc_key TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_number TEXT,
    issuer TEXT,
    region TEXT NOT NULL,
    level TEXT,
    effective_from TEXT,
    effective_to TEXT,
    supersedes TEXT NOT NULL,
    topics TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_doc ON versions(doc_key);
CREATE TABLE IF NOT EXISTS chunks(
    version_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    chunk_hash TEXT NOT NULL,
    article TEXT,
    article_number INTEGER,
    article_sub INTEGER NOT NULL,
    part INTEGER NOT NULL,
    part_count INTEGER NOT NULL,
    heading TEXT NOT NULL,
    text TEXT NOT NULL,
    questions TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY(version_id, position)
);
CREATE TABLE IF NOT EXISTS sources(
    path TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    version_id TEXT NOT NULL,
    PRIMARY KEY(path, file_hash)
);
CREATE TABLE IF NOT EXISTS draft(version_id TEXT PRIMARY KEY, added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS releases(
    release_id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    set_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS release_versions(
    release_id INTEGER NOT NULL,
    version_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    PRIMARY KEY(release_id, version_id)
);
CREATE TABLE IF NOT EXISTS wordings(
    version_id TEXT PRIMARY KEY,
    wording_id TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_at TEXT,
    questions TEXT NOT NULL,
    citations TEXT NOT NULL,
    answer TEXT NOT NULL,
    not_questions TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL DEFAULT 'wording'
);
CREATE TABLE IF NOT EXISTS change_notices(
    notice_id TEXT PRIMARY KEY,
    release_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    title TEXT NOT NULL,
    change TEXT NOT NULL,
    effective_from TEXT,
    summary TEXT NOT NULL,
    wording TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS question_vectors(
    embedder TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY(embedder, text_hash)
);
-- models trained from a release's example questions, keyed by a hash of what they were
-- trained on (an .npz without pickles): loading a release reads them instead of retraining
CREATE TABLE IF NOT EXISTS trained_models(
    model_key TEXT PRIMARY KEY,
    model BLOB NOT NULL
);
"""
