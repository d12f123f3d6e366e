"""Files → draft: parse, embed only what is new, then record each version atomically.

Order matters for crash safety: a version's vectors are upserted before its catalog
rows, and the catalog rows (version, chunks, source, draft entry) go in one
transaction. A kill at any point leaves the releases untouched and the next run
redoes only the files whose rows are missing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UnreadableFileError
from ingest.metadata import canonical_title
from ingest.model import Chunk, ParsedDocument, sha256_hex
from ingest.parse import DocumentParser, iter_source_files
from ingest.wording import WordingEntry
from kb_assistant.embed.base import Embedder
from kb_assistant.model import IngestReport
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.question_vectors import QuestionVectors
from kb_assistant.store.vectors import VectorStore

__all__ = [
    "Ingestor",
    "ProgressCallback",
    "answer_passage",
    "answer_sentences",
    "embedded_text",
    "indexed_text",
]

# (stage, done, total): stage is "parse" or "embed".
ProgressCallback = Callable[[str, int, int], None]


def indexed_text(title: str, heading: str, text: str) -> str:
    """What the `words` lexical field indexes: title and heading path give the article context.

    The dense vector embeds the article text alone (`embedded_text`): on the development
    questions, vectors of the bare article text fused better than vectors with the title
    and headings prepended (bench/tune_retrieval.py).
    """
    head = f"{title} {heading}".strip()
    return f"{head}\n{text}"


def embedded_text(chunk: Chunk) -> str:
    """What is embedded for a chunk; its hash is the chunk id shared by identical articles."""
    return chunk.text


def answer_passage(topic: str, answer: str) -> str:
    """What is embedded for a wording entry's answer (compared with callers' questions)."""
    return f"{topic}\n{answer}"


def answer_sentences(answer: str) -> list[str]:
    """The sentences of a wording answer, each embedded on its own: a caller asking about one
    fact of a long answer matches the sentence that states it better than the whole answer."""
    parts = (p.strip() for p in re.split(r"(?<=[。；！？])", answer))
    return [p for p in parts if len(p) > 4]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Pending:
    doc: ParsedDocument
    doc_key: str
    hashes: list[str]
    texts: list[str]
    file_hash: str
    source: str


class Ingestor:
    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorStore,
        embedder: Embedder,
        parser: DocumentParser,
        batch_size: int = 32,
    ) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder
        self.parser = parser
        self.batch_size = batch_size

    def run(
        self,
        paths: Iterable[Path],
        live_ids: set[str],
        progress: ProgressCallback | None = None,
        source_keys: Mapping[str, str] | None = None,
    ) -> IngestReport:
        """`source_keys` (resolved path → key) names where a file's text comes from when its
        path does not: an upload kept in a folder named by its bytes is the file name trainers
        gave it, so uploading the earlier text again restores it."""
        keys = source_keys or {}
        report = IngestReport()
        files = list(iter_source_files(Path(p) for p in paths))
        pending: list[_Pending] = []
        for done, source_file in enumerate(files, 1):
            path = source_file.path
            if progress:
                progress("parse", done, len(files))
            try:
                resolved = str(path.resolve())
                self._take(path, keys.get(resolved, resolved), live_ids, report, pending)
            except UnreadableFileError as exc:
                report.failed.append({"path": str(path), "reason": exc.reason})
            except OSError as exc:
                report.failed.append({"path": str(path), "reason": f"cannot read file: {exc.strerror}"})
        self._flush(pending, report, progress)
        return report

    def _take(
        self, path: Path, key_path: str, live_ids: set[str], report: IngestReport, pending: list[_Pending]
    ) -> None:
        fhash = file_hash(path)
        known = self.catalog.version_for_source(key_path, fhash)
        if known is not None and self.catalog.has_version(known):
            self._keep(known, str(path), key_path, fhash, live_ids, report)
            return
        parsed = self.parser.parse_source(path)
        if isinstance(parsed, WordingEntry):
            self._take_wording(parsed, key_path, fhash, live_ids, report)
            return
        doc = parsed
        report.warnings.extend(f"{path}: {w}" for w in doc.warnings)
        if self.catalog.has_version(doc.version_hash):
            self._keep(doc.version_hash, str(path), key_path, fhash, live_ids, report)
            return
        doc_key = canonical_title(doc.meta.title)
        earlier = [(v.source, v.effective_from) for v in self.catalog.versions_of(doc_key)]
        earlier += [(p.doc.source, p.doc.meta.effective_from) for p in pending if p.doc_key == doc_key]
        for other_source, other_from in earlier:
            if other_from == doc.meta.effective_from and other_source != doc.source:
                since = doc.meta.effective_from.isoformat() if doc.meta.effective_from else "the start"
                report.warnings.append(
                    f"{path}: same document and effective date as {other_source}; "
                    f"this text replaces it from {since}"
                )
        texts = [embedded_text(c) for c in doc.chunks]
        hashes = [sha256_hex(t) for t in texts]
        # section questions are compared with callers' questions: embedded as queries, once
        QuestionVectors(self.catalog, self.embedder).matrix(
            list(dict.fromkeys(q for c in doc.chunks for q in c.questions))
        )
        pending.append(_Pending(doc, doc_key, hashes, texts, fhash, key_path))

    def _keep(
        self, version_id: str, shown: str, key_path: str, fhash: str, live_ids: set[str], report: IngestReport
    ) -> None:
        """A text the catalog holds already. When the file last held another text, it was put
        back (a trainer undoing an edit): the earlier version becomes current again."""
        latest = self.catalog.latest_source_version(key_path)
        if latest is not None and latest != version_id:
            self.catalog.restore(key_path, fhash, version_id)
            report.restored.append(shown)
            return
        self.catalog.record_source(key_path, fhash, version_id)
        report.unchanged.append(shown)
        if version_id not in live_ids:
            self.catalog.add_to_draft([version_id])

    def _take_wording(
        self, entry: WordingEntry, key_path: str, fhash: str, live_ids: set[str], report: IngestReport
    ) -> None:
        version_id = entry.version_hash
        if self.catalog.has_version(version_id):
            self._keep(version_id, entry.source, key_path, fhash, live_ids, report)
            return
        vectors = QuestionVectors(self.catalog, self.embedder)
        vectors.matrix(entry.questions)
        vectors.matrix(entry.not_questions)
        vectors.matrix([answer_passage(entry.topic, entry.answer)], as_passages=True)
        vectors.matrix(answer_sentences(entry.answer), as_passages=True)
        self.catalog.add_wording(entry, fhash, key_path)
        report.added.append(
            {
                "source": entry.source,
                "title": entry.topic,
                "version_id": version_id,
                "effective_from": entry.effective_from.isoformat() if entry.effective_from else None,
                "chunks": 0,
                "wording_id": entry.wording_id,
            }
        )

    def _flush(
        self, pending: list[_Pending], report: IngestReport, progress: ProgressCallback | None
    ) -> None:
        """Embed the chunks no version has yet, in batches; record each version once its vectors exist."""
        text_by_hash: dict[str, str] = {}
        for item in pending:
            text_by_hash.update(zip(item.hashes, item.texts, strict=True))
        have = self.vectors.existing(list(text_by_hash))
        missing = [h for h in text_by_hash if h not in have]
        report.chunks_reused += sum(len(p.hashes) for p in pending) - len(missing)
        embedded: set[str] = set(have)
        waiting = list(pending)
        total = len(missing)
        for start in range(0, total, self.batch_size):
            batch = missing[start : start + self.batch_size]
            vectors = self.embedder.embed_passages([text_by_hash[h] for h in batch])
            self.vectors.upsert(batch, vectors)
            embedded.update(batch)
            report.chunks_embedded += len(batch)
            if progress:
                progress("embed", min(start + len(batch), total), total)
            waiting = self._record_ready(waiting, embedded, report)
        self._record_ready(waiting, embedded, report)

    def _record_ready(
        self, waiting: list[_Pending], embedded: set[str], report: IngestReport
    ) -> list[_Pending]:
        still: list[_Pending] = []
        for item in waiting:
            if not all(h in embedded for h in item.hashes):
                still.append(item)
                continue
            self.catalog.add_version(item.doc, item.doc_key, item.hashes, item.file_hash, item.source)
            meta = item.doc.meta
            report.added.append(
                {
                    "source": item.doc.source,
                    "title": meta.title,
                    "version_id": item.doc.version_hash,
                    "effective_from": meta.effective_from.isoformat() if meta.effective_from else None,
                    "chunks": len(item.doc.chunks),
                }
            )
        return still
