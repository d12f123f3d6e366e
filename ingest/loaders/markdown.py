"""Markdown loader (.md): YAML front matter into `front_matter`, headings kept in the text.

`<!-- INFO END -->` (the official corpus's end-of-header marker) is kept as a line of its own
so the structure parser can tell header lines from the body; other HTML comments are removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import UnreadableFileError
from ingest.loaders.decode import decode_bytes, read_bytes
from ingest.model import LoadedText
from ingest.normalize import normalize_text

__all__ = ["INFO_END", "load", "split_front_matter"]

INFO_END = "<!-- INFO END -->"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Split a leading `---` … `---` YAML block off `text` ("\\n" line ends expected).

    Returns ({}, text) when there is no such block. Raises UnreadableFileError when the
    block is not valid YAML or not a mapping.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "YAML error"
        line = f" (line {exc.problem_mark.line + 2})" if exc.problem_mark is not None else ""
        raise UnreadableFileError(path, f"invalid front matter: {problem}{line}") from exc
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: impossible dates such as 2024-02-30
        raise UnreadableFileError(path, f"invalid front matter: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise UnreadableFileError(path, f"invalid front matter: not a mapping (got {kind})")
    return {str(key): value for key, value in data.items()}, text[match.end() :]


def _drop_comments(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return f"\n{INFO_END}\n" if match.group(1).strip() == "INFO END" else ""

    return _COMMENT.sub(replace, text)


def load(path: Path) -> LoadedText:
    """Load a Markdown file: front matter parsed, comments other than INFO END removed."""
    decoded = decode_bytes(read_bytes(path), path)
    raw = decoded.text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front_matter, body = split_front_matter(raw, path)
    text = normalize_text(_drop_comments(body))
    return LoadedText(path=path, format="md", text=text, front_matter=front_matter, warnings=decoded.warnings)
