"""Document length."""

from __future__ import annotations

import math

from corpus.filters.base import HighLowFilter
from corpus.schema import Document


class DocLength(HighLowFilter):
    """Characters in the live paragraphs (blank lines between them not counted).

    low / high: bounds in characters (Uzushio: DocLength low 50 first, 200 later)."""

    low: int = 0
    high: float = math.inf

    def measure(self, document: Document) -> float:
        return sum(len(p.text) for p in document.live_paragraphs)
