"""Roles by API key: `KB_API_KEYS="agent:KEY1,trainer:KEY2"` or a keys file, compared in constant time."""

from __future__ import annotations

import hmac
import os
import secrets
from enum import StrEnum
from pathlib import Path

from kb_assistant.errors import ConfigError

__all__ = ["ApiKeys", "Role"]


class Role(StrEnum):
    AGENT = "agent"
    TRAINER = "trainer"
    EVALUATOR = "evaluator"


class ApiKeys:
    def __init__(self, pairs: list[tuple[Role, str]]) -> None:
        if not pairs:
            raise ConfigError("no API keys: set KB_API_KEYS='agent:KEY,trainer:KEY,…' or KB_API_KEYS_FILE")
        short = [role.value for role, key in pairs if len(key) < 16]
        if short:
            raise ConfigError(f"API keys must be at least 16 characters (too short for: {', '.join(short)})")
        self.pairs = pairs

    @classmethod
    def parse(cls, text: str) -> ApiKeys:
        pairs: list[tuple[Role, str]] = []
        for item in text.replace("\n", ",").split(","):
            if not item.strip() or item.strip().startswith("#"):
                continue
            role, sep, key = item.strip().partition(":")
            try:
                pairs.append((Role(role.strip()), key.strip()))
            except ValueError as exc:
                valid = ", ".join(r.value for r in Role)
                raise ConfigError(f"unknown role {role.strip()!r} in API keys (valid: {valid})") from exc
            if not sep:
                raise ConfigError("API keys are written role:key")
        return cls(pairs)

    @classmethod
    def load(cls, inline: str | None, path: Path | None) -> ApiKeys:
        if inline:
            return cls.parse(inline)
        if path is not None and path.is_file():
            return cls.parse(path.read_text(encoding="utf-8"))
        raise ConfigError("no API keys: set KB_API_KEYS='agent:KEY,trainer:KEY,…' or KB_API_KEYS_FILE")

    @staticmethod
    def create_file(path: Path) -> str:
        """A keys file with a fresh random key per role (mode 600); returns its text."""
        text = "\n".join(f"{role.value}:{secrets.token_urlsafe(24)}" for role in Role) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        return text

    def role_of(self, presented: str) -> Role | None:
        """Every key is compared (constant time each), so timing does not reveal which one matched."""
        found: Role | None = None
        for role, key in self.pairs:
            if hmac.compare_digest(presented.encode(), key.encode()):
                found = role
        return found
