// Trainer pages: upload into the draft, review its diff, publish or roll back, evaluate, follow up gaps.
"use strict";

(function () {
  const { el, cnDate, detailText } = window.kb;
  const STORE_KEY = "kb.admin.apiKey";
  const METRICS = {
    questions: "题数",
    mode_accuracy: "答复方式准确率",
    wording_hit_rate: "口径命中率",
    citation_accuracy: "引用准确率",
    contains_rate: "要点覆盖率",
    calculator_accuracy: "计算准确率",
    escalation_precision: "转人工精确率",
    escalation_recall: "转人工召回率",
    "recall@10": "检索召回率@10",
    "mrr@10": "检索MRR@10",
  };
  const DOC_CHANGES = {
    new_document: "新文件",
    new_version: "新版本",
    removed: "撤下",
    ends: "停止适用",
    window: "适用期调整",
  };
  const ARTICLE_CHANGES = { added: "新增", removed: "删除", modified: "修改", moved: "调整条序" };
  const WORDING_CHANGES = { added: "新增", revised: "修订", removed: "删除" };
  const WORDING_PARTS = {
    answer: "答复正文",
    questions: "示例问法",
    not_questions: "不适用问法",
    citations: "依据",
    dates: "适用日期",
    status: "状态",
    topic: "主题",
  };
  const VERDICTS = { wrong: "答错了", missing: "没答上", helpful: "有帮助", escalate: "转人工" };
  const KINDS = { feedback: "坐席反馈", escalated: "未能答复" };

  const PUBLISH_POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const keyInput = $("api-key");

  class ApiError extends Error {
    constructor(message, status, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }



  function cnTime(iso) {
    const when = new Date(iso);
    return Number.isNaN(when.getTime()) ? String(iso || "") : when.toLocaleString("zh-CN", { hour12: false });
  }

  function metric(name, value) {
    if (value === null || value === undefined) return "—";
    return name === "questions" ? String(value) : Number(value).toFixed(3);
  }

  function table(columns, rows) {
    const wrap = el("div", "table-wrap");
    const t = el("table");
    const head = el("tr");
    columns.forEach((c) => head.appendChild(el("th", "", c)));
    t.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    rows.forEach((cells) => {
      const tr = el("tr");
      cells.forEach((cell) => {
        const td = el("td");
        if (cell instanceof Node) td.appendChild(cell);
        else td.textContent = cell === null || cell === undefined ? "" : String(cell);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    wrap.appendChild(t);
    return wrap;
  }

  function show(target, ...nodes) {
    $(target).replaceChildren(...nodes);
  }

  function busy(target, text) {
    show(target, el("p", "status", text));
  }

  function fail(target, err) {
    show(target, el("p", "error", err.message));
  }

  // ---- API ------------------------------------------------------------------------------------


  function problem(status, body) {
    const detail = detailText(body);
    if (status === 401) return "密钥未填写或无效：请在页面顶部填写培训师密钥。";
    if (status === 403) return `此密钥无权使用本功能（${detail}）。`;
    if (status >= 500) return `服务暂时不可用${detail ? `：${detail}` : ""}。`;
    return detail || `请求失败（HTTP ${status}）。`;
  }

  async function api(method, path, payload) {
    const headers = { Accept: "application/json" };
    const key = keyInput.value.trim();
    if (key) headers["X-API-Key"] = key;
    const init = { method, headers };
    if (payload instanceof FormData) {
      init.body = payload;
    } else if (payload !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new ApiError("无法连接知识库服务，请检查网络。", 0, null);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(problem(response.status, body), response.status, body);
    return body;
  }

  // ---- upload ---------------------------------------------------------------------------------

  function uploadReport(report) {
    const out = [el("p", "status ok", report.added.length ? "已加入草稿，请到“草稿变更”查看后发布。" : "文件已处理。")];
    if (report.added.length) {
      out.push(
        table(
          ["新增版本", "施行日期", "分块数"],
          report.added.map((a) => [`《${a.title}》`, cnDate(a.effective_from) || "—", a.chunks]),
        ),
      );
    }
    const lines = [];
    if (report.restored.length) {
      lines.push(`已恢复为先前上传过的文本（已放入草稿，发布后生效）：${report.restored.join("、")}`);
    }
    if (report.unchanged.length) lines.push(`内容未变（无需重复上传）：${report.unchanged.join("、")}`);
    if (report.skipped.length) lines.push(`跳过：${report.skipped.join("、")}`);
    report.warnings.forEach((w) => lines.push(`注意：${w}`));
    lines.push(`新计算向量 ${report.chunks_embedded} 个，复用 ${report.chunks_reused} 个。`);
    lines.forEach((line) => out.push(el("p", line.startsWith("注意") ? "notice" : "muted", line)));
    return out;
  }

  $("upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = $("upload-file").files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file, file.name);
    const button = $("upload-button");
    button.disabled = true;
    busy("upload-result", `正在处理 ${file.name}…`);
    try {
      show("upload-result", ...uploadReport(await api("POST", "/v1/documents", data)));
    } catch (err) {
      fail("upload-result", err);
    } finally {
      button.disabled = false;
    }
  });

  // ---- diff -----------------------------------------------------------------------------------

  function editLine(edit) {
    const li = el("li");
    if (edit.old) li.appendChild(el("del", "", edit.old));
    if (edit.old && edit.new) li.appendChild(document.createTextNode(" → "));
    if (edit.new) li.appendChild(el("ins", "", edit.new));
    return li;
  }

  function articleChange(change) {
    const box = el("div", "article-change");
    const label = change.old_article ? `${change.old_article} → ${change.article}` : change.article;
    box.appendChild(el("strong", "", `${ARTICLE_CHANGES[change.change] || change.change}：${label}`));
    if (change.edits && change.edits.length) {
      const list = el("ul", "edits");
      change.edits.forEach((e) => list.appendChild(editLine(e)));
      box.appendChild(list);
    }
    return box;
  }

  function documentChange(doc) {
    const box = el("div", "doc-change");
    const title = el("h3");
    title.appendChild(el("span", "badge", DOC_CHANGES[doc.change] || doc.change));
    const number = doc.doc_number ? `（${doc.doc_number}）` : "";
    title.appendChild(document.createTextNode(` 《${doc.title}》${number}`));
    box.appendChild(title);
    box.appendChild(el("p", "", doc.summary));
    const span = `适用期：${cnDate(doc.effective_from) || "（未注明）"} 至 ${cnDate(doc.effective_to) || "今后"}`;
    box.appendChild(el("p", "muted", span));
    (doc.articles || []).forEach((a) => box.appendChild(articleChange(a)));
    if (doc.wording_affected && doc.wording_affected.length) {
      box.appendChild(el("p", "notice", `涉及的统一口径（请复核）：${doc.wording_affected.join("、")}`));
    }
    return box;
  }

  async function loadDiff() {
    busy("diff-result", "正在比较…");
    try {
      const diff = await api("GET", "/v1/diff");
      const from = diff.from === null ? "（尚未发布）" : `第 ${diff.from} 版`;
      const to = diff.to === "draft" ? "草稿" : `第 ${diff.to} 版`;
      const out = [el("p", "muted", `比较：${from} → ${to}`)];
      if (!diff.documents.length && !diff.wording.length) {
        out.push(el("p", "status", "没有变更：草稿与当前发布版本相同。"));
      }
      diff.documents.forEach((d) => out.push(documentChange(d)));
      if (diff.wording.length) {
        out.push(el("h3", "gap-top", "统一口径变更"));
        out.push(
          table(
            ["口径编号", "主题", "变更", "改动部分", "施行日期"],
            diff.wording.map((w) => [
              w.wording_id,
              w.topic,
              WORDING_CHANGES[w.change] || w.change,
              (w.parts || []).map((p) => WORDING_PARTS[p] || p).join("、") || "—",
              cnDate(w.effective_from) || "—",
            ]),
          ),
        );
      }
      show("diff-result", ...out);
    } catch (err) {
      fail("diff-result", err);
    }
  }

  $("diff-refresh").addEventListener("click", loadDiff);

  // ---- publish and rollback -------------------------------------------------------------------

  function gateReport(gate) {
    const out = [];
    const names = Object.keys(Object.assign({}, gate.live, gate.draft));
    out.push(el("p", "muted", `与第 ${gate.live_release} 版比较，允许下降 ${gate.margin}。`));
    out.push(
      table(
        ["指标", "当前版本", "草稿"],
        names.map((n) => [METRICS[n] || n, metric(n, gate.live[n]), metric(n, gate.draft[n])]),
      ),
    );
    if (gate.drops.length) out.push(el("p", "error", `下降的指标：${gate.drops.join("；")}`));
    if (gate.regressed.length) {
      out.push(el("h3", "gap-top", `变差的问题（${gate.regressed.length}）`));
      out.push(failureTable(gate.regressed));
    }
    return out;
  }

  $("publish-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = $("publish-note").value.trim();
    const force = $("publish-force").checked;
    if (force && !note) {
      show("publish-result", el("p", "error", "强制发布须在发布说明里写明原因。"));
      $("publish-note").focus();
      return;
    }
    if (!window.confirm("确认发布草稿？发布后坐席和公众的答复立即按新版本。")) return;
    const button = $("publish-button");
    button.disabled = true;
    busy("publish-result", "正在评测草稿并发布，可能需要几分钟…");
    try {
      showJob(await followJob(await api("POST", "/v1/publish/jobs", { note, force })));
    } catch (err) {
      fail("publish-result", err);
    } finally {
      button.disabled = false;
    }
  });

  // The gate asks every question of eval/ of both versions: the job runs on the server and
  // the page asks how far it is every second.
  async function followJob(job) {
    while (job.status === "running") {
      const { done, total } = job.progress;
      busy("publish-result", total ? `正在评测草稿：已答 ${done} / ${total} 题…` : "正在评测草稿并发布…");
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_POLL_MS));
      job = await api("GET", `/v1/publish/jobs/${encodeURIComponent(job.job_id)}`);
    }
    return job;
  }

  function showJob(job) {
    if (job.status === "published") {
      show("publish-result", el("p", "status ok", `已发布第 ${job.release} 版。`));
    } else if (job.status === "unchanged") {
      show("publish-result", el("p", "status ok", `草稿没有变化，当前仍是第 ${job.release} 版。`));
    } else if (job.status === "refused") {
      show("publish-result", el("p", "error", `评测未通过，未发布：${job.detail}`), ...gateReport(job.gate));
    } else if (job.status === "lost") {
      show("publish-result", el("p", "error", "发布任务中断（运行它的服务已停止）：请在版本列表里查看是否已发布，需要时重新发布。"));
    } else {
      show("publish-result", el("p", "error", `发布失败：${job.detail || job.status}`));
    }
  }

  $("rollback-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const release = Number($("rollback-release").value);
    if (!Number.isInteger(release) || release < 1) return;
    if (!window.confirm(`确认把第 ${release} 版的内容重新发布为新版本？`)) return;
    const button = $("rollback-button");
    button.disabled = true;
    busy("rollback-result", "正在回滚…");
    try {
      const result = await api("POST", "/v1/rollback", { release, note: $("rollback-note").value.trim() });
      show("rollback-result", el("p", "status ok", `已回滚：第 ${result.release} 版为第 ${result.content_of} 版的内容。`));
    } catch (err) {
      fail("rollback-result", err);
    } finally {
      button.disabled = false;
    }
  });

  // ---- releases, wording review, gaps ---------------------------------------------------------

  async function loadReleases() {
    busy("releases-result", "正在加载…");
    try {
      const releases = (await api("GET", "/v1/releases")).slice().sort((a, b) => b.release_id - a.release_id);
      if (!releases.length) {
        show("releases-result", el("p", "status", "还没有发布过。"));
        return releases;
      }
      const rows = releases.map((r, i) => [
        i === 0 ? `第 ${r.release_id} 版（当前）` : `第 ${r.release_id} 版`,
        cnTime(r.created_at),
        r.author,
        r.note,
        r.documents,
        r.versions,
        r.chunks,
        r.wording,
      ]);
      show("releases-result", table(["版本", "发布时间", "发布人", "说明", "文件", "文件版本", "分块", "口径"], rows));
      return releases;
    } catch (err) {
      fail("releases-result", err);
      return [];
    }
  }

  async function loadWording() {
    busy("wording-result", "正在加载…");
    try {
      const states = await api("GET", "/v1/wording?needs_review=false");
      const flagged = states.filter((s) => s.needs_review_from || s.unshown.length);
      if (!flagged.length) {
        show("wording-result", el("p", "status", "没有需要复核的口径。"));
        return;
      }
      const rows = flagged.map((s) => [
        s.wording_id,
        s.topic,
        `${cnDate(s.valid_from)} 至 ${s.valid_to >= "9999" ? "今后" : cnDate(s.valid_to)}`,
        s.needs_review_from ? `自${cnDate(s.needs_review_from)}起（${s.citation}已变化）` : "—",
        s.unshown.join("、") || "—",
      ]);
      show(
        "wording-result",
        table(["口径编号", "主题", "施行期间", "需复核", "本版本未收录的引用"], rows),
      );
    } catch (err) {
      fail("wording-result", err);
    }
  }

  async function loadGaps() {
    busy("gaps-result", "正在加载…");
    try {
      const gaps = await api("GET", "/v1/gaps");
      if (!gaps.length) {
        show("gaps-result", el("p", "status", "暂无待补充的问题。"));
        return;
      }
      const rows = gaps.map((g) => [
        cnTime(g.created_at),
        KINDS[g.kind] || g.kind,
        VERDICTS[g.verdict] || g.verdict,
        g.question,
        g.note,
        g.answer_id,
      ]);
      show("gaps-result", table(["时间", "来源", "类别", "问题", "说明/渠道", "答复编号"], rows));
    } catch (err) {
      fail("gaps-result", err);
    }
  }

  $("releases-refresh").addEventListener("click", loadReleases);
  $("wording-refresh").addEventListener("click", loadWording);
  $("gaps-refresh").addEventListener("click", loadGaps);

  // ---- evaluation -----------------------------------------------------------------------------

  function failureTable(failures) {
    return table(
      ["题集", "编号", "问题", "答复方式", "问题所在"],
      failures.map((f) => [f.file, f.id, f.query, f.mode, (f.problems || []).join("；")]),
    );
  }

  function evalReport(report) {
    const out = [];
    const latency = report.latency_ms || {};
    const facts = [`评测版本：第 ${report.release} 版`];
    if (latency.p50 !== undefined) facts.push(`耗时中位数 ${latency.p50} ms，P95 ${latency.p95} ms`);
    if (report.foreign_citations) facts.push(`引用了不在该日期生效的条文 ${report.foreign_citations} 次`);
    out.push(el("p", "muted", facts.join(" · ")));
    const files = report.files || [];
    const names = ["questions"].concat(report.metrics || []);
    out.push(
      table(
        ["指标", "全部"].concat(files.map((f) => f.name)),
        names.map((n) =>
          [METRICS[n] || n, metric(n, report.overall[n])].concat(files.map((f) => metric(n, f[n]))),
        ),
      ),
    );
    const failures = report.failures || [];
    out.push(el("h3", "gap-top", `未通过的问题（${failures.length}）`));
    out.push(failures.length ? failureTable(failures) : el("p", "status ok", "全部通过。"));
    return out;
  }

  async function fillReleaseChoices() {
    const select = $("eval-release");
    const releases = await api("GET", "/v1/releases").catch(() => []);
    Array.from(select.querySelectorAll("option[data-release]")).forEach((o) => o.remove());
    releases
      .slice()
      .sort((a, b) => b.release_id - a.release_id)
      .forEach((r) => {
        const option = el("option", "", `第 ${r.release_id} 版`);
        option.value = String(r.release_id);
        option.dataset.release = "";
        select.appendChild(option);
      });
  }

  $("eval-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const sets = $("eval-sets")
      .value.split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const choice = $("eval-release").value;
    const payload = { sets };
    if (choice === "draft") payload.release = "draft";
    else if (choice) payload.release = Number(choice);
    const button = $("eval-button");
    button.disabled = true;
    busy("eval-result", "正在评测，可能需要几分钟…");
    try {
      show("eval-result", ...evalReport(await api("POST", "/v1/eval", payload)));
    } catch (err) {
      fail("eval-result", err);
    } finally {
      button.disabled = false;
    }
  });

  // ---- tabs (WAI-ARIA tabs pattern: arrow keys move between tabs) -----------------------------

  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  const onShow = {
    "tab-diff": loadDiff,
    "tab-releases": loadReleases,
    "tab-wording": loadWording,
    "tab-gaps": loadGaps,
    "tab-eval": fillReleaseChoices,
  };

  function select(tab, focus) {
    tabs.forEach((t) => {
      const chosen = t === tab;
      t.setAttribute("aria-selected", String(chosen));
      t.tabIndex = chosen ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !chosen;
    });
    if (focus) tab.focus();
    history.replaceState(null, "", `#${tab.id.slice(4)}`);
    if (onShow[tab.id] && keyInput.value.trim()) onShow[tab.id]();
  }

  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
    });
  });

  keyInput.value = localStorage.getItem(STORE_KEY) || "";
  keyInput.addEventListener("change", () => {
    const value = keyInput.value.trim();
    if (value) localStorage.setItem(STORE_KEY, value);
    else localStorage.removeItem(STORE_KEY);
    const active = tabs.find((t) => t.getAttribute("aria-selected") === "true");
    if (active) select(active, false);
  });

  const fromHash = () => tabs.find((t) => `#${t.id.slice(4)}` === location.hash);
  window.addEventListener("hashchange", () => {
    const tab = fromHash();
    if (tab) select(tab, false);
  });
  select(fromHash() || tabs[0], false);
})();
