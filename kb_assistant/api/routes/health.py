"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from kb_assistant.api.deps import KBDep
from kb_assistant.errors import KBError

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(kb: KBDep) -> JSONResponse:
    """Ready when a release is published and loads (its indexes and vectors are reachable)."""
    try:
        snapshot = await run_in_threadpool(kb.snapshot)
    except KBError as exc:
        return JSONResponse({"status": "not ready", "detail": str(exc)}, status.HTTP_503_SERVICE_UNAVAILABLE)
    return JSONResponse({"status": "ready", "release": snapshot.release_id, "chunks": len(snapshot.rows)})


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
