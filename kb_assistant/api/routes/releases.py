"""Releases, diff, publish, rollback and wording review (trainers change; every role reads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
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
async def publish(body: PublishRequest, request: Request, kb: KBDep, role: Trainer) -> dict[str, Any]:
    result = await run_in_threadpool(
        lambda: kb.publish(note=body.note, force=body.force, author=_author(request))
    )
    return {"release": result.release_id, "created": result.created}


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
