"""API request and response schemas, separate from the library's internal rows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kb_assistant.kb import MAX_QUESTION_CHARS

_CONTROL = set(chr(c) for c in range(32)) - {"\n", "\t"} | {"\x7f"}


def _visible(text: str) -> str:
    if any(ch in _CONTROL for ch in text):
        raise ValueError("must not contain control characters")
    if not text.strip():
        raise ValueError("must not be empty")
    return text


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: str | None = Field(default=None, description="YYYY-MM-DD; default today", examples=["2025-06-01"])
    region: str | None = Field(default=None, max_length=50, examples=["湖南省常德市"])
    release: int | None = Field(default=None, ge=1, description="answer from this release (default latest)")


class SearchRequest(Query):
    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, examples=["公司不给交社保怎么办"])
    k: int = Field(default=10, ge=1, le=100)

    _check = field_validator("query")(_visible)


class AskRequest(Query):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, examples=["产假有多少天"])
    verbosity: Literal["agent", "public"] = "agent"

    _check = field_validator("question")(_visible)


class PublicAskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=300, examples=["社保卡丢了怎么办"])

    _check = field_validator("question")(_visible)


class HitOut(BaseModel):
    rank: int
    score: float
    title: str
    doc_number: str | None
    article: str | None
    heading: str
    text: str
    version_id: str
    effective_from: str | None
    effective_to: str | None
    region: str
    source: str


class SearchOut(BaseModel):
    release: int
    as_of: str
    hits: list[HitOut]


class AnswerOut(BaseModel):
    question: str
    answer: str
    mode: Literal["wording", "extractive", "calculator", "generated", "escalate"]
    wording_id: str | None
    citations: list[HitOut]
    release: int
    as_of: str
    notices: list[str]
    confidence: float
    answer_id: str


class PublicCitation(BaseModel):
    title: str
    article: str | None
    heading: str
    text: str


class PublicAnswerOut(BaseModel):
    """What the public chat sees: no internal fields (release internals, version ids, sources)."""

    answer: str
    mode: Literal["wording", "extractive", "calculator", "generated", "escalate"]
    citations: list[PublicCitation]
    as_of: str
    answer_id: str


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=500)
    force: bool = False


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    release: int = Field(ge=1)
    note: str = Field(default="", max_length=500)


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")
    verdict: Literal["helpful", "wrong", "missing"]
    question: str = Field(default="", max_length=MAX_QUESTION_CHARS)
    comment: str = Field(default="", max_length=1000)


class EvalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sets: list[str] = Field(
        default_factory=list, description="file names in the eval folder; empty = every answer set"
    )
    release: int | Literal["draft"] | None = None


class Problem(BaseModel):
    detail: str
