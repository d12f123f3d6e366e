"""`kb`: parse arguments, call `KB`, format the result. Nothing else lives here.

Exit codes: 0 done; 1 some input files failed (the good ones were ingested);
2 bad usage or input; 3 the store cannot serve the request (e.g. nothing published);
4 the publish gate refused the draft; 5 another publish is running (retry when it ends).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kb_assistant.errors import GateError, InputError, KBError, PublishRunningError, StoreError
from kb_assistant.kb import KB
from kb_assistant.publish_jobs import open_publish_jobs
from kb_assistant.store.ingestor import ProgressCallback

__all__ = ["app", "main"]

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Policy knowledge base for a 12333 hotline."
)
err = Console(stderr=True, soft_wrap=True, highlight=False, markup=False)
out = Console(highlight=False, soft_wrap=True, markup=False)

KbOption = Annotated[
    Path | None, typer.Option("--kb", envvar="KB_DIR", help="Store directory (default ./kb_data).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]

EXIT_FILES_FAILED = 1
EXIT_INPUT = 2
EXIT_STORE = 3
EXIT_GATE = 4
EXIT_BUSY = 5


def _open(kb_dir: Path | None) -> KB:
    return KB(kb_dir or Path("kb_data"))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@contextmanager
def _edge() -> Iterator[None]:
    """Expected errors become one line on stderr and an exit code; no stack traces."""
    try:
        yield
    except InputError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_INPUT) from None
    except PublishRunningError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_BUSY) from None
    except StoreError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_STORE) from None
    except GateError:
        raise
    except KBError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_INPUT) from None


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                labels = {"parse": "reading files", "embed": "embedding chunks", "gate": "eval gate: answers"}
                label = labels.get(stage, stage)
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively).")],
    publish: Annotated[bool, typer.Option("--publish", help="Publish the draft as a new release.")] = False,
    note: Annotated[str, typer.Option("--note", help="Release note (with --publish).")] = "",
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add new or changed files to the draft; unchanged files are skipped."""
    try:
        with _edge():
            store = _open(kb)
            with _progress(enabled=not as_json and err.is_terminal) as progress:
                report = store.ingest(paths, progress=progress)
                if publish:
                    gate = (lambda done, total: progress("gate", done, total)) if progress else None
                    with open_publish_jobs(store) as jobs:
                        report.release = jobs.run(note, False, None, gate).release_id
    except GateError as exc:  # ingested into the draft, but the publish was refused
        _print_gate(exc, as_json)
        raise typer.Exit(EXIT_GATE) from None
    if as_json:
        _print_json(report.to_dict())
    else:
        for warning in report.warnings:
            err.print(f"warning: {warning}")
        for failure in report.failed:
            err.print(f"failed: {failure['path']}: {failure['reason']}")
        restored = f"{len(report.restored)} restored, " if report.restored else ""
        out.print(
            f"ingested {len(report.added)} new version(s), {restored}{len(report.unchanged)} unchanged, "
            f"{len(report.failed)} failed; embedded {report.chunks_embedded} chunk(s), "
            f"reused {report.chunks_reused}"
        )
        for path in report.restored:
            out.print(f"restored: {path} is back to a text ingested before; that version is in the draft")
        if report.release is not None:
            out.print(f"live release: {report.release}")
        elif report.added or report.restored:
            which = "new" if report.added else "restored"
            out.print(f"the {which} versions are in the draft: run `kb publish` to make them live")
    if report.failed:
        raise typer.Exit(EXIT_FILES_FAILED)


