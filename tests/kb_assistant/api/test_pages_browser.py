"""The web pages in a real browser (Playwright + Debian's chromium) against a live server.

The public chat, the agent console (also keyboard-only) and the trainer pages. Responses that
would change the shared store or take minutes (publish, a full eval) are answered by routes in
the browser instead of the server.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tests.conftest import require_program
from tests.kb_assistant.api.conftest import AGENT_KEY, REPO, TRAINER_KEY

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
ANSWER_TIMEOUT_MS = 30_000
MODE_LABELS = ("统一口径", "条文摘录", "计算", "智能生成", "转人工")
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"

OpenPage = Callable[..., Page]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_program("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"], headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[OpenPage]:
    """Opens a page in a fresh context (own localStorage); fails the test on any script error."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_(
        path: str,
        viewport: dict[str, int] = DESKTOP,
        storage: dict[str, str] | None = None,
        permissions: list[str] | None = None,
        script: str | None = None,
    ) -> Page:
        context = browser.new_context(viewport=viewport, locale="zh-CN", permissions=permissions or [])
        context.set_default_timeout(ANSWER_TIMEOUT_MS)
        contexts.append(context)
        if storage:
            context.add_init_script(
                f"Object.entries({json.dumps(storage)}).forEach(([k, v]) => localStorage.setItem(k, v));"
            )
        if script:
            context.add_init_script(script)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"script errors on the page: {errors}"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fulfill_json(status: int, body: Any, headers: dict[str, str] | None = None) -> Callable[[Route], None]:
    def handler(route: Route) -> None:
        route.fulfill(
            status=status,
            content_type="application/json",
            headers=headers or {},
            body=json.dumps(body, ensure_ascii=False),
        )

    return handler


def active_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Page, element_id: str, limit: int = 20) -> None:
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert active_id(page) == element_id, f"Tab did not reach #{element_id} within {limit} presses"


# ---- the public chat ---------------------------------------------------------------------------


def test_chat_answers_with_sources_within_375px(open_page: OpenPage):
    page = open_page("/chat", viewport=PHONE)
    with page.expect_response("**/v1/public/ask") as reply:
        page.fill("#question", "社保卡丢了怎么办")
        page.press("#question", "Enter")
    answer = reply.value.json()
    bot = page.locator(".msg.bot").last
    expect(bot.locator("details.source").first).to_be_visible()
    assert bot.locator("details.source").count() == len(answer["citations"]) >= 1
    expect(bot.locator(".pre").first).to_have_text(answer["answer"])
    expect(bot.locator(".as-of")).to_have_text(re.compile(r"^按\d{4}年\d{1,2}月\d{1,2}日有效的政策答复$"))

    first = bot.locator("details.source").first
    expect(first.locator("summary")).to_contain_text(f"《{answer['citations'][0]['title']}》")
    first.locator("summary").click()
    expect(first.locator(".source-body")).to_be_visible()
    expect(first.locator(".source-body")).to_have_text(answer["citations"][0]["text"])

    text = page.locator("body").inner_text()
    assert answer["answer_id"] not in text and answer["mode"] not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "chat")


def test_chat_rate_limited_or_failing_shows_polite_message(open_page: OpenPage):
    page = open_page("/chat", viewport=PHONE)
    page.route("**/v1/public/ask", fulfill_json(429, {"detail": "too many"}, {"Retry-After": "30"}))
    page.fill("#question", "产假有多少天")
    page.press("#question", "Enter")
    expect(page.locator(".msg.bot .error").last).to_have_text("提问太频繁了，请30秒后再试。")

    page.unroute("**/v1/public/ask")
    page.route("**/v1/public/ask", fulfill_json(503, {"detail": "no release published"}))
    page.get_by_role("button", name="失业保险金怎么领").click()
    expect(page.locator(".msg.bot .error").last).to_contain_text("请稍后再试")
    assert "no release published" not in page.locator("body").inner_text()
    expect(page.locator("#send")).to_be_enabled()


# ---- the agent console -------------------------------------------------------------------------


