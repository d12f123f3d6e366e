"""Dependencies shared by the routers: the KB, the caller's role, the service state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

from kb_assistant.api.security import ApiKeys, Role
from kb_assistant.kb import KB
from kb_assistant.store.service_state import ServiceStore

__all__ = ["CurrentRole", "KBDep", "StateDep", "require"]

_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="role key (agent, trainer, evaluator)"
)


def get_kb(request: Request) -> KB:
    kb: KB = request.app.state.kb
    return kb


def get_state(request: Request) -> ServiceStore:
    state: ServiceStore = request.app.state.service
    return state


def _role(request: Request, key: Annotated[str | None, Depends(_api_key)]) -> Role:
    keys: ApiKeys = request.app.state.keys
    if not key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing API key (header X-API-Key)")
    role = keys.role_of(key)
    if role is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid API key")
    return role


def require(*roles: Role) -> Callable[..., Role]:
    """A dependency admitting only `roles`; 403 names the roles that may call the route."""
    allowed = ", ".join(r.value for r in roles)

    def check(role: Annotated[Role, Depends(_role)]) -> Role:
        if role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"role {role.value} may not call this (allowed: {allowed})"
            )
        return role

    return check


KBDep = Annotated[KB, Depends(get_kb)]
StateDep = Annotated[ServiceStore, Depends(get_state)]
CurrentRole = Role
