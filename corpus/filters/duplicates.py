"""Paragraphs that repeat: across the corpus (by their near-duplicate frequency) or in a row.

`Paragraph.near_freq` is how often the paragraph's near-duplicate group occurs in the
corpus, counting this occurrence; the dedup stage attaches it. Until it has, it is None,
and None counts as 1 (`near_frequency`): a paragraph with no statistics is unique, so no
filter here removes anything for lack of data. The thresholds are validated to be at least
2 so that holds for any configuration.
"""

from __future__ import annotations

import dataclasses

from pydantic import Field

from corpus.filters.base import ParagraphFilter
from corpus.schema import Document, Paragraph


def near_frequency(paragraph: Paragraph) -> int:
    """The paragraph's near-duplicate frequency; 1 (unique) while no statistics are attached."""
    return 1 if paragraph.near_freq is None else paragraph.near_freq


def _remove_live(document: Document, indices: list[int], label: str) -> Document:
    """The document with the live paragraphs at `indices` marked removed by `label`."""
    paragraphs = list(document.paragraphs)
    changed = False
    for i in indices:
        if paragraphs[i].live:
            paragraphs[i] = dataclasses.replace(paragraphs[i], removed_by=label)
            changed = True
    return dataclasses.replace(document, paragraphs=paragraphs) if changed else document


class DuplicateParagraphs(ParagraphFilter):
    """Removes every live paragraph whose near-duplicate frequency is `limit` or more.

    All copies go, the first one included: a paragraph seen `limit` times in the corpus is
    treated as template text wherever it appears (Uzushio's DuplicateParagraphs).
    limit: the frequency from which a paragraph is removed (Uzushio default 2; at least 2,
    so a paragraph without statistics is never removed)."""

    limit: int = Field(default=2, ge=2)

    def apply(self, document: Document) -> Document:
        frequent = [i for i, p in enumerate(document.paragraphs) if near_frequency(p) >= self.limit]
        return _remove_live(document, frequent, self.label)


class LargeFreqParagraphs(ParagraphFilter):
    """Removes runs of consecutive frequent paragraphs: page headers, footers, menus.

    A paragraph is frequent when its near-duplicate frequency is `freq` or more. A maximal
    run of frequent paragraphs is removed when it holds at least `count` paragraphs, or
    when it touches the start or the end of the document, whatever its length: that is
    where headers and footers sit. A short frequent run inside the text (a common phrase,
    a quoted line) stays. Runs are counted over all paragraphs in page order, ones already
    removed by earlier filters included, as Uzushio does; only live ones are marked.
    count: the shortest run removed inside the document (Uzushio default 3; LLM-jp v2: 3).
    freq: the frequency from which a paragraph is frequent (Uzushio default 100; LLM-jp v2:
    1000, then 100; at least 2, so a paragraph without statistics is never frequent)."""

    count: int = Field(default=3, ge=1)
    freq: int = Field(default=100, ge=2)

    def apply(self, document: Document) -> Document:
        frequent = [near_frequency(p) >= self.freq for p in document.paragraphs]
        end = len(frequent)
        removed: list[int] = []
        start = 0
        while start < end:
            if not frequent[start]:
                start += 1
                continue
            stop = start
            while stop < end and frequent[stop]:
                stop += 1
            if stop - start >= self.count or start == 0 or stop == end:
                removed.extend(range(start, stop))
            start = stop
        return _remove_live(document, removed, self.label)


class AdjacentDuplicateParagraphs(ParagraphFilter):
    """Removes a live paragraph whose text equals that of the live paragraph before it, so
    the document text never holds the same paragraph twice in a row (a page's repeated
    block, a title echoed by a heading). No parameters.

    Uzushio drops such paragraphs from the document; here they are marked removed, like
    every other paragraph filter's, so the debug output shows them."""

    def apply(self, document: Document) -> Document:
        repeated: list[int] = []
        previous: str | None = None
        for i, paragraph in enumerate(document.paragraphs):
            if not paragraph.live:
                continue
            if paragraph.text == previous:
                repeated.append(i)
            previous = paragraph.text
        return _remove_live(document, repeated, self.label)
