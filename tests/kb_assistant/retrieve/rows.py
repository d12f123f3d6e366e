"""Release rows made by hand for the retrieval unit tests."""

from __future__ import annotations

from datetime import date

from kb_assistant.store.snapshot import RowMeta


def row(
    doc: str,
    article: str | None,
    text: str,
    region: str = "全国",
    title: str | None = None,
    position: int = 0,
) -> RowMeta:
    """An article of `doc` (titled 中华人民共和国<doc> unless given), in force since 2000."""
    return RowMeta(
        version_id=doc,
        position=position,
        chunk_hash=f"{doc}{article}{position}",
        doc_key=doc,
        title=title or f"中华人民共和国{doc}",
        doc_number=None,
        article=article,
        heading="",
        text=text,
        region=region,
        source="x.md",
        valid_from=date(2000, 1, 1),
        valid_to=date(9999, 12, 31),
        effective_from=None,
        effective_to=None,
    )
