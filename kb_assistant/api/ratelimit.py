"""Per-client rate limit of the public chat, with the `limits` library (moving window)."""

from __future__ import annotations

import time

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from kb_assistant.errors import ConfigError

__all__ = ["PublicLimiter"]


class PublicLimiter:
    """In-process memory storage: each service replica limits its own clients (see README)."""

    def __init__(self, rate: str) -> None:
        try:
            self.item: RateLimitItem = parse(rate)
        except ValueError as exc:
            raise ConfigError(f"KB_PUBLIC_RATE {rate!r} is not a rate such as '20/minute'") from exc
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        if not self.limiter.hit(self.item, "public", client):
            reset, _ = self.limiter.get_window_stats(self.item, "public", client)
            retry = max(1, int(reset - time.time()))
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many questions: at most {self.item} per client",
                headers={"Retry-After": str(retry)},
            )
