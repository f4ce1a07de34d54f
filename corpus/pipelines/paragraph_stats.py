"""Uzushio's paragraph statistics in Beam: how often each paragraph, and its group of
near-duplicates, occurs in the corpus.

    (paragraph text, count) pairs
      -> one row per distinct paragraph, counts summed by a combiner: exact_freq
      -> its 128-bit SimHash
      -> candidate buckets: sorted neighbourhoods in ten orders, ranges cut at split
         points taken from a sample (corpus/dedup/near_duplicates.py)
      -> near-duplicate pairs inside each bucket -> connected components: the groups
      -> near_freq = the summed exact_freq of the group (the paragraph's own without one)

The statistics are one Parquet row per distinct paragraph: `key` (a hash of the text),
`text`, `exact_freq`, `near_freq`, `group` (the group's smallest key, or its own). They
merge across runs (dumps) by feeding every run's (text, exact_freq) back through the same
transform: frequencies add up and groups are recomputed over the union, which joins them
transitively ((A,B,C) + (B,C,D) + (D,E,F) is one group), so merging equals one run over
all inputs.

Nothing gathers on one worker: counting is a combiner, a bucket holds about
distinct paragraphs / ranges members and each is compared with at most WINDOW others,
and the groups come from the distributed connected components.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import apache_beam as beam
import pyarrow as pa

from corpus.dedup.near_duplicates import bucket_pairs, candidate_keys, paragraph_key, range_splits
from corpus.dedup.simhash import simhash128
from corpus.pipelines.connected_components import ConnectedComponents
from corpus.schema import Document, document_key

STATS_PREFIX = "paragraph_stats"
STATS_SCHEMA = pa.schema(
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("exact_freq", pa.int64(), nullable=False),
        pa.field("near_freq", pa.int64(), nullable=False),
        pa.field("group", pa.string(), nullable=False),
    ]
)
SAMPLE_SIZE = 10_000
"""Distinct paragraphs sampled for the range split points."""
BUCKET_MEMBERS = 50_000
"""About this many distinct paragraphs per candidate bucket: bounds a worker's memory."""


def stats_key(text: str) -> str:
    """A distinct paragraph's key in the statistics: its paragraph_key, hex."""
    return paragraph_key(text).hex()


def live_paragraph_counts(document: Document) -> Iterable[tuple[str, int]]:
    return [(p.text, 1) for p in document.live_paragraphs]


def _sum_counts(values: Iterable[tuple[str, int]]) -> tuple[str, int]:
    """(text, count) pairs of one key (one text) -> (the text, the summed count)."""
    pairs = list(values)
    return pairs[0][0], sum(count for _, count in pairs)


def _signature_bytes(signature: int) -> bytes:
    # Beam's integer coder stops at 64 bits: the 128-bit signature travels as bytes.
    return signature.to_bytes(16, "little")


def _candidates(row: tuple, splits) -> Iterable[tuple[tuple[int, int], tuple[str, str, bytes]]]:
    key, text, _, signature = row
    member = (key, text, _signature_bytes(signature))
    return [(bucket, member) for bucket in candidate_keys(text, signature, splits)]


def _pairs(bucket: tuple[int, int], members: Iterable[tuple[str, str, bytes]]):
    decoded = [(key, text, int.from_bytes(sig, "little")) for key, text, sig in members]
    return bucket_pairs(bucket, decoded)


def _by_group(element: tuple[str, dict]) -> Iterable[tuple[str, tuple[str, str, int]]]:
    key, grouped = element
    group = next(iter(grouped["group"]), key)
    for text, exact in grouped["row"]:
        yield group, (key, text, exact)


def _stats_rows(element: tuple[str, dict]) -> Iterable[dict]:
    group, grouped = element
    (near,) = grouped["near"]
    for key, text, exact in grouped["members"]:
        yield {"key": key, "text": text, "exact_freq": exact, "near_freq": near, "group": group}


