"""Documents: list and read (every role); upload into the draft (trainers)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.model import sha256_hex
from kb_assistant.api.deps import KBDep, require
from kb_assistant.api.security import Role
from kb_assistant.store.listing import document_detail, list_documents
from kb_assistant.text.injection import find_injection

__all__ = ["router"]

router = APIRouter(prefix="/v1/documents", tags=["documents"])
Reader = Annotated[Role, Depends(require(Role.AGENT, Role.TRAINER, Role.EVALUATOR))]
Trainer = Annotated[Role, Depends(require(Role.TRAINER))]
_SAFE_NAME = re.compile(r"^[\w\u4e00-\u9fff（）()\[\]〔〕《》·、，, .-]{1,120}$")


@router.get("")
async def documents(kb: KBDep, role: Reader, release: int | None = None) -> list[dict[str, Any]]:
    snapshot = await run_in_threadpool(kb.snapshot, release)
    return list_documents(kb.catalog, snapshot.windows)


@router.get("/{doc_id}")
async def document(doc_id: str, kb: KBDep, role: Reader, release: int | None = None) -> dict[str, Any]:
    snapshot = await run_in_threadpool(kb.snapshot, release)
    detail = document_detail(kb.catalog, snapshot.windows, doc_id)
    if detail is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no document {doc_id} in release {snapshot.release_id}"
        )
    return detail


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload(request: Request, file: UploadFile, kb: KBDep, role: Trainer) -> dict[str, Any]:
    """One file into the draft (publish separately). Bad files change nothing."""
    name = file.filename or ""
    if "/" in name or "\\" in name or ".." in name or not _SAFE_NAME.match(name):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"unsafe file name {name!r}: use a plain name")
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUPPORTED_SUFFIXES:
        valid = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"unsupported file type {suffix or '(none)'} (valid: {valid})"
        )
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"file larger than {limit} bytes")
    phrase = find_injection(data.decode("utf-8", errors="ignore"))
    if phrase:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            f"the file holds instructions to the assistant ({phrase!r}); not ingested",
        )
    folder = kb.kb_dir / "uploads" / sha256_hex(data.hex())[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    # the bytes are kept by their hash; the source is the name, so an earlier text uploaded
    # again under it is restored
    report = await run_in_threadpool(kb.ingest, [path], source_keys={str(path.resolve()): f"upload:{name}"})
    if report.failed:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"{name}: {report.failed[0]['reason']}")
    return report.to_dict()
