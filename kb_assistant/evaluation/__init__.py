"""Retrieval evaluation: article-level metrics, a runner over question sets, a Markdown report."""
