"""The filter chain: the filters of the run's config, applied in order.

Document filters remove a document and name the reason; the first removal stops the
chain. Paragraph filters mark or rewrite paragraphs; a document left with no live
paragraph is removed, with the reason of the filter that removed its last one.

A document filter judges only what is still live: it is handed a view of the document
holding its live paragraphs alone (`live_view`), so page furniture that paragraph
filters earlier in the chain marked never counts in a document measure. The marked
paragraphs stay in the document the chain returns, with the rule that marked them.

The chain also counts what each filter was handed and removed, the events it counted
(`Filter.count_event`) and the seconds it took (`FilterChain.counts`, datatrove's
`track_time`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import pkgutil
import time
from collections import Counter
from typing import Any

from pydantic import ValidationError

import corpus.filters
from corpus.filters.base import DocumentFilter, Filter, ParagraphFilter
from corpus.schema import Document

FILTER_KEY = "filter"


@functools.cache
def _import_all_filters() -> None:
    """Import every module of corpus.filters, so every filter class is registered."""
    for module in pkgutil.iter_modules(corpus.filters.__path__):
        importlib.import_module(f"corpus.filters.{module.name}")


def build_filter(entry: Any, position: int) -> Filter:
    """One chain entry (`{filter: Name, param: value, ...}`) -> the filter, or ValueError."""
    where = f"chain[{position}]"
    if not isinstance(entry, dict) or FILTER_KEY not in entry:
        raise ValueError(f"{where}: expected a mapping with a `{FILTER_KEY}:` name")
    params = dict(entry)
    name = params.pop(FILTER_KEY)
    _import_all_filters()
    cls = Filter.registry.get(name)
    if cls is None:
        known = ", ".join(sorted(Filter.registry))
        raise ValueError(f"{where}: unknown filter {name!r}; known filters: {known}")
    try:
        return cls(**params)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or name}: {e['msg']}" for e in error.errors()
        )
        raise ValueError(f"{where} ({name}): {problems}") from None


def live_view(document: Document) -> Document:
    """The document with its live paragraphs only (itself when none is marked)."""
    if all(p.live for p in document.paragraphs):
        return document
    return dataclasses.replace(document, paragraphs=document.live_paragraphs)


@dataclasses.dataclass
class FilterCounts:
    """What one filter of the chain was handed (documents, and their live paragraphs) and
    removed (documents; paragraphs it marked), the events it counted by `(event, name)`,
    and the seconds it took. A document that breaks the filter counts as handed to it, not
    as removed."""

    documents_in: int = 0
    documents_removed: int = 0
    paragraphs_in: int = 0
    paragraphs_removed: int = 0
    seconds: float = 0.0
    events: Counter[tuple[str, str]] = dataclasses.field(default_factory=Counter)


def _move_events(f: Filter, counts: FilterCounts) -> None:
    if f.events:
        counts.events.update(f.events)
        f.events.clear()


class FilterChain:
    """The filters in order; `counts` holds each filter's `FilterCounts` since the chain was
    made or `take_counts` last took them."""

    def __init__(self, filters: list[Filter]) -> None:
        self.filters = filters
        self.counts = [FilterCounts() for _ in filters]

    @classmethod
    def from_entries(cls, entries: list[Any]) -> FilterChain:
        return cls([build_filter(entry, i) for i, entry in enumerate(entries)])

    def setup(self) -> None:
        for f in self.filters:
            f.setup()

    def take_counts(self) -> list[FilterCounts]:
        """The counts so far; the chain counts from zero again."""
        counts, self.counts = self.counts, [FilterCounts() for _ in self.filters]
        return counts

    def apply(self, document: Document) -> Document:
        """The document after the chain; `removed_by` is set when it was removed."""
        live = live_view(document)  # only paragraph filters change it
        for f, counts in zip(self.filters, self.counts, strict=True):
            counts.documents_in += 1
            counts.paragraphs_in += len(live.paragraphs)
            start = time.perf_counter()
            if isinstance(f, DocumentFilter):
                reason = f.removal(live)
                counts.seconds += time.perf_counter() - start
                _move_events(f, counts)
                if reason is not None:
                    counts.documents_removed += 1
                    return dataclasses.replace(document, removed_by=reason)
            elif isinstance(f, ParagraphFilter):
                marked = len(document.paragraphs) - len(live.paragraphs)
                document = f.apply(document)
                live = live_view(document)
                counts.seconds += time.perf_counter() - start
                _move_events(f, counts)
                # Newly marked ones only: a filter that merges paragraphs removes none.
                counts.paragraphs_removed += (
                    len(document.paragraphs) - len(live.paragraphs) - marked
                )
                if not live.paragraphs:
                    counts.documents_removed += 1
                    return dataclasses.replace(document, removed_by=f.label)
        return document