class ParagraphStatistics(beam.PTransform):
    """(paragraph text, count) pairs -> one statistics row (a dict, STATS_SCHEMA) per
    distinct paragraph."""

    def expand(self, counts: beam.PCollection) -> beam.PCollection:
        distinct = (
            counts
            | "KeyByText" >> beam.Map(lambda tc: (stats_key(tc[0]), tc))
            | "ExactFreq" >> beam.CombinePerKey(_sum_counts)
        )
        signed = distinct | "SimHash" >> beam.MapTuple(
            lambda key, tc: (key, tc[0], tc[1], simhash128(tc[0]))
        )
        number = beam.pvalue.AsSingleton(signed | "Distinct" >> beam.combiners.Count.Globally())
        splits = beam.pvalue.AsSingleton(
            signed
            | "ForSample" >> beam.Map(lambda row: (row[1], row[3]))
            | "Sample" >> beam.combiners.Sample.FixedSizeGlobally(SAMPLE_SIZE)
            | "Splits"
            >> beam.Map(lambda s, n: range_splits(s, max(1, math.ceil(n / BUCKET_MEMBERS))), number)
        )
        groups = (
            signed
            | "Candidates" >> beam.FlatMap(_candidates, splits)
            | "Buckets" >> beam.GroupByKey()
            | "Pairs" >> beam.FlatMapTuple(_pairs)
            | "DistinctPairs" >> beam.Distinct()
            | "Groups" >> ConnectedComponents()
        )
        rows = signed | "Rows" >> beam.MapTuple(lambda key, text, exact, _: (key, (text, exact)))
        members = (
            {"row": rows, "group": groups}
            | "JoinGroups" >> beam.CoGroupByKey()
            | "ByGroup" >> beam.FlatMap(_by_group)
        )
        near = (
            members
            | "GroupExact" >> beam.MapTuple(lambda group, member: (group, member[2]))
            | "NearFreq" >> beam.CombinePerKey(sum)
        )
        return (
            {"members": members, "near": near}
            | "JoinNearFreq" >> beam.CoGroupByKey()
            | "StatsRows" >> beam.FlatMap(_stats_rows)
        )


def _paragraph_refs(keyed: tuple[str, Document]) -> Iterable[tuple[str, tuple[str, int]]]:
    doc, document = keyed
    return [(stats_key(p.text), (doc, i)) for i, p in enumerate(document.paragraphs) if p.live]


def _frequencies_by_document(element: tuple[str, dict]) -> Iterable[tuple[str, tuple]]:
    _, grouped = element
    for exact, near in grouped["freq"]:
        for doc, index in grouped["ref"]:
            yield doc, (index, exact, near)


def _with_frequencies(element: tuple[str, dict]) -> Iterable[Document]:
    _, grouped = element
    frequencies = {index: (exact, near) for index, exact, near in grouped["freqs"]}
    for document in grouped["document"]:
        paragraphs = list(document.paragraphs)
        for index, (exact, near) in frequencies.items():
            paragraphs[index] = dataclasses.replace(
                paragraphs[index], exact_freq=exact, near_freq=near
            )
        yield dataclasses.replace(document, paragraphs=paragraphs)


class AttachParagraphStatistics(beam.PTransform):
    """Documents -> the same documents, each live paragraph carrying its exact_freq and
    near_freq from `statistics` (rows of ParagraphStatistics)."""

    def __init__(self, statistics: beam.PCollection) -> None:
        super().__init__()
        self.statistics = statistics

    def expand(self, documents: beam.PCollection) -> beam.PCollection:
        keyed = documents | "KeyDocuments" >> beam.Map(lambda d: (document_key(d), d))
        refs = keyed | "ParagraphRefs" >> beam.FlatMap(_paragraph_refs)
        frequencies = self.statistics | "Frequencies" >> beam.Map(
            lambda row: (row["key"], (row["exact_freq"], row["near_freq"]))
        )
        per_document = (
            {"ref": refs, "freq": frequencies}
            | "JoinParagraphs" >> beam.CoGroupByKey()
            | "ByDocument" >> beam.FlatMap(_frequencies_by_document)
        )
        return (
            {"document": keyed, "freqs": per_document}
            | "JoinDocuments" >> beam.CoGroupByKey()
            | "Attach" >> beam.FlatMap(_with_frequencies)
        )
