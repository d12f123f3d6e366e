"""Optional LLM mode: a chat model checks wording candidates and writes checked answers.

Wording: similarity tells "same topic", not "answers this question"; in LLM mode the model
is asked whether a candidate entry's approved text answers the question (yes / no). The
verdict only chooses whether the approved text is read out, never changes it; a model that
fails, times out or answers neither yes nor no leaves the similarity decision standing.

Answers: the model may only use numbered passages and must cite them as [n]. Every [n] is
checked against the passages; an answer citing a passage that does not exist, or citing
none, or a model that fails or times out, falls back to the extractive answer. The chat
model is any LangChain `BaseChatModel` (an OpenAI-compatible endpoint via the `.[llm]` extra).
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from kb_assistant.answer.render import chinese_date, citation_label
from kb_assistant.errors import ConfigError
from kb_assistant.model import Hit

if TYPE_CHECKING:
    from kb_assistant.config import Settings

__all__ = ["GeneratedAnswer", "LLMAnswerer", "make_chat_model"]

log = logging.getLogger(__name__)
_CITATION = re.compile(r"\[(\d{1,2})\]")
_NO_BASIS = "知识库中没有找到依据"


@dataclass(frozen=True)
class GeneratedAnswer:
    text: str
    cited: list[Hit]  # the passages the text cites, in order of first citation


def make_chat_model(settings: Settings) -> Any:
    """ChatOpenAI for an OpenAI-compatible endpoint (needs `pip install '.[llm]'`)."""
    if not settings.llm_base_url or not settings.llm_model:
        raise ConfigError("LLM mode needs KB_LLM_BASE_URL and KB_LLM_MODEL (and KB_LLM_API_KEY if required)")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ConfigError("LLM mode needs the llm extra: pip install 'kb-assistant[llm]'") from exc
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout,
        temperature=0,
        max_retries=0,
    )


class LLMAnswerer:
    def __init__(
        self, chat_model: Any, prompts_dir: Any, timeout: float = 20.0, max_passages: int = 5
    ) -> None:
        if timeout <= 0 or max_passages < 1:
            raise ValueError("timeout must be > 0 and max_passages >= 1")
        self.chat_model = chat_model
        self.timeout = timeout
        self.max_passages = max_passages
        env = Environment(
            loader=FileSystemLoader(str(prompts_dir)), undefined=StrictUndefined, autoescape=False
        )
        self.template = env.get_template("llm.md.j2")
        self.judge_template = env.get_template("judge.md.j2")
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kb-llm")

    def prompt(self, question: str, hits: list[Hit], as_of: date) -> str:
        passages = [{"label": citation_label(h), "text": h.text} for h in hits[: self.max_passages]]
        return self.template.render(question=question, passages=passages, as_of_text=chinese_date(as_of))

    def answer(self, question: str, hits: list[Hit], as_of: date) -> GeneratedAnswer | None:
        """A checked answer, or None when the extractive answer must be used instead."""
        passages = hits[: self.max_passages]
        if not passages:
            return None
        text = self._call(self.prompt(question, passages, as_of), "the extractive answer is used")
        if text is None:
            return None
        checked = check_citations(text, passages)
        if checked is None:
            log.warning(
                "LLM answer cites no passage or one that does not exist; the extractive answer is used"
            )
        return checked

    def confirms(self, question: str, topic: str, answer: str) -> bool | None:
        """Does the approved `answer` answer `question`? None when the model gives no verdict."""
        prompt = self.judge_template.render(question=question, topic=topic, answer=answer)
        text = self._call(prompt, "the wording match stands as scored")
        if text is None:
            return None
        verdict = text.strip().strip("。.！!\"“”'").strip()
        if verdict.startswith("是"):
            return True
        if verdict.startswith("否"):
            return False
        log.warning("LLM wording check answered %r, not 是/否; the wording match stands as scored", text[:40])
        return None

    def _call(self, prompt: str, fallback: str) -> str | None:
        """The model's reply, or None (logged, naming the `fallback`) on failure or timeout."""
        future = self._pool.submit(self.chat_model.invoke, prompt)
        try:
            message = future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            log.warning("LLM gave no answer within %.1f s; %s", self.timeout, fallback)
            return None
        except Exception as exc:  # an endpoint failure of any kind: the fallback stands in
            log.warning("LLM call failed (%s: %s); %s", type(exc).__name__, exc, fallback)
            return None
        return str(getattr(message, "content", message)).strip()


def check_citations(text: str, passages: list[Hit]) -> GeneratedAnswer | None:
    """Accept only text whose every [n] names a passage, with at least one, and not a refusal."""
    numbers = [int(n) for n in _CITATION.findall(text)]
    if not text or _NO_BASIS in text or not numbers:
        return None
    if any(not 1 <= n <= len(passages) for n in numbers):
        return None
    order = list(dict.fromkeys(numbers))
    return GeneratedAnswer(text, [passages[n - 1] for n in order])
