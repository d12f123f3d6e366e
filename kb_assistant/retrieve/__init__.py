"""Query path: analyse → lexical + dense → fuse → filter (release, as-of, region)."""

from kb_assistant.retrieve.fusion import FusionMode, fuse
from kb_assistant.retrieve.retrievers import DenseRetriever, LexicalRetriever, Retriever
from kb_assistant.retrieve.search import HybridSearcher

__all__ = ["DenseRetriever", "FusionMode", "HybridSearcher", "LexicalRetriever", "Retriever", "fuse"]
