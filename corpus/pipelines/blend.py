"""The blend in Beam: which documents each source contributes, and how many times.

Input: (source, document id, tokens) records, one per processed document (tokens as the
shards will hold them). Output: the selected (source, document id, repeat index) copies,
and the `BlendSelection` (plans, cuts, achieved tokens) the report is written from.

The steps are corpus/blend/selection.py's, distributed: a token histogram per source over
hash buckets (a combiner: it also gives each source's available tokens, hence its plan),
a second histogram inside the bucket that holds the cut, then only the documents in the
narrowed hash range (about n / 2**32 of a source of n) gathered to place the cut, and one
pass that decides each document alone against its source's cut. No step gathers a
source's documents; what crosses to one worker is histograms and per-source plans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import apache_beam as beam
from apache_beam.pvalue import AsDict

from corpus.blend.blend_file import BlendFile
from corpus.blend.plan import SourcePlan, plan_source
from corpus.blend.selection import (
    FULL_RANGE,
    NARROWINGS,
    Boundary,
    HashedDocument,
    Histogram,
    SourceSelection,
    assemble,
    cut_selection,
    document_hash,
    first_boundary,
)

Keyed = tuple[str, HashedDocument]
Planned = tuple[SourcePlan, Boundary | None]


def _hash(record: tuple[str, str, int], seed: int) -> Keyed:
    source, document_id, tokens = record
    return source, (document_hash(seed, document_id), document_id, tokens)


def _in_boundary(element: Keyed, boundaries: Mapping[str, Boundary]) -> bool:
    source, (hashed, _, _) = element
    return source in boundaries and hashed in boundaries[source].range


def _bucket_counts(
    element: Keyed, boundaries: Mapping[str, Boundary] | None = None
) -> Iterable[tuple[tuple[str, int], tuple[int, int]]]:
    """((source, bucket), (tokens, 1)) for a document in its source's range."""
    source, (hashed, _, tokens) = element
    if boundaries is None:
        yield (source, FULL_RANGE.bucket(hashed)), (tokens, 1)
    elif _in_boundary(element, boundaries):
        yield (source, boundaries[source].range.bucket(hashed)), (tokens, 1)


def _plan(element: tuple[str, Histogram], blend: BlendFile) -> tuple[str, Planned]:
    """A source's plan from its full-range histogram, and the bucket that holds its cut."""
    source, counts = element
    tokens = sum(t for t, _ in counts.values())
    documents = sum(d for _, d in counts.values())
    plan = plan_source(blend, source, tokens, documents)
    boundary = first_boundary(plan)
    return source, (plan, boundary and boundary.narrow(counts))


def _narrow(
    element: tuple[str, Histogram], boundaries: Mapping[str, Boundary]
) -> tuple[str, Boundary]:
    source, counts = element
    return source, boundaries[source].narrow(counts)


def _cut(
    element: tuple[str, Iterable[HashedDocument]],
    planned: Mapping[str, Planned],
    boundaries: Mapping[str, Boundary],
) -> tuple[str, SourceSelection]:
    source, documents = element
    return source, cut_selection(planned[source][0], boundaries[source], documents)


def _copies(
    element: Keyed, selections: Mapping[str, SourceSelection]
) -> Iterable[tuple[str, str, int]]:
    source, (hashed, document_id, _) = element
    for repeat in selections[source].copies(hashed, document_id):
        yield source, document_id, repeat


class _Histograms(beam.PTransform):
    """Keyed documents -> (source, {bucket: (tokens, documents)}) over each source's
    boundary range (the full hash range without `boundaries`)."""

    def __init__(self, boundaries: AsDict | None = None) -> None:
        super().__init__()
        self.boundaries = boundaries

    def expand(self, keyed: beam.PCollection) -> beam.PCollection:
        side_inputs = [] if self.boundaries is None else [self.boundaries]
        return (
            keyed
            | "Bucket" >> beam.FlatMap(_bucket_counts, *side_inputs)
            | "Sum" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum))
            | "BySource" >> beam.MapTuple(lambda key, counts: (key[0], (key[1], counts)))
            | "Gather" >> beam.GroupByKey()
            | "ToDict" >> beam.MapTuple(lambda source, items: (source, dict(items)))
        )


class Blended(NamedTuple):
    selected: beam.PCollection
    """(source, document id, repeat index), one per copy to write."""
    selection: beam.PCollection
    """One `BlendSelection`."""


class SelectBlend(beam.PTransform):
    """(source, document id, tokens) -> the blend's copies and its `BlendSelection`.

    Document ids must be unique within a source (`corpus.schema.document_key` is)."""

    def __init__(self, blend: BlendFile) -> None:
        super().__init__()
        self.blend = blend

    def expand(self, records: beam.PCollection) -> Blended:
        blend = self.blend
        keyed = records | "Hash" >> beam.Map(_hash, blend.seed)
        planned = keyed | "Histogram0" >> _Histograms() | "Plan" >> beam.Map(_plan, blend)
        boundaries = (
            planned
            | "Partial" >> beam.Filter(lambda element: element[1][1] is not None)
            | "Boundary0" >> beam.Map(lambda element: (element[0], element[1][1]))
        )
        for level in range(1, NARROWINGS):
            boundaries = (
                keyed
                | f"Histogram{level}" >> _Histograms(AsDict(boundaries))
                | f"Boundary{level}" >> beam.Map(_narrow, AsDict(boundaries))
            )
        cut = (
            keyed
            | "InRange" >> beam.Filter(_in_boundary, AsDict(boundaries))
            | "GatherRange" >> beam.GroupByKey()
            | "Cut" >> beam.Map(_cut, AsDict(planned), AsDict(boundaries))
        )
        whole = (
            planned
            | "NoPartial" >> beam.Filter(lambda element: element[1][1] is None)
            | "Whole" >> beam.Map(lambda element: (element[0], SourceSelection(element[1][0])))
        )
        selections = (whole, cut) | "Selections" >> beam.Flatten()
        selected = keyed | "Select" >> beam.FlatMap(_copies, AsDict(selections))
        selection = (
            selections
            | "Sources" >> beam.Values()
            | "All" >> beam.combiners.ToList()
            | "Assemble" >> beam.Map(lambda sources: assemble(blend, sources))
        )
        return Blended(selected, selection)
