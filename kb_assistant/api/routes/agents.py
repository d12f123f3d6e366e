"""Change notices with per-agent acknowledgement, answer feedback, and the trainers' gap list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.concurrency import run_in_threadpool

from kb_assistant.api.deps import KBDep, StateDep, require
from kb_assistant.api.querylog import mask
from kb_assistant.api.schemas import FeedbackRequest
from kb_assistant.api.security import Role

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["agents"])
Agentish = Annotated[Role, Depends(require(Role.AGENT, Role.TRAINER))]
Trainer = Annotated[Role, Depends(require(Role.TRAINER))]


def _agent(request: Request, role: Role) -> str:
    """Who acknowledges: the X-Agent-Id header (an agent's work number), else the role."""
    return (request.headers.get("x-agent-id") or role.value)[:64]


@router.get("/changes")
async def changes(
    request: Request, kb: KBDep, state: StateDep, role: Agentish, since: str | None = None
) -> list[dict[str, Any]]:
    notices = await run_in_threadpool(kb.changes, since)
    acked = await run_in_threadpool(state.acked, _agent(request, role))
    return [n.to_dict() | {"acknowledged": n.notice_id in acked} for n in notices]


@router.post("/changes/{notice_id}/ack")
async def ack(notice_id: str, request: Request, kb: KBDep, state: StateDep, role: Agentish) -> dict[str, Any]:
    known = {n.notice_id for n in await run_in_threadpool(kb.changes, None)}
    if notice_id not in known:
        from fastapi import HTTPException

        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no change notice {notice_id}")
    agent = _agent(request, role)
    acknowledged = await run_in_threadpool(state.ack, notice_id, agent)
    return {"notice_id": notice_id, "agent": agent, "acknowledged_at": acknowledged}


@router.post("/feedback", status_code=status.HTTP_201_CREATED)
async def feedback(body: FeedbackRequest, state: StateDep, role: Agentish) -> dict[str, Any]:
    fid = await run_in_threadpool(
        state.add_feedback, body.answer_id, body.verdict, mask(body.question), mask(body.comment), role.value
    )
    return {"id": fid, "answer_id": body.answer_id, "verdict": body.verdict}


@router.get("/gaps")
async def gaps(state: StateDep, role: Trainer) -> list[dict[str, Any]]:
    return await run_in_threadpool(state.gaps)
