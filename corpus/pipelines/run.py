"""Assembles the configured stages into Beam pipelines and runs them.

Each stage reads the previous stage's output (the run's inputs for the first) and writes
its own directory under the run's output: `OUTPUT/extract/`, `OUTPUT/filter/`, ...
Every stage directory holds `documents-*.parquet` and `stats.json`, and `dead_letters/`
where the stage can meet input it cannot process.

With named sources, in order: each source's document stages (a reader source first
`read`s its files into documents) under `OUTPUT/SOURCE/STAGE/`; the shared tokenizer,
trained on a sample of every source when none is configured (`OUTPUT/tokenizer/`); each
source's `tokenize`; then the blend (`OUTPUT/blend/`) from every source's token shards.
"""

from __future__ import annotations

import json
import posixpath
import time
from collections.abc import Callable
from operator import itemgetter

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.config import WARC_READER, ConfigError, RunConfig, SourceConfig
from corpus.dedup.signature_file import check_compatible
from corpus.pipelines.blend import WriteBlend
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
from corpus.pipelines.sources import ReadSource
from corpus.pipelines.stage_stats import STATS_FILE, WriteCounts, WriteStageStats
from corpus.pipelines.tokenize import MODEL_FILE, TokenizeDocuments, TrainTokenizer
from corpus.report.progress import stage_finished
from corpus.schema import Document
from corpus.tokenize.manifest import MANIFEST_FILE, TokenizerRecord
from corpus.tokenize.token_shards import TOKENS_PREFIX

REMOVED_DIR = "removed"
READ_STAGE = "read"
"""The first step of a reader source: its files -> documents."""
TOKENIZER_DIR = "tokenizer"
BLEND_DIR = "blend"


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


def build_read(
    pipeline: beam.Pipeline, name: str, source: SourceConfig, config: RunConfig, out: str
) -> None:
    """A reader source's files -> documents, written as the extraction stage writes them."""
    read = pipeline | "ReadSource" >> ReadSource(
        source.reader, source.inputs, source.reader_options(name)
    )
    documents_per_shard = config.parquet.documents_per_shard
    _ = read.documents | "WriteDocuments" >> WriteDocuments(out, documents_per_shard)
    _ = read.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    _ = read.tallies | "WriteStats" >> WriteStageStats(out)


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
    build = STAGE_BUILDERS[stage]
    return run_pipeline(
        inputs, directory, beam_args, overwrite, lambda p: build(p, inputs, config, directory)
    )


def run_pipeline(
    inputs: list[str],
    directory: str,
    beam_args: list[str],
    overwrite: bool,
    build: Callable[[beam.Pipeline], object],
) -> dict:
    """Checks `inputs`, clears `directory`, runs the pipeline `build` makes and returns the
    `stats.json` it writes there."""
    check_inputs(inputs)
    prepare_output(directory, overwrite)
    pipeline = make_pipeline(beam_args)
    build(pipeline)
    started = time.monotonic()
    pipeline.run().wait_until_finish()
    stats = read_stats(directory)
    stage_finished(directory, stats, time.monotonic() - started)
    return stats


def run_stages(
    stages: list[str],
    inputs: list[str],
    output: str,
    config: RunConfig,
    beam_args: list[str],
    overwrite: bool,
) -> tuple[dict[str, dict], list[str] | None]:
    """Runs `stages` in order under `output`: each stage's statistics by name, and the
    last stage's documents (None when a stage kept nothing, which ends the run early)."""
    stats = {}
    for stage in stages:
        directory = posixpath.join(output, stage)
        stats[stage] = run_stage(stage, inputs, directory, config, beam_args, overwrite)
        inputs = documents_of(directory)
        if inputs is None:
            break  # nothing kept: the later stages would have no input
    return stats, inputs


def documents_of(directory: str) -> list[str] | None:
    """The glob of a stage's documents, or None when it wrote none."""
    pattern = documents_glob(directory)
    return [pattern] if FileSystems.match([pattern])[0].metadata_list else None


