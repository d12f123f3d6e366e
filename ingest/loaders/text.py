"""Plain-text loader (.txt): decode with the shared policy, then normalise."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders.decode import decode_bytes, read_bytes
from ingest.model import LoadedText
from ingest.normalize import normalize_text

__all__ = ["load"]


def load(path: Path) -> LoadedText:
    """Load a .txt file in UTF-8 (BOM allowed), GB18030/GBK or a detectable encoding."""
    decoded = decode_bytes(read_bytes(path), path)
    return LoadedText(path=path, format="txt", text=normalize_text(decoded.text), warnings=decoded.warnings)
