"""Publishing in the background: the eval gate asks every question of `eval/` twice (live
release and draft), a minute or more, longer than a proxy lets a request wait.

`POST /v1/publish/jobs` starts a job and answers 202 at once; the trainer's page asks
`GET /v1/publish/jobs/{id}` how far the gate is and what came of it. Jobs are rows of the
service store, so behind a balancer any replica answers for a job another one runs. One
job runs at a time per replica; a job whose replica stopped keeps its last progress and is
reported `lost` once it has not moved for `STALE_AFTER`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kb_assistant.errors import GateError, KBError, PublishRunningError
from kb_assistant.kb import KB
from kb_assistant.store.service_state import ServiceStore

__all__ = ["STALE_AFTER", "PublishJobs"]

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
_REPORT_EVERY = 1.0  # seconds between progress writes


class PublishJobs:
    def __init__(self, kb: KB, store: ServiceStore) -> None:
        self.kb = kb
        self.store = store
        self._lock = threading.Lock()
        self._running: str | None = None

    def start(self, note: str, force: bool, author: str) -> dict[str, Any]:
        """Record a job and run it in a thread; its first state (`running`)."""
        self.kb.check_publish_note(note, force)  # before the 202: the trainer sees it at once
        with self._lock:
            if self._running is not None:
                raise PublishRunningError(self._running)
            job_id = uuid.uuid4().hex[:16]
            self.store.add_job(job_id, note, author)
            self._running = job_id
        thread = threading.Thread(target=self._run, args=(job_id, note, force, author), daemon=True)
        thread.start()
        return self.status(job_id) or {}

    def status(self, job_id: str) -> dict[str, Any] | None:
        job = self.store.job(job_id)
        if job is None:
            return None
        if job["status"] == "running" and _age(job["updated_at"]) > STALE_AFTER:
            job["status"] = "lost"
        return job

    def _run(self, job_id: str, note: str, force: bool, author: str) -> None:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= _REPORT_EVERY or done == total:
                last = time.monotonic()
                self.store.job_progress(job_id, done, total)

        try:
            result = self.kb.publish(note=note, force=force, author=author, progress=progress)
            status = "published" if result.created else "unchanged"
            self.store.finish_job(job_id, status, {"release": result.release_id, "created": result.created})
        except GateError as exc:
            self.store.finish_job(job_id, "refused", {"detail": str(exc), "gate": exc.report.to_dict()})
        except KBError as exc:
            self.store.finish_job(job_id, "failed", {"detail": str(exc)})
        except Exception:
            log.exception("publish job %s failed", job_id)
            self.store.finish_job(job_id, "failed", {"detail": "internal error: see the service log"})
        finally:
            with self._lock:
                self._running = None


def _age(stamp: str) -> timedelta:
    return datetime.now(UTC) - datetime.fromisoformat(stamp)
