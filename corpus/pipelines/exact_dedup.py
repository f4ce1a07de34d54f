"""Exact deduplication in Beam: one fingerprint per key, chosen pairwise by a combiner.

A combiner merges copies where they are (on each worker, before the shuffle), so a text
copied a million times never gathers its copies on one worker: only one fingerprint per
key and worker crosses the network.
"""

from __future__ import annotations

from collections.abc import Callable

import apache_beam as beam

from corpus.dedup.fingerprint import Fingerprint, Order, merge_copies


class KeepOneCopy(beam.CombineFn):
    """Reduces a key's fingerprints to the one `order` prefers; its cluster_size sums theirs."""

    def __init__(self, order: Order) -> None:
        self.order = order

    def create_accumulator(self) -> Fingerprint | None:
        return None

    def add_input(self, kept: Fingerprint | None, fingerprint: Fingerprint) -> Fingerprint:
        return fingerprint if kept is None else merge_copies(kept, fingerprint, self.order)

    def merge_accumulators(self, accumulators) -> Fingerprint | None:
        kept = None
        for accumulator in accumulators:
            if accumulator is not None:
                kept = self.add_input(kept, accumulator)
        return kept

    def extract_output(self, kept: Fingerprint | None) -> Fingerprint | None:
        return kept


class DeduplicateBy(beam.PTransform):
    """Fingerprints -> one fingerprint per `key(fingerprint)` ("" keys are left alone)."""

    def __init__(self, key: Callable[[Fingerprint], str], order: Order) -> None:
        super().__init__()
        self.key = key
        self.order = order

    def expand(self, fingerprints: beam.PCollection) -> beam.PCollection:
        key = self.key
        keyed = fingerprints | "Key" >> beam.Map(lambda f: (key(f), f))
        unkeyed = keyed | "NoKey" >> beam.Filter(lambda kv: not kv[0]) | "Unkeyed" >> beam.Values()
        kept = (
            keyed
            | "HasKey" >> beam.Filter(lambda kv: bool(kv[0]))
            | "KeepOne" >> beam.CombinePerKey(KeepOneCopy(self.order))
            | "Kept" >> beam.Values()
        )
        return (kept, unkeyed) | "All" >> beam.Flatten()
