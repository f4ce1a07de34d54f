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

Held-out splits (splits.py) are decided first, by the same hash, document by document:
the selection runs on the documents left to train on, and the held-out totals per source
and split (one more combiner) go into the `BlendSelection`.

`WriteBlend` runs it on the tokenize stage's Parquet token shards of every source and
writes the selected copies as Megatron shards, one directory per source (and the held-out
documents in one per held-out split and source), with the Megatron arguments and the
report.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

import apache_beam as beam
import numpy as np
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.pvalue import AsDict, AsList, AsSingleton

from corpus.blend.blend_file import BlendFile
from corpus.blend.megatron_args import held_out_weights
from corpus.blend.outputs import write_megatron_args, write_report
from corpus.blend.plan import SourcePlan, plan_source
from corpus.blend.selection import (
    FULL_RANGE,
    NARROWINGS,
    BlendSelection,
    Boundary,
    HashedDocument,
    Histogram,
    SourceSelection,
    assemble,
    cut_selection,
    document_hash,
    first_boundary,
)
from corpus.blend.splits import HELD_OUT, TRAIN, Splits
from corpus.io.shards import stable_shard
from corpus.layout import side_directory
from corpus.pipelines.document_io import CountRecordsRead
from corpus.pipelines.stage import Stage, StageResult
from corpus.pipelines.stage_stats import COUNTS
from corpus.read_progress import count_read
from corpus.tokenize.config import DocumentOrder
from corpus.tokenize.manifest import TokenizerRecord, write_manifest
from corpus.tokenize.token_shards import (
    ShardRecord,
    TokenizedDocument,
    megatron_prefix,
    order_key,
    write_token_shard,
)

Keyed = tuple[str, HashedDocument]
Planned = tuple[SourcePlan, Boundary | None]


def _hash(record: tuple[str, str, int], seed: int) -> Keyed:
    source, document_id, tokens = record
    return source, (document_hash(seed, document_id), document_id, tokens)


def _trains(element: Keyed, splits: Splits) -> bool:
    return splits.split(element[1][0]) == TRAIN


def _held_out_counts(
    element: Keyed, splits: Splits, in_blend: frozenset[str]
) -> Iterable[tuple[tuple[str, str], tuple[int, int]]]:
    """((source, split), (tokens, 1)) for a held-out document of a blend source."""
    source, (hashed, _, tokens) = element
    split = splits.split(hashed)
    if split != TRAIN and source in in_blend:
        yield (source, split), (tokens, 1)


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
        splits = Splits.of(blend)
        hashed = records | "Hash" >> beam.Map(_hash, blend.seed)
        keyed = hashed | "Train" >> beam.Filter(_trains, splits)
        in_blend = frozenset(source.name for source in blend.sources)
        held_out = (
            hashed
            | "HeldOut" >> beam.FlatMap(_held_out_counts, splits, in_blend)
            | "SumHeldOut" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum))
        )
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
            | "Assemble"
            >> beam.Map(lambda sources, held: assemble(blend, sources, held), AsList(held_out))
        )
        return Blended(selected, selection)


TokenFile = tuple[str, str]
"""(source name, path of one of its Parquet token shards)."""
TOKEN_BATCH_ROWS = 256


def _token_batches(path: str, columns: list[str]) -> Iterator:
    with FileSystems.open(path) as handle:
        yield from pq.ParquetFile(handle).iter_batches(TOKEN_BATCH_ROWS, columns=columns)


def _token_counts(token_file: TokenFile) -> Iterator[tuple[str, str, int]]:
    """(source, document id, tokens) of every document of one token shard."""
    source, path = token_file
    for batch in _token_batches(path, ["id", "num_tokens"]):
        count_read(batch.num_rows)
        for document_id, tokens in zip(*batch.to_pydict().values(), strict=True):
            yield source, document_id, tokens


def blend_shards(selection: BlendSelection, source: str, split: str, tokens_per_shard: int) -> int:
    """How many shards hold a source's selected copies (or its held-out documents)."""
    if split == TRAIN:
        tokens = selection.source(source).achieved_tokens
    else:
        tokens = selection.held_out_of(source, split)[0]
    return max(1, math.ceil(tokens / tokens_per_shard))


