"""Shares of kinds of characters in a document's live paragraphs."""

from __future__ import annotations

from corpus.extract.scripts import script_ratios
from corpus.filters.base import HighLowFilter
from corpus.schema import Document


class HiraganaRatio(HighLowFilter):
    """Share of the live text's non-space characters that are hiragana (U+3040-U+309F).

    Japanese prose is about a third hiragana; lists of names, keyword spam and Chinese
    have almost none. low / high: bounds of the share (LLM-jp v2: low 0.1, then 0.15)."""

    high: float = 1.0

    def measure(self, document: Document) -> float:
        return script_ratios(document.text).hiragana


class LinkCharRatio(HighLowFilter):
    """Share of the live paragraphs' characters that were link text (inside `<a>`).

    Menus, link lists and link farms are mostly link text. low / high: bounds of the
    share (LLM-jp v2: high 0.8, then 0.4). A document with no characters measures 0."""

    high: float = 1.0

    def measure(self, document: Document) -> float:
        live = document.live_paragraphs
        total = sum(len(p.text) for p in live)
        return sum(p.link_chars for p in live) / total if total else 0.0
