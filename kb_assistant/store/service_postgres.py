"""The service's records in PostgreSQL, shared by every replica (`KB_SERVICE_URL=postgresql://…`).

Same tables and answers as the SQLite store; `psycopg` comes with the `postgres` extra and is
imported only when such a URL is configured. Nothing connects until the first record is
read or written, so the service answers calls while this database is down (an escalated
question it cannot record is logged; feedback and acknowledgements answer 503). Each thread
keeps one autocommit connection; a connection the server dropped (a restart, a failover) is
replaced on the next call and the statement retried once, so a database restart costs the
calls in flight, not the service (a statement that reached the server before the connection
dropped may be recorded twice).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from kb_assistant.errors import ConfigError, StoreError
from kb_assistant.store.service_state import (
    GAP_KEYS,
    GAPS_QUERY,
    JOB_COLUMNS,
    NEW_JOB_SQL,
    RUNNING_JOB_QUERY,
    job_row,
    now,
)
from kb_assistant.store.service_state import SCHEMA as SQLITE_SCHEMA

try:
    import psycopg
except ImportError as exc:  # pragma: no cover - the extra is part of the dev install
    raise ConfigError(
        "KB_SERVICE_URL names PostgreSQL, but psycopg is not installed: pip install -e '.[postgres]'"
    ) from exc

__all__ = ["PostgresServiceStore"]

# The SQLite store's tables; PostgreSQL numbers rows with a sequence.
SCHEMA = SQLITE_SCHEMA.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")

T = TypeVar("T")
_SCHEMA_LOCK = 7_333_120_001  # advisory lock: replicas starting together create the tables once
_JOB_LOCK = 7_333_120_002  # advisory lock: one publish job claimed at a time across replicas


class PostgresServiceStore:
    def __init__(self, url: str, connect_timeout: int = 5) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False  # the tables exist (checked once per process)

    def _conn(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            try:
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=self.connect_timeout)
            except psycopg.OperationalError as exc:
                raise StoreError(f"cannot reach the service database (KB_SERVICE_URL): {exc}") from exc
            self._local.conn = conn
            self._ensure_schema(conn)
        return conn

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                conn.execute(SCHEMA)
            self._schema_ready = True

    def _run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """`work` on this thread's connection; once more on a new one if the server dropped it."""
        try:
            return work(self._conn())
        except psycopg.OperationalError:
            self.close()
            return work(self._conn())

    def add_feedback(self, answer_id: str, verdict: str, question: str, comment: str, role: str) -> int:
        def insert(conn: psycopg.Connection[Any]) -> int:
            row = conn.execute(
                "INSERT INTO feedback(answer_id, verdict, question, comment, role, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                (answer_id, verdict, question, comment, role, now()),
            ).fetchone()
            return int(row[0]) if row else 0

        return self._run(insert)

    def ack(self, notice_id: str, agent: str) -> str:
        def upsert(conn: psycopg.Connection[Any]) -> str:
            conn.execute(
                "INSERT INTO acks VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (notice_id, agent, now())
            )
            row = conn.execute(
                "SELECT acked_at FROM acks WHERE notice_id = %s AND agent = %s", (notice_id, agent)
            ).fetchone()
            return str(row[0]) if row else ""

        return self._run(upsert)

    def acked(self, agent: str) -> set[str]:
        def select(conn: psycopg.Connection[Any]) -> set[str]:
            rows = conn.execute("SELECT notice_id FROM acks WHERE agent = %s", (agent,)).fetchall()
            return {str(r[0]) for r in rows}

        return self._run(select)

    def add_unanswered(self, answer_id: str, question: str, channel: str) -> None:
        def insert(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                "INSERT INTO unanswered(answer_id, question, channel, created_at) VALUES (%s, %s, %s, %s)",
                (answer_id, question, channel, now()),
            )

        self._run(insert)

    def gaps(self, limit: int = 200) -> list[dict[str, Any]]:
        def select(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
            rows = conn.execute(GAPS_QUERY.format(limit="%s"), (limit,)).fetchall()
            return [dict(zip(GAP_KEYS, r[:-1], strict=True)) for r in rows]

        return self._run(select)

    def claim_job(self, job_id: str, note: str, author: str, live_since: str) -> str | None:
        def claim(conn: psycopg.Connection[Any]) -> str | None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_JOB_LOCK,))
                row = conn.execute(RUNNING_JOB_QUERY, (live_since,)).fetchone()
                if row is not None:
                    # our own row: the first try committed before its connection dropped
                    return None if row[0] == job_id else str(row[0])
                stamp = now()
                conn.execute(NEW_JOB_SQL, (job_id, note, author, stamp, stamp))
                return None

        return self._run(claim)

    def job_progress(self, job_id: str, done: int, total: int) -> None:
        self._run(
            lambda conn: conn.execute(
                "UPDATE publish_jobs SET done = %s, total = %s, updated_at = %s WHERE job_id = %s",
                (done, total, now(), job_id),
            )
        )

    def finish_job(self, job_id: str, status: str, outcome: dict[str, Any]) -> None:
        self._run(
            lambda conn: conn.execute(
                "UPDATE publish_jobs SET status = %s, outcome = %s, updated_at = %s WHERE job_id = %s",
                (status, json.dumps(outcome, ensure_ascii=False), now(), job_id),
            )
        )

    def job(self, job_id: str) -> dict[str, Any] | None:
        def select(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
            row = conn.execute(
                f"SELECT {JOB_COLUMNS} FROM publish_jobs WHERE job_id = %s", (job_id,)
            ).fetchone()
            return job_row(tuple(row) if row is not None else None)

        return self._run(select)

    def close(self) -> None:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
