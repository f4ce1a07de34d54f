"""Uzushio's paragraph statistics in Beam: on how many documents each paragraph, and its
group of near-duplicates, occurs in the corpus.

    (paragraph text, count) pairs
      -> one row per distinct paragraph, counts summed by a combiner: exact_freq
      -> its 128-bit SimHash
      -> candidate buckets: sorted neighbourhoods in ten orders, ranges cut at split
         points taken from a sample (corpus/paragraph_stats/near_duplicates.py)
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

The stage (`ParagraphStatisticsStage`, `paragraph_stats` in a run) reads each input file,
computes the statistics, writes them as `paragraph_stats.meta/paragraphs/paragraphs-*.parquet`, and
attaches every live paragraph's frequencies to its document: each file's distinct
paragraph keys are joined to the statistics, grouped by file, and each file is read again
and written with the frequencies, documents in input order. Documents never cross a
shuffle; paragraph texts do once (into the statistics) and their keys once per file, so a
paragraph on a million pages costs its join one value per input file, not per page (the
hot key is combined away before the grouping).
"""

from __future__ import annotations

import dataclasses
import math
import posixpath
from collections.abc import Iterable
from operator import itemgetter

import apache_beam as beam
import pyarrow as pa

from corpus.accounting import KEPT, OUTCOME
from corpus.errors import ConfigError
from corpus.io.reading import parquet_rows
from corpus.io.shards import ParquetFormat, shard_name
from corpus.layout import DOCUMENTS_PREFIX, PARAGRAPHS_DIR, PARAGRAPHS_PREFIX, side_path
from corpus.paragraph_stats.config import ParagraphStatsConfig
from corpus.paragraph_stats.near_duplicates import (
    bucket_pairs,
    candidate_keys,
    paragraph_key,
    range_splits,
)
from corpus.paragraph_stats.simhash import simhash128
from corpus.pipelines.connected_components import ConnectedComponents
from corpus.pipelines.document_io import (
    CountRecordsRead,
    input_files,
    read_document_file,
    rewrite_document_file,
)
from corpus.pipelines.sharded_write import WriteShards
from corpus.pipelines.stage import Stage, StageResult
from corpus.read_progress import counted
from corpus.schema import Document

STATS_SCHEMA = pa.schema(
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("exact_freq", pa.int64(), nullable=False),
        pa.field("near_freq", pa.int64(), nullable=False),
        pa.field("group", pa.string(), nullable=False),
    ]
)
REFS = "refs"
LIVE = "live"
SAMPLE_SIZE = 10_000
"""Distinct paragraphs sampled for the range split points."""
BUCKET_MEMBERS = 50_000
"""About this many distinct paragraphs per candidate bucket: bounds a worker's memory."""


def stats_key(text: str) -> str:
    """A distinct paragraph's key in the statistics: its paragraph_key, hex."""
    return paragraph_key(text).hex()


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


class _ReadParagraphs(beam.DoFn):
    """Input file index -> (text, 1) per document holding the live paragraph; on the `refs`
    output (key, file index) once per distinct live paragraph of the file; on the `live`
    output each document's number of live paragraphs."""

    def __init__(self, files: list[str]) -> None:
        self.files = files

    def process(self, index: int) -> Iterable:
        keys = set()
        for document in counted(read_document_file(self.files[index])):
            # Frequencies count pages: a page that repeats its own text (a mobile and a
            # desktop copy of the article in one HTML) does not make it a template.
            live = [paragraph.text for paragraph in document.paragraphs if paragraph.live]
            yield beam.pvalue.TaggedOutput(LIVE, len(live))
            for text in sorted(set(live)):
                yield text, 1
                keys.add(stats_key(text))
        # One reference per file, not per occurrence: a paragraph on millions of pages
        # joins its statistics row with at most one value per input file.
        for key in sorted(keys):
            yield beam.pvalue.TaggedOutput(REFS, (key, index))


def _frequencies_by_file(element: tuple[str, dict]) -> Iterable[tuple[int, tuple]]:
    key, grouped = element
    for exact, near in grouped["freq"]:
        for index in grouped["ref"]:
            yield index, (key, exact, near)


