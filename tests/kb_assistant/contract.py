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
