"""What `KB.ask` returns: one answer in the unified format, with the passages it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kb_assistant.model import Hit

__all__ = ["Answer", "AnswerMode", "Verbosity"]


class AnswerMode(StrEnum):
    WORDING = "wording"  # approved wording, verbatim
    EXTRACTIVE = "extractive"  # key sentences quoted from the most relevant articles
    CALCULATOR = "calculator"  # computed from the caller's facts (retirement age, contribution years)
    GENERATED = "generated"  # LLM answer whose every [n] was checked against the passages
    ESCALATE = "escalate"  # nothing the knowledge base can support: transfer or work order


class Verbosity(StrEnum):
    AGENT = "agent"  # agents on calls: full basis with quotes, handling steps, version line
    PUBLIC = "public"  # the public web chat: plain answer and sources, no internal notes


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    mode: AnswerMode
    wording_id: str | None
    citations: list[Hit]
    release: int
    as_of: str
    notices: list[str] = field(default_factory=list)
    confidence: float = 0.0
    answer_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": str(self.mode),
            "wording_id": self.wording_id,
            "citations": [c.to_dict() for c in self.citations],
            "release": self.release,
            "as_of": self.as_of,
            "notices": list(self.notices),
            "confidence": self.confidence,
            "answer_id": self.answer_id,
        }