class _AttachToFile(beam.DoFn):
    """(input file index, its paragraphs' frequencies) -> the file's documents with their
    paragraphs' exact_freq and near_freq, written to the output file of the same index;
    on the `kept` output the `((outcome, kept), rows)` it wrote, from the file's footer."""

    def __init__(self, files: list[str], output: str) -> None:
        self.files = files
        self.output = output

    def process(self, element: tuple[int, Iterable[tuple | None]]) -> Iterable:
        index, frequencies = element
        found = {key: (exact, near) for key, exact, near in filter(None, frequencies)}
        name = shard_name(DOCUMENTS_PREFIX, index, len(self.files), "parquet")
        path = rewrite_document_file(
            self.files[index],
            posixpath.join(self.output, name),
            lambda _, document: self.attached(document, found),
        )
        yield path
        yield beam.pvalue.TaggedOutput(KEPT, ((OUTCOME, KEPT), parquet_rows([path])))

    @staticmethod
    def attached(document: Document, found: dict[str, tuple[int, int]]) -> Document:
        paragraphs = []
        for paragraph in document.paragraphs:
            if paragraph.live:
                exact, near = found[stats_key(paragraph.text)]
                paragraph = dataclasses.replace(paragraph, exact_freq=exact, near_freq=near)
            paragraphs.append(paragraph)
        return dataclasses.replace(document, paragraphs=paragraphs)


class ParagraphStatisticsStage(Stage):
    """The paragraph_stats stage: document files -> the same documents with every live
    paragraph's frequencies, and the statistics table in the side directory.

    Reads each input file, computes the statistics over its live paragraphs (plus the
    `(text, exact_freq)` pairs of `config.previous` statistics, to merge runs), and writes
    each input file again with every live paragraph's frequencies attached, documents in
    input order. Only paragraphs' texts and places cross a shuffle, never whole documents.
    Records read are the input files' rows and kept the output files' rows, both from the
    footers: every document read is written again. A file it cannot read stops the stage."""

    def __init__(self, inputs: list[str], config: ParagraphStatsConfig, directory: str) -> None:
        super().__init__(directory)
        if config.previous and not input_files(config.previous):
            raise ConfigError(f"paragraph_stats.previous: {config.previous} matches no file")
        self.files = input_files(inputs)
        self.earlier = config.previous
        self.rows_per_shard = config.rows_per_shard

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        indices = pbegin | "InputFiles" >> beam.Create(range(len(self.files)))
        read = (
            indices
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadParagraphs"
            >> beam.ParDo(_ReadParagraphs(self.files)).with_outputs(REFS, LIVE, main="counts")
        )
        earlier = (
            pbegin
            | "EarlierPatterns" >> beam.Create(self.earlier)
            | "ReadEarlier" >> beam.io.ReadAllFromParquet(columns=["text", "exact_freq"])
            | "EarlierCounts" >> beam.Map(lambda row: (row["text"], row["exact_freq"]))
        )
        rows = (read.counts, earlier) | "AllCounts" >> beam.Flatten() | ParagraphStatistics()
        frequencies = rows | "Frequencies" >> beam.Map(
            lambda row: (row["key"], (row["exact_freq"], row["near_freq"]))
        )
        per_file = (
            {"ref": read[REFS], "freq": frequencies}
            | "JoinParagraphs" >> beam.CoGroupByKey()
            | "ByFile" >> beam.FlatMap(_frequencies_by_file)
        )
        # Every input file is written, even one without a live paragraph.
        every_file = indices | "EveryFile" >> beam.Map(lambda index: (index, None))
        written = (
            (per_file, every_file)
            | "WithEveryFile" >> beam.Flatten()
            | "GroupByFile" >> beam.GroupByKey()
            | "AttachToFile"
            >> beam.ParDo(_AttachToFile(self.files, self.directory)).with_outputs(
                KEPT, main="paths"
            )
        )
        counts = (
            pbegin | "CountRead" >> CountRecordsRead(self.files),
            written[KEPT],
            read[LIVE] | "CountLive" >> beam.Map(lambda live: (("paragraphs", "live"), live)),
            rows | "CountDistinct" >> beam.Map(lambda _: (("paragraphs", "distinct"), 1)),
        ) | "Counts" >> beam.Flatten()
        table = rows | "WriteStatistics" >> WriteShards(
            side_path(self.directory, PARAGRAPHS_DIR),
            PARAGRAPHS_PREFIX,
            ParquetFormat(STATS_SCHEMA, dict),
            itemgetter("key"),
            self.rows_per_shard,
        )
        written = (written.paths, table) | "Written" >> beam.Flatten()
        return StageResult(written, self.no_dead_letters(pbegin), counts)
