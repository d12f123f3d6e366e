"""LangChain adapters: the same search as `KB.search`, as a `BaseRetriever`, and our
embedder as `Embeddings`, for sites that build chains on top of the knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb_assistant.embed.base import Embedder

if TYPE_CHECKING:
    from kb_assistant.kb import KB

__all__ = ["KBEmbeddings", "KBRetriever"]


class KBRetriever(BaseRetriever):
    """Hits become Documents: the article text as content, every hit field as metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kb: Any  # KB; typed loosely so pydantic does not try to validate the facade
    k: int = 10
    as_of: str | None = None
    region: str | None = None
    release: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        kb: KB = self.kb
        result = kb.search(query, k=self.k, as_of=self.as_of, region=self.region, release=self.release)
        documents = []
        for hit in result.hits:
            metadata = hit.to_dict()
            text = metadata.pop("text")
            metadata.update(release=result.release, as_of=result.as_of)
            documents.append(Document(page_content=text, metadata=metadata))
        return documents


class KBEmbeddings(Embeddings):
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed_passages(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(text)]
