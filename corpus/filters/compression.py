"""How well a document compresses: repetitive text compresses far better than prose."""

from __future__ import annotations

import lz4.block

from corpus.filters.base import HighLowFilter
from corpus.schema import Document

INPUT_BYTES = 1 << 20


class CompressionRate(HighLowFilter):
    """LZ4 compressed size / UTF-8 size of the live text's first MiB, as Uzushio measures it
    (LZ4 block format, fast mode, paragraphs concatenated without separators).

    Low values mean repetition (spam, generated lists); high values mean text too short or
    too random to compress. low / high: bounds of the ratio (LLM-jp v2: 0.25-5.0, then
    0.40-0.75, then 0.50-0.75). Empty text measures 1.0."""

    def measure(self, document: Document) -> float:
        data = "".join(p.text for p in document.live_paragraphs).encode("utf-8")[:INPUT_BYTES]
        if not data:
            return 1.0
        return len(lz4.block.compress(data, store_size=False)) / len(data)
