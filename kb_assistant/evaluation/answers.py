"""Answer-level evaluation: does `KB.ask` give the expected mode, wording, citations and facts?

A line of an answer set (`eval/answers_*.jsonl`):
{"id", "query", "as_of"?, "region"?, "mode", "wording_id"?, "citations"?: [{"document",
"article"|"section"}], "contains"?: [str]}. Every expected citation must be among the
answer's citations, every `contains` string in the answer text.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.wording import WordingCitation
from kb_assistant.answer.citations import CitationResolver
from kb_assistant.answer.model import Answer, AnswerMode
from kb_assistant.dates import parse_date
from kb_assistant.errors import InputError, RefusedQuestionError
from kb_assistant.model import Hit
from kb_assistant.store.snapshot import ReleaseSnapshot

if TYPE_CHECKING:
    from kb_assistant.kb import KB

__all__ = [
    "ANSWER_METRICS",
    "AnswerCase",
    "AnswerEvalReport",
    "evaluate_answers",
    "is_answer_set",
    "load_answer_set",
]

ANSWER_METRICS = (
    "mode_accuracy",
    "wording_hit_rate",
    "citation_accuracy",
    "contains_rate",
    "calculator_accuracy",
    "escalation_precision",
    "escalation_recall",
)
_MODES = tuple(m.value for m in AnswerMode)


@dataclass(frozen=True)
class AnswerCase:
    id: str
    query: str
    mode: str
    as_of: str | None = None
    region: str | None = None
    wording_id: str | None = None
    citations: tuple[dict[str, str], ...] = ()
    contains: tuple[str, ...] = ()


@dataclass
class AnswerEvalReport:
    release: int
    files: list[dict[str, Any]] = field(default_factory=list)
    overall: dict[str, Any] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    foreign_citations: int = 0  # citations not in force in the release on the date asked about
    latency_ms: dict[str, float] = field(default_factory=dict)
    # expected citations naming a document or article the release does not hold on the date
    # asked about: no answer can cite them, so they are reported here, not scored
    absent_citations: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "metrics": list(ANSWER_METRICS),
            "files": self.files,
            "overall": self.overall,
            "foreign_citations": self.foreign_citations,
            "latency_ms": self.latency_ms,
            "failures": self.failures,
            "absent_citations": self.absent_citations,
        }


def is_answer_set(path: Path) -> bool:
    """Answer sets name an expected `mode`; retrieval sets name `gold` articles."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    return "mode" in json.loads(line)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read question set {path}: {exc}") from exc
    return False


