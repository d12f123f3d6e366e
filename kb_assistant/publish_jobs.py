"""One publish at a time: the eval gate asks every question of `eval/` twice (live release
and draft), a minute or more, and two publishes racing would each gate against a release
the other is replacing.

`POST /v1/publish/jobs` starts a job in the background and answers 202 at once (longer
than a proxy lets a request wait); the trainer's page asks `GET /v1/publish/jobs/{id}` how
far the gate is and what came of it. `POST /v1/publish`, `kb publish` and
`kb ingest --publish` run a job in the caller's thread. Jobs are rows of the service
store, so behind a balancer any replica answers for a job another one runs, and one job
runs at a time across every replica, worker and command line sharing the store: the store
claims the slot atomically. A job whose
replica stopped keeps its last progress, is reported `lost` once it has not moved for
`STALE_AFTER`, and no longer holds the slot.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kb_assistant.errors import GateError, KBError, PublishRunningError
from kb_assistant.kb import KB, author_name
from kb_assistant.store.publisher import PublishResult
from kb_assistant.store.service_state import ServiceStore, open_service_store

__all__ = ["STALE_AFTER", "PublishJobs", "open_publish_jobs"]

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
_REPORT_EVERY = 1.0  # seconds between progress writes


class PublishJobs:
    def __init__(self, kb: KB, store: ServiceStore) -> None:
        self.kb = kb
        self.store = store

    def start(self, note: str, force: bool, author: str) -> dict[str, Any]:
        """Record a job and run it in a thread; its first state (`running`)."""
        job_id = self._claim(note, force, author)
        thread = threading.Thread(target=self._run, args=(job_id, note, force, author), daemon=True)
        thread.start()
        return self.status(job_id) or {}

    def run(
        self,
        note: str,
        force: bool,
        author: str | None,
        progress: Callable[[int, int], None] | None = None,
        extra_sets: Iterable[Path] = (),
    ) -> PublishResult:
        """Publish in the caller's thread, holding the same slot as a background job
        (`author` None: $KB_AUTHOR, else the login name, as `KB.publish` records it)."""
        author = author_name(author)
        job_id = self._claim(note, force, author)
        return self._publish(job_id, note, force, author, self._recorder(job_id, progress), tuple(extra_sets))

    def _claim(self, note: str, force: bool, author: str) -> str:
        self.kb.check_publish_note(note, force)  # before the 202: the trainer sees it at once
        job_id = uuid.uuid4().hex[:16]
        live_since = (datetime.now(UTC) - STALE_AFTER).replace(microsecond=0).isoformat()
        running = self.store.claim_job(job_id, note, author, live_since)
        if running is not None:
            raise PublishRunningError(running)
        return job_id

    def status(self, job_id: str) -> dict[str, Any] | None:
        job = self.store.job(job_id)
        if job is None:
            return None
        if job["status"] == "running" and _age(job["updated_at"]) > STALE_AFTER:
            job["status"] = "lost"
        return job

    def _run(self, job_id: str, note: str, force: bool, author: str) -> None:
        try:
            self._publish(job_id, note, force, author, self._recorder(job_id, None))
        except KBError:
            pass  # recorded as the job's outcome
        except Exception:
            log.exception("publish job %s failed", job_id)

    def _recorder(self, job_id: str, then: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
        """The gate's progress, written to the job (at most once a second) so that a long
        gate is not taken for a dead one, and passed on to the caller's bar."""
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= _REPORT_EVERY or done == total:
                last = time.monotonic()
                self.store.job_progress(job_id, done, total)
            if then is not None:
                then(done, total)

        return progress

    def _publish(
        self,
        job_id: str,
        note: str,
        force: bool,
        author: str,
        progress: Callable[[int, int], None] | None,
        extra_sets: tuple[Path, ...] = (),
    ) -> PublishResult:
        """Publish and record the outcome on the job; errors are recorded, then raised."""
        try:
            result = self.kb.publish(
                note=note, force=force, author=author, extra_sets=extra_sets, progress=progress
            )
        except GateError as exc:
            self.store.finish_job(job_id, "refused", {"detail": str(exc), "gate": exc.report.to_dict()})
            raise
        except KBError as exc:
            self.store.finish_job(job_id, "failed", {"detail": str(exc)})
            raise
        except BaseException:
            self.store.finish_job(job_id, "failed", {"detail": "internal error: see the service log"})
            raise
        status = "published" if result.created else "unchanged"
        self.store.finish_job(job_id, status, {"release": result.release_id, "created": result.created})
        return result


def _age(stamp: str) -> timedelta:
    return datetime.now(UTC) - datetime.fromisoformat(stamp)


@contextmanager
def open_publish_jobs(kb: KB) -> Iterator[PublishJobs]:
    """Jobs on the store `kb serve` uses for this KB (`KB_SERVICE_URL`, else
    `KB_DIR/service.sqlite3`), so that a publish from the command line takes the same slot."""
    kb.kb_dir.mkdir(parents=True, exist_ok=True)
    store = open_service_store(kb.settings.service_url, kb.kb_dir)
    try:
        yield PublishJobs(kb, store)
    finally:
        store.close()
