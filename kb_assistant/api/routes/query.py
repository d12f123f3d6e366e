"""POST /v1/search and /v1/ask (JSON, or Server-Sent Events with `Accept: text/event-stream`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from kb_assistant.answer.model import Answer, AnswerMode
from kb_assistant.api.deps import KBDep, require
from kb_assistant.api.querylog import log_query, mask
from kb_assistant.api.schemas import AnswerOut, AskRequest, SearchOut, SearchRequest
from kb_assistant.api.security import Role
from kb_assistant.errors import StoreError

__all__ = ["record_answer", "router"]

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["answers"])
Reader = Annotated[Role, Depends(require(Role.AGENT, Role.TRAINER, Role.EVALUATOR))]


@router.post("/search", response_model=SearchOut)
async def search(body: SearchRequest, kb: KBDep, role: Reader) -> SearchOut:
    result = await run_in_threadpool(kb.search, body.query, body.k, body.as_of, body.region, body.release)
    return SearchOut.model_validate(result.to_dict())


@router.post(
    "/ask",
    response_model=AnswerOut,
    responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when asked"}},
)
async def ask(request: Request, body: AskRequest, kb: KBDep, role: Reader) -> Any:
    answer = await run_in_threadpool(
        kb.ask, body.question, body.as_of, body.region, body.release, body.verbosity
    )
    await record_answer(request, answer, channel=role.value)
    data = answer.to_dict()
    if "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(sse_events(AnswerOut.model_validate(data)), media_type="text/event-stream")
    # The library's dict already has AnswerOut's shape (pinned by tests): skip re-validating it.
    return JSONResponse(data)


async def record_answer(request: Request, answer: Answer, channel: str) -> None:
    """Metrics, the masked query log, and escalated questions into the trainers' gap list.

    The caller gets the answer even when the service database cannot be reached: the lost
    gap is logged, not the call."""
    request.app.state.metrics.answers.labels(str(answer.mode), channel).inc()
    log_query(channel, answer.question, str(answer.mode), answer.answer_id)
    if answer.mode is AnswerMode.ESCALATE:
        store = request.app.state.service
        try:
            await run_in_threadpool(store.add_unanswered, answer.answer_id, mask(answer.question), channel)
        except StoreError as exc:
            log.warning("escalated question %s not recorded for /v1/gaps: %s", answer.answer_id, exc)


def sse_events(out: AnswerOut) -> Iterator[bytes]:
    """`meta` (everything but the text), the text line by line as `delta`, then `done`."""
    meta = out.model_dump(exclude={"answer"})
    yield _event("meta", meta)
    for line in out.answer.split("\n"):
        yield _event("delta", {"text": line + "\n"})
    yield _event("done", {"answer_id": out.answer_id})


def _event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
