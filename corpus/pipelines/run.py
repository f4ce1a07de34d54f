"""Assembles the configured stages into Beam pipelines and runs them.

Each stage reads the previous stage's output (the run's inputs for the first) and writes
its own directory under the run's output: `OUTPUT/extract/`, `OUTPUT/filter/`, ...
Every stage directory holds `documents-*.parquet` and `stats.json`, and `dead_letters/`
where the stage can meet input it cannot process.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from operator import itemgetter

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.config import ConfigError, RunConfig
from corpus.dedup.signature_file import check_compatible
from corpus.pipelines.dead_letters import WriteDeadLetters
from corpus.pipelines.dedup import DeduplicateDocuments
from corpus.pipelines.dedup_files import DedupFiles
from corpus.pipelines.document_io import (
    ReadDocuments,
    WriteDocuments,
    documents_glob,
    input_files,
)
from corpus.pipelines.extract import ExtractDocuments
from corpus.pipelines.filter import FilterDocuments
from corpus.pipelines.paragraph_stats import STATS_PREFIX, STATS_SCHEMA, ParagraphStatisticsStage
from corpus.pipelines.runner import make_pipeline
from corpus.pipelines.sharded_write import ParquetFormat, WriteShards
from corpus.pipelines.stage_stats import STATS_FILE, WriteCounts, WriteStageStats
from corpus.pipelines.tokenize import TokenizeDocuments, TrainTokenizer
from corpus.schema import Document

REMOVED_DIR = "removed"


def check_inputs(patterns: list[str]) -> None:
    """Every input pattern must match at least one file, before any work starts."""
    for pattern, result in zip(patterns, FileSystems.match(patterns), strict=True):
        if not result.metadata_list:
            raise ConfigError(f"inputs: {pattern!r} matches no file")


def prepare_output(directory: str, overwrite: bool) -> None:
    """Refuse to mix two runs' results in one directory unless asked to overwrite."""
    if not FileSystems.exists(directory):
        return
    previous = FileSystems.match([posixpath.join(directory, "**")])[0].metadata_list
    if not previous:
        return
    if not overwrite:
        raise ConfigError(
            f"output: {directory} already holds results; pass --overwrite to replace them"
        )
    FileSystems.delete([m.path for m in previous])


def removal_partition(document: Document) -> str:
    return f"reason={document.removed_by}"


def build_extract(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    extracted = pipeline | "Extract" >> ExtractDocuments(inputs, config.extract)
    documents_per_shard = config.parquet.documents_per_shard
    _ = extracted.documents | "WriteDocuments" >> WriteDocuments(out, documents_per_shard)
    _ = extracted.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    _ = extracted.tallies | "WriteStats" >> WriteStageStats(out)


def build_paragraph_stats(
    pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str
) -> None:
    earlier = config.paragraph_stats.previous
    if earlier and not input_files(earlier):
        raise ConfigError(f"paragraph_stats.previous: {earlier} matches no file")
    stage = ParagraphStatisticsStage(input_files(inputs), out, earlier)
    _, rows, counts = pipeline | "ParagraphStatistics" >> stage
    _ = rows | "WriteStatistics" >> WriteShards(
        posixpath.join(out, STATS_PREFIX),
        STATS_PREFIX,
        ParquetFormat(STATS_SCHEMA, dict),
        itemgetter("key"),
        config.paragraph_stats.rows_per_shard,
    )
    _ = counts | "WriteStats" >> WriteCounts(out)


def build_filter(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    documents = pipeline | "Read" >> ReadDocuments(inputs)
    filtered = documents | "Filter" >> FilterDocuments(config.filter.chain, config.filter.debug)
    documents_per_shard = config.parquet.documents_per_shard
    _ = filtered.documents | "WriteDocuments" >> WriteDocuments(out, documents_per_shard)
    _ = filtered.removed | "WriteRemoved" >> WriteDocuments(
        posixpath.join(out, REMOVED_DIR), documents_per_shard, removal_partition
    )
    _ = filtered.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    _ = filtered.tallies | "WriteStats" >> WriteStageStats(out)


def build_dedup(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    previous = input_files(config.dedup.previous)
    if config.dedup.previous and not previous:
        raise ConfigError(f"dedup.previous: {config.dedup.previous} matches no file")
    if config.dedup.minhash.enabled:
        check_compatible(previous, config.dedup.minhash)
    files = DedupFiles(input_files(inputs), previous, out)
    _, counts = pipeline | "Deduplicate" >> DeduplicateDocuments(files, config.dedup)
    _ = counts | "WriteStats" >> WriteCounts(out)


def build_tokenize(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    documents = pipeline | "Read" >> ReadDocuments(inputs)
    provenance = config.model_dump(mode="json")
    counts = documents | "Tokenize" >> TokenizeDocuments(config.tokenize, out, provenance)
    _ = counts | "WriteStats" >> WriteCounts(out)


StageBuilder = Callable[[beam.Pipeline, list[str], RunConfig, str], None]
STAGE_BUILDERS: dict[str, StageBuilder] = {
    "extract": build_extract,
    "paragraph_stats": build_paragraph_stats,
    "filter": build_filter,
    "dedup": build_dedup,
    "tokenize": build_tokenize,
}


def read_stats(directory: str) -> dict:
    with FileSystems.open(posixpath.join(directory, STATS_FILE)) as handle:
        return json.loads(handle.read())


def run_stage(
    stage: str,
    inputs: list[str],
    directory: str,
    config: RunConfig,
    beam_args: list[str],
    overwrite: bool,
) -> dict:
    """Runs one stage on `inputs` (WARC globs, or the previous stage's Parquet glob)."""
    check_inputs(inputs)
    prepare_output(directory, overwrite)
    pipeline = make_pipeline(beam_args)
    STAGE_BUILDERS[stage](pipeline, inputs, config, directory)
    pipeline.run().wait_until_finish()
    return read_stats(directory)


def run(config: RunConfig, beam_args: list[str], overwrite: bool) -> dict[str, dict]:
    """Runs every configured stage in order; returns each stage's statistics by name."""
    stats = {}
    inputs = config.inputs
    for stage in config.stages:
        directory = posixpath.join(config.output, stage)
        stats[stage] = run_stage(stage, inputs, directory, config, beam_args, overwrite)
        inputs = [documents_glob(directory)]
        if not FileSystems.match(inputs)[0].metadata_list:
            break  # nothing kept: the later stages would have no input
    return stats


def run_train_tokenizer(
    inputs: list[str], model_path: str, config: RunConfig, beam_args: list[str], overwrite: bool
) -> None:
    """Trains a SentencePiece model (`config.tokenize.train`) on documents Parquet files."""
    check_inputs(inputs)
    if FileSystems.exists(model_path) and not overwrite:
        raise ConfigError(f"output: {model_path} exists; pass --overwrite to replace it")
    pipeline = make_pipeline(beam_args)
    _ = (
        pipeline
        | "Read" >> ReadDocuments(inputs)
        | "TrainTokenizer" >> TrainTokenizer(config.tokenize.train, model_path)
    )
    pipeline.run().wait_until_finish()