class _SelectedCopies(beam.DoFn):
    """One token shard -> (((source, split), blend shard), copy) for every copy the
    selection takes or holds out, and counts: documents kept (written to some split) or
    not, held-out documents and tokens by split, training tokens written."""

    def __init__(self, tokens_per_shard: int) -> None:
        self.tokens_per_shard = tokens_per_shard

    def process(self, token_file: TokenFile, selection: BlendSelection) -> Iterable:
        source, path = token_file
        shards: dict[str, int] = {}  # per split, counted once it has a copy
        file_name = posixpath.basename(path)
        row = 0
        for batch in _token_batches(path, ["id", "source", "input_ids"]):
            ids, sources, input_ids = batch.columns
            offsets = input_ids.offsets.to_numpy()
            values = input_ids.values.to_numpy()
            for index, (document_id, document_source) in enumerate(
                zip(ids.to_pylist(), sources.to_pylist(), strict=True)
            ):
                hashed = document_hash(selection.seed, document_id)
                split, copies = selection.split_copies(source, hashed, document_id)
                tokens = np.array(values[offsets[index] : offsets[index + 1]], np.int32)
                outcome = "kept" if copies else "not_selected"
                yield beam.pvalue.TaggedOutput(COUNTS, (("outcome", outcome), 1))
                if copies and split != TRAIN:
                    yield beam.pvalue.TaggedOutput(COUNTS, (("held_out", split), 1))
                    counted = (("held_out_tokens", split), tokens.size)
                    yield beam.pvalue.TaggedOutput(COUNTS, counted)
                if copies and split not in shards:
                    shards[split] = blend_shards(selection, source, split, self.tokens_per_shard)
                for repeat in copies:
                    # Unique even when two documents share an id: where it was, and the copy.
                    key = f"{document_id}\0{file_name}\0{row:012d}\0{repeat:06d}"
                    copy = TokenizedDocument(key, document_id, document_source, tokens)
                    yield ((source, split), stable_shard(key, shards[split])), copy
                    if split == TRAIN:
                        counted = (("tokens", "written"), tokens.size)
                        yield beam.pvalue.TaggedOutput(COUNTS, counted)
                row += 1


class _WriteBlendShard(beam.DoFn):
    def __init__(
        self, directory: str, tokens_per_shard: int, order: DocumentOrder, seed: int, dtype: str
    ) -> None:
        self.directory = directory
        self.tokens_per_shard = tokens_per_shard
        self.order = order
        self.seed = seed
        self.dtype = np.dtype(dtype)

    def process(
        self,
        element: tuple[tuple[tuple[str, str], int], Iterable[TokenizedDocument]],
        selection: BlendSelection,
    ) -> Iterator[tuple[tuple[str, str], ShardRecord]]:
        (key, index), copies = element
        ordered = sorted(copies, key=lambda d: order_key(d.key, self.order, self.seed))
        count = blend_shards(selection, *key, self.tokens_per_shard)
        directory = split_directory(self.directory, *key)
        yield key, write_token_shard(ordered, directory, index, count, self.dtype, "off")


def split_directory(directory: str, source: str, split: str) -> str:
    """Where a source's shards of `split` go: `DIRECTORY/SOURCE/` for training, and
    `DIRECTORY/valid/SOURCE/` or `DIRECTORY/test/SOURCE/` for a held-out split (so that a
    source's training directory holds its training shards only)."""
    if split == TRAIN:
        return posixpath.join(directory, source)
    return posixpath.join(directory, split, source)


def blend_prefix(directory: str, source: str, split: str, shard: ShardRecord, count: int) -> str:
    """The Megatron prefix of one of a source's blend shards (`DIRECTORY/SOURCE/tokens-...`,
    `DIRECTORY/valid/SOURCE/tokens-...`)."""
    return posixpath.join(
        split_directory(directory, source, split), megatron_prefix(shard.index, count)
    )


