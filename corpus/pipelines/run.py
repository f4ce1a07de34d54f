"""Assembles the configured stages into one Beam pipeline and runs it.

Each stage reads the previous stage's output (or the run's inputs) and writes its own
directory under the run's output: `OUTPUT/extract/`, ...
"""

from __future__ import annotations

import json
import posixpath

from apache_beam.io.filesystems import FileSystems

from corpus.config import ConfigError, RunConfig
from corpus.pipelines.extract import ExtractDocuments
from corpus.pipelines.runner import make_pipeline
from corpus.pipelines.sharded_write import JsonLinesFormat, ParquetFormat, WriteShards
from corpus.pipelines.stage_stats import STATS_FILE, WriteStageStats
from corpus.schema import DOCUMENT_SCHEMA, Document

DEAD_LETTERS_DIR = "dead_letters"
DEAD_LETTERS_PER_SHARD = 100_000


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


def document_key(document: Document) -> str:
    return f"{document.id}\0{document.warc_file}\0{document.warc_offset:020d}"


def dead_letter_key(letter: dict) -> str:
    return f"{letter['file']}\0{letter['offset']:020d}\0{letter['reason']}\0{letter['error']}"


def build_extract(pipeline, inputs: list[str], config: RunConfig, directory: str) -> None:
    extracted = pipeline | "Extract" >> ExtractDocuments(inputs, config.extract)
    _ = extracted.documents | "WriteDocuments" >> WriteShards(
        directory,
        "documents",
        ParquetFormat(DOCUMENT_SCHEMA, Document.to_row),
        document_key,
        config.parquet.documents_per_shard,
    )
    _ = extracted.dead_letters | "WriteDeadLetters" >> WriteShards(
        posixpath.join(directory, DEAD_LETTERS_DIR),
        "dead_letters",
        JsonLinesFormat(),
        dead_letter_key,
        DEAD_LETTERS_PER_SHARD,
    )
    _ = extracted.tallies | "WriteStats" >> WriteStageStats(directory)


def read_stats(directory: str) -> dict:
    with FileSystems.open(posixpath.join(directory, STATS_FILE)) as handle:
        return json.loads(handle.read())


def run_extract(
    inputs: list[str], directory: str, config: RunConfig, beam_args: list[str], overwrite: bool
) -> dict:
    """Runs the extraction stage alone; returns its statistics."""
    check_inputs(inputs)
    prepare_output(directory, overwrite)
    pipeline = make_pipeline(beam_args)
    build_extract(pipeline, inputs, config, directory)
    pipeline.run().wait_until_finish()
    return read_stats(directory)


def run(config: RunConfig, beam_args: list[str], overwrite: bool) -> dict[str, dict]:
    """Runs every configured stage; returns each stage's statistics by stage name."""
    stats = {}
    for stage in config.stages:
        directory = posixpath.join(config.output, stage)
        if stage == "extract":
            stats[stage] = run_extract(config.inputs, directory, config, beam_args, overwrite)
    return stats
