"""Question loading and `evaluate` on a small real KB (see conftest for documents and gold)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kb_assistant.errors import InputError, UnknownReleaseError
from kb_assistant.evaluation.runner import evaluate, load_question_set, metric_names
from kb_assistant.kb import KB
from tests.kb_assistant.contract import EVAL_REPORT_KEYS

from .conftest import DEV, write_jsonl

GOOD = {"id": "a", "query": "社保", "gold": [{"law": "社会保险法", "article": "第六十条"}]}
ONE_MISS_NDCG = 1 / (1 + 1 / math.log2(3))  # 1 of 2 gold at rank 1: 1 / (1 + 0.63093) = 0.61315


def test_load_question_set_in_corpus_false_gold_dropped(eval_root: Path):
    questions = {q.id: q for q in load_question_set(eval_root / "dev.jsonl")}
    assert list(questions) == [r["id"] for r in DEV]
    leave = questions["q-leave"]
    assert leave.gold == (("职工带薪年休假条例", "第三条"),)
    assert (leave.gold_not_in_corpus, leave.as_of, leave.skipped) == (1, "2024-06-01", False)
    assert questions["q-skip"].gold == ()
    assert questions["q-skip"].skipped
    assert questions["q-ins"].source.endswith("dev.jsonl:1")


def test_load_question_set_blank_lines_and_int_id_accepted(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n" + json.dumps({**GOOD, "id": 7}, ensure_ascii=False) + "\n\n", encoding="utf-8")
    (question,) = load_question_set(path)
    assert (question.id, question.source) == ("7", f"{path}:2")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        (json.dumps({"query": "社保", "gold": []}), '"id" must be a non-empty string or an integer'),
        (json.dumps({"id": "b", "query": " ", "gold": []}), '"query" must be a non-empty string'),
        (json.dumps({"id": "b", "query": "社保"}), '"gold" must be a list'),
        (json.dumps({"id": "b", "query": "社保", "gold": ["劳动法"]}), "gold[0] must be an object"),
        (json.dumps({"id": "b", "query": "q", "gold": [{"law": "劳动法"}]}), 'gold[0]: "article" must be'),
        (
            json.dumps({"id": "b", "query": "q", "gold": [{"law": "l", "article": "a", "in_corpus": "no"}]}),
            'gold[0]: "in_corpus" must be true or false',
        ),
        (json.dumps({**GOOD, "id": "b", "as_of": "2025-13-01"}), "invalid date '2025-13-01'"),
        (json.dumps({**GOOD, "id": "b", "region": 5}), '"region" must be a string'),
        (json.dumps(GOOD), "duplicate id 'a' (first on line 1)"),
    ],
)
def test_load_question_set_bad_line_names_file_line_and_problem(tmp_path: Path, line: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_question_set(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert message in str(info.value)


def test_load_question_set_missing_or_empty_file_raises(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read question file"):
        load_question_set(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="no questions"):
        load_question_set(tmp_path / "empty.jsonl")


def test_metric_names_k5_has_one_recall_column():
    assert metric_names(10) == ("recall@5", "recall@10", "hit@5", "mrr@10", "ndcg@10")
    assert metric_names(5) == ("recall@5", "hit@5", "mrr@5", "ndcg@5")


def test_evaluate_known_gold_scores_per_file_and_overall(eval_root: Path, eval_kb: KB):
    calls: list[tuple[str, int, int]] = []
    report = evaluate(
        eval_kb,
        [eval_root / "dev.jsonl", eval_root / "extra.jsonl"],
        methods=("hybrid", "bm25"),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert (report.release, report.k, report.methods) == (1, 10, ("hybrid", "bm25"))
    dev, extra = report.files
    assert (dev.name, dev.questions, dev.scored, dev.skipped, dev.gold_not_in_corpus) == ("dev", 5, 4, 1, 2)
    assert (extra.questions, extra.scored, extra.skipped) == (1, 1, 0)
    hybrid = dev.metrics["hybrid"]
    # every gold article exists ranks first; q-miss has 1 of 2 gold (第九十九条 does not exist):
    # recall = (1 + 1 + 1 + 0.5) / 4 = 0.875; nDCG = (3 + 0.61315) / 4 = 0.90329
    assert hybrid["recall@5"] == pytest.approx(0.875)
    assert hybrid["recall@10"] == pytest.approx(0.875)
    assert hybrid["hit@5"] == 1.0
    assert hybrid["mrr@10"] == 1.0
    assert hybrid["ndcg@10"] == pytest.approx((3 + ONE_MISS_NDCG) / 4)
    # overall is the mean over the 5 scored questions of both files: (3.5 + 1) / 5 = 0.9
    assert report.overall.metrics["hybrid"]["recall@10"] == pytest.approx(0.9)
    assert (report.overall.questions, report.overall.scored, report.overall.skipped) == (6, 5, 1)
    assert set(report.overall.metrics) == {"hybrid", "bm25"}
    assert [lat.searches for lat in report.latency.values()] == [5, 5]
    assert all(lat.median_ms is not None and lat.median_ms > 0 for lat in report.latency.values())
    assert calls[-1] == ("eval bm25", 5, 5)
    assert calls[0] == ("eval hybrid", 1, 5)


def test_evaluate_failures_list_missing_gold_and_top3(eval_root: Path, eval_kb: KB):
    report = evaluate(eval_kb, [eval_root / "dev.jsonl"])
    (failure,) = report.failures
    assert (failure.file, failure.id) == ("dev.jsonl", "q-miss")
    assert failure.missing == (("工伤保险条例", "第九十九条"),)
    assert len(failure.top) == 3
    assert (failure.top[0].rank, failure.top[0].title, failure.top[0].article) == (
        1,
        "工伤保险条例",
        "第十四条",
    )


def test_evaluate_to_dict_is_json_with_stable_keys(eval_root: Path, eval_kb: KB):
    data = evaluate(eval_kb, [eval_root / "dev.jsonl"], k=5, methods=("hybrid", "dense")).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert list(data) == EVAL_REPORT_KEYS
    assert data["metrics"] == ["recall@5", "hit@5", "mrr@5", "ndcg@5"]
    assert list(data["files"][0]) == [
        "file",
        "name",
        "questions",
        "scored",
        "skipped",
        "gold_not_in_corpus",
        "metrics",
    ]
    assert list(data["overall"]) == ["questions", "scored", "skipped", "gold_not_in_corpus", "metrics"]
    assert list(data["files"][0]["metrics"]) == ["hybrid", "dense"]
    assert list(data["files"][0]["metrics"]["dense"]) == data["metrics"]
    assert list(data["latency_ms"]["hybrid"]) == ["searches", "median", "p95"]
    assert list(data["failures"][0]) == ["file", "id", "query", "missing", "top"]
    assert list(data["failures"][0]["top"][0]) == ["rank", "title", "article", "score"]
    assert data["started_at"].endswith("Z")


def test_evaluate_all_skipped_metrics_none(tmp_path: Path, eval_kb: KB):
    path = write_jsonl(tmp_path / "skip.jsonl", [r for r in DEV if r["id"] == "q-skip"])
    report = evaluate(eval_kb, [path])
    assert (report.files[0].scored, report.files[0].skipped) == (0, 1)
    assert report.overall.metrics["hybrid"]["recall@10"] is None
    assert report.latency["hybrid"].searches == 0
    assert report.to_dict()["latency_ms"]["hybrid"] == {"searches": 0, "median": None, "p95": None}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"methods": ("hybrid", "tfidf")}, "unknown search method 'tfidf' (valid: hybrid, bm25, dense)"),
        ({"methods": ()}, "at least one search method"),
        ({"methods": ("bm25", "bm25")}, "repeated"),
        ({"k": 0}, "k must be between 1 and 100"),
    ],
)
def test_evaluate_bad_arguments_raise_input_error(eval_root: Path, eval_kb: KB, kwargs, message):
    with pytest.raises(InputError) as info:
        evaluate(eval_kb, [eval_root / "dev.jsonl"], **kwargs)
    assert message in str(info.value)


def test_evaluate_same_file_twice_raises(eval_root: Path, eval_kb: KB):
    with pytest.raises(InputError, match="given more than once"):
        evaluate(eval_kb, [eval_root / "dev.jsonl", eval_root / "dev.jsonl"])


def test_evaluate_unknown_release_raises(eval_root: Path, eval_kb: KB):
    with pytest.raises(UnknownReleaseError):
        evaluate(eval_kb, [eval_root / "dev.jsonl"], release=9)


@pytest.mark.parametrize("release", [0, -1, 2**63])  # 2**63 is beyond SQLite's integers
def test_snapshot_of_a_release_number_out_of_range_is_unknown(eval_kb: KB, release: int):
    with pytest.raises(UnknownReleaseError):
        eval_kb.snapshot(release)
