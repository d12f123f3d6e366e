"""The FastAPI application: routers, roles, limits, metrics, error mapping and the web pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kb_assistant.api.metrics import Metrics
from kb_assistant.api.ratelimit import PublicLimiter
from kb_assistant.api.routes import agents, documents, evaluation, health, public, query, releases
from kb_assistant.api.security import ApiKeys
from kb_assistant.config import Settings, get_settings
from kb_assistant.errors import (
    ConfigError,
    GateError,
    InputError,
    KBError,
    NoReleaseError,
    PublishRunningError,
    StoreError,
    UnknownReleaseError,
)
from kb_assistant.kb import KB
from kb_assistant.publish_jobs import PublishJobs
from kb_assistant.store.service_state import open_service_store

log = logging.getLogger(__name__)

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
PAGES = {"/chat": "chat.html", "/console": "console.html", "/admin": "admin.html"}
JSON_BODY_LIMIT = 64 * 1024

# Library errors → HTTP status, decided here and nowhere else.
STATUS: list[tuple[type[KBError], int]] = [
    (GateError, status.HTTP_409_CONFLICT),
    (PublishRunningError, status.HTTP_409_CONFLICT),
    (UnknownReleaseError, status.HTTP_404_NOT_FOUND),
    (NoReleaseError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (StoreError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (ConfigError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (InputError, status.HTTP_400_BAD_REQUEST),
    (KBError, status.HTTP_400_BAD_REQUEST),
]


def create_app(
    settings: Settings | None = None, kb: KB | None = None, keys: ApiKeys | None = None
) -> FastAPI:
    settings = settings or get_settings()
    kb = kb or KB(settings=settings)

    async def warm() -> None:
        try:
            app.state.warmed_release = await run_in_threadpool(kb.warm)
        except KBError:  # the service still runs: /readyz and each request say why
            log.exception("warming the live release failed")
            with suppress(KBError):  # not retried until another release is published
                app.state.warm_failed = await run_in_threadpool(kb.catalog.latest_release_id)

    async def follow_releases() -> None:
        """A release published elsewhere is warmed here within `warm_interval` seconds, so
        that few callers wait for its load (one indexed read a tick; a query still takes
        the latest release the moment it starts)."""
        while True:
            await asyncio.sleep(settings.warm_interval)
            try:
                latest = await run_in_threadpool(kb.catalog.latest_release_id)
            except Exception:  # the catalog unreadable for a moment: the next tick asks again
                log.exception("checking for a newly published release failed")
                continue
            if latest is not None and latest not in (app.state.warmed_release, app.state.warm_failed):
                await warm()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Warm the live release before taking calls: the first caller of a fresh worker
        would otherwise wait some 5 s for the indexes, the matcher and the embedding engine."""
        follower = None
        if settings.warm:
            await warm()
            if settings.warm_interval > 0:
                follower = asyncio.create_task(follow_releases())
        yield
        if follower is not None:
            follower.cancel()
            with suppress(asyncio.CancelledError):
                await follower

    app = FastAPI(
        title="kb-assistant",
        version="0.1.0",
        description="12333 hotline policy knowledge base: as-of answers in approved wording, with sources.",
        lifespan=lifespan,
    )
    app.state.warmed_release = None
    app.state.warm_failed = None
    app.state.settings = settings
    app.state.kb = kb
    app.state.keys = keys or ApiKeys.load(settings.api_keys, settings.api_keys_file)
    app.state.service = open_service_store(settings.service_url, kb.kb_dir)
    app.state.publish_jobs = PublishJobs(kb, app.state.service)
    app.state.metrics = Metrics()
    app.state.limiter = PublicLimiter(settings.public_rate, settings.public_rate_storage)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        upload = request.url.path == "/v1/documents"
        ceiling = settings.max_upload_bytes + JSON_BODY_LIMIT if upload else JSON_BODY_LIMIT
        if length is not None and (not length.isdigit() or int(length) > ceiling):
            detail = {"detail": f"request body larger than {ceiling} bytes"}
            return JSONResponse(detail, status.HTTP_413_CONTENT_TOO_LARGE)
        return await call_next(request)

    app.middleware("http")(app.state.metrics.middleware)
    # outermost: every layer inside sees the caller a trusted proxy forwarded, not the proxy
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """One message for people (`detail`), the field-by-field list for programs (`errors`)."""
        parts = []
        for error in exc.errors():
            where = ".".join(str(x) for x in error.get("loc", ()) if x != "body")
            parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        errors = jsonable_encoder(exc.errors())
        return JSONResponse(
            {"detail": "; ".join(parts), "errors": errors}, status.HTTP_422_UNPROCESSABLE_CONTENT
        )

    @app.exception_handler(KBError)
    async def kb_error(request: Request, exc: KBError) -> JSONResponse:
        code = next(code for kind, code in STATUS if isinstance(exc, kind))
        body: dict[str, object] = {"detail": str(exc)}
        if isinstance(exc, GateError):
            body["gate"] = exc.report.to_dict()
        if isinstance(exc, PublishRunningError):
            body["job_id"] = exc.job_id
        return JSONResponse(body, code)

    for module in (query, public, documents, releases, agents, evaluation, health):
        app.include_router(module.router)

    for route, page in PAGES.items():
        app.add_api_route(route, _page(page), methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _page(name: str) -> Callable[[], Awaitable[Response]]:
    async def serve() -> Response:
        return FileResponse(STATIC / name, media_type="text/html; charset=utf-8")

    return serve
