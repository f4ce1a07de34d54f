"""A character n-gram language model the project trains itself on reference text.

Interpolated absolute discounting over characters after NFKC; used by the quality teacher
for fluency features (how surprising each character of a text is to a model of Wikipedia
prose). Pure Python: slow (tens of thousands of characters per second), meant for a
teacher scoring a sample, not for every document.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable

_START = "\x02"


class CharLanguageModel:
    def __init__(self, texts: Iterable[str], order: int = 4, discount: float = 0.75) -> None:
        self.order = order
        self.discount = discount
        self.counts: Counter[str] = Counter()
        """Count of every n-gram, n = 1 .. order."""
        self.context_counts: Counter[str] = Counter()
        self.context_types: Counter[str] = Counter()
        """Distinct characters seen after each context."""
        for text in texts:
            padded = _START * (order - 1) + unicodedata.normalize("NFKC", text)
            for i in range(order - 1, len(padded)):
                for n in range(1, order + 1):
                    gram = padded[i - n + 1 : i + 1]
                    if gram not in self.counts:
                        self.context_types[gram[:-1]] += 1
                    self.counts[gram] += 1
                    self.context_counts[gram[:-1]] += 1
        self.floor = 1.0 / (self.context_types[""] + 1000)
        """Probability mass of a character never seen."""

    def log_probabilities(self, text: str) -> list[float]:
        """The natural log probability of each character of `text` (NFKC) given the previous
        ones."""
        padded = _START * (self.order - 1) + unicodedata.normalize("NFKC", text)
        out = []
        for i in range(self.order - 1, len(padded)):
            char = padded[i]
            probability = self.floor
            for n in range(1, self.order + 1):
                context = padded[i - n + 1 : i]
                total = self.context_counts[context]
                if not total:
                    break
                seen = self.counts[context + char]
                probability = (
                    max(seen - self.discount, 0.0)
                    + self.discount * self.context_types[context] * probability
                ) / total
            out.append(math.log(probability))
        return out
