"""The CLI contract other tools script against: commands, JSON shapes, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb_assistant.cli import app
from kb_assistant.store.service_state import SqliteServiceStore
from tests.kb_assistant.contract import ANSWER_KEYS, HIT_FIELDS

OLD_POLICY = """---
title: 常德市灵活就业人员社会保险补贴办法
doc_number: 常人社发〔2023〕5号
issuer: 常德市人力资源和社会保障局
region: 湖南省常德市
effective_from: 2023-03-01
---
# 常德市灵活就业人员社会保险补贴办法

第一条 为鼓励灵活就业，制定本办法。

第二条 补贴标准为个人实际缴纳养老保险费的百分之三十，补贴期限最长二年。
"""

NEW_POLICY = """---
title: 常德市灵活就业人员社会保险补贴办法
doc_number: 常人社发〔2025〕11号
issuer: 常德市人力资源和社会保障局
region: 湖南省常德市
effective_from: 2025-07-01
supersedes: [常人社发〔2023〕5号]
---
# 常德市灵活就业人员社会保险补贴办法

第一条 为鼓励灵活就业，制定本办法。

第二条 补贴标准为个人实际缴纳养老保险费的百分之五十，补贴期限最长三年。
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def kb_dir(tmp_path: Path) -> Path:
    return tmp_path / "kb"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(runner: CliRunner, kb_dir: Path, *args: str):
    return runner.invoke(app, [*args, "--kb", str(kb_dir)])