def test_console_answer_shows_badge_citation_copy_and_feedback(open_page: OpenPage):
    page = open_page("/console", permissions=["clipboard-read", "clipboard-write"])
    page.fill("#api-key", AGENT_KEY)
    page.press("#api-key", "Tab")
    assert page.evaluate("localStorage.getItem('kb.console.apiKey')") == AGENT_KEY

    with page.expect_response("**/v1/ask") as reply:
        page.fill("#question", "产假几天")
        page.press("#question", "Enter")
    answer = reply.value.json()
    expect(page.locator("#answer-text")).to_have_text(answer["answer"])
    expect(page.locator("#mode")).to_have_text(re.compile("|".join(MODE_LABELS)))
    expect(page.locator("#release")).to_contain_text(str(answer["release"]))
    assert answer["citations"], answer

    citation = page.locator("#citations details").first
    expect(citation.locator(".source-body")).to_be_hidden()
    citation.locator("summary").click()
    expect(citation.locator(".source-body .pre")).to_have_text(answer["citations"][0]["text"])
    expect(citation.locator(".source-body")).to_contain_text("适用期")

    page.click("#copy")
    expect(page.locator("#copy-status")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == answer["answer"]

    with page.expect_request("**/v1/feedback") as sent:
        page.get_by_role("button", name="有帮助").click()
    expect(page.locator("#feedback-status")).to_contain_text("已反馈")
    assert sent.value.post_data_json["answer_id"] == answer["answer_id"]
    assert sent.value.post_data_json["verdict"] == "helpful"
    screenshot(page, "console")


def test_console_keyboard_only_asks_copies_and_gives_feedback(open_page: OpenPage):
    # Served over plain http on an intranet there is no navigator.clipboard: copying falls back.
    page = open_page("/console", script=NO_CLIPBOARD)
    assert active_id(page) == "question", "the search box has autofocus"

    # From the top of the page (the heading): the key field comes first, then the search box.
    page.locator("h1").click()
    page.keyboard.press("Tab")
    assert active_id(page) == "api-key"
    page.keyboard.type(AGENT_KEY)
    tab_to(page, "question")
    page.keyboard.type("产假几天")
    page.keyboard.press("Enter")
    expect(page.locator("#answer-text")).not_to_be_empty()
    expect(page.locator("#live")).to_have_attribute("aria-live", "polite")

    tab_to(page, "copy")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "keyboard focus must be visible"
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_have_text("已复制")

    page.keyboard.press("Tab")
    assert active_id(page) == "feedback-comment"
    page.keyboard.type("键盘测试")
    page.keyboard.press("Tab")
    with page.expect_request("**/v1/feedback") as sent:
        page.keyboard.press("Enter")
    expect(page.locator("#feedback-status")).to_contain_text("已反馈")
    assert sent.value.post_data_json["comment"] == "键盘测试"


def test_console_change_banner_hides_acknowledged_notices(open_page: OpenPage, live_server: str):
    agent = f"browser-test-{uuid.uuid4().hex[:8]}"  # acknowledgements are per agent: start with none
    page = open_page("/console", storage={"kb.console.apiKey": AGENT_KEY, "kb.console.agentId": agent})
    banner = page.locator("#changes")
    expect(banner).to_be_visible()
    items = page.locator("#changes-list > li")
    total = items.count()
    assert total >= 1
    expect(page.locator("#changes-count")).to_have_text(str(total))

    first = items.first
    notice_id = first.get_attribute("data-notice")
    with page.expect_response(f"**/v1/changes/{notice_id}/ack") as acked:
        first.get_by_role("button", name=re.compile("已知悉")).click()
    assert acked.value.ok
    expect(page.locator(f'#changes-list > li[data-notice="{notice_id}"]')).to_have_count(0)
    expect(page.locator("#changes-count")).to_have_text(str(total - 1))

    mine = page.request.get(
        f"{live_server}/v1/changes", headers={"X-API-Key": AGENT_KEY, "X-Agent-Id": agent}
    ).json()
    assert [n["acknowledged"] for n in mine if n["notice_id"] == notice_id] == [True]

    if total > 1:  # the rest at once
        page.get_by_role("button", name="全部已知悉").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#question")).to_be_focused()  # not lost on the hidden banner
    page.reload()
    expect(page.locator("#question")).to_be_focused()
    page.wait_for_load_state("networkidle")
    expect(banner).to_be_hidden()


# ---- the trainer pages -------------------------------------------------------------------------


def test_admin_lists_releases_loads_diff_and_offers_eval(open_page: OpenPage):
    page = open_page("/admin#releases", storage={"kb.admin.apiKey": TRAINER_KEY})
    expect(page.locator("#tab-releases")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#releases-result table")).to_contain_text("第 1 版")

    page.click("#tab-diff")
    expect(page.locator("#panel-diff")).to_be_visible()
    expect(page.locator("#panel-releases")).to_be_hidden()
    expect(page.locator("#diff-result")).to_contain_text(re.compile("没有变更|新版本|新文件|停止适用"))

    page.locator("#tab-diff").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-publish")).to_be_focused()
    expect(page.locator("#panel-publish")).to_be_visible()

    page.click("#tab-eval")
    expect(page.locator("#eval-button")).to_be_visible()
    expect(page.locator("#eval-button")).to_be_enabled()
    expect(page.locator("#eval-release option")).to_contain_text(["当前发布版本", "草稿", "第 1 版"])

    page.click("#tab-wording")
    expect(page.locator("#wording-result")).to_contain_text(re.compile("没有需要复核的口径|口径编号"))
    page.click("#tab-gaps")
    expect(page.locator("#gaps-result")).to_contain_text(re.compile("暂无待补充的问题|答复编号"))

    page.click("#tab-releases")
    expect(page.locator("#releases-result table")).to_be_visible()
    screenshot(page, "admin")


def test_admin_upload_rejected_shows_detail(open_page: OpenPage):
    page = open_page("/admin#upload", storage={"kb.admin.apiKey": TRAINER_KEY})
    page.set_input_files(
        "#upload-file", files=[{"name": "notes.exe", "mimeType": "text/plain", "buffer": b"x"}]
    )
    page.click("#upload-button")
    expect(page.locator("#upload-result .error")).to_contain_text("unsupported file type .exe")


def test_admin_diff_marks_old_and_new_text(open_page: OpenPage):
    diff = {
        "from": 1,
        "to": "draft",
        "documents": [
            {
                "title": "女职工产假天数与生育保险待遇",
                "doc_number": "常德12333知识库-SYB-001",
                "change": "new_version",
                "effective_from": "2027-01-01",
                "effective_to": None,
                "summary": "《女职工产假天数与生育保险待遇》新版本自2027年1月1日起施行。",
                "articles": [
                    {
                        "change": "modified",
                        "article": "一、国家规定的产假",
                        "old_article": None,
                        "edits": [{"op": "replace", "old": "98", "new": "<b>100</b>", "at": 10}],
                    }
                ],
                "wording_affected": ["WD-SYB-001"],
            }
        ],
        "wording": [],
    }
    page = open_page("/admin", storage={"kb.admin.apiKey": TRAINER_KEY})
    page.route("**/v1/diff", fulfill_json(200, diff))
    page.click("#tab-diff")
    edit = page.locator("#diff-result .edits li").first
    expect(edit.locator("del")).to_have_text("98")
    expect(edit.locator("ins")).to_have_text("<b>100</b>")  # API text is shown, never parsed as HTML
    expect(page.locator("#diff-result")).to_contain_text("WD-SYB-001")


def test_admin_publish_follows_the_job_and_shows_the_refusal_with_gate_details(open_page: OpenPage):
    gate = {
        "live_release": 1,
        "sets": ["eval/answers_wording.jsonl"],
        "margin": 0.02,
        "live": {"mode_accuracy": 0.95},
        "draft": {"mode_accuracy": 0.8},
        "drops": ["mode_accuracy 0.950 → 0.800"],
        "regressed": [
            {
                "file": "answers_wording.jsonl",
                "id": "w7",
                "query": "产假几天",
                "mode": "extractive",
                "problems": ["mode extractive (expected wording)"],
            }
        ],
        "passed": False,
    }
    page = open_page("/admin#publish", storage={"kb.admin.apiKey": TRAINER_KEY})
    job = {"job_id": "j1", "status": "running", "note": "产假调整", "author": "api:trainer"}
    job |= {"created_at": "2026-12-02T06:00:00+00:00", "updated_at": "2026-12-02T06:00:01+00:00"}
    page.route("**/v1/publish/jobs", fulfill_json(202, job | {"progress": {"done": 3, "total": 10}}))
    refused = job | {"status": "refused", "progress": {"done": 10, "total": 10}, "gate": gate}
    page.route("**/v1/publish/jobs/j1", fulfill_json(200, refused | {"detail": "the eval gate refused"}))
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#publish-note", "产假调整")
    page.click("#publish-button")
    result = page.locator("#publish-result")
    expect(result).to_contain_text("正在评测草稿：已答 3 / 10 题")
    expect(result.locator(".error").first).to_contain_text("评测未通过，未发布：the eval gate refused")
    expect(result.locator("table").first).to_contain_text("答复方式准确率")
    expect(result).to_contain_text("mode_accuracy 0.950 → 0.800")
    expect(result).to_contain_text("mode extractive (expected wording)")


def test_admin_eval_report_shows_metrics_and_failures(open_page: OpenPage):
    report = {
        "release": 1,
        "metrics": ["mode_accuracy", "wording_hit_rate"],
        "files": [
            {"name": "answers_wording.jsonl", "questions": 2, "mode_accuracy": 0.5, "wording_hit_rate": None}
        ],
        "overall": {"questions": 2, "mode_accuracy": 0.5, "wording_hit_rate": None},
        "foreign_citations": 0,
        "latency_ms": {"p50": 12.5, "p95": 30.1},
        "failures": [
            {
                "file": "answers_wording.jsonl",
                "id": "w1",
                "query": "产假几天",
                "mode": "escalate",
                "problems": ["mode escalate (expected wording)"],
            }
        ],
    }
    page = open_page("/admin#eval", storage={"kb.admin.apiKey": TRAINER_KEY})
    page.route("**/v1/eval", fulfill_json(200, report))
    page.fill("#eval-sets", "answers_wording.jsonl")
    with page.expect_request("**/v1/eval") as sent:
        page.click("#eval-button")
    assert sent.value.post_data_json == {"sets": ["answers_wording.jsonl"]}
    tables = page.locator("#eval-result table")
    expect(tables.first).to_contain_text("答复方式准确率")
    expect(tables.first).to_contain_text("0.500")
    expect(tables.nth(1)).to_contain_text("mode escalate (expected wording)")
