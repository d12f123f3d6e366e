"""The dependency rule of DESIGN.md and the public surface, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import kb_assistant

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules_under(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_ingest_never_imports_kb_assistant():
    offenders = [
        p for p in modules_under("ingest") if any(m.startswith("kb_assistant") for m in imported_modules(p))
    ]
    assert offenders == []


def test_only_cli_imports_cli_libraries():
    offenders = [
        p.relative_to(ROOT)
        for p in modules_under("kb_assistant")
        if not p.name.startswith("cli")
        and {m.split(".")[0] for m in imported_modules(p)} & {"typer", "click", "rich"}
    ]
    assert offenders == []


def test_only_api_imports_fastapi():
    """The HTTP edge lives in kb_assistant/api; `kb serve` only hands the app to uvicorn."""
    offenders = [
        p.relative_to(ROOT)
        for p in modules_under("kb_assistant")
        if "api" not in p.relative_to(ROOT).parts
        and {m.split(".")[0] for m in imported_modules(p)}
        - ({"uvicorn"} if p.name == "cli_serve.py" else set())
        & {"fastapi", "starlette", "uvicorn"}
    ]
    assert offenders == []


def test_store_never_imports_retrieve_or_edges():
    upward = (
        "kb_assistant.retrieve",
        "kb_assistant.answer",
        "kb_assistant.cli",
        "kb_assistant.api",
        "kb_assistant.kb",
    )
    offenders = [
        p.relative_to(ROOT)
        for p in modules_under("kb_assistant/store")
        if any(m.startswith(upward) for m in imported_modules(p))
    ]
    assert offenders == []


def test_public_surface_is_explicit():
    assert sorted(kb_assistant.__all__) == sorted(
        [
            "KB",
            "Answer",
            "AnswerMode",
            "BadDateError",
            "BadFileError",
            "ConfigError",
            "Hit",
            "IngestReport",
            "InputError",
            "KBError",
            "NoReleaseError",
            "RefusedQuestionError",
            "Release",
            "SearchResult",
            "Settings",
            "StoreError",
            "UnknownReleaseError",
            "get_settings",
        ]
    )
    for name in kb_assistant.__all__:
        assert getattr(kb_assistant, name) is not None
