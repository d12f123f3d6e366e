"""A Markdown report (tables, a bar chart, the failure list) of one evaluation run.

The chart is drawn on an explicit Agg canvas, never through pyplot, so writing a report
changes no global matplotlib state and needs no display. Everything but the timestamp in
the file name comes from the `EvalReport`, so the same report always gives the same files.
"""

from __future__ import annotations

import re
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kb_assistant.errors import InputError
from kb_assistant.evaluation.runner import EvalReport, Failure, FileResult

__all__ = ["DEFAULT_REPORT_DIR", "MAX_FAILURES_SHOWN", "report_path", "write_report"]

DEFAULT_REPORT_DIR = Path("eval/reports")
MAX_FAILURES_SHOWN = 50
QUERY_CHARS = 80
# Fonts that render Chinese, tried in order; without one, chart labels stay ASCII.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
_DISPLAY = {"recall": "Recall", "hit": "Hit", "mrr": "MRR", "ndcg": "nDCG"}


def write_report(report: EvalReport, out_dir: Path = DEFAULT_REPORT_DIR) -> Path:
    """Write `<out_dir>/<UTC timestamp>-<first file stem>.md` and its PNG chart; return the .md path."""
    try:
        return _write(report, out_dir)
    except OSError as exc:
        raise InputError(f"cannot write the report to {out_dir}: {exc}") from exc


def report_path(out_dir: Path, stamp: str, name: str) -> Path:
    """`<out_dir>/<stamp>-<name>.md`, numbered when two runs land in the same second."""
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    base = f"{stamp}-{safe}"
    md_path, suffix = out_dir / f"{base}.md", 1
    while md_path.exists() or md_path.with_suffix(".png").exists():
        suffix += 1
        md_path = out_dir / f"{base}-{suffix}.md"
    return md_path


def _write(report: EvalReport, out_dir: Path) -> Path:
    stamp = report.started_at.replace("-", "").replace(":", "")
    md_path = report_path(out_dir, stamp, report.files[0].name if report.files else "eval")
    png_path = md_path.with_suffix(".png")
    draw_chart(report, png_path)
    md_path.write_text(render_markdown(report, png_path.name), encoding="utf-8")
    return md_path


def metric_label(name: str) -> str:
    """recall@10 → Recall@10 (the names used in tables and the chart)."""
    kind, _, at = name.partition("@")
    return f"{_DISPLAY.get(kind, kind)}@{at}"


def render_markdown(report: EvalReport, chart_name: str) -> str:
    """The report text; `chart_name` is the PNG file name, linked relative to the report."""
    lines = [f"# Retrieval evaluation: {', '.join(f.name for f in report.files)}", ""]
    lines += ["| parameter | value |", "|---|---|"]
    lines.append(f"| release | {report.release} |")
    lines.append(f"| k | {report.k} |")
    methods = [f"{m} (ours)" if i == 0 else m for i, m in enumerate(report.methods)]
    lines.append(f"| methods | {', '.join(methods)} |")
    lines.append(f"| date (UTC) | {report.started_at} |")
    lines.append(f"| as_of (questions without one) | {report.as_of} |")
    for number, result in enumerate(report.files, 1):
        lines.append(f"| file {number} | {_cell(result.path)} ({_counts(result)}) |")
    lines += ["", f"![Metrics per method]({chart_name})", ""]
    lines += _table("Overall", report.overall, report)
    for number, result in enumerate(report.files, 1):
        lines += _table(f"File {number}: {result.name}", result, report)
    lines += ["## Search latency", "", "| method | searches | median ms | p95 ms |", "|---|---:|---:|---:|"]
    for method in report.methods:
        lat = report.latency[method]
        lines.append(f"| {method} | {lat.searches} | {_num(lat.median_ms, 2)} | {_num(lat.p95_ms, 2)} |")
    lines += ["", *_failures(report)]
    return "\n".join(lines).rstrip() + "\n"


def _counts(result: FileResult) -> str:
    return f"{result.questions} questions, {result.scored} scored, {result.skipped} skipped"


def _num(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(heading: str, result: FileResult, report: EvalReport) -> list[str]:
    header = " | ".join(metric_label(name) for name in report.metric_names)
    lines = [f"## {heading}", "", _counts(result), "", f"| method | {header} |"]
    lines.append("|---|" + "---:|" * len(report.metric_names))
    for method in report.methods:
        values = result.metrics.get(method, {})
        cells = " | ".join(_num(values.get(name), 4) for name in report.metric_names)
        lines.append(f"| {method} | {cells} |")
    return [*lines, ""]


def _failures(report: EvalReport) -> list[str]:
    ours = report.methods[0]
    total = len(report.failures)
    lines = [f"## Failures ({ours}): {total} question(s) with gold missing from the top {report.k}", ""]
    if not total:
        return lines
    if total > MAX_FAILURES_SHOWN:
        lines += [f"First {MAX_FAILURES_SHOWN} shown; `kb eval --json` lists all of them.", ""]
    lines += ["| file | id | query | missing gold | top 3 returned |", "|---|---|---|---|---|"]
    for failure in report.failures[:MAX_FAILURES_SHOWN]:
        lines.append(_failure_row(failure))
    return [*lines, ""]


def _failure_row(failure: Failure) -> str:
    query = failure.query if len(failure.query) <= QUERY_CHARS else failure.query[: QUERY_CHARS - 1] + "…"
    missing = "<br>".join(_cell(f"《{law}》{article}") for law, article in failure.missing)
    top = "<br>".join(_cell(f"{h.rank}. 《{h.title}》{h.article} ({h.score:.4f})") for h in failure.top)
    return (
        f"| {_cell(failure.file)} | {_cell(failure.id)} | {_cell(query)} | {missing} | {top or 'no hits'} |"
    )


def _cjk_font() -> str | None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def draw_chart(report: EvalReport, path: Path) -> None:
    """Grouped bars (metric × method), one panel per file, plus an overall panel for several files."""
    panels = [(f"file {n}", f.name, f) for n, f in enumerate(report.files, 1)]
    if len(report.files) != 1:
        panels.append(("overall", "overall", report.overall))
    cjk = _cjk_font()
    titles = [name if name.isascii() or cjk else fallback for fallback, name, _ in panels]
    family = [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
    names = report.metric_names
    width = 0.8 / max(1, len(report.methods))
    with rc_context({"font.family": family}):
        fig = Figure(figsize=(max(5.0, 4.2 * len(panels)), 3.8), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(panels), squeeze=False, sharey=True)[0]
        for ax, title, (_, _, result) in zip(axes, titles, panels, strict=True):
            for i, method in enumerate(report.methods):
                values = result.metrics.get(method, {})
                heights = [values.get(name) or 0.0 for name in names]
                offsets = [x + (i - (len(report.methods) - 1) / 2) * width for x in range(len(names))]
                ax.bar(offsets, heights, width=width, label=f"{method} (ours)" if i == 0 else method)
            ax.set_title(f"{title} (n={result.scored})", fontsize=10)
            ax.set_xticks(range(len(names)), [metric_label(name) for name in names], fontsize=8)
            ax.set_ylim(0, 1)
            ax.grid(axis="y", alpha=0.3)
        axes[0].set_ylabel("score")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), fontsize=8)
        fig.savefig(path, format="png", metadata={"Software": None})
