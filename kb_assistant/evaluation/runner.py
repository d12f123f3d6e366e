"""Run question sets against a KB and score every search method on the same release.

The first method is "ours"; the others are baselines run in the same process on the same
store and the same release, so the numbers differ only by the method.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kb_assistant.embed.cache import CachedQueryEmbedder
from kb_assistant.errors import BadDateError, InputError
from kb_assistant.evaluation.metrics import Key, article_key, hit_at_k, mean, mrr_at_k, ndcg_at_k, recall_at_k
from kb_assistant.kb import KB, SEARCH_METHODS, parse_date
from kb_assistant.model import Hit

__all__ = [
    "EvalReport",
    "Failure",
    "FileResult",
    "Latency",
    "ProgressCallback",
    "Question",
    "TopHit",
    "evaluate",
    "load_question_set",
    "metric_names",
]

# (stage, done, total): stage is "eval <method>"; same shape as the ingest progress callback.
ProgressCallback = Callable[[str, int, int], None]

SMALL_K = 5  # Recall@5 and Hit@5 stay at 5 whatever k is, so runs with different k compare
TOP_SHOWN = 3  # hits kept per failure


@dataclass(frozen=True)
class Question:
    """One evaluation question; `gold` holds only the in-corpus articles, as written in the file."""

    id: str
    query: str
    gold: tuple[Key, ...]
    as_of: str | None = None
    region: str | None = None
    source: str = ""  # "file:line", for messages
    gold_not_in_corpus: int = 0

    @property
    def skipped(self) -> bool:
        """No gold left to score against (all of it is outside the corpus)."""
        return not self.gold


@dataclass(frozen=True)
class TopHit:
    rank: int
    title: str
    article: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "title": self.title, "article": self.article, "score": self.score}


@dataclass(frozen=True)
class Failure:
    """A question of the first method whose gold is not all in the top k."""

    file: str
    id: str
    query: str
    missing: tuple[Key, ...]
    top: tuple[TopHit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "id": self.id,
            "query": self.query,
            "missing": [{"law": law, "article": article} for law, article in self.missing],
            "top": [hit.to_dict() for hit in self.top],
        }


@dataclass(frozen=True)
class FileResult:
    """Counts and mean metrics (method → metric → value; None when nothing was scored)."""

    path: str
    name: str
    questions: int
    scored: int
    skipped: int
    gold_not_in_corpus: int
    metrics: dict[str, dict[str, float | None]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "name": self.name,
            "questions": self.questions,
            "scored": self.scored,
            "skipped": self.skipped,
            "gold_not_in_corpus": self.gold_not_in_corpus,
            "metrics": {
                method: {name: _round(value, 4) for name, value in values.items()}
                for method, values in self.metrics.items()
            },
        }


@dataclass(frozen=True)
class Latency:
    """Search latency of one method in milliseconds (timed after one warm-up search)."""

    searches: int
    median_ms: float | None
    p95_ms: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "searches": self.searches,
            "median": _round(self.median_ms, 2),
            "p95": _round(self.p95_ms, 2),
        }


@dataclass
class EvalReport:
    release: int
    k: int
    methods: tuple[str, ...]
    started_at: str  # UTC, ISO 8601 with a Z
    as_of: str  # the date used for questions without their own as_of
    metric_names: tuple[str, ...]
    files: list[FileResult]
    overall: FileResult
    latency: dict[str, Latency]
    failures: list[Failure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, keys in a fixed order, numbers rounded (metrics 4, ms 2 decimals)."""
        overall = self.overall.to_dict()
        del overall["file"], overall["name"]
        return {
            "release": self.release,
            "k": self.k,
            "methods": list(self.methods),
            "started_at": self.started_at,
            "as_of": self.as_of,
            "metrics": list(self.metric_names),
            "files": [f.to_dict() for f in self.files],
            "overall": overall,
            "latency_ms": {method: self.latency[method].to_dict() for method in self.methods},
            "failures": [f.to_dict() for f in self.failures],
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def metric_names(k: int) -> tuple[str, ...]:
    """Report columns: Recall@5, Recall@k, Hit@5, MRR@k, nDCG@k (one Recall column when k is 5)."""
    names = (f"recall@{SMALL_K}", f"recall@{k}", f"hit@{SMALL_K}", f"mrr@{k}", f"ndcg@{k}")
    return tuple(dict.fromkeys(names))


# --- loading -------------------------------------------------------------------------------------


def load_question_set(path: Path | str) -> list[Question]:
    """Questions of one JSON-lines file; raises InputError naming file:line and the problem."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question file {path}: {exc}") from exc
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        question = _parse_question(line, where)
        if question.id in first_line:
            raise InputError(
                f"{where}: duplicate id {question.id!r} (first on line {first_line[question.id]})"
            )
        first_line[question.id] = number
        questions.append(question)
    if not questions:
        raise InputError(f"{path}: no questions (expected one JSON object per line)")
    return questions


def _parse_question(line: str, where: str) -> Question:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(item).__name__}")
    qid = item.get("id")
    if isinstance(qid, bool) or not isinstance(qid, str | int) or not str(qid).strip():
        raise InputError(f'{where}: "id" must be a non-empty string or an integer, got {qid!r}')
    query = item.get("query")
    if not isinstance(query, str) or not query.strip():
        raise InputError(f'{where}: "query" must be a non-empty string, got {query!r}')
    gold_items = item.get("gold")
    if not isinstance(gold_items, list):
        raise InputError(
            f'{where}: "gold" must be a list of {{"law", "article"}} objects, got {gold_items!r}'
        )
    gold: list[Key] = []
    outside = 0
    for index, entry in enumerate(gold_items):
        if not isinstance(entry, dict):
            raise InputError(f"{where}: gold[{index}] must be an object, got {entry!r}")
        for name in ("law", "article"):
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                raise InputError(
                    f'{where}: gold[{index}]: "{name}" must be a non-empty string, got {value!r}'
                )
        in_corpus = entry.get("in_corpus", True)
        if not isinstance(in_corpus, bool):
            raise InputError(f'{where}: gold[{index}]: "in_corpus" must be true or false, got {in_corpus!r}')
        if in_corpus:
            gold.append((entry["law"].strip(), entry["article"].strip()))
        else:
            outside += 1
    as_of = item.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, str):
            raise InputError(f'{where}: "as_of" must be a YYYY-MM-DD string, got {as_of!r}')
        try:
            as_of = parse_date(as_of).isoformat()
        except BadDateError as exc:
            raise InputError(f'{where}: "as_of": {exc}') from exc
    region = item.get("region")
    if region is not None and not isinstance(region, str):
        raise InputError(f'{where}: "region" must be a string, got {region!r}')
    return Question(
        id=str(qid).strip(),
        query=query.strip(),
        gold=tuple(gold),
        as_of=as_of,
        region=region or None,
        source=where,
        gold_not_in_corpus=outside,
    )


# --- running -------------------------------------------------------------------------------------


def evaluate(
    kb: KB,
    files: Sequence[Path | str],
    k: int = 10,
    methods: Sequence[str] = ("hybrid",),
    release: int | str | None = None,
    progress: ProgressCallback | None = None,
) -> EvalReport:
    """Search every scored question of every file with each method and aggregate the metrics."""
    methods = _check_methods(methods)
    if not 1 <= k <= 100:
        raise InputError(f"k must be between 1 and 100, got {k}")
    if not files:
        raise InputError("no question files given")
    paths = [Path(f) for f in files]
    repeated = sorted({str(p) for p in paths if paths.count(p) > 1})
    if repeated:
        raise InputError(f"question file given more than once: {', '.join(repeated)}")
    sets = [(p, load_question_set(p)) for p in paths]  # every file checked before any search
    release_id = kb.snapshot(release).release_id  # pinned: a publish during the run changes nothing
    pinned: int | str = release_id if release is None else release
    started = datetime.now(UTC).replace(microsecond=0)
    today = date.today().isoformat()
    names = metric_names(k)
    depth = max(k, SMALL_K)
    scored = [(n, path, q) for n, (path, questions) in enumerate(sets) for q in questions if not q.skipped]

    # per method: per question id-in-run, the metric values; and the search latencies
    values: dict[str, list[dict[str, float | None]]] = {}
    latency: dict[str, Latency] = {}
    failures: list[Failure] = []
    for method_index, method in enumerate(methods):
        times: list[float] = []
        rows: list[dict[str, float | None]] = []
        if scored:
            _warm_up(kb, scored[0][2], depth, today, pinned, method)
        for done, (_, path, question) in enumerate(scored, 1):
            began = time.perf_counter()
            result = kb.search(
                question.query,
                k=depth,
                as_of=question.as_of or today,
                region=question.region,
                release=pinned,
                method=method,
            )
            times.append((time.perf_counter() - began) * 1000)
            ranking = [_hit_key(hit) for hit in result.hits]
            rows.append(_scores(ranking, question.gold, k))
            if method_index == 0:
                failure = _failure(path, question, ranking, result.hits, k)
                if failure is not None:
                    failures.append(failure)
            if progress is not None:
                progress(f"eval {method}", done, len(scored))
        values[method] = rows
        latency[method] = _latency(times)

    file_results = []
    for number, (path, questions) in enumerate(sets):
        index = [i for i, (n, _, _) in enumerate(scored) if n == number]
        file_results.append(_aggregate(str(path), path.stem, questions, values, index, names))
    all_questions = [q for _, questions in sets for q in questions]
    overall = _aggregate("", "overall", all_questions, values, list(range(len(scored))), names)
    return EvalReport(
        release=release_id,
        k=k,
        methods=methods,
        started_at=started.isoformat().replace("+00:00", "Z"),
        as_of=today,
        metric_names=names,
        files=file_results,
        overall=overall,
        latency=latency,
        failures=failures,
    )


def _check_methods(methods: Iterable[str]) -> tuple[str, ...]:
    checked = tuple(methods)
    if not checked:
        raise InputError(f"give at least one search method (valid: {', '.join(SEARCH_METHODS)})")
    unknown = [m for m in checked if m not in SEARCH_METHODS]
    if unknown:
        raise InputError(f"unknown search method {unknown[0]!r} (valid: {', '.join(SEARCH_METHODS)})")
    if len(set(checked)) != len(checked):
        raise InputError(f"search methods repeated: {', '.join(checked)}")
    return checked


def _warm_up(kb: KB, question: Question, depth: int, today: str, release: int | str, method: str) -> None:
    """One untimed search (loads the model and the snapshot), then a cold query-vector cache.

    Without clearing, a method run after another would find every query vector cached and its
    latency would leave out the embedding time.
    """
    as_of = question.as_of or today
    kb.search(question.query, k=depth, as_of=as_of, region=question.region, release=release, method=method)
    embedder = kb.embedder
    if isinstance(embedder, CachedQueryEmbedder):
        embedder.clear()


def _hit_key(hit: Hit) -> Key:
    return hit.title, hit.article or hit.heading


def _scores(ranking: list[Key], gold: Sequence[Key], k: int) -> dict[str, float | None]:
    return {
        f"recall@{SMALL_K}": recall_at_k(ranking, gold, SMALL_K),
        f"recall@{k}": recall_at_k(ranking, gold, k),
        f"hit@{SMALL_K}": hit_at_k(ranking, gold, SMALL_K),
        f"mrr@{k}": mrr_at_k(ranking, gold, k),
        f"ndcg@{k}": ndcg_at_k(ranking, gold, k),
    }


def _failure(path: Path, question: Question, ranking: list[Key], hits: list[Hit], k: int) -> Failure | None:
    found = {article_key(*key) for key in ranking[:k]}
    missing: dict[Key, Key] = {}
    for key in question.gold:
        normal = article_key(*key)
        if normal not in found:
            missing.setdefault(normal, key)
    if not missing:
        return None
    top = tuple(TopHit(h.rank, h.title, h.article or h.heading, h.score) for h in hits[:TOP_SHOWN])
    return Failure(path.name, question.id, question.query, tuple(missing.values()), top)


def _latency(times: list[float]) -> Latency:
    if not times:
        return Latency(0, None, None)
    ordered = sorted(times)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return Latency(len(times), statistics.median(ordered), p95)


def _aggregate(
    path: str,
    name: str,
    questions: list[Question],
    values: dict[str, list[dict[str, float | None]]],
    index: list[int],
    names: tuple[str, ...],
) -> FileResult:
    skipped = sum(q.skipped for q in questions)
    metrics = {
        method: {metric: mean(rows[i][metric] for i in index) for metric in names}
        for method, rows in values.items()
    }
    return FileResult(
        path=path,
        name=name,
        questions=len(questions),
        scored=len(questions) - skipped,
        skipped=skipped,
        gold_not_in_corpus=sum(q.gold_not_in_corpus for q in questions),
        metrics=metrics,
    )
