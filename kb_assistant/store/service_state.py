"""What the service learns from its users: feedback, acknowledged notices, unanswered questions.

Kept apart from the catalog: publishing never touches it and it never changes what the
knowledge base answers; trainers work through it (`/v1/gaps`). One service host keeps it in
`KB_DIR/service.sqlite3`; replicas on several hosts point `KB_SERVICE_URL` at one PostgreSQL
database (`service_postgres.py`), so an agent's acknowledgement and a caller's unanswered
question are seen whichever replica the balancer chose.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from kb_assistant.errors import ConfigError

__all__ = ["SERVICE_SCHEMES", "ServiceStore", "SqliteServiceStore", "open_service_store"]

SERVICE_SCHEMES = ("sqlite:///PATH", "postgresql://…")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    question TEXT NOT NULL,
    comment TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS acks(
    notice_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    acked_at TEXT NOT NULL,
    PRIMARY KEY(notice_id, agent)
);
CREATE TABLE IF NOT EXISTS unanswered(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL,
    question TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS publish_jobs(
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    done INTEGER NOT NULL,
    total INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# Newest first; within one second, the later row of a table first (the 7th column, dropped).
GAPS_QUERY = (
    "SELECT 'feedback', answer_id, verdict, question, comment, created_at, id FROM feedback"
    " WHERE verdict != 'helpful'"
    " UNION ALL SELECT 'escalated', answer_id, 'escalate', question, channel, created_at, id"
    " FROM unanswered ORDER BY 6 DESC, 7 DESC, 1 LIMIT {limit}"
)
GAP_KEYS = ("kind", "answer_id", "verdict", "question", "note", "created_at")
JOB_COLUMNS = "job_id, status, note, author, done, total, outcome, created_at, updated_at"
# Placeholders as PostgreSQL writes them; the SQLite store swaps in "?".
NEW_JOB_SQL = f"INSERT INTO publish_jobs({JOB_COLUMNS}) VALUES (%s, 'running', %s, %s, 0, 0, '{{}}', %s, %s)"
RUNNING_JOB_QUERY = (
    "SELECT job_id FROM publish_jobs WHERE status = 'running' AND updated_at >= %s"
    " ORDER BY created_at LIMIT 1"
)


def job_row(row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    """A publish job as the API shows it: its outcome (release, or the gate's report) inline."""
    if row is None:
        return None
    keys = JOB_COLUMNS.split(", ")
    job = dict(zip(keys, row, strict=True))
    outcome = json.loads(job.pop("outcome"))
    job["progress"] = {"done": job.pop("done"), "total": job.pop("total")}
    return job | outcome


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class ServiceStore(Protocol):
    """The service's own records; every implementation passes tests/…/test_service_store.py."""

    def add_feedback(self, answer_id: str, verdict: str, question: str, comment: str, role: str) -> int: ...

    def ack(self, notice_id: str, agent: str) -> str:
        """Record that `agent` read the notice; the time of the first acknowledgement."""
        ...

    def acked(self, agent: str) -> set[str]: ...

    def add_unanswered(self, answer_id: str, question: str, channel: str) -> None: ...

    def gaps(self, limit: int = 200) -> list[dict[str, Any]]:
        """Feedback marked wrong or missing, and escalated questions, newest first."""
        ...

    def claim_job(self, job_id: str, note: str, author: str, live_since: str) -> str | None:
        """Record a publish job, `running` with no progress yet, unless another job is running
        and reported since `live_since` (an ISO time): then that job's id, and nothing recorded.
        Atomic across every process sharing the store, so two replicas never publish at once."""
        ...

    def job_progress(self, job_id: str, done: int, total: int) -> None: ...

    def finish_job(self, job_id: str, status: str, outcome: dict[str, Any]) -> None: ...

    def job(self, job_id: str) -> dict[str, Any] | None: ...

    def close(self) -> None: ...


class SqliteServiceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._conn().executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def add_feedback(self, answer_id: str, verdict: str, question: str, comment: str, role: str) -> int:
        cur = self._conn().execute(
            "INSERT INTO feedback(answer_id, verdict, question, comment, role, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (answer_id, verdict, question, comment, role, now()),
        )
        return int(cur.lastrowid or 0)

    def ack(self, notice_id: str, agent: str) -> str:
        conn = self._conn()
        conn.execute("INSERT OR IGNORE INTO acks VALUES (?, ?, ?)", (notice_id, agent, now()))
        row = conn.execute(
            "SELECT acked_at FROM acks WHERE notice_id = ? AND agent = ?", (notice_id, agent)
        ).fetchone()
        return str(row[0])

    def acked(self, agent: str) -> set[str]:
        rows = self._conn().execute("SELECT notice_id FROM acks WHERE agent = ?", (agent,)).fetchall()
        return {r[0] for r in rows}

    def add_unanswered(self, answer_id: str, question: str, channel: str) -> None:
        self._conn().execute(
            "INSERT INTO unanswered(answer_id, question, channel, created_at) VALUES (?, ?, ?, ?)",
            (answer_id, question, channel, now()),
        )

    def gaps(self, limit: int = 200) -> list[dict[str, Any]]:
        rows = self._conn().execute(GAPS_QUERY.format(limit="?"), (limit,)).fetchall()
        return [dict(zip(GAP_KEYS, r[:-1], strict=True)) for r in rows]

    def claim_job(self, job_id: str, note: str, author: str, live_since: str) -> str | None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: no other claim reads in between
        try:
            row = conn.execute(RUNNING_JOB_QUERY.replace("%s", "?"), (live_since,)).fetchone()
            if row is None:
                stamp = now()
                conn.execute(NEW_JOB_SQL.replace("%s", "?"), (job_id, note, author, stamp, stamp))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return None if row is None else str(row[0])

    def job_progress(self, job_id: str, done: int, total: int) -> None:
        self._conn().execute(
            "UPDATE publish_jobs SET done = ?, total = ?, updated_at = ? WHERE job_id = ?",
            (done, total, now(), job_id),
        )

    def finish_job(self, job_id: str, status: str, outcome: dict[str, Any]) -> None:
        self._conn().execute(
            "UPDATE publish_jobs SET status = ?, outcome = ?, updated_at = ? WHERE job_id = ?",
            (status, json.dumps(outcome, ensure_ascii=False), now(), job_id),
        )

    def job(self, job_id: str) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute(f"SELECT {JOB_COLUMNS} FROM publish_jobs WHERE job_id = ?", (job_id,))
            .fetchone()
        )
        return job_row(row)

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def open_service_store(url: str, kb_dir: Path) -> ServiceStore:
    """`url` empty: `KB_DIR/service.sqlite3`; `sqlite:///PATH`; or `postgresql://…` (the
    `postgres` extra), one database every replica shares."""
    if not url:
        return SqliteServiceStore(kb_dir / "service.sqlite3")
    if url.startswith("sqlite:///"):
        return SqliteServiceStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        from kb_assistant.store.service_postgres import PostgresServiceStore

        return PostgresServiceStore(url)
    valid = ", ".join(SERVICE_SCHEMES)
    raise ConfigError(
        f"KB_SERVICE_URL {_redacted(url)!r} is not one of: {valid} (empty: KB_DIR/service.sqlite3)"
    )


def _redacted(url: str) -> str:
    """The URL without its password: it goes into logs and error messages."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
