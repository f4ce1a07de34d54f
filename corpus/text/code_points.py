"""A text as its Unicode code points in a numpy array, for hashing its n-grams."""

from __future__ import annotations

import numpy as np


def code_points(text: str) -> np.ndarray:
    """The code points of `text` as uint64 (room for the arithmetic of 64-bit n-gram hashes)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
