"""File → ParsedDocument: load, normalise, read metadata, split at the real structure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.errors import UnreadableFileError
from ingest.loaders import SUPPORTED_SUFFIXES, load_file
from ingest.metadata import infer_metadata
from ingest.model import Chunk, LoadedText, ParsedDocument
from ingest.structure import ArticleParser
from ingest.wording import WordingEntry, is_wording, parse_wording

__all__ = ["DocumentParser", "SourceFile", "iter_source_files"]

# Files that describe a folder rather than hold policy text.
_SKIPPED_NAMES = ("readme", "license", "changelog")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    explicit: bool  # named on the command line (an unsupported type is then an error)


def iter_source_files(paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Files to ingest, folders walked recursively in a stable (sorted) order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.stem.lower() in _SKIPPED_NAMES or child.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                yield SourceFile(child, explicit=False)
        else:
            yield SourceFile(path, explicit=True)


class DocumentParser:
    """Configured once, used for every file of a run."""

    def __init__(self, max_chunk_chars: int = 600) -> None:
        self._articles = ArticleParser(max_chars=max_chunk_chars)

    def parse_source(self, path: Path) -> ParsedDocument | WordingEntry:
        """A policy document, or an approved-wording entry when its front matter says `kind: wording`."""
        loaded = self._load(path)
        if not is_wording(loaded.front_matter):
            return self._document(path, loaded)
        try:
            return parse_wording(loaded.front_matter, loaded.text, str(path))
        except ValueError as exc:
            raise UnreadableFileError(path, f"invalid wording entry: {exc}") from exc

    def parse(self, path: Path) -> ParsedDocument:
        return self._document(path, self._load(path))

    @staticmethod
    def _load(path: Path) -> LoadedText:
        if not path.exists():
            raise UnreadableFileError(path, "no such file")
        return load_file(path)

    def _document(self, path: Path, loaded: LoadedText) -> ParsedDocument:
        try:
            meta = infer_metadata(loaded.text, loaded.front_matter, fallback_title=path.stem)
        except ValueError as exc:
            raise UnreadableFileError(path, f"invalid front matter: {exc}") from exc
        chunks = tuple(self._articles.parse(loaded.text))
        if not chunks:
            raise UnreadableFileError(path, "no text to index after parsing")
        if meta.section_questions:
            chunks = _with_section_questions(path, chunks, dict(meta.section_questions))
        body = "\n\n".join(c.text for c in chunks)
        return ParsedDocument(
            meta=meta,
            chunks=chunks,
            source=str(path),
            format=loaded.format,
            body=body,
            warnings=tuple(loaded.warnings),
        )


def _section_of(chunk: Chunk) -> str | None:
    """The `## ` heading a chunk of a document without articles falls under."""
    return chunk.heading_path[-1] if chunk.heading_path and chunk.article is None else None


def _with_section_questions(
    path: Path, chunks: tuple[Chunk, ...], questions: dict[str, tuple[str, ...]]
) -> tuple[Chunk, ...]:
    """Each chunk of a section carries the section's example questions (every part of a long one)."""
    headings = [h for h in map(_section_of, chunks) if h is not None]
    unknown = [h for h in questions if h not in headings]
    if unknown:
        shown = "、".join(dict.fromkeys(headings)) or "none"
        raise UnreadableFileError(
            path,
            f"invalid front matter: section_questions names {unknown[0]!r}, which is not a '## ' heading"
            f" of this file (headings: {shown})",
        )
    return tuple(
        replace(c, questions=questions.get(section, ())) if (section := _section_of(c)) else c for c in chunks
    )
