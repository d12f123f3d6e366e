"""Choose the wording bar and the knowledge-section weights on the answer sets.

Each question is embedded and searched once; the wording matcher and the section picker
are then re-scored under every candidate setting, so a grid takes seconds. Prints, per
setting, how many questions that expect a wording entry get it, how many get another
entry, and how many questions that expect no wording get one anyway (the costly error:
an agent reads out an answer to a different question). A question closer to one of the
best entry's `not_questions`, or to an uncited knowledge section's example questions, is never
served, at any bar (`counter_margin`, `section_margin` as configured); where the best section
is one the entry cites, the bar is lowered by `section_agreement`.
Calculator questions are left out: the calculator answers them before wording is consulted.

The defaults in `WordingMatchConfig` come first (their bar was chosen by the answer-level
mode accuracy of `kb eval`, which also counts what the non-wording answers get right; the
grid's net-serve choice can differ from it by a few questions). Also reports the bar
chosen by 5-fold cross-validation (chosen on four folds, counted on
the fifth), the figure to expect on new questions rather than on the ones it was chosen on.

    python bench/tune_answers.py --kb bench/out/kb_answers eval/answers_*.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import os
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from kb_assistant.answer.sections import SectionFeatures, SectionPickConfig
from kb_assistant.answer.wording import WordingMatchConfig
from kb_assistant.dates import parse_date
from kb_assistant.evaluation.answers import AnswerCase, cites, load_answer_set
from kb_assistant.kb import KB
from kb_assistant.retrieve.retrievers import release_matrix
from kb_assistant.retrieve.search import to_hit


@dataclass
class Asked:
    case: AnswerCase
    # per weight setting: (entry id, score, margin, declined as a near miss, bar lowered by)
    best: list[tuple[str, float, float, bool, float]]
    features: SectionFeatures  # the knowledge sections' score parts, for re-weighting
    cited: np.ndarray  # per section of `features`: is it one the question expects


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", type=Path, nargs="+")
    parser.add_argument("--kb", type=Path, required=True)
    args = parser.parse_args()
    kb = KB(args.kb)
    snapshot = kb.snapshot()
    matcher = kb.wording_matcher(snapshot)
    picker = kb.composer.sections
    matrix = release_matrix(snapshot, kb.vectors)
    base = matcher.config
    weight_grid = [base] + [
        replace(base, answer_weight=a, sentence_weight=s, lexical_weight=lw, agreement_bonus=ab)
        for a, s, lw, ab in itertools.product((0.25, 0.5), (0.0, 0.5, 1.0), (0.1, 0.2), (0.01, 0.03))
    ]
    asked: list[Asked] = []
    cases = [c for path in args.sets for c in load_answer_set(path) if c.mode != "calculator"]
    for case in cases:
        text = kb.typos(case.query)
        day = parse_date(case.as_of)
        vector = kb.embedder.embed_query(text)
        hits = kb.composer.searcher.search(snapshot, text, 10, day, case.region)
        ranking = picker.ranking(snapshot, text, vector, matrix, day, case.region, hits, limit=1)
        best = []
        for config in weight_grid:
            matcher.config = config
            match = matcher.match(text, vector, day, case.region, hits, ranking)
            if match is None:
                best.append(("", 0.0, 0.0, False, 0.0))
                continue
            declined = match.near_miss is not None or match.closer_section is not None
            lowered = config.min_score - match.bar
            best.append((match.entry.wording_id, match.score, match.margin, declined, lowered))
        features = picker.features(snapshot, text, vector, matrix, day, case.region, hits)
        expected = [c for c in case.citations if c.get("section")]
        cited = np.array(
            [any(cites(to_hit(0, 0.0, snapshot.rows[r]), c) for c in expected) for r in features.rows],
            dtype=bool,
        )
        asked.append(Asked(case, best, features, cited))
    matcher.config = base
    right, wrong, stray, expected = counts(asked, 0, base.min_score, base.min_margin)
    print(
        f"current defaults ({_weights(base)}; bar {base.min_score:.2f}, margin {base.min_margin:.2f}): "
        f"hit rate {right / max(expected, 1):.3f}, wrong entry {wrong}, served where none expected {stray}"
    )
    report_wording(asked, weight_grid)
    report_sections(asked)


def counts(asked: list[Asked], w: int, bar: float, margin: float) -> tuple[int, int, int, int]:
    """(right entry served, wrong entry served, served where none was expected, expected)."""
    right = wrong = stray = expected = 0
    for a in asked:
        entry, score, gap, declined, lowered = a.best[w]
        served = score >= bar - lowered and gap >= margin and not declined
        if a.case.mode == "wording":
            expected += 1
            right += served and entry == a.case.wording_id
            wrong += served and entry != a.case.wording_id
        else:
            stray += served
    return right, wrong, stray, expected


def choose(asked: list[Asked], grid: list[WordingMatchConfig]) -> tuple[int, float, float]:
    """The setting and bar with the most right serves net of wrong ones (each wrong serve,
    to another entry or to a question no entry answers, costs as much as a missed one)."""
    best = (-(10**9), 0, 0.0, 0.0)
    bars = np.arange(1.8, 2.6, 0.01)
    for w in range(len(grid)):
        for bar in bars:
            for margin in (0.0, 0.01, 0.02, 0.04):
                right, wrong, stray, _ = counts(asked, w, float(bar), margin)
                if right - wrong - stray > best[0]:
                    best = (right - wrong - stray, w, float(bar), margin)
    return best[1], best[2], best[3]


def report_wording(asked: list[Asked], grid: list[WordingMatchConfig]) -> None:
    w, bar, margin = choose(asked, grid)
    config = grid[w]
    print("wording: answer, sentence, lexical, agreement weights →", _weights(config))
    print(f"  bar {bar:.2f}, margin {margin:.2f} (chosen on all questions)")
    print(f"  {'bar':>6} {'right':>6} {'wrong':>6} {'stray':>6}")
    for b in np.arange(bar - 0.1, bar + 0.11, 0.02):
        right, wrong, stray, expected = counts(asked, w, float(b), margin)
        print(f"  {b:6.2f} {right / max(expected, 1):6.3f} {wrong:6d} {stray:6d}")
    rng = np.random.default_rng(0)
    folds = rng.permutation(len(asked)) % 5
    right = wrong = stray = expected = 0
    for k in range(5):
        train = [a for a, f in zip(asked, folds, strict=True) if f != k]
        test = [a for a, f in zip(asked, folds, strict=True) if f == k]
        fw, fbar, fmargin = choose(train, grid)
        r, wr, st, ex = counts(test, fw, fbar, fmargin)
        right, wrong, stray, expected = right + r, wrong + wr, stray + st, expected + ex
    print(
        f"  5-fold cross-validated: wording hit rate {right / max(expected, 1):.3f}, "
        f"wrong entry {wrong}, served where none expected {stray}"
    )


def _weights(config: WordingMatchConfig) -> str:
    parts = (config.answer_weight, config.sentence_weight, config.lexical_weight, config.agreement_bonus)
    return ", ".join(f"{p:g}" for p in parts)


SECTION_GRID = {
    "question_weight": (0.5, 0.75, 1.0),
    "second_question_weight": (0.0, 0.25, 0.5),
    "text_weight": (0.0, 0.05, 0.1),
    "heading_weight": (0.0, 0.02, 0.05),
    "title_weight": (0.0, 0.05),
    "asked_pairs_weight": (0.0, 0.05, 0.1),
    "heading_pairs_weight": (0.0, 0.05, 0.1),
    "rank_weight": (0.0, 1.0),
    "classifier_weight": (0.0, 0.5, 1.0, 2.0),
}


def report_sections(asked: list[Asked]) -> None:
    """How often the section put first is one the question cites, per weight setting;
    every setting re-weights the same features, so the whole grid takes seconds."""
    wanted = [a for a in asked if a.cited.any()]
    grid = [
        SectionPickConfig(**dict(zip(SECTION_GRID, values, strict=True)))
        for values in itertools.product(*SECTION_GRID.values())
    ]
    weights = np.stack([c.weights() for c in grid], axis=1)  # features × settings
    # right[q, s]: does setting s put a cited section first for question q
    right = np.stack([a.cited[np.argmax(a.features.values @ weights, axis=0)] for a in wanted])
    totals = right.sum(axis=0)
    print(f"knowledge section (top 1 is a cited section), {len(wanted)} questions:")
    for s in np.argsort(-totals, kind="stable")[:5]:
        print(f"  {totals[s] / len(wanted):.3f}  {_section_weights(grid[s])}")
    folds = np.random.default_rng(0).permutation(len(wanted)) % 5
    held = sum(
        int(right[folds == k][:, int(np.argmax(right[folds != k].sum(axis=0)))].sum()) for k in range(5)
    )
    print(
        f"  {held / len(wanted):.3f}  chosen by 5-fold cross-validation (on four folds, counted on the fifth)"
    )
    for label, config in (
        ("current defaults", SectionPickConfig()),
        ("max question cosine and words (the earlier defaults)", _EARLIER),
        (
            "without the question cosines",
            replace(SectionPickConfig(), question_weight=0.0, second_question_weight=0.0),
        ),
        ("without the classifier", replace(SectionPickConfig(), classifier_weight=0.0)),
        ("cosine only", SectionPickConfig(**{k: 0.0 for k in SECTION_GRID})),
    ):
        first = [a.cited[int(np.argmax(a.features.values @ config.weights()))] for a in wanted]
        print(f"  {np.mean(first):.3f}  {label}")


_EARLIER = SectionPickConfig(
    question_weight=1.0,
    second_question_weight=0.0,
    heading_weight=0.02,
    asked_pairs_weight=0.0,
    heading_pairs_weight=0.0,
    classifier_weight=0.0,
)


def _section_weights(config: SectionPickConfig) -> str:
    return " ".join(f"{k.removesuffix('_weight')} {getattr(config, k):g}" for k in SECTION_GRID)


if __name__ == "__main__":
    main()
