"""A published release loaded for reading: its chunk rows, validity arrays and BM25 index.

A snapshot is immutable; the searcher holds one per release and swaps to a newer one
when a release is published, so a query always reads one complete release.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from kb_assistant.errors import StoreError
from kb_assistant.store.catalog import Catalog, VersionRow
from kb_assistant.store.lexical import FIELDS, LexicalIndex

__all__ = ["ReleaseSnapshot", "RowMeta", "region_applies"]

T = TypeVar("T")


@dataclass(frozen=True)
class RowMeta:
    version_id: str
    position: int
    chunk_hash: str
    doc_key: str
    title: str
    doc_number: str | None
    article: str | None
    heading: str
    text: str
    region: str
    source: str
    valid_from: date
    valid_to: date
    effective_from: date | None
    effective_to: date | None
    level: str | None = None  # the front matter's level: the hotline's own articles carry their own
    questions: tuple[str, ...] = ()  # a knowledge section's example questions (front matter)


def region_applies(doc_region: str, wanted: str | None) -> bool:
    """National documents apply everywhere; a province's apply to its cities too."""
    if wanted is None or doc_region in ("", "全国"):
        return True
    return doc_region in wanted or wanted in doc_region


class ReleaseSnapshot:
    def __init__(
        self,
        release_id: int,
        rows: list[RowMeta],
        lexical: dict[str, LexicalIndex],
        windows: dict[str, tuple[date, date]] | None = None,
    ) -> None:
        self.release_id = release_id  # 0 for the draft (what publishing now would release)
        self.windows = windows or {}  # every version of the release, wording entries included
        self.rows = rows
        self.lexical = lexical
        self.valid_from = np.array([r.valid_from.toordinal() for r in rows], dtype=np.int32)
        self.valid_to = np.array([r.valid_to.toordinal() for r in rows], dtype=np.int32)
        regions = sorted({r.region for r in rows})
        self._regions = regions
        index = {name: i for i, name in enumerate(regions)}
        self.region_codes = np.array([index[r.region] for r in rows], dtype=np.int32)
        self._derived: dict[str, Any] = {}
        self._derived_lock = threading.Lock()
        by_hash: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            by_hash[r.chunk_hash].append(i)
        self.rows_by_hash = dict(by_hash)

    @classmethod
    def load(
        cls,
        catalog: Catalog,
        release_id: int,
        lexical_dir: Path,
        descriptions: dict[str, dict[str, Any]],
        windows: dict[str, tuple[date, date]] | None = None,
    ) -> ReleaseSnapshot:
        lexical = {f.name: LexicalIndex.load(lexical_dir / f.name, descriptions[f.name]) for f in FIELDS}
        order = lexical[FIELDS[0].name].rows
        if any(index.rows != order for index in lexical.values()):
            raise StoreError(f"lexical indexes in {lexical_dir} disagree on their rows; rebuild them")
        if windows is None:
            windows = catalog.release_windows(release_id)
        versions: dict[str, VersionRow] = {v.version_id: v for v in catalog.versions(windows)}
        wanted = {vid for vid, _ in order}
        chunks = {(c.version_id, c.position): c for c in catalog.chunks_of(sorted(wanted))}
        rows: list[RowMeta] = []
        for key in order:
            c = chunks[key]
            v = versions[c.version_id]
            start, end = windows[c.version_id]
            rows.append(
                RowMeta(
                    version_id=c.version_id,
                    position=c.position,
                    chunk_hash=c.chunk_hash,
                    doc_key=v.doc_key,
                    title=v.title,
                    doc_number=v.doc_number,
                    article=c.article,
                    heading=c.heading,
                    text=c.text,
                    region=v.region,
                    source=v.source,
                    valid_from=start,
                    valid_to=end,
                    effective_from=v.effective_from,
                    effective_to=v.effective_to,
                    level=v.level,
                    questions=c.questions,
                )
            )
        return cls(release_id, rows, lexical, windows)

    def derived(self, key: str, build: Callable[[ReleaseSnapshot], T]) -> T:
        """Something computed once from this immutable release (an index of its rows), then reused."""
        with self._derived_lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            value: T = self._derived[key]
            return value

    def mask(self, as_of: date, region: str | None) -> np.ndarray:
        """Rows in force on `as_of` and applicable to `region` (a boolean array)."""
        day = as_of.toordinal()
        mask = (self.valid_from <= day) & (self.valid_to >= day)
        if region:
            allowed = np.array([region_applies(r, region) for r in self._regions], dtype=bool)
            mask &= allowed[self.region_codes]
        return mask
