"""Link density per paragraph: menus, tag lists and "related articles" lists are link text."""

from __future__ import annotations

import dataclasses

from pydantic import Field

from corpus.filters.base import ParagraphFilter
from corpus.schema import Document, Paragraph


def link_share(paragraph: Paragraph) -> float:
    """Share of the paragraph's characters that were link text (0 for an empty one)."""
    return paragraph.link_chars / len(paragraph.text) if paragraph.text else 0.0


class LinkDensity(ParagraphFilter):
    """Marks paragraphs that are mostly link text, and the short scraps between them
    (boilerpipe's and jusText's link density, per paragraph where LinkCharRatio judges
    a whole document).

    - A live paragraph whose link characters are at least `high` of its characters goes:
      a menu, a breadcrumb, a tag list, a list of related articles (MergeListTag, earlier
      in the chain, makes a list of one-link items one paragraph).
    - A live paragraph shorter than `short` characters goes too when the nearest live
      paragraph before it and the nearest after it that are not short are both link text
      by the rule above: the headings, counters and separators of a menu ("PR", "一覧",
      "|") go as one block with it, as jusText classifies short paragraphs by their
      neighbours. A short paragraph next to prose, or at either end of the page, stays
      (an article's title, date, byline). Paragraphs marked by earlier rules are not
      neighbours: they are skipped.

    Prose with inline links stays: links are rarely half of a sentence's characters."""

    high: float = Field(default=0.5, gt=0.0, le=1.0)
    short: int = Field(default=30, ge=0)

    def apply(self, document: Document) -> Document:
        paragraphs = list(document.paragraphs)
        live = [i for i, p in enumerate(paragraphs) if p.live]
        links = {i for i in live if link_share(paragraphs[i]) >= self.high}
        marked = links | self._short_between(paragraphs, live, links)
        if not marked:
            return document
        for i in marked:
            paragraphs[i] = dataclasses.replace(paragraphs[i], removed_by=self.label)
        return dataclasses.replace(document, paragraphs=paragraphs)

    def _short_between(
        self, paragraphs: list[Paragraph], live: list[int], links: set[int]
    ) -> set[int]:
        """Indices of the runs of short live paragraphs with link text on both sides."""
        found: set[int] = set()
        run: list[int] = []
        after_links = False  # the page's start is not link text
        for i in live:
            if i not in links and len(paragraphs[i].text) < self.short:
                run.append(i)
                continue
            if after_links and i in links:
                found.update(run)
            run, after_links = [], i in links
        return found