def test_cli_ingest_publish_then_search_json_has_contract_shape(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    result = run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["release"] == 1
    assert report["ok"] is True
    assert len(report["added"]) == 1

    result = run(
        runner, kb_dir, "search", "补贴标准和补贴期限", "--k", "2", "--as-of", "2024-01-01", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"release", "as_of", "hits"}
    assert data["release"] == 1
    assert data["as_of"] == "2024-01-01"
    hit = data["hits"][0]
    assert set(hit) == HIT_FIELDS
    assert hit["article"] == "第二条"
    assert hit["doc_number"] == "常人社发〔2023〕5号"
    assert hit["region"] == "湖南省常德市"
    assert hit["rank"] == 1


def test_cli_search_superseded_day_before_old_day_itself_new(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    write(tmp_path / "docs" / "new.md", NEW_POLICY)
    assert run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish").exit_code == 0

    def top(as_of: str) -> dict:
        result = run(runner, kb_dir, "search", "补贴标准", "--k", "1", "--as-of", as_of, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["hits"][0]

    before = top("2025-06-30")
    assert "百分之三十" in before["text"]
    assert before["effective_to"] == "2025-06-30"
    on_day = top("2025-07-01")
    assert "百分之五十" in on_day["text"]
    assert on_day["effective_from"] == "2025-07-01"
    assert on_day["effective_to"] is None


def test_cli_search_queries_file_outputs_one_line_per_query_with_id(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    queries = write(
        tmp_path / "q.jsonl",
        '{"id": "q1", "query": "补贴期限"}\n\n{"id": "q2", "query": "灵活就业", "as_of": "2024-01-01"}\n',
    )
    result = run(runner, kb_dir, "search", "--queries", str(queries), "--k", "1", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    assert lines[1]["as_of"] == "2024-01-01"
    assert set(lines[0]) == {"id", "release", "as_of", "hits"}


def test_cli_ingest_bad_files_named_good_files_kept_exit_1(runner, kb_dir, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "good.md", OLD_POLICY)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    result = run(runner, kb_dir, "ingest", str(docs), "--publish")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed_lines) == 3
    assert any("empty.txt: empty file" in line for line in failed_lines)
    assert any("broken.pdf: corrupt PDF" in line for line in failed_lines)
    assert any("binary.txt: binary data, not text" in line for line in failed_lines)
    releases = json.loads(run(runner, kb_dir, "releases", "--json").stdout)
    assert [r["versions"] for r in releases] == [1]


def test_cli_search_before_any_publish_exits_3_with_hint(runner, kb_dir):
    result = run(runner, kb_dir, "search", "社保")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "error: nothing is published yet: run `kb ingest PATH --publish` or `kb publish`"
    )


def test_cli_search_bad_date_exits_2(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    result = run(runner, kb_dir, "search", "社保", "--as-of", "2025-13-01")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: invalid date '2025-13-01': expected YYYY-MM-DD, e.g. 2025-01-01"


def test_cli_ingest_without_publish_leaves_draft_then_publish(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    result = run(runner, kb_dir, "ingest", str(tmp_path / "docs"))
    assert result.exit_code == 0
    assert "run `kb publish`" in result.stdout
    assert json.loads(run(runner, kb_dir, "releases", "--json").stdout) == []
    result = run(runner, kb_dir, "publish", "--note", "first", "--json")
    assert json.loads(result.stdout) == {"release": 1, "created": True}
    result = run(runner, kb_dir, "publish", "--json")
    assert json.loads(result.stdout) == {"release": 1, "created": False}
    release = json.loads(run(runner, kb_dir, "releases", "--json").stdout)[0]
    assert list(release) == [
        "release_id",
        "created_at",
        "author",
        "note",
        "documents",
        "versions",
        "chunks",
        "wording",
    ]
    assert (release["release_id"], release["note"], release["documents"], release["wording"]) == (
        1,
        "first",
        1,
        0,
    )


def test_cli_reingest_unchanged_embeds_nothing(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    result = run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish", "--json")
    report = json.loads(result.stdout)
    assert (report["chunks_embedded"], len(report["added"]), len(report["unchanged"])) == (0, 0, 1)
    assert report["release"] == 1


def test_cli_changed_article_reuses_unchanged_embeddings(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "policy.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    write(tmp_path / "docs" / "policy.md", NEW_POLICY)
    report = json.loads(run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--json").stdout)
    assert report["chunks_embedded"] == 1
    assert report["chunks_reused"] == 1


def test_cli_ingest_of_a_file_put_back_says_it_is_restored(runner, kb_dir, tmp_path):
    path = write(tmp_path / "docs" / "policy.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(path), "--publish")
    write(path, OLD_POLICY.replace("百分之三十", "百分之四十"))
    run(runner, kb_dir, "ingest", str(path), "--publish")
    write(path, OLD_POLICY)
    result = run(runner, kb_dir, "ingest", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ingested 0 new version(s), 1 restored, 0 unchanged, 0 failed; embedded 0 chunk(s), reused 0",
        f"restored: {path} is back to a text ingested before; that version is in the draft",
        "the restored versions are in the draft: run `kb publish` to make them live",
    ]
    assert "published release 3" in run(runner, kb_dir, "publish").stdout


def test_cli_ingest_warns_when_two_files_claim_same_document_and_date(runner, kb_dir, tmp_path):
    write(tmp_path / "a" / "policy.md", OLD_POLICY)
    write(tmp_path / "b" / "copy.md", OLD_POLICY.replace("百分之三十", "百分之三十五"))
    result = run(runner, kb_dir, "ingest", str(tmp_path / "a"), str(tmp_path / "b"), "--publish")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "b" / "copy.md"
    original = tmp_path / "a" / "policy.md"
    expected = (
        f"warning: {copy}: same document and effective date as {original}; "
        "this text replaces it from 2023-03-01"
    )
    assert expected in result.stderr
    hit = json.loads(run(runner, kb_dir, "search", "补贴标准", "--k", "1", "--json").stdout)["hits"][0]
    assert "百分之三十五" in hit["text"]


WORDING = """---
kind: wording
id: WD-BT-001
topic: 灵活就业社保补贴标准
status: approved
owner: 培训组
effective_from: 2025-07-01
questions:
  - 灵活就业社保补贴有多少
  - 灵活就业交养老保险能补贴多少钱
citations:
  - document: 常人社发〔2025〕11号
    article: 第二条
---
灵活就业人员社保补贴按个人实际缴纳养老保险费的百分之五十发放，最长三年。
"""


def test_cli_ask_json_serves_wording_with_resolved_citation(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    write(tmp_path / "docs" / "new.md", NEW_POLICY)
    write(tmp_path / "docs" / "wording" / "subsidy.md", WORDING)
    assert run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish").exit_code == 0
    result = run(runner, kb_dir, "ask", "灵活就业社保补贴有多少", "--as-of", "2025-08-01", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert list(answer) == ANSWER_KEYS
    assert (answer["mode"], answer["wording_id"], answer["release"]) == ("wording", "WD-BT-001", 1)
    assert [(c["doc_number"], c["article"]) for c in answer["citations"]] == [
        ("常人社发〔2025〕11号", "第二条")
    ]
    assert set(answer["citations"][0]) == HIT_FIELDS
    releases = json.loads(run(runner, kb_dir, "releases", "--json").stdout)
    assert (releases[0]["documents"], releases[0]["wording"]) == (1, 1)


def test_cli_ask_before_the_wording_applies_does_not_serve_it(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    write(tmp_path / "docs" / "wording" / "subsidy.md", WORDING)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    result = run(runner, kb_dir, "ask", "灵活就业社保补贴有多少", "--as-of", "2024-01-01", "--json")
    assert json.loads(result.stdout)["wording_id"] is None


def test_cli_ask_empty_question_exits_2(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    result = run(runner, kb_dir, "ask", "  ")
    assert result.exit_code == 2
    assert "empty question: type what the caller asked" in result.stderr


def test_cli_diff_publish_changes_rollback_and_wording_review(runner, kb_dir, tmp_path):
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    write(
        tmp_path / "v1" / "wording" / "subsidy.md",
        WORDING.replace("effective_from: 2025-07-01", "effective_from: 2023-03-01").replace(
            "常人社发〔2025〕11号", "常德市灵活就业人员社会保险补贴办法"
        ),
    )
    run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish", "--note", "2023")
    write(tmp_path / "v2" / "new.md", NEW_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v2"))

    diff = json.loads(run(runner, kb_dir, "diff", "--json").stdout)
    assert [(d["change"], d["wording_affected"]) for d in diff["documents"]] == [
        ("new_version", ["WD-BT-001"]),
        ("ends", ["WD-BT-001"]),
    ]
    text = run(runner, kb_dir, "diff").stdout
    assert "~ 第二条: “三” → “五”; “二” → “三”" in text
    assert "wording to review: WD-BT-001" in text

    assert run(runner, kb_dir, "publish", "--note", "2025").exit_code == 0
    changes = json.loads(run(runner, kb_dir, "changes", "--json").stdout)
    assert [(c["release"], c["change"]) for c in changes][-2:] == [(2, "new_version"), (2, "ends")]
    review = json.loads(run(runner, kb_dir, "wording", "--needs-review", "--json").stdout)
    assert [(r["wording_id"], r["needs_review_from"]) for r in review] == [("WD-BT-001", "2025-07-01")]

    result = run(runner, kb_dir, "rollback", "1", "--note", "undo", "--json")
    assert json.loads(result.stdout) == {"release": 3, "created": True, "content_of": 1}
    assert json.loads(run(runner, kb_dir, "wording", "--needs-review", "--json").stdout) == []
    entries = json.loads(run(runner, kb_dir, "wording", "--json").stdout)
    assert [(e["wording_id"], e["needs_review_from"]) for e in entries] == [("WD-BT-001", None)]


def test_cli_wording_lists_citations_the_release_does_not_hold(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    write(tmp_path / "docs" / "new.md", NEW_POLICY)
    cites_more = WORDING.replace(
        "    article: 第二条\n",
        "    article: 第二条\n  - document: 常德市灵活就业补贴实施细则\n    article: 第九条\n",
    )
    write(tmp_path / "docs" / "wording" / "subsidy.md", cites_more)
    assert run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish").exit_code == 0
    [entry] = json.loads(run(runner, kb_dir, "wording", "--json").stdout)
    assert entry["unshown"] == ["《常德市灵活就业补贴实施细则》第九条"]
    assert (
        "WD-BT-001 灵活就业社保补贴标准 [2025-07-01 → 9999-12-31]: ok; cites what the release does not "
        "hold on its first or last day: 《常德市灵活就业补贴实施细则》第九条"
    ) in run(runner, kb_dir, "wording").stdout
    answer = json.loads(
        run(runner, kb_dir, "ask", "灵活就业社保补贴有多少", "--as-of", "2025-08-01", "--json").stdout
    )
    assert [c["article"] for c in answer["citations"]] == ["第二条"]  # served without the missing one


NOT_COVERED = """---
kind: not_covered
id: NC-001
topic: 最低工资标准
status: approved
owner: 培训组
questions:
  - 常德现在的最低工资标准是多少
  - 我们这里最低工资一个月好多钱
  - 最低工资标准今年涨了冇
---
最低工资标准的具体金额知识库暂未收录，请转接专席。
"""


def test_cli_topics_not_covered_are_published_listed_ended_and_rolled_back(runner, kb_dir, tmp_path):
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    write(tmp_path / "v1" / "not-covered" / "minimum-wage.md", NOT_COVERED)
    assert run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish").exit_code == 0
    assert (
        "NC-001 最低工资标准 [0001-01-01 → 9999-12-31]: 3 questions"
        in run(runner, kb_dir, "wording", "--not-covered").stdout
    )
    answer = json.loads(run(runner, kb_dir, "ask", "常德现在的最低工资标准是多少", "--json").stdout)
    assert (answer["mode"], answer["wording_id"]) == ("escalate", None)
    assert "最低工资标准的具体金额知识库暂未收录" in answer["answer"]

    ended = NOT_COVERED.replace("owner: 培训组\n", "owner: 培训组\neffective_to: 2026-06-30\n")
    write(tmp_path / "v2" / "not-covered" / "minimum-wage.md", ended)
    run(runner, kb_dir, "ingest", str(tmp_path / "v2"))
    diff = json.loads(run(runner, kb_dir, "diff", "--json").stdout)
    assert [w["wording_id"] for w in diff["wording"]] == ["NC-001"]
    assert run(runner, kb_dir, "publish", "--force", "--note", "topic ended").exit_code == 0
    [topic] = json.loads(run(runner, kb_dir, "wording", "--not-covered", "--json").stdout)
    assert (topic["topic_id"], topic["valid_to"], topic["questions"]) == ("NC-001", "2026-06-30", 3)
    later = json.loads(
        run(runner, kb_dir, "ask", "常德现在的最低工资标准是多少", "--as-of", "2026-07-01", "--json").stdout
    )
    assert "暂未收录" not in later["answer"]

    run(runner, kb_dir, "rollback", "1", "--note", "undo")
    [topic] = json.loads(run(runner, kb_dir, "wording", "--not-covered", "--json").stdout)
    assert topic["valid_to"] == "9999-12-31"
    assert json.loads(run(runner, kb_dir, "wording", "--json").stdout) == []  # no approved wording


def test_cli_retire_then_publish_ends_the_document(runner, kb_dir, tmp_path):
    write(tmp_path / "docs" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "docs"), "--publish")
    result = run(runner, kb_dir, "retire", "常人社发〔2023〕5号", "--effective-to", "2024-12-31")
    assert result.exit_code == 0, result.output
    assert "in the draft, run `kb publish`" in result.stdout
    run(runner, kb_dir, "publish", "--note", "repealed")
    hits = json.loads(run(runner, kb_dir, "search", "补贴标准", "--as-of", "2025-01-01", "--json").stdout)
    assert hits["hits"] == []


def test_cli_publish_refused_by_gate_exits_4_and_names_the_question(runner, kb_dir, tmp_path, monkeypatch):
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish")
    sets = tmp_path / "eval"
    write(
        sets / "answers.jsonl",
        '{"id": "q1", "query": "补贴标准是多少", "as_of": "2025-08-01", "mode": "extractive",'
        ' "contains": ["百分之三十"]}\n',
    )
    write(tmp_path / "v2" / "new.md", NEW_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v2"))
    monkeypatch.setenv("KB_EVAL_DIR", str(sets))
    result = run(runner, kb_dir, "publish", "--note", "2025")
    assert result.exit_code == 4
    assert "error: publish refused: contains_rate 1.000 → 0.000" in result.stderr
    assert "regressed q1: 补贴标准是多少 → answer lacks '百分之三十'" in result.stderr
    assert run(runner, kb_dir, "publish", "--force").exit_code == 2
    assert run(runner, kb_dir, "publish", "--force", "--note", "rates changed").exit_code == 0


def test_cli_publish_gate_runs_a_set_the_trainer_names(runner, kb_dir, tmp_path):
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish")
    named = write(
        tmp_path / "mine.jsonl",
        '{"id": "m1", "query": "补贴标准是多少", "as_of": "2025-08-01", "mode": "extractive",'
        ' "contains": ["百分之三十"]}\n',
    )
    write(tmp_path / "v2" / "new.md", NEW_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v2"))
    missing = run(runner, kb_dir, "publish", "--eval", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "no question set" in missing.stderr
    refused = run(runner, kb_dir, "publish", "--eval", str(named), "--json")
    assert refused.exit_code == 4
    assert json.loads(refused.stdout)["gate"]["regressed"][0]["id"] == "m1"


def test_cli_publish_while_another_publish_runs_exits_5(runner, kb_dir, tmp_path):
    """The command line takes the slot `kb serve` publishes in (KB_DIR/service.sqlite3)."""
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    run(runner, kb_dir, "ingest", str(tmp_path / "v1"))
    store = SqliteServiceStore(kb_dir / "service.sqlite3")
    assert store.claim_job("job-of-a-replica", "", "trainer", "2000-01-01T00:00:00+00:00") is None
    busy = "error: publish job job-of-a-replica is still running: wait for it, then publish again"
    publish = run(runner, kb_dir, "publish", "--note", "first")
    assert publish.exit_code == 5 and busy in publish.stderr
    ingest = run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish")
    assert ingest.exit_code == 5 and busy in ingest.stderr
    assert json.loads(run(runner, kb_dir, "releases", "--json").stdout) == []
    store.finish_job("job-of-a-replica", "published", {})
    assert run(runner, kb_dir, "publish", "--note", "first").exit_code == 0


def test_cli_publish_is_recorded_as_a_job_with_its_author(runner, kb_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_AUTHOR", "李培训")
    write(tmp_path / "v1" / "old.md", OLD_POLICY)
    assert run(runner, kb_dir, "ingest", str(tmp_path / "v1"), "--publish", "--note", "首发").exit_code == 0
    rows = (
        SqliteServiceStore(kb_dir / "service.sqlite3")
        ._conn()
        .execute("SELECT status, author, note, outcome FROM publish_jobs")
    )
    outcome = '{"release": 1, "created": true}'
    assert [tuple(row) for row in rows] == [("published", "李培训", "首发", outcome)]
    assert json.loads(run(runner, kb_dir, "releases", "--json").stdout)[0]["author"] == "李培训"
