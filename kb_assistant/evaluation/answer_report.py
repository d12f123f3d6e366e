"""Markdown report (table, bar chart, failure list) of an answer-level evaluation run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kb_assistant.errors import InputError
from kb_assistant.evaluation.answers import ANSWER_METRICS, AnswerEvalReport
from kb_assistant.evaluation.report import report_path

__all__ = ["render_answer_markdown", "write_answer_report"]

_LABELS = {
    "mode_accuracy": "mode",
    "wording_hit_rate": "wording hit",
    "citation_accuracy": "citations",
    "contains_rate": "contains",
    "calculator_accuracy": "calculator",
    "escalation_precision": "esc. precision",
    "escalation_recall": "esc. recall",
}


def write_answer_report(report: AnswerEvalReport, out_dir: Path, first_name: str) -> Path:
    try:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        md_path = report_path(out_dir, stamp, f"answers-{first_name}")
        png_path = md_path.with_suffix(".png")
        draw_answer_chart(report, png_path)
        md_path.write_text(render_answer_markdown(report, png_path.name), encoding="utf-8")
        return md_path
    except OSError as exc:
        raise InputError(f"cannot write the report to {out_dir}: {exc}") from exc


def _num(value: object) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def render_answer_markdown(report: AnswerEvalReport, chart_name: str) -> str:
    lines = [
        f"# Answer evaluation, release {report.release}",
        "",
        f"![answer metrics]({chart_name})",
        "",
        "| set | questions | " + " | ".join(_LABELS[m] for m in ANSWER_METRICS) + " |",
        "|---|---:|" + "---:|" * len(ANSWER_METRICS),
    ]
    for group in [*report.files, {"name": "overall", **report.overall}]:
        cells = " | ".join(_num(group.get(m)) for m in ANSWER_METRICS)
        lines.append(f"| {group['name']} | {group['questions']} | {cells} |")
    lines += [
        "",
        f"Citations not in force in the release on the date asked about: {report.foreign_citations}.",
        f"Expected citations the release does not hold on the date asked about (not scored): "
        f"{len(report.absent_citations)}"
        + (
            " ("
            + "; ".join(
                f"{a['id']} 《{a.get('document')}》{a.get('article') or a.get('section') or ''}"
                for a in report.absent_citations
            )
            + ")."
            if report.absent_citations
            else "."
        ),
        f"Latency of `KB.ask` (ms): p50 {report.latency_ms.get('p50', 'n/a')}, "
        f"p95 {report.latency_ms.get('p95', 'n/a')}.",
        "",
        f"## Failures ({len(report.failures)})",
        "",
    ]
    if not report.failures:
        lines.append("None.")
    else:
        lines += ["| set | id | question | got | problems |", "|---|---|---|---|---|"]
        for f in report.failures:
            question = str(f["query"]).replace("|", "｜")[:80]
            problems = "; ".join(f["problems"]).replace("|", "｜")
            lines.append(f"| {f['file']} | {f['id']} | {question} | {f['mode']} | {problems} |")
    return "\n".join(lines) + "\n"


def draw_answer_chart(report: AnswerEvalReport, path: Path) -> None:
    values = [report.overall.get(m) or 0.0 for m in ANSWER_METRICS]
    fig = Figure(figsize=(7.5, 3.4), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.bar(range(len(values)), values, color="#4C72B0")
    ax.set_xticks(range(len(values)), [_LABELS[m] for m in ANSWER_METRICS], fontsize=8, rotation=15)
    ax.set_ylim(0, 1)
    ax.set_title(f"answers, release {report.release} (n={report.overall.get('questions', 0)})", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    for x, v in enumerate(values):
        ax.text(x, v + 0.01, f"{v:.2f}", ha="center", fontsize=7)
    fig.savefig(path, format="png", metadata={"Software": None})
