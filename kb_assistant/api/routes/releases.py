"""Releases, diff, publish, rollback and wording review (trainers change; every role reads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from kb_assistant.api.deps import KBDep, require
from kb_assistant.api.schemas import PublishRequest, RollbackRequest
from kb_assistant.api.security import Role

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["releases"])
Reader = Annotated[Role, Depends(require(Role.AGENT, Role.TRAINER, Role.EVALUATOR))]
Trainer = Annotated[Role, Depends(require(Role.TRAINER))]


def _author(request: Request) -> str:
    """Who publishes, for the release history: the trainer's X-Agent-Id (work number) if sent."""
    who = (request.headers.get("x-agent-id") or "").strip()[:64]
    return f"api:{who}" if who else "api:trainer"


@router.get("/releases")
async def releases(kb: KBDep, role: Reader) -> list[dict[str, Any]]:
    return [r.to_dict() for r in await run_in_threadpool(kb.releases)]


@router.get("/diff")
async def diff(
    kb: KBDep, role: Trainer, from_release: int | None = None, to: str = "draft"
) -> dict[str, Any]:
    result = await run_in_threadpool(kb.diff, from_release, to)
    return result.to_dict()


@router.post("/publish")
async def publish(body: PublishRequest, request: Request, role: Trainer) -> dict[str, Any]:
    """Publish and wait for the gate (scripts); the page uses /publish/jobs. Both take one slot."""
    jobs = request.app.state.publish_jobs
    result = await run_in_threadpool(jobs.run, body.note, body.force, _author(request))
    return {"release": result.release_id, "created": result.created}


@router.post("/publish/jobs", status_code=status.HTTP_202_ACCEPTED)
async def start_publish(
    body: PublishRequest, request: Request, response: Response, role: Trainer
) -> dict[str, Any]:
    """Publish in the background (the gate takes a minute or more): 202 and the job to ask after."""
    jobs = request.app.state.publish_jobs
    job: dict[str, Any] = await run_in_threadpool(jobs.start, body.note, body.force, _author(request))
    response.headers["Location"] = f"/v1/publish/jobs/{job['job_id']}"
    return job


@router.get("/publish/jobs/{job_id}")
async def publish_job(job_id: str, request: Request, role: Trainer) -> dict[str, Any]:
    """`running` with the gate's progress, then `published` / `unchanged` (release),
    `refused` (the gate's report), `failed` (why), or `lost` (its replica stopped)."""
    job: dict[str, Any] | None = await run_in_threadpool(request.app.state.publish_jobs.status, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no publish job {job_id}")
    return job


@router.post("/rollback")
async def rollback(body: RollbackRequest, request: Request, kb: KBDep, role: Trainer) -> dict[str, Any]:
    result = await run_in_threadpool(
        lambda: kb.rollback(body.release, note=body.note, author=_author(request))
    )
    return {"release": result.release_id, "created": result.created, "content_of": body.release}


@router.get("/wording")
async def wording(
    kb: KBDep, role: Trainer, needs_review: bool = True, release: str | None = None
) -> list[dict[str, Any]]:
    """Approved entries of a release (default: those whose cited articles changed), each with
    the citations the release cannot show (`unshown`), as `kb wording --json` prints them."""
    states = await run_in_threadpool(lambda: kb.wording_states(release, needs_review=needs_review))
    return [s.to_dict() for s in states]


@router.get("/not-covered")
async def not_covered(kb: KBDep, role: Trainer, release: str | None = None) -> list[dict[str, Any]]:
    """The topics not covered yet of a release, as `kb wording --not-covered --json` prints them."""
    topics = await run_in_threadpool(lambda: kb.not_covered_topics(release))
    return [t.to_dict() for t in topics]
