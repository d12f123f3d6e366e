"""Prometheus metrics: requests and latency by route, answers by mode (one registry per app)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kb_requests", "HTTP requests", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "kb_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.answers = Counter("kb_answers", "Answers by mode", ["mode", "channel"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = _route_template(request)
            self.latency.labels(route).observe(time.perf_counter() - started)
            self.requests.labels(route, request.method, str(status)).inc()


def _route_template(request: Request) -> str:
    """The matched route's template (/v1/documents/{doc_id}), never the raw path (unbounded labels)."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))
