"""Deduplication: document-level MinHash/LSH and paragraph-level near-duplicate statistics."""
