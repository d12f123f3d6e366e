"""POST /v1/eval: evaluators run the answer sets of the eval folder against a release or the draft."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from kb_assistant.api.deps import KBDep, require
from kb_assistant.api.schemas import EvalRequest
from kb_assistant.api.security import Role
from kb_assistant.evaluation.answers import evaluate_answers, is_answer_set

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["evaluation"])
Evaluator = Annotated[Role, Depends(require(Role.EVALUATOR, Role.TRAINER))]


def _sets(request: Request) -> dict[str, Path]:
    folder = request.app.state.settings.eval_dir
    return {p.name: p for p in sorted(folder.glob("*.jsonl"))} if folder.is_dir() else {}


@router.get("/eval/sets")
async def eval_sets(request: Request, role: Evaluator) -> list[dict[str, str]]:
    """The question sets evaluators can run, by name and level (answers or search)."""
    return [
        {"name": name, "level": "answers" if is_answer_set(path) else "search"}
        for name, path in _sets(request).items()
    ]


@router.post("/eval")
async def run_eval(body: EvalRequest, request: Request, kb: KBDep, role: Evaluator) -> dict[str, Any]:
    folder = request.app.state.settings.eval_dir
    available = _sets(request)
    unknown = [name for name in body.sets if name not in available]
    if unknown:
        valid = ", ".join(available) or "(none)"
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"unknown question set(s) {', '.join(unknown)} (valid: {valid})"
        )
    paths = (
        [available[n] for n in body.sets]
        if body.sets
        else [p for p in available.values() if is_answer_set(p)]
    )
    if not paths:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"no answer sets in {folder}")
    report = await run_in_threadpool(evaluate_answers, kb, paths, body.release)
    return report.to_dict()
