"""Down-sampling of duplicated documents: keep each with a probability that falls as its
paragraphs' near-duplicate frequencies rise, so a page copied a thousand times survives
about `expected` times instead of a thousand.

The draw is `document_random(document.id)`, fixed by the document id alone (Uzushio's
`Document.randomDouble`): the same document gets the same number in every run, on every
worker, in every filter. Filters of the same family used as tightening tiers therefore
nest: a document passes tier k when its draw is at most p_k, so the chain keeps it with
probability min(p_k), and the debug output names the tier that removed it. A draw per
filter would instead multiply the tiers' probabilities.

Frequencies come from `near_frequency`: a paragraph with no statistics counts as unique,
and `expected` is at least 1, so a document without statistics is always kept.
"""

from __future__ import annotations

import hashlib
import math

from pydantic import Field

from corpus.filters.base import DocumentFilter
from corpus.filters.duplicates import near_frequency
from corpus.schema import Document

_DRAW_BITS = 53  # a double holds 53 bits exactly: every draw is exact and below 1


def document_random(document_id: str) -> float:
    """A number uniform in [0, 1), fixed by `document_id` (BLAKE2b, not Python's salted hash)."""
    digest = hashlib.blake2b(document_id.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> (64 - _DRAW_BITS)) / (1 << _DRAW_BITS)


class DeduplicateDocumentsPercentile(DocumentFilter):
    """Keeps a document with probability `expected` / f, where f is the near-duplicate
    frequency at the `percentile` of its live paragraphs' frequencies (the value at
    position floor(n * percentile) of the n frequencies sorted ascending).

    A low percentile asks how frequent the document's *least* common paragraphs are: a page
    whose every paragraph is copied (a mirror, a re-crawl) has a high f, a unique article
    inside a common template has f = 1 and is always kept.
    percentile: where in the sorted frequencies to look, in [0, 1) (Uzushio default 0.05).
    expected: how many copies of a duplicated document survive on average; a document with
    f <= expected is always kept; at least 1 (Uzushio default 1; LLM-jp v2: expected 5
    percentile 0.05 first, then expected 2.5 percentile 0.05 and expected 1.5 percentile
    0.1). A document with no live paragraph is kept."""

    percentile: float = Field(default=0.05, ge=0.0, lt=1.0)
    expected: float = Field(default=1.0, ge=1.0)

    def frequency(self, document: Document) -> int:
        """The near-duplicate frequency at `percentile` of the live paragraphs (0 if none)."""
        frequencies = sorted(near_frequency(p) for p in document.live_paragraphs)
        if not frequencies:
            return 0
        # Rounded first so that 0.29 * 100 (28.999999999999996 in binary) is position 29.
        return frequencies[math.floor(round(len(frequencies) * self.percentile, 9))]

    def keep_probability(self, document: Document) -> float:
        frequency = self.frequency(document)
        return self.expected / frequency if frequency else math.inf

    def removal(self, document: Document) -> str | None:
        if document_random(document.id) > self.keep_probability(document):
            return self.label
        return None


class DuplicateDocumentsLengthWeighted(DocumentFilter):
    """Keeps a document with probability `expected` / w, where w is the character-weighted
    mean of 1 + log10(near-duplicate frequency) over its live paragraphs.

    w is 1 for a document of unique paragraphs and grows with the share of its text that is
    copied: all text seen 10 times gives 2, 100 times gives 3; half unique and half seen
    100 times gives 2.
    expected: the weight up to which a document is always kept, at least 1 so that unique
    documents always are (Uzushio default 1; not in the LLM-jp v2 chain). A document with
    no live character is kept."""

    expected: float = Field(default=1.0, ge=1.0)

    def weight(self, document: Document) -> float:
        """Character-weighted mean of 1 + log10(frequency) over the live paragraphs (0 if empty)."""
        characters = 0
        weighted = 0.0
        for paragraph in document.live_paragraphs:
            length = len(paragraph.text)
            characters += length
            weighted += length * (math.log10(near_frequency(paragraph)) + 1.0)
        return weighted / characters if characters else 0.0

    def keep_probability(self, document: Document) -> float:
        weight = self.weight(document)
        return self.expected / weight if weight else math.inf

    def removal(self, document: Document) -> str | None:
        if document_random(document.id) > self.keep_probability(document):
            return self.label
        return None
