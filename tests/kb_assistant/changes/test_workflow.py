"""The trainer workflow on a changing policy: diff, publish, as-of answers, review, rollback, retire."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb_assistant.answer.model import AnswerMode
from kb_assistant.config import Settings
from kb_assistant.errors import GateError, InputError
from kb_assistant.kb import KB
from tests.kb_assistant.changes.conftest import QUESTION, WORDING, write


def test_diff_draft_shows_modified_article_with_character_edit(changing_kb: KB):
    diff = changing_kb.diff().to_dict()
    assert (diff["from"], diff["to"]) == (1, "draft")
    new, old = diff["documents"]
    assert (new["change"], new["effective_from"], new["wording_affected"]) == (
        "new_version",
        "2025-07-01",
        ["WD-BT-001"],
    )
    changes = {a["article"]: a for a in new["articles"]}
    assert set(changes) == {"第二条", "第四条"}
    assert changes["第四条"]["change"] == "added"
    assert [(e["op"], e["old"], e["new"]) for e in changes["第二条"]["edits"]] == [
        ("replace", "三", "五"),
        ("replace", "二", "三"),
    ]
    assert (old["change"], old["effective_to"]) == ("ends", "2025-06-30")
    assert new["summary"] == (
        "《常德市灵活就业人员社会保险补贴办法》（常人社发〔2025〕11号）新版本自2025年7月1日起施行："
        "修改第二条；新增第四条（第二条“三”改为“五”）。"
    )


def test_diff_revised_wording_names_the_parts_that_changed(changing_kb: KB, tmp_path: Path):
    changing_kb.publish(note="2025 rules")
    revised = WORDING.replace("百分之三十", "百分之五十").replace(
        "citations:\n", "not_questions:\n  - 灵活就业补贴去哪里申请\ncitations:\n"
    )
    write(tmp_path / "v3" / "wording" / "subsidy.md", revised)
    assert changing_kb.ingest([tmp_path / "v3"]).ok
    [change] = changing_kb.diff().to_dict()["wording"]
    assert (change["wording_id"], change["change"], change["parts"]) == (
        "WD-BT-001",
        "revised",
        ["answer", "not_questions"],
    )


def test_diff_with_nothing_in_draft_is_empty(changing_kb: KB):
    changing_kb.publish(note="2025 rules")
    assert changing_kb.diff().to_dict()["documents"] == []


def test_answers_follow_the_date_asked_about_after_publish(changing_kb: KB):
    assert changing_kb.publish(note="2025 rules").release_id == 2
    before = changing_kb.ask(QUESTION, as_of="2025-06-01")
    assert (before.mode, before.wording_id) == (AnswerMode.WORDING, "WD-BT-001")
    assert before.citations[0].doc_number == "常人社发〔2023〕5号"
    assert before.notices and before.notices[0].startswith("该政策将于2025年7月1日起调整：")
    after = changing_kb.ask(QUESTION, as_of="2025-07-15")
    assert after.mode is AnswerMode.EXTRACTIVE, "the approved wording cites a changed article"
    assert after.citations[0].doc_number == "常人社发〔2025〕11号"
    assert any("WD-BT-001" in n and "口径待复核" in n for n in after.notices)
    assert any(n.startswith("该政策自2025年7月1日起调整：") for n in after.notices)
    later = changing_kb.ask(QUESTION, as_of="2026-03-01")
    assert not any("起调整" in n for n in later.notices), "no banner once 90 days have passed"


def test_wording_states_list_the_entry_needing_review_from_the_change_date(changing_kb: KB):
    assert changing_kb.wording_states(needs_review=True) == []
    changing_kb.publish(note="2025 rules")
    [entry] = changing_kb.wording_states(needs_review=True)
    state = entry.review
    assert state is not None
    assert (state.wording_id, state.needs_review_from.isoformat()) == ("WD-BT-001", "2025-07-01")
    assert state.citation == "《常德市灵活就业人员社会保险补贴办法》第二条"


def test_publish_records_change_notices(changing_kb: KB):
    changing_kb.publish(note="2025 rules")
    notices = [n for n in changing_kb.changes(since="2025-06-01") if n.release == 2]
    assert [(n.release, n.change, n.effective_from) for n in notices] == [
        (2, "new_version", "2025-07-01"),
        (2, "ends", "2025-07-01"),
    ]
    assert notices[0].wording_affected == ["WD-BT-001"]


def test_rollback_republishes_old_content_as_new_release(changing_kb: KB):
    changing_kb.publish(note="2025 rules")
    result = changing_kb.rollback(1, note="wrong file")
    assert result.release_id == 3
    assert changing_kb.catalog.release_windows(3) == changing_kb.catalog.release_windows(1)
    answer = changing_kb.ask(QUESTION, as_of="2025-07-15")
    assert (answer.mode, answer.release) == (AnswerMode.WORDING, 3)
    assert [r.note for r in changing_kb.releases()] == ["2023 rules", "2025 rules", "wrong file"]


def test_ask_release_reproduces_an_older_answer(changing_kb: KB):
    first = changing_kb.ask(QUESTION, as_of="2025-07-15")
    changing_kb.publish(note="2025 rules")
    assert changing_kb.ask(QUESTION, as_of="2025-07-15").to_dict() != first.to_dict()
    assert changing_kb.ask(QUESTION, as_of="2025-07-15", release=1).to_dict() == first.to_dict()


def test_retire_ends_a_document_without_replacement(changing_kb: KB):
    changing_kb.publish(note="2025 rules")
    changing_kb.retire("常德市灵活就业人员社会保险补贴办法", "2026-06-30")
    changing_kb.publish(note="repealed")
    in_force = changing_kb.search("灵活就业社保补贴标准", as_of="2026-06-30").hits
    assert in_force and in_force[0].doc_number == "常人社发〔2025〕11号"
    assert in_force[0].effective_to == "2026-06-30"
    assert changing_kb.search("灵活就业社保补贴标准", as_of="2026-07-01").hits == []


def test_retire_unknown_document_names_it(changing_kb: KB):
    with pytest.raises(InputError, match="no document '不存在的办法' in release 1"):
        changing_kb.retire("不存在的办法", "2026-06-30")


def test_future_version_changes_nothing_before_its_date(changing_kb: KB):
    before = changing_kb.ask(QUESTION, as_of="2025-06-30")
    changing_kb.publish(note="2025 rules")
    after = changing_kb.ask(QUESTION, as_of="2025-06-30")
    assert (
        (after.mode, after.wording_id)
        == (before.mode, before.wording_id)
        == (AnswerMode.WORDING, "WD-BT-001")
    )
    assert [c.version_id for c in after.citations] == [c.version_id for c in before.citations]
    assert after.notices == ["该政策将于2025年7月1日起调整：" + changing_kb.changes()[-2].summary]


def gate_kb(kb: KB, folder: Path) -> KB:
    """The same store with a gate on `folder` (tests default to no gate)."""
    settings = Settings(kb_dir=kb.kb_dir, eval_dir=folder, gate_margin=0.02)
    return KB(kb.kb_dir, settings=settings, embedder=kb.embedder)


def test_publish_gate_refuses_a_regression_then_force_needs_a_note(changing_kb: KB, tmp_path: Path):
    sets = tmp_path / "eval"
    sets.mkdir()
    (sets / "answers_subsidy.jsonl").write_text(
        '{"id": "s1", "query": "灵活就业社保补贴有多少", "as_of": "2025-08-01", "mode": "wording",'
        ' "wording_id": "WD-BT-001"}\n',
        encoding="utf-8",
    )
    kb = gate_kb(changing_kb, sets)
    with pytest.raises(GateError) as excinfo:
        kb.publish(note="2025 rules")
    report = excinfo.value.report
    assert report.drops == ["mode_accuracy 1.000 → 0.000", "wording_hit_rate 1.000 → 0.000"]
    assert [r["id"] for r in report.regressed] == ["s1"]
    assert kb.catalog.latest_release_id() == 1
    with pytest.raises(InputError, match="--force needs --note"):
        kb.publish(force=True)
    assert kb.publish(note="new subsidy rates; wording under review", force=True).release_id == 2
