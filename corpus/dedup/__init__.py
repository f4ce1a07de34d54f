"""Deduplication: URL, exact-text and MinHash-LSH near-duplicate documents, and the
signatures kept for incremental runs."""
