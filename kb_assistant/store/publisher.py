"""Draft → release: compute validity windows, build the lexical index, then commit.

Everything a release needs is written before the one transaction that appends it,
so readers never see a release whose index is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ingest.model import sha256_hex
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.ingestor import indexed_text
from kb_assistant.store.lexical import FIELDS, LexicalIndex
from kb_assistant.store.validity import serves, validity_windows
from kb_assistant.text.analyzer import Analyzer

__all__ = ["PublishResult", "Publisher", "set_hash"]


@dataclass(frozen=True)
class PublishResult:
    release_id: int
    created: bool  # False when the draft held nothing new


def set_hash(windows: dict[str, tuple[date, date]]) -> str:
    """Identity of a release's content: its versions and their windows."""
    return sha256_hex(json.dumps(sorted((k, a.isoformat(), b.isoformat()) for k, (a, b) in windows.items())))


class Publisher:
    def __init__(self, catalog: Catalog, analyzers: dict[str, Analyzer], lexical_root: Path) -> None:
        self.catalog = catalog
        self.analyzers = analyzers
        self.lexical_root = lexical_root

    def live_ids(self) -> set[str]:
        latest = self.catalog.latest_release_id()
        return set(self.catalog.release_windows(latest)) if latest else set()

    def changes_live(self) -> bool:
        """Would publishing the draft change what the live release serves? By content (versions
        and windows), not by new ids: a restored earlier text is live already, but not in force.
        Only new versions, or live ones the live release never serves (shadowed by a later text
        of the same date), can change it."""
        latest = self.catalog.latest_release_id()
        if latest is None:
            return True
        live = self.catalog.release_windows(latest)
        draft = self.catalog.draft_ids()
        if all(v in live and serves(live[v]) for v in draft):
            return False
        row = self.catalog.release_row(latest)
        return row is None or self.windows_of(set(live) | draft)[1] != row["set_hash"]

    def publish(self, author: str, note: str) -> PublishResult:
        """Live plus draft as a new release (`KB.publish` first asks `changes_live`)."""
        return self.publish_set(self.live_ids() | self.catalog.draft_ids(), author, note)

    def candidate(self) -> tuple[dict[str, tuple[date, date]], str]:
        """Windows and set hash of what publishing now would release (live plus draft)."""
        return self.windows_of(self.live_ids() | self.catalog.draft_ids())

    def windows_of(self, version_ids: set[str]) -> tuple[dict[str, tuple[date, date]], str]:
        windows = validity_windows(self.catalog.versions(version_ids))
        return windows, set_hash(windows)

    def republish(self, release_id: int, author: str, note: str) -> PublishResult:
        """An earlier release's exact content as a new release; the draft is kept (history is append-only)."""
        row = self.catalog.release_row(release_id)
        windows = self.catalog.release_windows(release_id)
        assert row is not None
        self.ensure_lexical(row["set_hash"], windows)
        new_id = self.catalog.publish(windows, author, note, row["set_hash"], clear_draft=False)
        return PublishResult(new_id, created=True)

    def publish_set(self, version_ids: set[str], author: str, note: str) -> PublishResult:
        windows, digest = self.windows_of(version_ids)
        self.ensure_lexical(digest, windows)  # everything a release needs exists before it does
        release_id = self.catalog.publish(windows, author, note, digest)
        return PublishResult(release_id, created=True)

    def lexical_dir(self, set_hash: str) -> Path:
        """Named by what went in (the version windows) and how it was analysed."""
        description: dict[str, Any] = {f.name: self.analyzers[f.name].describe() for f in FIELDS}
        analysed = sha256_hex(json.dumps(description, sort_keys=True))
        return self.lexical_root / f"{set_hash[:24]}-{analysed[:12]}"

    def ensure_lexical(self, set_hash: str, windows: dict[str, tuple[date, date]]) -> Path:
        """Build whatever lexical field is missing; indexes are derived data, rebuilt on demand
        (for example after an analyser upgrade) without touching the release itself."""
        directory = self.lexical_dir(set_hash)
        missing = [f for f in FIELDS if not (directory / f.name).exists()]
        if not missing:
            return directory
        in_force = [v for v in self.catalog.versions(windows) if serves(windows[v.version_id])]
        titles = {v.version_id: v.title for v in in_force}
        chunks = self.catalog.chunks_of(v.version_id for v in in_force)
        rows = [(c.version_id, c.position) for c in chunks]
        for field in missing:
            analyzer = self.analyzers[field.name]
            if field.with_title:
                texts = [indexed_text(titles[c.version_id], c.heading, c.text) for c in chunks]
            else:
                texts = [c.text for c in chunks]
            LexicalIndex.build(texts, rows, analyzer, analyzer.describe()).save(directory / field.name)
        return directory
