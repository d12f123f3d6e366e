"""File → LoadedText, one loader per format, chosen by file suffix.

`load_file` is the entry point: it rejects unsupported and empty files and guarantees that
every expected problem with an input file surfaces as UnreadableFileError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import UnreadableFileError
from ingest.loaders import docx, html, markdown, pdf, text
from ingest.model import LoadedText

__all__ = ["LOADERS", "SUPPORTED_SUFFIXES", "load_file"]

LOADERS: dict[str, Callable[[Path], LoadedText]] = {
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".txt": text.load,
    ".pdf": pdf.load,
    ".docx": docx.load,
    ".html": html.load,
    ".htm": html.load,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(LOADERS)

EMPTY_REASON = "empty file"


def load_file(path: Path) -> LoadedText:
    """Load any supported file (suffix matched case-insensitively) as normalised text.

    Raises UnreadableFileError for unsupported suffixes, missing or empty files (0 bytes, or
    nothing but whitespace once loaded) and every problem the format loaders detect.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        kind = f"type {suffix}" if suffix else "type (no suffix)"
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnreadableFileError(path, f"unsupported file {kind} (supported: {supported})")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableFileError(path, "file not found") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise UnreadableFileError(path, EMPTY_REASON)
    loaded = loader(path)
    if not loaded.text.strip():
        raise UnreadableFileError(path, EMPTY_REASON)
    return loaded
