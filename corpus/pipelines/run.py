"""Assembles the configured stages into Beam pipelines and runs them.

Each stage reads the previous stage's output (the run's inputs for the first) and writes
its own directory under the run's output: `OUTPUT/extract/`, `OUTPUT/filter/`, ... Every
stage directory holds its data only (`documents-*.parquet`), and its side directory
(`extract.meta/`, `corpus.layout`) the rest: `stats.json`, `dead_letters/`, ...

With named sources, in order: each source's document stages (a reader source first
`read`s its files into documents) under `OUTPUT/SOURCE/STAGE/`; the shared tokenizer,
trained on a sample of every source when none is configured (`OUTPUT/tokenizer/`); each
source's `tokenize`; then the blend (`OUTPUT/blend/`) from every source's token shards.

A run owns its output directory: it writes `OUTPUT/run.json` (its config and input files)
first, and `_SUCCESS` (with the step's wall time) into each step's side directory once
the step has succeeded. The same command run again on that directory (after a kill, say) keeps
every complete step, clears and redoes the others, and writes the report; another run's
results are refused unless asked to overwrite them, which removes only what a run wrote
(`output_ownership`). Every file is written under a temporary name and renamed, so a file
under its final name is always whole.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable
from operator import attrgetter, itemgetter

import apache_beam as beam
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.filesystems import FileSystems

from corpus.config import WARC_READER, RunConfig, SourceConfig
from corpus.dedup.signature_file import check_compatible
from corpus.errors import ConfigError
from corpus.interrupted import stop_if_interrupted
from corpus.io.reading import parquet_rows, read_json
from corpus.io.shards import ParquetFormat
from corpus.layout import (
    BLEND_DIR,
    COMPLETE_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    PARAGRAPHS_DIR,
    READ_STAGE,
    REMOVED_DIR,
    RUN_COMMAND,
    STATS_FILE,
    STATS_PREFIX,
    TOKENIZER_DIR,
    TOKENS_DIR,
    TOKENS_PREFIX,
    side_path,
)
from corpus.pipelines.blend import WriteBlend
from corpus.pipelines.dead_letters import WriteDeadLetters
from corpus.pipelines.dedup import DeduplicateDocuments
from corpus.pipelines.dedup_files import DedupFiles
from corpus.pipelines.document_io import (
    CountRecordsRead,
    ReadDocuments,
    WriteDocuments,
    documents_glob,
    input_files,
)
from corpus.pipelines.extract import ExtractDocuments
from corpus.pipelines.filter import FilterDocuments, filter_times, removal_partition
from corpus.pipelines.input_fingerprints import distinct_files, input_records
from corpus.pipelines.output_ownership import (
    claim_output,
    clear_step,
    mark_complete,
    prepare_output,
)
from corpus.pipelines.paragraph_stats import STATS_SCHEMA, ParagraphStatisticsStage
from corpus.pipelines.run_lock import output_locked
from corpus.pipelines.runner import is_local, make_pipeline, run_to_end
from corpus.pipelines.sharded_write import WriteShards
from corpus.pipelines.sources import ReadSource
from corpus.pipelines.stage_stats import WriteCounts, WriteStageStats
from corpus.pipelines.tokenize import TokenizeDocuments, TrainTokenizer
from corpus.remote.file_systems import check_file_systems, match_patterns
from corpus.report.progress import Step, pipeline_step, stage_text
from corpus.run_log import log_into
from corpus.terminal import terminal
from corpus.tokenize.manifest import TokenizerRecord
from corpus.tokenize.tokenizer import Tokenizer, read_model


def check_inputs(patterns: list[str], key: str = "inputs") -> list[FileMetadata]:
    """Every input pattern must match at least one file, before any work starts; returns
    the files matched, pattern by pattern, each pattern's in path order. A pattern whose
    file system cannot be used, or that fails to be matched, raises ConfigError too."""
    matched = []
    for pattern, result in zip(patterns, match_patterns(patterns, key), strict=True):
        if not result.metadata_list:
            raise ConfigError(f"{key}: {pattern!r} matches no file")
        matched += sorted(result.metadata_list, key=attrgetter("path"))
    return matched


def input_patterns(config: RunConfig) -> dict[str, list[str]]:
    """The run's input globs (a crawl's file addresses) by the config key that lists them."""
    if config.sources is None:
        return {"inputs": config.inputs}
    return {f"sources.{name}.inputs": source.inputs for name, source in config.sources.items()}


def run_identity(config: RunConfig, command: str) -> dict:
    """What `run.json` holds: the command (`run`, or a stage's name), the validated config,
    every input file it matches, each once (`input_fingerprints`: its size, modification
    time and checksum or fingerprint), and how many matches repeated a file another pattern
    of the same key had matched (`repeated_inputs`, said on the terminal too); raises
    ConfigError, naming the key, for a pattern that matches nothing or a file system that
    cannot be used (the output's included). Inputs named by a crawl are recorded as named
    in the config, and as the files they name in `inputs`, so a rerun reads those files or
    is told its inputs changed. `output` is left out (it is where the file lies), so one
    config run into two directories writes the same `run.json` in both."""
    files = []
    repeated = 0
    for key, patterns in input_patterns(config).items():
        distinct, repeats = distinct_files(check_inputs(patterns, key))
        if repeats:
            terminal().line(
                f"{key}: {repeats} of the files matched are matched by another pattern too; "
                "each file is read once"
            )
        files += input_records(distinct)
        repeated += repeats
    check_file_systems([config.output], "output", writing=True)
    recorded = config.model_dump(mode="json", exclude={"output"})
    sections = [(config, recorded)] + [
        (source, recorded["sources"][name]) for name, source in (config.sources or {}).items()
    ]
    for section, dumped in sections:
        if section.crawl_inputs is not None:
            dumped["inputs"] = section.crawl_inputs.model_dump(mode="json")
    return {"command": command, "config": recorded, "inputs": files, "repeated_inputs": repeated}


def build_extract(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    extracted = pipeline | "Extract" >> ExtractDocuments(inputs, config.extract)
    documents_per_shard = config.parquet.documents_per_shard
    _ = extracted.documents | "WriteDocuments" >> WriteDocuments(out, documents_per_shard)
    _ = extracted.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    _ = extracted.tallies | "WriteStats" >> WriteStageStats(out)


def build_read(
    pipeline: beam.Pipeline, name: str, source: SourceConfig, config: RunConfig, out: str
) -> None:
    """A reader source's files -> documents, written as the extraction stage writes them;
    each record's conversion under the extraction's per-document time limit, unless the
    source's options set its own."""
    options = {"time_limit_seconds": config.extract.time_limit_seconds}
    options.update(source.reader_options(name))
    read = pipeline | "ReadSource" >> ReadSource(source.reader, source.inputs, options)
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
        side_path(out, PARAGRAPHS_DIR),
        STATS_PREFIX,
        ParquetFormat(STATS_SCHEMA, dict),
        itemgetter("key"),
        config.paragraph_stats.rows_per_shard,
    )
    _ = counts | "WriteStats" >> WriteCounts(out)


def build_filter(pipeline: beam.Pipeline, inputs: list[str], config: RunConfig, out: str) -> None:
    documents = pipeline | "Read" >> ReadDocuments(inputs)
    chain = FilterDocuments(config.filter.chain, config.filter.debug)
    filtered = documents.documents | "Filter" >> chain
    documents_per_shard = config.parquet.documents_per_shard
    _ = filtered.documents | "WriteDocuments" >> WriteDocuments(out, documents_per_shard)
    _ = filtered.removed | "WriteRemoved" >> WriteDocuments(
        side_path(out, REMOVED_DIR), documents_per_shard, removal_partition
    )
    dead_letters = (documents.dead_letters, filtered.dead_letters) | "DeadLetters" >> beam.Flatten()
    _ = dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    read = pipeline | "CountRead" >> CountRecordsRead(inputs)
    counts = (read, filtered.counts) | "Counts" >> beam.Flatten()
    tallies = (documents.tallies, filtered.tallies) | "Tallies" >> beam.Flatten()
    _ = tallies | "WriteStats" >> WriteStageStats(out, counts, chain.table)


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
    tokenize = TokenizeDocuments(config.tokenize, out, provenance)
    counts = documents.documents | "Tokenize" >> tokenize
    read = pipeline | "CountRead" >> CountRecordsRead(inputs)
    _ = documents.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(out)
    lost = documents.tallies | "LostRows" >> beam.Map(lambda tally: (tally, 1))
    _ = (counts, read, lost) | "AllCounts" >> beam.Flatten() | "WriteStats" >> WriteCounts(out)


StageBuilder = Callable[[beam.Pipeline, list[str], RunConfig, str], None]
STAGE_BUILDERS: dict[str, StageBuilder] = {
    "extract": build_extract,
    "paragraph_stats": build_paragraph_stats,
    "filter": build_filter,
    "dedup": build_dedup,
    "tokenize": build_tokenize,
}


def read_stats(directory: str) -> dict:
    return read_json(side_path(directory, STATS_FILE))


def stage_pipeline(
    stage: str, inputs: list[str], config: RunConfig, directory: str
) -> Callable[[beam.Pipeline], None]:
    build = STAGE_BUILDERS[stage]
    return lambda pipeline: build(pipeline, inputs, config, directory)


def execute(
    inputs: list[str],
    directory: str,
    beam_args: list[str],
    build: Callable[[beam.Pipeline], object],
) -> dict:
    """Checks `inputs`, runs the pipeline `build` makes (it writes `directory` and its
    `stats.json`), showing its progress, and reports its end. Returns the times measured
    inside it, for the step's completion mark (`filter_times`)."""
    files, _ = distinct_files(check_inputs(inputs))
    pipeline = make_pipeline(beam_args)
    build(pipeline)
    with pipeline_step(directory, files, is_local(beam_args)) as step:
        result = run_to_end(pipeline)
    step.finished(stage_text(read_stats(directory)))
    return filter_times(result)


def run_stage(
    stage: str,
    inputs: list[str],
    directory: str,
    config: RunConfig,
    beam_args: list[str],
    overwrite: bool,
) -> dict:
    """Runs one stage on `inputs` (WARC globs, or the previous stage's Parquet glob) into
    `directory`, which must hold no results unless `overwrite`; returns its statistics.
    The stage alone: no `run.json`, no completion mark (`run_single_stage` writes both)."""
    prepare_output(directory, overwrite)
    execute(inputs, directory, beam_args, stage_pipeline(stage, inputs, config, directory))
    return read_stats(directory)


def run_single_stage(
    stage: str,
    config: RunConfig,
    beam_args: list[str],
    overwrite: bool,
    config_file: str | None = None,
    take_over_lock: bool = False,
) -> dict:
    """`corpus STAGE`: the stage on `config.inputs` into `config.output/STAGE/`, owned as a run's
    output is (`claim_output`, which protects `config_file`) and locked while it runs
    (`run_lock`): run again, a complete output is kept, an incomplete one redone. Returns
    the stage's statistics."""
    identity = run_identity(config, stage)
    with output_locked(config.output, take_over_lock):
        claim_output(config.output, identity, overwrite, config_file)
        log_into(config.output)
        directory = posixpath.join(config.output, stage)
        build = stage_pipeline(stage, config.inputs, config, directory)
        return run_pipeline(config.inputs, directory, beam_args, build)


def run_pipeline(
    inputs: list[str],
    directory: str,
    beam_args: list[str],
    build: Callable[[beam.Pipeline], object],
    overwrite: bool = False,
) -> dict:
    """Runs the pipeline `build` makes on `inputs` as a step of a run (`run_step`: kept if an
    earlier attempt completed it); returns the `stats.json` it wrote beside `directory`."""
    run_step(directory, lambda: execute(inputs, directory, beam_args, build), overwrite)
    return read_stats(directory)


def run_step(directory: str, work: Callable[[], dict | None], overwrite: bool = False) -> None:
    """One step of a run whose output is claimed (`claim_output`): `work` fills `directory`,
    then `COMPLETE_FILE`, with the step's wall time and the times `work` returns, is
    written beside it, last. A step already complete is kept as it is unless `overwrite`;
    otherwise what an unfinished attempt left there is deleted first (`clear_step`: only
    the step's own files)."""
    stop_if_interrupted()
    if FileSystems.exists(side_path(directory, COMPLETE_FILE)) and not overwrite:
        terminal().line(f"{directory}: complete, kept")
        return
    clear_step(directory)
    started = time.time()
    times = work()
    mark_complete(directory, started, time.time(), times)


def run_stages(
    stages: list[str],
    inputs: list[str],
    output: str,
    config: RunConfig,
    beam_args: list[str],
) -> tuple[dict[str, dict], list[str] | None]:
    """Runs `stages` in order under `output`: each stage's statistics by name, and the
    last stage's documents (None when a stage kept nothing, which ends the run early)."""
    stats = {}
    for stage in stages:
        directory = posixpath.join(output, stage)
        build = stage_pipeline(stage, inputs, config, directory)
        stats[stage] = run_pipeline(inputs, directory, beam_args, build)
        inputs = documents_of(directory)
        if inputs is None:
            break  # nothing kept: the later stages would have no input
    return stats, inputs


def documents_of(directory: str) -> list[str] | None:
    """The glob of a stage's documents, or None when it kept none (its one file empty)."""
    pattern = documents_glob(directory)
    files = input_files([pattern])
    return [pattern] if files and parquet_rows(files) else None


def run(
    config: RunConfig,
    beam_args: list[str],
    overwrite: bool,
    config_file: str | None = None,
    take_over_lock: bool = False,
) -> dict[str, dict]:
    """Runs every configured stage in order (per source, then the blend, with `sources`)
    into `config.output`, which the run claims (`claim_output`, which protects
    `config_file`) and locks while it runs (`run_lock`): restarted, it keeps the steps an
    earlier attempt completed and redoes the others. Returns each stage's statistics by
    name (`SOURCE/STAGE` with `sources`)."""
    identity = run_identity(config, RUN_COMMAND)
    with output_locked(config.output, take_over_lock):
        return _run_claimed(config, identity, beam_args, overwrite, config_file)


def _run_claimed(
    config: RunConfig,
    identity: dict,
    beam_args: list[str],
    overwrite: bool,
    config_file: str | None,
) -> dict[str, dict]:
    claim_output(config.output, identity, overwrite, config_file)
    log_into(config.output)
    if config.sources is None:
        stats, _ = run_stages(config.stages, config.inputs, config.output, config, beam_args)
    else:
        stats = run_sources(config, beam_args)
    # Imported here: only a whole run needs the report (and matplotlib).
    from corpus.report.write import REPORT_HTML, write_report

    with Step(posixpath.join(config.output, REPORT_HTML)) as step:
        write_report(config.output)
    step.finished("written")
    return stats


def run_sources(config: RunConfig, beam_args: list[str]) -> dict[str, dict]:
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
                lambda p, n=name, s=source, d=directory: build_read(p, n, s, config, d),
            )
            inputs = documents_of(directory)
        document_stages = [stage for stage in source.stages if stage != "tokenize"]
        if inputs is not None:
            source_stats, inputs = run_stages(
                document_stages, inputs, output, source_config, beam_args
            )
            stats.update({f"{name}/{stage}": s for stage, s in source_stats.items()})
        if inputs is not None and "tokenize" in source.stages:
            to_tokenize[name] = (inputs, source_config)
    tokenize = config.tokenize
    if to_tokenize and tokenize.model is None:
        directory = posixpath.join(config.output, TOKENIZER_DIR)
        model = posixpath.join(directory, MODEL_FILE)
        documents = [pattern for inputs, _ in to_tokenize.values() for pattern in inputs]
        run_step(directory, lambda: train_tokenizer_model(documents, model, config, beam_args))
        tokenize = tokenize.model_copy(update={"model": model})
    for name, (inputs, source_config) in to_tokenize.items():
        directory = posixpath.join(config.output, name, "tokenize")
        tokenize_config = source_config.model_copy(update={"tokenize": tokenize})
        build = stage_pipeline("tokenize", inputs, tokenize_config, directory)
        stats[f"{name}/tokenize"] = run_pipeline(inputs, directory, beam_args, build)
    if config.blend is not None:
        stats[BLEND_DIR] = run_blend(config, beam_args)
    return stats