def _write_outputs(
    shards: list[tuple[tuple[str, str], ShardRecord]],
    selection: BlendSelection,
    directory: str,
    tokens_per_shard: int,
    tokenizer: TokenizerRecord,
    provenance: dict,
    paths: str,
) -> list[str]:
    """Each source's (and held-out split's) `manifest.json`, the Megatron arguments (one
    weighted prefix per shard, in the blend's order of sources) and the report; returns
    the paths of the Megatron arguments files.

    A training shard weighs its tokens. A held-out shard weighs its share of its source's
    held-out tokens times the source's training tokens, so that each split mixes the
    sources as training does (see `held_out_weights`)."""
    entries: dict[str, list] = {split: [] for split in (TRAIN, *HELD_OUT)}
    for chosen in selection.sources:
        source = chosen.plan.name
        for split in entries:
            key = (source, split)
            records = sorted((r for k, r in shards if k == key), key=lambda r: r.index)
            if not records:
                continue
            count = blend_shards(selection, source, split, tokens_per_shard)
            where = split_directory(directory, source, split)
            write_manifest(where, records, tokenizer, provenance)
            prefixes = [blend_prefix(directory, source, split, r, count) for r in records]
            if split == TRAIN:
                weights = [r.tokens for r in records]
            else:
                weights = held_out_weights(chosen.achieved_tokens, [r.tokens for r in records])
            entries[split] += [(w, p) for w, p in zip(weights, prefixes, strict=True) if w]
    held_out = {split: entries[split] or None for split in HELD_OUT}
    files = write_megatron_args(directory, entries[TRAIN], **held_out, paths=paths)
    write_report(side_directory(directory), selection)
    return files


class BlendStage(Stage):
    """The blend step: token shards of every source -> the blend under `directory`: the
    selected copies as Megatron shards in `SOURCE/` and the held-out documents in
    `valid/SOURCE/` and `test/SOURCE/` (sized by `tokens_per_shard`, ordered by `order` and
    `seed` as the tokenize stage orders them), each such directory's `manifest.json`,
    `data_path.txt` (and `valid_data_path.txt`, `test_data_path.txt`),
    `per_split_data_args.json` and the blend report. Its counts: its records are the token
    shards' documents, read (from the footers) = kept + not_selected, where kept counts the
    documents written to any split; `held_out` and `held_out_tokens` count those of each
    held-out split, `tokens.written` the training tokens (repeats included).

    `token_files` pairs each Parquet token shard with its source's name (the blend's);
    `tokenizer` is the one every source was tokenized with (it sets the Megatron dtype).
    """

    def __init__(
        self,
        blend: BlendFile,
        token_files: list[TokenFile],
        directory: str,
        tokenizer: TokenizerRecord,
        tokens_per_shard: int,
        order: DocumentOrder,
        seed: int,
        provenance: dict,
    ) -> None:
        super().__init__(directory)
        self.blend = blend
        self.token_files = sorted(token_files)
        self.tokenizer = tokenizer
        self.tokens_per_shard = tokens_per_shard
        self.order = order
        self.seed = seed
        self.provenance = provenance

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        per_shard, directory = self.tokens_per_shard, self.directory
        files = pbegin | "TokenFiles" >> beam.Create(self.token_files)
        blended = (
            files | "Counts" >> beam.FlatMap(_token_counts) | "Select" >> SelectBlend(self.blend)
        )
        selection = AsSingleton(blended.selection)
        copies = files | "Copies" >> beam.ParDo(_SelectedCopies(per_shard), selection).with_outputs(
            COUNTS, main="copies"
        )
        shard_writer = _WriteBlendShard(
            directory, per_shard, self.order, self.seed, self.tokenizer.megatron_dtype
        )
        shards = (
            copies.copies
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShard" >> beam.ParDo(shard_writer, selection)
        )
        tokenizer, provenance = self.tokenizer, self.provenance
        written = (
            shards
            | "Gather" >> beam.combiners.ToList()
            | "WriteOutputs"
            >> beam.FlatMap(
                _write_outputs,
                selection,
                directory,
                per_shard,
                tokenizer,
                provenance,
                self.blend.paths,
            )
        )
        paths = [path for _, path in self.token_files]
        read = pbegin | "CountRead" >> CountRecordsRead(paths)
        counts = (copies[COUNTS], read) | "AllCounts" >> beam.Flatten()
        return StageResult(written, self.no_dead_letters(pbegin), counts)
