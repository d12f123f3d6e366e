"""`kb serve`: the HTTP service (API, agent console, trainer pages, public chat) with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kb_assistant.cli import KbOption, _edge, app, out
from kb_assistant.config import get_settings


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Service processes.")] = 1,
    kb: KbOption = None,
) -> None:
    """Serve the live release over HTTP; readers pick up new releases without restart."""
    import uvicorn

    from kb_assistant.api.security import ApiKeys

    if kb is not None:
        os.environ["KB_DIR"] = str(kb)
    if workers > 1:  # one BLAS/OpenMP thread per worker: N workers already use N cores
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = get_settings()
    with _edge():
        if not settings.api_keys and settings.api_keys_file is None:
            keys_file = Path(settings.kb_dir) / "api-keys.txt"
            if not keys_file.exists():
                ApiKeys.create_file(keys_file)
                out.print(
                    f"created API keys (one per role) in {keys_file}; hand them to the people who need them"
                )
            os.environ["KB_API_KEYS_FILE"] = str(keys_file)
        ApiKeys.load(get_settings().api_keys, get_settings().api_keys_file)  # fail before listening
    base = f"http://{host}:{port}"
    for name, path in (("public chat", "/chat"), ("agent console", "/console"), ("trainer pages", "/admin")):
        out.print(f"{name:<14} {base}{path}")
    out.print(f"{'API docs':<14} {base}/docs")
    uvicorn.run(
        "kb_assistant.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,  # the app trusts KB_TRUSTED_PROXIES' X-Forwarded-For itself
    )
