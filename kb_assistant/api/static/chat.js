// The public web chat: questions to /v1/public/ask, answers with their sources.
"use strict";

(function () {
  const { el, cnDate } = window.kb;
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const messages = document.getElementById("messages");
  const suggestions = document.getElementById("suggestions");



  function addMessage(who) {
    const item = el("li", `msg ${who}`);
    messages.appendChild(item);
    item.scrollIntoView({ block: "end", behavior: "smooth" });
    return item;
  }

  function sourceItem(citation) {
    const details = el("details", "source");
    const label = [`《${citation.title}》`, citation.article, citation.heading].filter(Boolean).join(" ");
    details.appendChild(el("summary", "", label));
    details.appendChild(el("div", "source-body pre", citation.text));
    return details;
  }

  function showAnswer(item, data) {
    item.replaceChildren();
    item.appendChild(el("div", "pre", data.answer));
    const citations = Array.isArray(data.citations) ? data.citations : [];
    if (citations.length) {
      item.appendChild(el("p", "sources-title", "政策依据（点击查看原文）"));
      citations.forEach((c) => item.appendChild(sourceItem(c)));
    }
    const day = cnDate(data.as_of);
    if (day) item.appendChild(el("p", "as-of muted", `按${day}有效的政策答复`));
  }

  function problemText(status, retryAfter) {
    if (status === 429) {
      const wait = Number(retryAfter);
      return wait > 0 ? `提问太频繁了，请${wait}秒后再试。` : "提问太频繁了，请稍后再试。";
    }
    if (status === 400 || status === 422 || status === 413) {
      return "这个问题没能识别，请换个说法（300字以内）再试。";
    }
    return "抱歉，系统暂时无法答复，请稍后再试，或拨打12333咨询。";
  }

  function showProblem(item, text) {
    item.replaceChildren(el("p", "error", text));
  }

  async function ask(question) {
    const mine = addMessage("user");
    mine.textContent = question;
    const reply = addMessage("bot");
    reply.setAttribute("aria-busy", "true");
    reply.appendChild(el("p", "muted", "正在查询，请稍候…"));
    send.disabled = true;
    try {
      const response = await fetch("/v1/public/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question }),
      });
      if (response.ok) {
        showAnswer(reply, await response.json());
      } else {
        showProblem(reply, problemText(response.status, response.headers.get("Retry-After")));
      }
    } catch (err) {
      showProblem(reply, "网络连接失败，请检查网络后再试。");
    } finally {
      reply.removeAttribute("aria-busy");
      send.disabled = false;
      reply.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }

  function submit() {
    const question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    ask(question);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });

  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that confirms a pinyin candidate is not a send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });

  suggestions.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button && !send.disabled) ask(button.textContent.trim());
  });
})();
