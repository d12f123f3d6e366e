"""What the service learns from its users: feedback, acknowledged notices, unanswered questions.

Kept apart from the catalog (`service.sqlite3` beside it): publishing never touches it and
it never changes what the knowledge base answers; trainers work through it (`/v1/gaps`).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["ServiceState"]

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
"""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class ServiceState:
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
            (answer_id, verdict, question, comment, role, _now()),
        )
        return int(cur.lastrowid or 0)

    def ack(self, notice_id: str, agent: str) -> str:
        conn = self._conn()
        conn.execute("INSERT OR IGNORE INTO acks VALUES (?, ?, ?)", (notice_id, agent, _now()))
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
            (answer_id, question, channel, _now()),
        )

    def gaps(self, limit: int = 200) -> list[dict[str, Any]]:
        """Feedback marked wrong or missing, and escalated questions, newest first."""
        conn = self._conn()
        rows = conn.execute(
            "SELECT 'feedback', answer_id, verdict, question, comment, created_at FROM feedback"
            " WHERE verdict != 'helpful'"
            " UNION ALL SELECT 'escalated', answer_id, 'escalate', question, channel, created_at"
            " FROM unanswered ORDER BY 6 DESC LIMIT ?",
            (limit,),
        ).fetchall()
        keys = ("kind", "answer_id", "verdict", "question", "note", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]