def run(config: RunConfig, beam_args: list[str], overwrite: bool) -> dict[str, dict]:
    """Runs every configured stage in order (per source, then the blend, with `sources`);
    returns each stage's statistics by name (`SOURCE/STAGE` with `sources`)."""
    if config.sources is None:
        stats, _ = run_stages(
            config.stages, config.inputs, config.output, config, beam_args, overwrite
        )
    else:
        stats = run_sources(config, beam_args, overwrite)
    # Imported here: the report imports this module, and only a whole run needs matplotlib.
    from corpus.report.write import write_report

    write_report(config.output)
    return stats


def run_sources(config: RunConfig, beam_args: list[str], overwrite: bool) -> dict[str, dict]:
    """Every source's document stages, the shared tokenizer, every source's tokenize stage
    and the blend, in that order."""
    stats = {}
    to_tokenize: dict[str, tuple[list[str], RunConfig]] = {}
    for name, source in config.sources.items():
        output = posixpath.join(config.output, name)
        source_config = config.model_copy(update={"filter": source.filter or config.filter})
        inputs = source.inputs
        if source.reader != WARC_READER:
            directory = posixpath.join(output, READ_STAGE)
            stats[f"{name}/{READ_STAGE}"] = run_pipeline(
                inputs,
                directory,
                beam_args,
                overwrite,
                lambda p, n=name, s=source, d=directory: build_read(p, n, s, config, d),
            )
            inputs = documents_of(directory)
        document_stages = [stage for stage in source.stages if stage != "tokenize"]
        if inputs is not None:
            source_stats, inputs = run_stages(
                document_stages, inputs, output, source_config, beam_args, overwrite
            )
            stats.update({f"{name}/{stage}": s for stage, s in source_stats.items()})
        if inputs is not None and "tokenize" in source.stages:
            to_tokenize[name] = (inputs, source_config)
    tokenize = config.tokenize
    if to_tokenize and tokenize.model is None:
        model = posixpath.join(config.output, TOKENIZER_DIR, MODEL_FILE)
        documents = [pattern for inputs, _ in to_tokenize.values() for pattern in inputs]
        run_train_tokenizer(documents, model, config, beam_args, overwrite)
        tokenize = tokenize.model_copy(update={"model": model})
    for name, (inputs, source_config) in to_tokenize.items():
        directory = posixpath.join(config.output, name, "tokenize")
        tokenize_config = source_config.model_copy(update={"tokenize": tokenize})
        stats[f"{name}/tokenize"] = run_stage(
            "tokenize", inputs, directory, tokenize_config, beam_args, overwrite
        )
    if config.blend is not None:
        stats[BLEND_DIR] = run_blend(config, beam_args, overwrite)
    return stats


def shared_tokenizer(directories: list[str]) -> TokenizerRecord:
    """The tokenizer every tokenize directory's manifest names; they must agree."""
    records = set()
    for directory in directories:
        with FileSystems.open(posixpath.join(directory, MANIFEST_FILE)) as handle:
            records.add(TokenizerRecord(**json.loads(handle.read())["tokenizer"]))
    if len({record.sha256 for record in records}) != 1:
        raise ConfigError(f"blend: the sources were tokenized with different models: {records}")
    return min(records, key=lambda record: record.model)


def run_blend(config: RunConfig, beam_args: list[str], overwrite: bool) -> dict:
    """Every source's Parquet token shards -> the blend under OUTPUT/blend/."""
    token_files = []
    tokenized = []
    for name in config.sources:
        directory = posixpath.join(config.output, name, "tokenize")
        files = input_files([posixpath.join(directory, f"{TOKENS_PREFIX}-*.parquet")])
        token_files += [(name, path) for path in files]
        if files:
            tokenized.append(directory)
    if not token_files:
        raise ConfigError("blend: no source has any token left to blend")
    tokenize = config.tokenize
    write = WriteBlend(
        config.blend_file(),
        token_files,
        posixpath.join(config.output, BLEND_DIR),
        shared_tokenizer(tokenized),
        tokenize.tokens_per_shard,
        tokenize.order,
        tokenize.seed,
        config.model_dump(mode="json"),
    )
    directory = posixpath.join(config.output, BLEND_DIR)
    return run_pipeline(
        [path for _, path in token_files],
        directory,
        beam_args,
        overwrite,
        lambda p: p | "Blend" >> write | "WriteStats" >> WriteCounts(directory),
    )


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
