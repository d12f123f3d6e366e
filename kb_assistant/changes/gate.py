"""The publish gate: the draft is evaluated against the live release before it goes live.

The question sets in `eval/` (answer sets and retrieval sets alike) run on both; when a
metric drops by more than the margin, publishing is refused with the questions that
regressed, unless the trainer forces it with a note saying why (a policy change can
rightly change answers; the note keeps the reason in the release history).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb_assistant.evaluation.answers import ANSWER_METRICS, evaluate_answers, is_answer_set

if TYPE_CHECKING:
    from kb_assistant.kb import KB

__all__ = ["GateReport", "PublishGate"]

RETRIEVAL_METRICS = ("recall@10", "mrr@10")


@dataclass
class GateReport:
    live_release: int
    sets: list[str]
    margin: float
    live: dict[str, float | None] = field(default_factory=dict)
    draft: dict[str, float | None] = field(default_factory=dict)
    drops: list[str] = field(default_factory=list)
    regressed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.drops

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"passed": self.passed}


class PublishGate:
    def __init__(self, kb: KB, sets: list[Path], margin: float = 0.02) -> None:
        if not 0 <= margin <= 1:
            raise ValueError(f"gate margin must be between 0 and 1, got {margin}")
        self.kb = kb
        self.sets = sets
        self.margin = margin

    def check(self, progress: Callable[[int, int], None] | None = None) -> GateReport | None:
        """None when there is nothing to compare (no live release, no question sets).
        `progress(done, total)` counts the answer questions asked of both releases."""
        live = self.kb.catalog.latest_release_id()
        if live is None or not self.sets:
            return None
        report = GateReport(live, [str(p) for p in self.sets], self.margin)
        answer_sets = [p for p in self.sets if is_answer_set(p)]
        search_sets = [p for p in self.sets if p not in answer_sets]
        if answer_sets:

            def step(second: bool) -> Callable[[str, int, int], None] | None:
                """Both releases are asked the same `total` questions: one count of 2 × total."""
                if progress is None:
                    return None
                return lambda _stage, done, total: progress(total * second + done, 2 * total)

            before = evaluate_answers(self.kb, answer_sets, release=live, progress=step(False))
            after = evaluate_answers(self.kb, answer_sets, release="draft", progress=step(True))
            for name in ANSWER_METRICS:
                report.live[name], report.draft[name] = before.overall.get(name), after.overall.get(name)
            failed_before = {(f["file"], f["id"]) for f in before.failures}
            report.regressed = [f for f in after.failures if (f["file"], f["id"]) not in failed_before]
        if search_sets:
            from kb_assistant.evaluation.runner import evaluate

            def hybrid(release: int | str) -> dict[str, float | None]:
                overall = evaluate(self.kb, search_sets, release=release).to_dict()["overall"]
                return dict(overall["metrics"]["hybrid"])

            before_s, after_s = hybrid(live), hybrid("draft")
            for name in RETRIEVAL_METRICS:
                report.live[name], report.draft[name] = before_s.get(name), after_s.get(name)
        for name, was in report.live.items():
            now = report.draft.get(name)
            if was is not None and now is not None and was - now > self.margin:
                report.drops.append(f"{name} {was:.3f} → {now:.3f}")
        return report