@app.command()
def publish(
    note: Annotated[str, typer.Option("--note", help="What changed, for the release history.")] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Publish although the gate found a drop (needs --note).")
    ] = False,
    eval_sets: Annotated[
        list[Path] | None, typer.Option("--eval", help="Another question set for the gate (repeatable).")
    ] = None,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make the draft live as a new, numbered release (after the eval gate)."""
    try:
        with _edge(), _progress(enabled=not as_json and err.is_terminal) as progress:
            gate = (lambda done, total: progress("gate", done, total)) if progress else None
            with open_publish_jobs(_open(kb)) as jobs:
                result = jobs.run(note, force, None, gate, eval_sets or [])
    except GateError as exc:
        _print_gate(exc, as_json)
        raise typer.Exit(EXIT_GATE) from None
    if as_json:
        _print_json({"release": result.release_id, "created": result.created})
    elif result.created:
        out.print(f"published release {result.release_id}")
    else:
        out.print(f"nothing new in the draft: release {result.release_id} stays live")


def _print_gate(exc: GateError, as_json: bool) -> None:
    report = exc.report
    if as_json:
        _print_json({"refused": True, "gate": report.to_dict()})
        return
    err.print(f"error: {exc}")
    for name, was in report.live.items():
        now = report.draft.get(name)
        if was is not None and now is not None:
            err.print(f"  {name:<22} live {was:.4f}  draft {now:.4f}")
    for failure in report.regressed[:30]:
        problems = "; ".join(failure["problems"])
        err.print(f"  regressed {failure['id']}: {failure['query'][:40]} → {problems}")


@app.command()
def releases(kb: KbOption = None, as_json: JsonOption = False) -> None:
    """List releases, newest last."""
    with _edge():
        rows = _open(kb).releases()
    if as_json:
        _print_json([r.to_dict() for r in rows])
        return
    if not rows:
        out.print("no releases yet")
    for r in rows:
        out.print(
            f"{r.release_id:>4}  {r.created_at}  {r.author:<12} docs={r.documents} versions={r.versions} "
            f"chunks={r.chunks}  {r.note}"
        )


def _search_one(store: KB, query: str, k: int, as_of: str | None, region: str | None) -> dict[str, Any]:
    return store.search(query, k=k, as_of=as_of, region=region).to_dict()


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="The question or keywords.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Number of hits.")] = 10,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today).")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="National plus this region's documents.")
    ] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help='JSON lines {"id","query"}; one JSON line out each.')
    ] = None,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search the live release for the articles that answer a question."""
    if (query is None) == (queries is None):
        err.print("error: give a QUERY or --queries FILE (not both)")
        raise typer.Exit(EXIT_INPUT)
    with _edge():
        store = _open(kb)
        if queries is not None:
            _search_file(store, queries, k, as_of, region)
            return
        assert query is not None
        result = _search_one(store, query, k, as_of, region)
    if as_json:
        _print_json(result)
        return
    out.print(f"release {result['release']}, as of {result['as_of']}")
    for hit in result["hits"]:
        label = f"《{hit['title']}》{hit['article'] or hit['heading']}"
        out.print(
            f"{hit['rank']:>2}. {label}  [{hit['effective_from'] or '…'} → {hit['effective_to'] or '…'}]"
        )
        out.print("    " + hit["text"].replace("\n", " ")[:160])


def _search_file(store: KB, path: Path, k: int, as_of: str | None, region: str | None) -> None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            query = str(item["query"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f'{path}:{number}: expected a JSON object with "query": {exc}') from exc
        result = _search_one(store, query, k, item.get("as_of") or as_of, item.get("region") or region)
        _print_json({"id": item.get("id"), **result})


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The caller's question, as they said it.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today).")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="National plus this region's documents.")
    ] = None,
    release: Annotated[
        int | None, typer.Option("--release", help="Answer from this release (default the latest).")
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="The public web chat's wording (no internal notes).")
    ] = False,
    llm: Annotated[
        bool, typer.Option("--llm", help="Let the KB_LLM_* chat model write checked, cited answers.")
    ] = False,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question in the unified format: approved wording, calculation, quotes or escalation."""
    with _edge():
        store = _open(kb)
        answer = store.ask(question, as_of, region, release, "public" if public else "agent", llm=llm)
    if as_json:
        _print_json(answer.to_dict())
        return
    head = f"mode {answer.mode}" + (f" · wording {answer.wording_id}" if answer.wording_id else "")
    out.print(f"{head} · release {answer.release} · as of {answer.as_of}")
    out.print(answer.answer)


@app.command("eval")
def eval_command(
    files: Annotated[list[Path], typer.Argument(help='Question sets: JSON lines {"id","query","gold"}.')],
    k: Annotated[
        int, typer.Option("--k", min=1, max=100, help="Cut-off of Recall, MRR, nDCG (@5 ones stay at 5).")
    ] = 10,
    compare: Annotated[
        str | None, typer.Option("--compare", help="Baselines on the same release, e.g. bm25,dense.")
    ] = None,
    release: Annotated[
        int | None, typer.Option("--release", help="Release to score (default latest).")
    ] = None,
    report_dir: Annotated[
        Path, typer.Option("--report-dir", help="Folder of the Markdown report and its chart.")
    ] = Path("eval/reports"),
    no_report: Annotated[bool, typer.Option("--no-report", help="Write no report file.")] = False,
    llm: Annotated[
        bool, typer.Option("--llm", help="Ask answer sets in LLM mode (needs KB_LLM_* settings).")
    ] = False,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score search (sets with `gold` articles) and answers (sets with an expected `mode`)."""
    from kb_assistant.evaluation.answer_report import write_answer_report
    from kb_assistant.evaluation.answers import evaluate_answers, is_answer_set
    from kb_assistant.evaluation.report import write_report  # matplotlib loads for `kb eval` only
    from kb_assistant.evaluation.runner import evaluate
    from kb_assistant.kb import SEARCH_METHODS

    baselines = [m for m in SEARCH_METHODS if m != "hybrid"]
    methods = ["hybrid"]
    for name in (n.strip() for n in (compare or "").split(",")):
        if name and name not in baselines:
            err.print(f"error: --compare: unknown baseline {name!r} (valid: {', '.join(baselines)})")
            raise typer.Exit(EXIT_INPUT)
        if name and name not in methods:
            methods.append(name)
    data: dict[str, Any] = {}
    with _edge():
        answer_sets = [f for f in files if f.is_file() and is_answer_set(f)]
        search_sets = [f for f in files if f not in answer_sets]
        store = _open(kb)
        with _progress(enabled=not as_json and err.is_terminal) as progress:
            if search_sets:
                report = evaluate(
                    store, search_sets, k=k, methods=methods, release=release, progress=progress
                )
                path = None if no_report else write_report(report, report_dir)
                data = {**report.to_dict(), "report": None if path is None else str(path)}
            if answer_sets:
                answers = evaluate_answers(store, answer_sets, release=release, progress=progress, llm=llm)
                answer_path = (
                    None if no_report else write_answer_report(answers, report_dir, answer_sets[0].stem)
                )
                data["answers"] = {
                    **answers.to_dict(),
                    "report": None if answer_path is None else str(answer_path),
                }
    if as_json:
        _print_json(data)
        return
    if search_sets:
        _print_eval(data)
        if data["report"] is not None:
            out.print(f"report: {data['report']}")
    if answer_sets:
        _print_answer_eval(data["answers"])


