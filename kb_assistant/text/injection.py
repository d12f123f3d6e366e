"""Instructions to the assistant hidden in a question or an uploaded document ("忽略以上规则…").

Answers are built from approved wording and quoted articles, so such text cannot steer them;
it is still refused at the door, so that it never reaches a log, a trainer's draft or an
LLM prompt, and the caller learns that only policy questions are answered.
"""

from __future__ import annotations

import re

__all__ = ["find_injection"]

_PATTERNS = re.compile(
    r"(?:忽略|无视|忘记|不要理会|跳过)(?:掉)?(?:你)?(?:以上|上面|之前|前面|上述|先前|所有|全部)(?:的)?(?:所有|全部)?"
    r"(?:规则|指令|指示|要求|提示|设定|约束)"
    r"|(?:你现在是|从现在起你是|请扮演|假装你是)"
    r"|(?:系统提示词|system\s*prompt|越狱|jailbreak)"
    r"|ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior)\s+(?:instructions|rules|prompts?)"
    r"|disregard\s+(?:all\s+)?(?:previous|above|prior)\s+instructions",
    re.IGNORECASE,
)


def find_injection(text: str) -> str | None:
    """The first instruction-like phrase in `text`, or None."""
    match = _PATTERNS.search(text)
    return match.group(0) if match else None
