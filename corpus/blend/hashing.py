"""The document hash every blend decision is made by: which documents a subsample takes
(selection.py) and which are held out (splits.py)."""

from __future__ import annotations

import hashlib

HASH_BITS = 64


def document_hash(seed: int, document_id: str) -> int:
    """A 64-bit hash of `document_id` salted by `seed` (0 <= seed < 2**64), stable
    across processes and releases (Python's hash() is salted per process)."""
    digest = hashlib.blake2b(
        document_id.encode("utf-8"), digest_size=8, salt=seed.to_bytes(16, "little")
    ).digest()
    return int.from_bytes(digest, "big")
