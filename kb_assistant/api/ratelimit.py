"""Per-client rate limit of the public chat, with the `limits` library (moving window).

The counts live in memory (each service replica limits its own clients) or in a storage
every replica shares (`KB_PUBLIC_RATE_STORAGE=redis://…`), which gives one count per
caller however many replicas the load balancer spreads the calls over. The caller is the
connecting address, or the one a trusted reverse proxy forwards (`KB_TRUSTED_PROXIES`).
While the shared storage cannot be reached the chat answers without a limit (logged): the
public would otherwise lose the chat to protect it.
"""

from __future__ import annotations

import logging
import time

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse
from limits.errors import ConfigurationError, StorageError
from limits.storage import MovingWindowSupport, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from kb_assistant.errors import ConfigError

__all__ = ["PublicLimiter"]

log = logging.getLogger(__name__)


STORAGES = "memory://, redis://host:6379, rediss://…, redis+sentinel://…"


class PublicLimiter:
    def __init__(self, rate: str, storage: str = "memory://") -> None:
        try:
            self.item: RateLimitItem = parse(rate)
        except ValueError as exc:
            raise ConfigError(f"KB_PUBLIC_RATE {rate!r} is not a rate such as '20/minute'") from exc
        try:
            backend = storage_from_string(storage, wrap_exceptions=True)
        except ConfigurationError as exc:
            raise ConfigError(f"KB_PUBLIC_RATE_STORAGE {storage!r}: {exc} (valid: {STORAGES})") from exc
        if not isinstance(backend, MovingWindowSupport):
            raise ConfigError(
                f"KB_PUBLIC_RATE_STORAGE {storage!r} keeps no moving window (valid: {STORAGES})"
            )
        self.limiter = MovingWindowRateLimiter(backend)

    def check(self, request: Request) -> None:
        """Count the caller's question; 429 over the limit. A network call with shared storage:
        run it off the event loop."""
        client = request.client.host if request.client else "unknown"
        try:
            allowed = self.limiter.hit(self.item, "public", client)
            reset = 0.0 if allowed else self.limiter.get_window_stats(self.item, "public", client)[0]
        except StorageError as exc:
            log.warning("public rate limit not applied, its storage is unreachable: %s", exc.storage_error)
            return
        if not allowed:
            retry = max(1, int(reset - time.time()))
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many questions: at most {self.item} per client",
                headers={"Retry-After": str(retry)},
            )
