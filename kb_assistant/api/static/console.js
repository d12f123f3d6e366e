// The agent console: one search box over /v1/ask, change notices, copy and feedback.
"use strict";

(function () {
  const { el, cnDate, detailText } = window.kb;
  const STORE_KEY = "kb.console.apiKey";
  const STORE_AGENT = "kb.console.agentId";
  const NOTICE_REFRESH_MS = 5 * 60 * 1000;
  const NOTICES_SHOWN = 5; // a first publish notifies every document; more would bury the search box
  const MODES = {
    wording: "统一口径",
    extractive: "条文摘录",
    calculator: "计算",
    generated: "智能生成",
    escalate: "转人工",
  };
  const CHANGES = {
    new_document: "新文件",
    new_version: "新版本",
    removed: "撤下",
    ends: "停止适用",
    window: "适用期调整",
  };

  const $ = (id) => document.getElementById(id);
  const keyInput = $("api-key");
  const agentInput = $("agent-id");
  const form = $("search-form");
  const question = $("question");
  const asOf = $("as-of");
  const askButton = $("ask");
  const status = $("status");
  const answerLive = $("answer-live");
  const tools = $("answer-tools");
  const copyButton = $("copy");
  const copyStatus = $("copy-status");
  const feedbackStatus = $("feedback-status");
  const feedbackComment = $("feedback-comment");
  const feedbackButtons = Array.from(document.querySelectorAll("[data-verdict]"));
  const banner = $("changes");
  const changesList = $("changes-list");
  const changesError = $("changes-error");
  const changesMore = $("changes-more");

  let current = null; // the answer on screen
  let showAllNotices = false;



  // ---- API ------------------------------------------------------------------------------------

  function headers(extra) {
    const out = Object.assign({ Accept: "application/json" }, extra || {});
    const key = keyInput.value.trim();
    const agent = agentInput.value.trim();
    if (key) out["X-API-Key"] = key;
    if (agent) out["X-Agent-Id"] = agent;
    return out;
  }


  function problem(statusCode, body) {
    const detail = detailText(body);
    if (statusCode === 401) return "密钥未填写或无效：请在页面顶部填写坐席密钥。";
    if (statusCode === 403) return `此密钥无权使用本功能（${detail}）。`;
    if (statusCode === 429) return "请求太频繁，请稍后再试。";
    if (statusCode >= 500) return `知识库暂时不可用，请稍后再试${detail ? `（${detail}）` : ""}。`;
    return detail || `请求失败（HTTP ${statusCode}）。`;
  }

  async function api(method, path, payload) {
    const init = { method, headers: headers(payload ? { "Content-Type": "application/json" } : null) };
    if (payload) init.body = JSON.stringify(payload);
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new Error("无法连接知识库服务，请检查网络。");
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(problem(response.status, body));
    return body;
  }

  // ---- answers --------------------------------------------------------------------------------

  function citationItem(hit, index) {
    const details = el("details", "source");
    const name = `${index + 1}. 《${hit.title}》` + (hit.doc_number ? `（${hit.doc_number}）` : "");
    const where = [hit.article, hit.heading].filter(Boolean).join(" ");
    details.appendChild(el("summary", "", `${name} ${where}`));
    const body = el("div", "source-body");
    body.appendChild(el("div", "pre", hit.text));
    const from = cnDate(hit.effective_from) || "（未注明）";
    const to = hit.effective_to ? cnDate(hit.effective_to) : "今";
    const meta = [`适用期：${from} 至 ${to}`];
    if (hit.region) meta.push(`地区：${hit.region}`);
    meta.push(`版本：${hit.version_id.slice(0, 12)}`);
    body.appendChild(el("p", "muted", meta.join(" · ")));
    details.appendChild(body);
    return details;
  }

  function showAnswer(data) {
    current = data;
    const notices = $("notices");
    notices.replaceChildren();
    (data.notices || []).forEach((text) => notices.appendChild(el("p", "notice pre", text)));
    const mode = $("mode");
    mode.textContent = MODES[data.mode] || data.mode;
    mode.className = `badge mode-${data.mode}`;
    $("wording-id").textContent = data.wording_id || "—";
    $("release").textContent = `第 ${data.release} 版`;
    $("answer-as-of").textContent = cnDate(data.as_of);
    $("answer-text").textContent = data.answer;
    const citations = $("citations");
    citations.replaceChildren();
    if (data.citations.length) {
      data.citations.forEach((hit, i) => citations.appendChild(citationItem(hit, i)));
    } else {
      citations.appendChild(el("p", "muted", "没有可引用的条文。"));
    }
    copyStatus.textContent = "";
    feedbackStatus.textContent = "";
    feedbackStatus.classList.remove("ok");
    feedbackComment.value = "";
    feedbackButtons.forEach((b) => (b.disabled = false));
    status.textContent = "";
    answerLive.hidden = false;
    tools.hidden = false;
  }

  async function ask() {
    const text = question.value.trim();
    if (!text) return;
    const payload = { question: text };
    if (asOf.value) payload.as_of = asOf.value;
    askButton.disabled = true;
    answerLive.hidden = true;
    tools.hidden = true;
    status.className = "status";
    status.textContent = "正在查询…";
    try {
      showAnswer(await api("POST", "/v1/ask", payload));
    } catch (err) {
      current = null;
      status.className = "error";
      status.textContent = err.message;
    } finally {
      askButton.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask();
  });

  // ---- copy -----------------------------------------------------------------------------------

  // navigator.clipboard exists only in secure contexts; intranet pages are often plain http.
  function copyFallback(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
    area.remove();
    copyButton.focus();
    return done;
  }

  copyButton.addEventListener("click", async () => {
    if (!current) return;
    let done = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(current.answer);
        done = true;
      } catch (err) {
        done = false;
      }
    }
    if (!done) done = copyFallback(current.answer);
    copyStatus.className = done ? "status ok" : "status";
    copyStatus.textContent = done ? "已复制" : "复制失败，请选中答复文字后按 Ctrl+C。";
  });

  // ---- feedback -------------------------------------------------------------------------------

  feedbackButtons.forEach((button) => {
    button.addEventListener("click", async () => {
      if (!current) return;
      feedbackButtons.forEach((b) => (b.disabled = true));
      feedbackStatus.className = "status";
      feedbackStatus.textContent = "正在提交…";
      try {
        await api("POST", "/v1/feedback", {
          answer_id: current.answer_id,
          verdict: button.dataset.verdict,
          question: current.question,
          comment: feedbackComment.value.trim(),
        });
        feedbackStatus.className = "status ok";
        feedbackStatus.textContent = "已反馈，谢谢！";
      } catch (err) {
        feedbackButtons.forEach((b) => (b.disabled = false));
        feedbackStatus.className = "error";
        feedbackStatus.textContent = err.message;
      }
      // The pressed button is now disabled; keep keyboard focus in the answer tools.
      if (document.activeElement === document.body || document.activeElement === button) copyButton.focus();
    });
  });

  // ---- change notices -------------------------------------------------------------------------

  function noticeItem(notice) {
    const item = el("li");
    item.dataset.notice = notice.notice_id;
    const text = el("div");
    const head = el("p", "notice-line");
    head.appendChild(el("span", "badge", CHANGES[notice.change] || notice.change));
    head.appendChild(document.createTextNode(` ${notice.summary}`));
    text.appendChild(head);
    const meta = [`第 ${notice.release} 版发布`];
    if (notice.effective_from) meta.push(`${cnDate(notice.effective_from)}起`);
    if (notice.wording_affected && notice.wording_affected.length) {
      meta.push(`涉及口径：${notice.wording_affected.join("、")}`);
    }
    text.appendChild(el("p", "muted", meta.join(" · ")));
    item.appendChild(text);
    const button = el("button", "secondary", "已知悉");
    button.type = "button";
    button.setAttribute("aria-label", `已知悉：${notice.title}`);
    button.addEventListener("click", () => acknowledge([item]));
    item.appendChild(button);
    return item;
  }

  function updateBanner() {
    const items = Array.from(changesList.children);
    items.forEach((item, i) => (item.hidden = !showAllNotices && i >= NOTICES_SHOWN));
    const folded = items.length - NOTICES_SHOWN;
    changesMore.hidden = folded <= 0;
    changesMore.textContent = showAllNotices ? `只显示最新 ${NOTICES_SHOWN} 条` : `显示其余 ${folded} 条`;
    changesMore.setAttribute("aria-expanded", String(showAllNotices));
    $("changes-count").textContent = String(items.length);
    banner.hidden = items.length === 0;
  }

  changesMore.addEventListener("click", () => {
    showAllNotices = !showAllNotices;
    updateBanner();
  });

  async function acknowledge(items) {
    changesError.hidden = true;
    const hadFocus = banner.contains(document.activeElement);
    const next = items[items.length - 1].nextElementSibling;
    for (const item of items) {
      try {
        await api("POST", `/v1/changes/${encodeURIComponent(item.dataset.notice)}/ack`);
        item.remove();
      } catch (err) {
        changesError.textContent = `确认失败：${err.message}`;
        changesError.hidden = false;
        break;
      }
    }
    updateBanner();
    // Focus would be lost with the removed button: move it to the next notice, else the search box.
    if (hadFocus && (banner.hidden || !banner.contains(document.activeElement))) {
      const target = next && next.isConnected ? next.querySelector("button") : null;
      (target || question).focus();
    }
  }

  $("ack-all").addEventListener("click", () => acknowledge(Array.from(changesList.children)));

  async function loadChanges() {
    if (!keyInput.value.trim()) {
      changesList.replaceChildren();
      updateBanner();
      return;
    }
    try {
      const notices = await api("GET", "/v1/changes");
      const open = notices.filter((n) => !n.acknowledged);
      const newest = (a, b) => (b.effective_from || "").localeCompare(a.effective_from || "");
      open.sort((a, b) => b.release - a.release || newest(a, b));
      changesList.replaceChildren(...open.map(noticeItem));
      changesError.hidden = true;
    } catch (err) {
      changesList.replaceChildren();
      changesError.textContent = `变更通知加载失败：${err.message}`;
      changesError.hidden = false;
    }
    updateBanner();
  }

  // ---- settings -------------------------------------------------------------------------------

  const NEED_KEY = "请先在页面顶部填写坐席密钥。";

  function remember(input, name) {
    input.value = localStorage.getItem(name) || "";
    input.addEventListener("change", () => {
      const value = input.value.trim();
      if (value) localStorage.setItem(name, value);
      else localStorage.removeItem(name);
      if (keyInput.value.trim() && status.textContent === NEED_KEY) status.textContent = "";
      loadChanges();
    });
  }

  remember(keyInput, STORE_KEY);
  remember(agentInput, STORE_AGENT);
  loadChanges();
  setInterval(loadChanges, NOTICE_REFRESH_MS);
  if (!keyInput.value) status.textContent = NEED_KEY;
})();