def shared_tokenizer(directories: list[str]) -> TokenizerRecord:
    """The tokenizer every tokenize directory's manifest names; they must agree."""
    records = set()
    for directory in directories:
        records.add(
            TokenizerRecord(**read_json(posixpath.join(directory, MANIFEST_FILE))["tokenizer"])
        )
    if len({record.sha256 for record in records}) != 1:
        raise ConfigError(f"blend: the sources were tokenized with different models: {records}")
    return min(records, key=lambda record: record.model)


def run_blend(config: RunConfig, beam_args: list[str], overwrite: bool = False) -> dict:
    """Every source's Parquet token shards -> the blend under OUTPUT/blend/, a step of the
    run (`run_step`: redone if `overwrite`)."""
    token_files = []
    tokenized = []
    for name in config.sources:
        directory = posixpath.join(config.output, name, "tokenize")
        files = input_files([side_path(directory, TOKENS_DIR, f"{TOKENS_PREFIX}-*.parquet")])
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
        lambda p: p | "Blend" >> write | "WriteStats" >> WriteCounts(directory),
        overwrite,
    )


def run_train_tokenizer(
    inputs: list[str], model_path: str, config: RunConfig, beam_args: list[str], overwrite: bool
) -> None:
    """`corpus train-tokenizer`: an existing model is refused unless `overwrite`."""
    if FileSystems.exists(model_path) and not overwrite:
        raise ConfigError(f"output: {model_path} exists; pass --overwrite to replace it")
    train_tokenizer_model(inputs, model_path, config, beam_args)


def train_tokenizer_model(
    inputs: list[str], model_path: str, config: RunConfig, beam_args: list[str]
) -> None:
    """Trains a SentencePiece model (`config.tokenize.train`) on documents Parquet files."""
    files = check_inputs(inputs)
    pipeline = make_pipeline(beam_args)
    # Training samples the documents: rows a corrupt row group lost are left out of it.
    documents = (pipeline | "Read" >> ReadDocuments(inputs)).documents
    _ = documents | "TrainTokenizer" >> TrainTokenizer(config.tokenize.train, model_path)
    with pipeline_step(model_path, files, is_local(beam_args)) as step:
        run_to_end(pipeline)
    pieces = Tokenizer(read_model(model_path), add_bos=False, add_eos=False).vocab_size
    step.finished(f"trained, {pieces:,} pieces")