def load_answer_set(path: Path) -> list[AnswerCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
            case = AnswerCase(
                id=str(item["id"]),
                query=str(item["query"]),
                mode=str(item["mode"]),
                as_of=item.get("as_of"),
                region=item.get("region"),
                wording_id=item.get("wording_id"),
                citations=tuple(item.get("citations") or ()),
                contains=tuple(item.get("contains") or ()),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f'{where}: expected {{"id","query","mode",…}}: {exc}') from exc
        if case.mode not in _MODES:
            raise InputError(f"{where}: mode {case.mode!r} is not one of: {', '.join(_MODES)}")
        cases.append(case)
    return cases


def expected_citation(expected: dict[str, str]) -> WordingCitation:
    return WordingCitation(
        str(expected.get("document", "")).strip().strip("《》"),
        expected.get("article"),
        expected.get("section"),
    )


def cites(hit: Hit, expected: dict[str, str]) -> bool:
    citation = expected_citation(expected)
    return citation.names(hit.title, hit.doc_number) and citation.points_at(hit.article, hit.heading)


def _problems(case: AnswerCase, answer: Answer, expected_citations: tuple[dict[str, str], ...]) -> list[str]:
    out = []
    if answer.mode != case.mode:
        out.append(f"mode {answer.mode} (expected {case.mode})")
    if case.wording_id and answer.wording_id != case.wording_id:
        out.append(f"wording {answer.wording_id} (expected {case.wording_id})")
    for expected in expected_citations:
        if not any(cites(h, expected) for h in answer.citations):
            where = expected.get("article") or expected.get("section") or ""
            out.append(f"missing citation {expected.get('document')} {where}".strip())
    for text in case.contains:
        if text not in answer.answer:
            out.append(f"answer lacks {text!r}")
    return out


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _metrics(rows: list[_Row]) -> dict[str, Any]:
    wording = [(c, a) for c, a, _ in rows if c.mode == "wording"]
    cited = [(c.citations, a) for c, a, _ in rows if c.citations]
    containing = [(c, a) for c, a, _ in rows if c.contains]
    calculator = [(c, a) for c, a, _ in rows if c.mode == "calculator"]
    predicted_esc = [(c, a) for c, a, _ in rows if a.mode == "escalate"]
    expected_esc = [(c, a) for c, a, _ in rows if c.mode == "escalate"]
    return {
        "questions": len(rows),
        "mode_accuracy": _rate(sum(a.mode == c.mode for c, a, _ in rows), len(rows)),
        "wording_hit_rate": _rate(
            sum(a.mode == "wording" and a.wording_id == c.wording_id for c, a in wording), len(wording)
        ),
        "citation_accuracy": _rate(
            sum(all(any(cites(h, e) for h in a.citations) for e in want) for want, a in cited), len(cited)
        ),
        "contains_rate": _rate(
            sum(all(t in a.answer for t in c.contains) for c, a in containing), len(containing)
        ),
        "calculator_accuracy": _rate(
            sum(a.mode == "calculator" and all(t in a.answer for t in c.contains) for c, a in calculator),
            len(calculator),
        ),
        "escalation_precision": _rate(
            sum(c.mode == "escalate" for c, _ in predicted_esc), len(predicted_esc)
        ),
        "escalation_recall": _rate(sum(a.mode == "escalate" for _, a in expected_esc), len(expected_esc)),
    }


def evaluate_answers(
    kb: KB,
    files: Iterable[Path],
    release: int | str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    llm: bool = False,
) -> AnswerEvalReport:
    """Ask every question of every set against one release; score modes, wording, citations.

    With `llm=True` the questions are asked in LLM mode (the configured chat model checks
    wording and may write answers), to measure what a site's model adds."""
    snapshot = kb.snapshot(release)
    pinned: int | str = snapshot.release_id if release is None else release
    sets = [(Path(p), load_answer_set(Path(p))) for p in files]
    total = sum(len(cases) for _, cases in sets)
    report = AnswerEvalReport(release=snapshot.release_id)
    everything: list[_Row] = []
    resolver = CitationResolver(snapshot)
    times: list[float] = []
    live: dict[str, set[str]] = {}
    done = 0
    for path, cases in sets:
        rows = []
        for case in cases:
            start = time.perf_counter()
            try:
                answer = kb.ask(case.query, case.as_of, case.region, pinned, llm=llm)
            except RefusedQuestionError as exc:  # no answer given: the agent takes it over
                answer = _refused(case, snapshot.release_id, str(exc))
            times.append((time.perf_counter() - start) * 1000)
            report.foreign_citations += _foreign(live, snapshot, answer)
            held = _held_citations(resolver, case, report.absent_citations)
            problems = _problems(case, answer, held)
            rows.append((replace(case, citations=held), answer, problems))
            if problems:
                report.failures.append(
                    {
                        "file": path.name,
                        "id": case.id,
                        "query": case.query,
                        "mode": str(answer.mode),
                        "problems": problems,
                    }
                )
            done += 1
            if progress:
                progress("ask", done, total)
        report.files.append({"name": path.name, **_metrics(rows)})
        everything.extend(rows)
    report.overall = _metrics(everything)
    if times:
        ordered = sorted(times)
        report.latency_ms = {
            "p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        }
    return report


_Row = tuple[AnswerCase, Answer, list[str]]


def _held_citations(
    resolver: CitationResolver, case: AnswerCase, absent: list[dict[str, str]]
) -> tuple[dict[str, str], ...]:
    """The case's expected citations the release holds on its date; the others go to `absent`
    (a set written against documents the release lacks, or a document not yet ingested)."""
    day = parse_date(case.as_of)
    held = []
    for expected in case.citations:
        if resolver.resolve(expected_citation(expected), day, case.region) is None:
            absent.append({"id": case.id, **expected})
        else:
            held.append(expected)
    return tuple(held)


def _refused(case: AnswerCase, release: int, message: str) -> Answer:
    day = parse_date(case.as_of).isoformat()
    return Answer(case.query, message, AnswerMode.ESCALATE, None, [], release, day)


def _foreign(live: dict[str, set[str]], snapshot: ReleaseSnapshot, answer: Answer) -> int:
    """Citations whose version is not in force in the answer's release on its date."""
    if answer.as_of not in live:
        mask = snapshot.mask(parse_date(answer.as_of), None)
        live[answer.as_of] = {snapshot.rows[i].version_id for i in mask.nonzero()[0]}
    return sum(h.version_id not in live[answer.as_of] for h in answer.citations)
