"""Exact deduplication in Beam: one document per key, chosen pairwise by a combiner.

A combiner merges copies where they are (on each worker, before the shuffle), so a text
copied a million times never gathers its copies on one worker: only one document per key
and worker crosses the network.
"""

from __future__ import annotations

from collections.abc import Callable

import apache_beam as beam

from corpus.dedup.exact import merge_copies
from corpus.schema import Document


class KeepOneCopy(beam.CombineFn):
    """Reduces a key's documents to the one `order` prefers; its cluster_size sums theirs."""

    def __init__(self, order: Callable[[Document], tuple]) -> None:
        self.order = order

    def create_accumulator(self) -> Document | None:
        return None

    def add_input(self, kept: Document | None, document: Document) -> Document:
        return document if kept is None else merge_copies(kept, document, self.order)

    def merge_accumulators(self, accumulators) -> Document | None:
        kept = None
        for accumulator in accumulators:
            if accumulator is not None:
                kept = self.add_input(kept, accumulator)
        return kept

    def extract_output(self, kept: Document | None) -> Document | None:
        return kept


class DeduplicateBy(beam.PTransform):
    """Documents -> one document per `key(document)` ("" keys are left alone)."""

    def __init__(self, key: Callable[[Document], str], order: Callable[[Document], tuple]):
        super().__init__()
        self.key = key
        self.order = order

    def expand(self, documents: beam.PCollection) -> beam.PCollection:
        key = self.key
        keyed = documents | "Key" >> beam.Map(lambda d: (key(d), d))
        unkeyed = keyed | "NoKey" >> beam.Filter(lambda kv: not kv[0]) | "Unkeyed" >> beam.Values()
        kept = (
            keyed
            | "HasKey" >> beam.Filter(lambda kv: bool(kv[0]))
            | "KeepOne" >> beam.CombinePerKey(KeepOneCopy(self.order))
            | "Kept" >> beam.Values()
        )
        return (kept, unkeyed) | "All" >> beam.Flatten()
