"""The SQLite catalog: documents' versions, their chunks, the draft and the releases.

Versions and chunks are append-only. A release is a row in `releases` plus the
validity window of each of its versions in `release_versions`; both are written in
one transaction, so a reader sees either the old release or the complete new one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ingest.model import ParsedDocument, sha256_hex
from ingest.wording import WordingCitation, WordingEntry
from kb_assistant.store.migrations import SCHEMA_VERSION, migrate
from kb_assistant.store.schema import SCHEMA

__all__ = ["Catalog", "ChunkRow", "VersionRow", "WordingRow", "wording_doc_key"]


SQLITE_MAX_INTEGER = 2**63 - 1
INSERT_VERSION = (
    "INSERT OR IGNORE INTO versions(version_id, doc_key, title, doc_number, issuer, region, level,"
    " effective_from, effective_to, supersedes, topics, source, format, chunk_count, ingested_at)"
)


@dataclass(frozen=True)
class VersionRow:
    seq: int
    version_id: str
    doc_key: str
    title: str
    doc_number: str | None
    issuer: str | None
    region: str
    level: str | None
    effective_from: date | None
    effective_to: date | None
    supersedes: tuple[str, ...]
    topics: tuple[str, ...]
    source: str
    format: str
    chunk_count: int
    ingested_at: str


@dataclass(frozen=True)
class ChunkRow:
    version_id: str
    position: int
    chunk_hash: str
    article: str | None
    heading: str
    text: str
    part: int
    part_count: int
    questions: tuple[str, ...] = ()  # a knowledge section's example questions


@dataclass(frozen=True)
class WordingRow:
    """An approved-wording version as stored: its `versions` row plus the wording payload."""

    version: VersionRow
    wording_id: str
    status: str
    approved_at: date | None
    questions: tuple[str, ...]
    citations: tuple[WordingCitation, ...]
    answer: str
    not_questions: tuple[str, ...] = ()
    kind: str = "wording"  # or "not_covered": the handover line of a topic not covered yet


def wording_doc_key(entry_id: str, status: str, kind: str = "wording") -> str:
    """Draft entries live under their own key so they never cut an approved entry's window;
    a topic not covered yet under its own namespace (its id may be reused as a wording's)."""
    space = "wording" if kind == "wording" else kind.replace("_", "-")
    return f"{space}:{entry_id}" if status == "approved" else f"{space}-{status}:{entry_id}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Catalog:
    """Thin, typed access to catalog.sqlite3; one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        fresh = not path.exists() or path.stat().st_size == 0
        self.conn.executescript(SCHEMA)  # idempotent; executescript manages its own commit
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO schema_info(key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION if fresh else "1",),
            )
        migrate(self.conn)

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- sources and versions -------------------------------------------------------------
    def version_for_source(self, path: str, file_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT version_id FROM sources WHERE path = ? AND file_hash = ?", (path, file_hash)
        ).fetchone()
        return row[0] if row else None

    def has_version(self, version_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM versions WHERE version_id = ?", (version_id,)).fetchone()
        return row is not None

    def versions_of(self, doc_key: str) -> list[VersionRow]:
        rows = self.conn.execute(
            "SELECT * FROM versions WHERE doc_key = ? ORDER BY seq", (doc_key,)
        ).fetchall()
        return [_version_row(r) for r in rows]

    def record_source(self, path: str, file_hash: str, version_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (path, file_hash, version_id))

    def latest_source_version(self, path: str) -> str | None:
        """The version of the text last ingested from `path` (sources rows keep their order)."""
        row = self.conn.execute(
            "SELECT version_id FROM sources WHERE path = ? ORDER BY rowid DESC LIMIT 1", (path,)
        ).fetchone()
        return row[0] if row else None

    def restore(self, path: str, file_hash: str, version_id: str) -> None:
        """A file put back to an earlier text: that version becomes the file's latest and the
        last taken (`seq` orders versions of a document with the same effective date, the
        later one in force), and goes into the draft, atomically. Releases keep their windows."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM sources WHERE path = ? AND file_hash = ?", (path, file_hash))
            conn.execute("INSERT INTO sources VALUES (?, ?, ?)", (path, file_hash, version_id))
            conn.execute(
                "UPDATE versions SET seq = (SELECT MAX(seq) + 1 FROM versions) WHERE version_id = ?",
                (version_id,),
            )
            conn.execute("INSERT OR IGNORE INTO draft VALUES (?, ?)", (version_id, utc_now()))

    def add_version(
        self, doc: ParsedDocument, doc_key: str, chunk_hashes: list[str], file_hash: str, source_key: str
    ) -> None:
        """Store a new version with its chunks and put it in the draft, atomically."""
        meta = doc.meta
        version_id = doc.version_hash
        now = utc_now()
        with self.transaction() as conn:
            conn.execute(
                INSERT_VERSION + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version_id,
                    doc_key,
                    meta.title,
                    meta.doc_number,
                    meta.issuer,
                    meta.region,
                    meta.level,
                    _iso(meta.effective_from),
                    _iso(meta.effective_to),
                    json.dumps(list(meta.supersedes), ensure_ascii=False),
                    json.dumps(list(meta.topics), ensure_ascii=False),
                    doc.source,
                    doc.format,
                    len(doc.chunks),
                    now,
                ),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        version_id,
                        i,
                        h,
                        c.article,
                        c.article_number,
                        c.article_sub,
                        c.part,
                        c.part_count,
                        c.heading,
                        c.text,
                        json.dumps(list(c.questions), ensure_ascii=False),
                    )
                    for i, (c, h) in enumerate(zip(doc.chunks, chunk_hashes, strict=True))
                ],
            )
            conn.execute(
                "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (source_key, file_hash, version_id)
            )
            conn.execute("INSERT OR IGNORE INTO draft VALUES (?, ?)", (version_id, now))

    def add_wording(self, entry: WordingEntry, file_hash: str, source_key: str) -> None:
        """Store a wording entry as a version (so releases window it like a document), atomically."""
        version_id = entry.version_hash
        now = utc_now()
        citations = [[c.document, c.article, c.section] for c in entry.citations]
        with self.transaction() as conn:
            conn.execute(
                INSERT_VERSION + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, 'wording', 0, ?)",
                (
                    version_id,
                    wording_doc_key(entry.wording_id, entry.status, entry.kind),
                    entry.topic,
                    entry.wording_id,
                    entry.owner,
                    entry.region,
                    "统一答复口径" if entry.kind == "wording" else "暂未收录话题",
                    _iso(entry.effective_from),
                    _iso(entry.effective_to),
                    entry.source,
                    now,
                ),
            )
            conn.execute(
                "INSERT OR IGNORE INTO wordings(version_id, wording_id, status, approved_at, questions,"
                " citations, answer, not_questions, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version_id,
                    entry.wording_id,
                    entry.status,
                    _iso(entry.approved_at),
                    json.dumps(list(entry.questions), ensure_ascii=False),
                    json.dumps(citations, ensure_ascii=False),
                    entry.answer,
                    json.dumps(list(entry.not_questions), ensure_ascii=False),
                    entry.kind,
                ),
            )
            conn.execute(
                "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (source_key, file_hash, version_id)
            )
            conn.execute("INSERT OR IGNORE INTO draft VALUES (?, ?)", (version_id, now))

    def wordings(self, version_ids: Iterable[str]) -> list[WordingRow]:
        versions = {v.version_id: v for v in self.versions(version_ids) if v.format == "wording"}
        out = []
        for vid, version in versions.items():
            row = self.conn.execute(
                "SELECT version_id, wording_id, status, approved_at, questions, citations, answer,"
                " not_questions, kind FROM wordings WHERE version_id = ?",
                (vid,),
            ).fetchone()
            out.append(
                WordingRow(
                    version=version,
                    wording_id=row[1],
                    status=row[2],
                    approved_at=_date(row[3]),
                    questions=tuple(json.loads(row[4])),
                    citations=tuple(WordingCitation(d, a, s) for d, a, s in json.loads(row[5])),
                    answer=row[6],
                    not_questions=tuple(json.loads(row[7])),
                    kind=row[8],
                )
            )
        return out

    def question_vectors(self, embedder: str, text_hashes: Iterable[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for h in text_hashes:
            row = self.conn.execute(
                "SELECT vector FROM question_vectors WHERE embedder = ? AND text_hash = ?", (embedder, h)
            ).fetchone()
            if row is not None:
                out[h] = row[0]
        return out

    def add_question_vectors(self, embedder: str, vectors: dict[str, bytes]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO question_vectors VALUES (?, ?, ?)",
                [(embedder, h, v) for h, v in vectors.items()],
            )

    def trained_model(self, model_key: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT model FROM trained_models WHERE model_key = ?", (model_key,)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def add_trained_model(self, model_key: str, model: bytes) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO trained_models VALUES (?, ?)", (model_key, model))

    def add_to_draft(self, version_ids: Iterable[str]) -> None:
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO draft VALUES (?, ?)", [(v, now) for v in version_ids])

    def versions(self, version_ids: Iterable[str] | None = None) -> list[VersionRow]:
        sql = "SELECT * FROM versions"
        params: tuple[str, ...] = ()
        if version_ids is not None:
            ids = tuple(version_ids)
            if not ids:
                return []
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(version_id TEXT PRIMARY KEY)")
            self.conn.execute("DELETE FROM wanted")
            self.conn.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(v,) for v in ids])
            sql += " WHERE version_id IN (SELECT version_id FROM wanted)"
        rows = self.conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [_version_row(r) for r in rows]

    def chunks_of(self, version_ids: Iterable[str]) -> list[ChunkRow]:
        out: list[ChunkRow] = []
        for vid in version_ids:
            out.extend(
                ChunkRow(r[0], r[1], r[2], r[3], r[8], r[9], r[6], r[7], tuple(json.loads(r[10])))
                for r in self.conn.execute(
                    "SELECT * FROM chunks WHERE version_id = ? ORDER BY position", (vid,)
                ).fetchall()
            )
        return out

    # --- draft and releases ---------------------------------------------------------------
    def draft_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT version_id FROM draft")}

    def latest_release_id(self) -> int | None:
        row = self.conn.execute("SELECT MAX(release_id) FROM releases").fetchone()
        return row[0] if row and row[0] is not None else None

    def release_row(self, release_id: int) -> sqlite3.Row | None:
        """The release, or None when there is none of that number (any int: an API caller's
        2**63 is "no such release", not an SQLite overflow)."""
        if not 0 < release_id <= SQLITE_MAX_INTEGER:
            return None
        self.conn.row_factory = sqlite3.Row
        try:
            result: sqlite3.Row | None = self.conn.execute(
                "SELECT * FROM releases WHERE release_id = ?", (release_id,)
            ).fetchone()
        finally:
            self.conn.row_factory = None
        return result

    def release_rows(self) -> list[tuple[int, str, str, str]]:
        return self.conn.execute(
            "SELECT release_id, created_at, author, note FROM releases ORDER BY release_id"
        ).fetchall()

    def release_windows(self, release_id: int) -> dict[str, tuple[date, date]]:
        rows = self.conn.execute(
            "SELECT version_id, valid_from, valid_to FROM release_versions WHERE release_id = ?",
            (release_id,),
        ).fetchall()
        return {v: (date.fromisoformat(f), date.fromisoformat(t)) for v, f, t in rows}

    def publish(
        self,
        windows: dict[str, tuple[date, date]],
        author: str,
        note: str,
        set_hash: str,
        clear_draft: bool = True,
    ) -> int:
        """Append a release (and empty the draft) in one transaction; returns the new release id."""
        with self.transaction() as conn:
            row = conn.execute("SELECT COALESCE(MAX(release_id), 0) + 1 FROM releases").fetchone()
            release_id = int(row[0])
            conn.execute(
                "INSERT INTO releases VALUES (?, ?, ?, ?, ?)",
                (release_id, utc_now(), author, note, set_hash),
            )
            conn.executemany(
                "INSERT INTO release_versions VALUES (?, ?, ?, ?)",
                [(release_id, v, f.isoformat(), t.isoformat()) for v, (f, t) in sorted(windows.items())],
            )
            if clear_draft:
                conn.execute("DELETE FROM draft")
        return release_id

    # --- change notices and retirement ------------------------------------------------------
    def add_notices(self, rows: list[tuple[str, int, str, str, str, str | None, str, list[str]]]) -> None:
        """(notice_id, release, doc_key, title, change, effective_from, summary, wording ids)."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO change_notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (nid, rel, now, key, title, change, start, summary, json.dumps(ids, ensure_ascii=False))
                    for nid, rel, key, title, change, start, summary, ids in rows
                ],
            )

    def notices(self) -> list[tuple[Any, ...]]:
        return self.conn.execute(
            "SELECT notice_id, release_id, created_at, doc_key, title, change, effective_from, summary,"
            " wording FROM change_notices ORDER BY release_id, rowid"
        ).fetchall()

    def add_retired_copy(self, version_id: str, effective_to: date) -> str:
        """A copy of a version that ends on `effective_to`, put in the draft (versions are immutable)."""
        new_id = sha256_hex(f"{version_id}\x1fretired\x1f{effective_to.isoformat()}")
        now = utc_now()
        with self.transaction() as conn:
            conn.execute(
                INSERT_VERSION
                + " SELECT ?, doc_key, title, doc_number, issuer, region, level, effective_from, ?,"
                " supersedes, topics, source, format, chunk_count, ? FROM versions WHERE version_id = ?",
                (new_id, effective_to.isoformat(), now, version_id),
            )
            conn.execute(
                "INSERT OR IGNORE INTO chunks SELECT ?, position, chunk_hash, article, article_number,"
                " article_sub, part, part_count, heading, text, questions FROM chunks WHERE version_id = ?",
                (new_id, version_id),
            )
            conn.execute("INSERT OR IGNORE INTO draft VALUES (?, ?)", (new_id, now))
        return new_id


def _version_row(r: tuple[Any, ...]) -> VersionRow:
    return VersionRow(
        seq=r[0],
        version_id=r[1],
        doc_key=r[2],
        title=r[3],
        doc_number=r[4],
        issuer=r[5],
        region=r[6],
        level=r[7],
        effective_from=_date(r[8]),
        effective_to=_date(r[9]),
        supersedes=tuple(json.loads(r[10])),
        topics=tuple(json.loads(r[11])),
        source=r[12],
        format=r[13],
        chunk_count=r[14],
        ingested_at=r[15],
    )
