"""`kb` commands of the policy-change workflow: diff, rollback, retire, changes, wording review.

Registered on the same Typer app as the others (imported at the end of `cli.py`); like them,
they only parse input, call `KB` and format its result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kb_assistant.cli import JsonOption, KbOption, _edge, _open, _print_json, app, out


@app.command()
def diff(
    from_release: Annotated[
        int | None, typer.Option("--from", help="Base release (default: the live one).")
    ] = None,
    to: Annotated[str, typer.Option("--to", help="'draft' (default) or a release number.")] = "draft",
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What the draft (or a release) changes: documents, articles (with a character diff), wording."""
    with _edge():
        result = _open(kb).diff(from_release, to)
    data = result.to_dict()
    if as_json:
        _print_json(data)
        return
    out.print(f"from release {data['from'] if data['from'] is not None else '(none)'} to {data['to']}")
    if not data["documents"] and not data["wording"]:
        out.print("no changes")
    for doc in data["documents"]:
        out.print(f"* {doc['summary']}")
        for article in doc["articles"]:
            out.print(f"    {_article_line(article)}")
        if doc["wording_affected"]:
            out.print(f"    wording to review: {', '.join(doc['wording_affected'])}")
    for entry in data["wording"]:
        start = entry["effective_from"] or "…"
        change = f"{entry['change']} ({', '.join(entry['parts'])})" if entry["parts"] else entry["change"]
        out.print(f"* wording {entry['wording_id']} ({entry['topic']}): {change}, from {start}")


def _article_line(article: dict[str, Any]) -> str:
    head = {"added": "+", "removed": "-", "modified": "~", "moved": ">"}[article["change"]]
    label = article["article"]
    if article["old_article"]:
        label = f"{article['old_article']} → {label}"
    edits = []
    for edit in article["edits"][:3]:
        if edit["op"] == "replace":
            edits.append(f"“{edit['old']}” → “{edit['new']}”")
        elif edit["op"] == "insert":
            edits.append(f"+“{edit['new']}”")
        else:
            edits.append(f"-“{edit['old']}”")
    more = " …" if len(article["edits"]) > 3 else ""
    return f"{head} {label}" + (f": {'; '.join(edits)}{more}" if edits else "")


@app.command()
def rollback(
    release: Annotated[int, typer.Argument(help="The earlier release to make live again.")],
    note: Annotated[str, typer.Option("--note", help="Why, for the release history.")] = "",
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make an earlier release's content live again as a new release (history is append-only)."""
    with _edge():
        result = _open(kb).rollback(release, note=note)
    if as_json:
        _print_json({"release": result.release_id, "created": result.created, "content_of": release})
    else:
        out.print(f"published release {result.release_id} with the content of release {release}")


@app.command()
def retire(
    document: Annotated[str, typer.Argument(help="Document title (or document number).")],
    effective_to: Annotated[str, typer.Option("--effective-to", help="Last day in force, YYYY-MM-DD.")],
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Repeal a document without replacement: it stops applying after --effective-to (via the draft)."""
    with _edge():
        version_id = _open(kb).retire(document, effective_to)
    if as_json:
        _print_json({"draft_version": version_id, "effective_to": effective_to})
    else:
        out.print(f"{document} ends on {effective_to}: in the draft, run `kb publish` to make it live")


@app.command()
def changes(
    since: Annotated[
        str | None, typer.Option("--since", help="Published or effective on/after YYYY-MM-DD.")
    ] = None,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change notices of published releases, for agents."""
    with _edge():
        notices = _open(kb).changes(since)
    if as_json:
        _print_json([n.to_dict() for n in notices])
        return
    if not notices:
        out.print("no change notices")
    for n in notices:
        wording = f" (wording to review: {', '.join(n.wording_affected)})" if n.wording_affected else ""
        out.print(f"release {n.release} · effective {n.effective_from or '—'} · {n.summary}{wording}")


@app.command()
def wording(
    needs_review: Annotated[
        bool, typer.Option("--needs-review", help="Only entries whose cited articles changed.")
    ] = False,
    release: Annotated[str | None, typer.Option("--release", help="A release number or 'draft'.")] = None,
    not_covered: Annotated[
        bool, typer.Option("--not-covered", help="The topics not covered yet (kind: not_covered) instead.")
    ] = False,
    kb: KbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approved wording of a release; with --needs-review, those whose cited articles changed."""
    if not_covered:
        _not_covered(kb, release, as_json)
        return
    with _edge():
        states = _open(kb).wording_states(release, needs_review=needs_review)
    rows = [s.to_dict() for s in states]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no wording needs review" if needs_review else "no approved wording")
    for r in rows:
        state = (
            f"needs review from {r['needs_review_from']} ({r['citation']} changed)" if r["citation"] else "ok"
        )
        if r["unshown"]:
            state += (
                f"; cites what the release does not hold on its first or last day: {', '.join(r['unshown'])}"
            )
        out.print(f"{r['wording_id']} {r['topic']} [{r['valid_from']} → {r['valid_to']}]: {state}")


def _not_covered(kb: Path | None, release: str | None, as_json: bool) -> None:
    with _edge():
        rows = [t.to_dict() for t in _open(kb).not_covered_topics(release)]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no topics not covered yet")
    for r in rows:
        window = f"[{r['valid_from']} → {r['valid_to']}]"
        out.print(f"{r['topic_id']} {r['topic']} {window}: {r['questions']} questions")
