"""The Markdown report and `kb eval` (CLI contract: JSON keys, exit codes, report files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb_assistant.cli import app
from kb_assistant.errors import InputError
from kb_assistant.evaluation.report import MAX_FAILURES_SHOWN, write_report
from kb_assistant.evaluation.runner import EvalReport, Failure, FileResult, Latency, TopHit, evaluate
from kb_assistant.kb import KB
from tests.kb_assistant.contract import EVAL_REPORT_KEYS

from .conftest import write_jsonl

REPORT_KEYS = [*EVAL_REPORT_KEYS, "report"]


def synthetic_report(failures: int) -> EvalReport:
    """An EvalReport built by hand (no KB), for report formatting."""
    metrics: dict[str, dict[str, float | None]] = {"hybrid": {"recall@5": 0.5, "recall@10": None}}
    result = FileResult("q|s.jsonl", "q|s", failures + 1, failures, 1, 0, metrics)
    top = (TopHit(1, "劳动法", "第一条", 0.5),)
    return EvalReport(
        release=2,
        k=10,
        methods=("hybrid",),
        started_at="2025-01-02T03:04:05Z",
        as_of="2025-01-02",
        metric_names=("recall@5", "recall@10"),
        files=[result],
        overall=FileResult("", "overall", failures + 1, failures, 1, 0, metrics),
        latency={"hybrid": Latency(failures, 1.0, 2.0)},
        failures=[
            Failure("q|s.jsonl", f"q{n}", "问题|一\n二", (("劳动法", "第二条"),), top)
            for n in range(failures)
        ],
    )


def test_write_report_md_and_png_named_by_timestamp_and_first_stem(eval_root: Path, eval_kb: KB, tmp_path):
    report = evaluate(
        eval_kb, [eval_root / "dev.jsonl", eval_root / "extra.jsonl"], methods=("hybrid", "bm25")
    )
    path = write_report(report, tmp_path / "reports")
    assert re.fullmatch(r"\d{8}T\d{6}Z-dev\.md", path.name)
    png = path.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = path.read_text(encoding="utf-8")
    assert f"![Metrics per method]({png.name})" in text
    assert "| methods | hybrid (ours), bm25 |" in text
    assert "| release | 1 |" in text
    assert (
        text.count("| method | Recall@5 | Recall@10 | Hit@5 | MRR@10 | nDCG@10 |") == 3
    )  # overall + 2 files
    assert re.search(r"^\| hybrid \| 0\.8750 \| 0\.8750 \| 1\.0000 \| 1\.0000 \| 0\.9033 \|$", text, re.M)
    assert "## Failures (hybrid): 1 question(s) with gold missing from the top 10" in text
    assert "| dev.jsonl | q-miss |" in text
    assert "《工伤保险条例》第九十九条" in text


def test_write_report_same_report_same_bytes(tmp_path: Path):
    report = synthetic_report(3)
    first = write_report(report, tmp_path / "a")
    second = write_report(report, tmp_path / "b")
    assert first.name == second.name == "20250102T030405Z-q_s.md"  # "|" is not kept in file names
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert first.with_suffix(".png").read_bytes() == second.with_suffix(".png").read_bytes()


def test_write_report_existing_name_gets_suffix(tmp_path: Path):
    report = synthetic_report(1)
    first = write_report(report, tmp_path)
    second = write_report(report, tmp_path)
    assert (first.name, second.name) == ("20250102T030405Z-q_s.md", "20250102T030405Z-q_s-2.md")
    assert second.with_suffix(".png").exists()


def test_write_report_failures_capped_and_cells_escaped(tmp_path: Path):
    text = write_report(synthetic_report(MAX_FAILURES_SHOWN + 10), tmp_path).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| q\\|s.jsonl | q")]
    assert len(rows) == MAX_FAILURES_SHOWN
    assert "First 50 shown" in text
    assert "60 question(s) with gold missing" in text
    assert "| 问题\\|一 二 |" in rows[0]  # pipe escaped, newline flattened
    assert "| hybrid | 0.5000 | n/a |" in text  # an unscored metric is n/a, not 0


def test_write_report_unwritable_dir_raises_input_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write the report"):
        write_report(synthetic_report(0), blocker)


# --- kb eval ---------------------------------------------------------------------------------------


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_cli_eval_json_shape_and_report_files(runner: CliRunner, eval_root: Path, tmp_path: Path):
    reports = tmp_path / "reports"
    args = ["eval", str(eval_root / "dev.jsonl"), "--kb", str(eval_root / "kb"), "--json"]
    result = runner.invoke(app, [*args, "--compare", "bm25,dense", "--report-dir", str(reports)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == REPORT_KEYS
    assert data["methods"] == ["hybrid", "bm25", "dense"]
    assert (data["files"][0]["scored"], data["files"][0]["skipped"]) == (4, 1)
    assert [f["id"] for f in data["failures"]] == ["q-miss"]
    report = Path(data["report"])
    assert report.parent == reports
    assert report.exists()
    assert report.with_suffix(".png").exists()
    assert result.stderr == ""  # no progress bar outside a terminal


def test_cli_eval_no_report_human_output(runner: CliRunner, eval_root: Path, tmp_path: Path):
    reports = tmp_path / "reports"
    args = ["eval", str(eval_root / "dev.jsonl"), "--kb", str(eval_root / "kb"), "--k", "5"]
    result = runner.invoke(app, [*args, "--no-report", "--report-dir", str(reports)])
    assert result.exit_code == 0, result.output
    assert "dev: 5 questions, 4 scored, 1 skipped" in result.stdout
    assert re.search(r"^  hybrid +0\.8750 +1\.0000 +1\.0000 +0\.9033$", result.stdout, re.M)
    assert "report:" not in result.stdout
    assert not reports.exists()
    json_result = runner.invoke(app, [*args, "--no-report", "--json"])
    assert json.loads(json_result.stdout)["report"] is None


@pytest.mark.parametrize("compare", ["hybrid", "bm25,tfidf"])
def test_cli_eval_bad_compare_exits_2_naming_valid(runner: CliRunner, eval_root: Path, compare: str):
    args = ["eval", str(eval_root / "dev.jsonl"), "--kb", str(eval_root / "kb"), "--compare", compare]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "(valid: bm25, dense)" in result.stderr
    assert "Traceback" not in result.output


def test_cli_eval_bad_line_exits_2_with_file_line(runner: CliRunner, eval_root: Path, tmp_path: Path):
    path = write_jsonl(tmp_path / "q.jsonl", [{"id": "a", "query": "社保", "gold": [{"law": "社会保险法"}]}])
    result = runner.invoke(app, ["eval", str(path), "--kb", str(eval_root / "kb"), "--no-report"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f'error: {path}:1: gold[0]: "article" must be a non-empty string, got None'
    )


def test_cli_eval_nothing_published_exits_3(runner: CliRunner, eval_root: Path, tmp_path: Path):
    args = ["eval", str(eval_root / "dev.jsonl"), "--kb", str(tmp_path / "empty-kb"), "--no-report"]
    result = runner.invoke(app, args)
    assert result.exit_code == 3
    assert "nothing is published yet" in result.stderr
