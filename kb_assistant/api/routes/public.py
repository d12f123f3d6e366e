"""POST /v1/public/ask: the public web chat. No key, rate-limited per client, published content only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from kb_assistant.api.deps import KBDep
from kb_assistant.api.routes.query import record_answer
from kb_assistant.api.schemas import PublicAnswerOut, PublicAskRequest, PublicCitation

__all__ = ["router"]

router = APIRouter(prefix="/v1/public", tags=["public"])


@router.post("/ask", response_model=PublicAnswerOut)
async def public_ask(request: Request, body: PublicAskRequest, kb: KBDep) -> PublicAnswerOut:
    """Today's published, in-force content in the public wording; no release or as-of choice."""
    await run_in_threadpool(request.app.state.limiter.check, request)
    answer = await run_in_threadpool(kb.ask, body.question, None, None, None, "public")
    await record_answer(request, answer, channel="public")
    citations = [
        PublicCitation(title=c.title, article=c.article, heading=c.heading, text=c.text)
        for c in answer.citations
    ]
    return PublicAnswerOut(
        answer=answer.answer,
        mode=str(answer.mode),  # type: ignore[arg-type]
        citations=citations,
        as_of=answer.as_of,
        answer_id=answer.answer_id,
    )