def _print_answer_eval(data: dict[str, Any]) -> None:
    names = data["metrics"]
    out.print(f"answers: release {data['release']}")
    out.print(f"  {'set':<28}{'n':>5}" + "".join(f"{n[:12]:>13}" for n in names))
    for group in [*data["files"], {"name": "overall", **data["overall"]}]:
        cells = "".join(f"{'n/a' if group[n] is None else format(group[n], '.4f'):>13}" for n in names)
        out.print(f"  {group['name'][:28]:<28}{group['questions']:>5}{cells}")
    latency = data["latency_ms"]
    out.print(
        f"  citations not in force: {data['foreign_citations']}; "
        f"ask latency p50 {latency.get('p50', 'n/a')} ms, p95 {latency.get('p95', 'n/a')} ms"
    )
    absent = data["absent_citations"]
    if absent:
        out.print(f"  expected citations the release does not hold (not scored): {len(absent)}")
        for item in absent[:10]:
            where = item.get("article") or item.get("section") or ""
            out.print(f"  ? {item['id']}: 《{item.get('document')}》{where}")
    for failure in data["failures"][:30]:
        problems = "; ".join(failure["problems"])
        out.print(f"  ✗ {failure['id']}: {failure['query'][:40]} → {failure['mode']}: {problems}")
    if data["report"] is not None:
        out.print(f"report: {data['report']}")


def _print_eval(data: dict[str, Any]) -> None:
    names, methods = data["metrics"], data["methods"]
    out.print(f"release {data['release']}, k={data['k']}, as of {data['as_of']} (unless a question sets it)")
    groups = [(f["name"], f) for f in data["files"]] + [("overall", data["overall"])]
    for title, group in groups:
        out.print("")
        out.print(
            f"{title}: {group['questions']} questions, {group['scored']} scored, {group['skipped']} skipped"
        )
        out.print(f"  {'method':<8}" + "".join(f"{n:>11}" for n in names))
        for method in methods:
            values = group["metrics"][method]
            cells = "".join(f"{'n/a' if values[n] is None else format(values[n], '.4f'):>11}" for n in names)
            out.print(f"  {method:<8}{cells}")
    out.print("")
    for method in methods:
        lat = data["latency_ms"][method]
        if lat["searches"]:
            out.print(f"latency {method}: median {lat['median']:.2f} ms, p95 {lat['p95']:.2f} ms")
    out.print(
        f"{len(data['failures'])} question(s) with gold missing from the top {data['k']} ({methods[0]})"
    )


def main() -> None:
    app()


from kb_assistant import cli_changes, cli_serve  # noqa: E402,F401  (register their commands)

if __name__ == "__main__":
    main()
