"""The JSON shapes other tools script against, pinned once for every test that checks them."""

HIT_FIELDS = {
    "rank",
    "score",
    "title",
    "doc_number",
    "article",
    "heading",
    "text",
    "version_id",
    "effective_from",
    "effective_to",
    "region",
    "source",
}

# `EvalReport.to_dict()` keys, in order; `kb eval --json` adds "report".
EVAL_REPORT_KEYS = [
    "release",
    "k",
    "methods",
    "started_at",
    "as_of",
    "metrics",
    "files",
    "overall",
    "latency_ms",
    "failures",
]

# `Answer.to_dict()` keys, in order: `kb ask --json` and `POST /v1/ask` print exactly these.
ANSWER_KEYS = [
    "question",
    "answer",
    "mode",
    "wording_id",
    "citations",
    "release",
    "as_of",
    "notices",
    "confidence",
    "answer_id",
]
