"""Assembles the configured stages into Beam pipelines and runs them.

A run executes its plan (`run_plan`): each step reads the output of the steps before it
(the run's inputs for the first) and writes its own directory under the run's output:
`OUTPUT/extract/`, `OUTPUT/filter/`, ... with one source; with named sources, each
source's `read` (a reader source) and document stages under `OUTPUT/SOURCE/STAGE/`, the
shared tokenizer (trained on a sample of every source when none is configured,
`OUTPUT/tokenizer/`), each source's `tokenize`, then the blend (`OUTPUT/blend/`). A step
whose input kept no document is left out, with the steps that read it.

Every stage is built from `STAGES` and run the same way (`corpus.pipelines.stage`): its
data in its directory, `stats.json` and `dead_letters/` in its side directory
(`corpus.layout`). A run owns its output directory and resumes there
(`output_ownership`): `run.json` first, `_SUCCESS` into each step's side directory once
the step has succeeded; the same command run again keeps every complete step and redoes
the others.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.config import RunConfig, SourceConfig
from corpus.errors import ConfigError
from corpus.io.reading import parquet_rows, read_json
from corpus.layout import (
    BLEND_DIR,
    MANIFEST_FILE,
    MODEL_FILE,
    READ_STAGE,
    RUN_COMMAND,
    STATS_FILE,
    TOKENIZER_DIR,
    TOKENS_DIR,
    TOKENS_PREFIX,
    side_path,
)
from corpus.pipelines.blend import BlendStage
from corpus.pipelines.dedup import DedupStage
from corpus.pipelines.document_io import ReadDocuments, documents_glob, input_files
from corpus.pipelines.extract import ExtractStage
from corpus.pipelines.filter import FilterStage, filter_times
from corpus.pipelines.input_fingerprints import distinct_files
from corpus.pipelines.output_ownership import claim_output, run_step
from corpus.pipelines.paragraph_stats import ParagraphStatisticsStage
from corpus.pipelines.run_identity import check_inputs, run_identity
from corpus.pipelines.run_lock import output_locked
from corpus.pipelines.run_plan import PlannedStep, run_plan
from corpus.pipelines.runner import is_local, make_pipeline, run_to_end
from corpus.pipelines.sources import ReadSource
from corpus.pipelines.stage import DocumentStage, RunStage, Stage
from corpus.pipelines.tokenize import TokenizeStage, TrainTokenizer
from corpus.report.progress import Step, pipeline_step, stage_text
from corpus.run_log import log_into
from corpus.tokenize.manifest import TokenizerRecord
from corpus.tokenize.tokenizer import Tokenizer, read_model

StageFactory = Callable[[list[str], RunConfig, str], Stage]
"""(inputs, the config, the step's directory) -> the stage's transform."""
STAGES: dict[str, StageFactory] = {
    "extract": lambda inputs, config, directory: ExtractStage(inputs, config.extract, directory),
    "paragraph_stats": lambda inputs, config, directory: ParagraphStatisticsStage(
        inputs, config.paragraph_stats, directory
    ),
    "filter": lambda inputs, config, directory: FilterStage(
        inputs, config.filter, directory, config.parquet.documents_per_shard
    ),
    "dedup": lambda inputs, config, directory: DedupStage(inputs, config.dedup, directory),
    "tokenize": lambda inputs, config, directory: TokenizeStage(
        inputs, config.tokenize, directory, config.model_dump(mode="json")
    ),
}


def read_stage(name: str, source: SourceConfig, config: RunConfig, directory: str) -> Stage:
    """A reader source's files -> documents, written as the extraction stage writes them;
    each record's conversion under the extraction's per-document time limit, unless the
    source's options set its own."""
    options = {"time_limit_seconds": config.extract.time_limit_seconds}
    options.update(source.reader_options(name))
    read = ReadSource(source.reader, source.inputs, options)
    return DocumentStage(read, directory, config.parquet.documents_per_shard)


def read_stats(directory: str) -> dict:
    return read_json(side_path(directory, STATS_FILE))


def run_pipeline(
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


def run_stage(stage: Stage, inputs: list[str], beam_args: list[str], redo: bool = False) -> dict:
    """Runs `stage` on `inputs` as a step of a run (`run_step`: kept if an earlier attempt
    completed it, unless `redo`); returns the `stats.json` it wrote."""
    directory = stage.directory

    def build(pipeline: beam.Pipeline) -> None:
        _ = pipeline | "Run" >> RunStage(stage)

    run_step(directory, lambda: run_pipeline(inputs, directory, beam_args, build), redo)
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
        built = STAGES[stage](config.inputs, config, directory)
        return run_stage(built, config.inputs, beam_args)


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
    """Runs the config's plan into `config.output`, which the run claims (`claim_output`,
    which protects `config_file`) and locks while it runs (`run_lock`): restarted, it keeps
    the steps an earlier attempt completed and redoes the others. Writes the report; returns
    each step's statistics by its directory (`STAGE`, or `SOURCE/STAGE` with `sources`)."""
    identity = run_identity(config, RUN_COMMAND)
    with output_locked(config.output, take_over_lock):
        claim_output(config.output, identity, overwrite, config_file)
        log_into(config.output)
        stats = run_steps(config, beam_args)
        # Imported here: only a whole run needs the report (and matplotlib).
        from corpus.report.write import REPORT_HTML, write_report

        with Step(posixpath.join(config.output, REPORT_HTML)) as step:
            write_report(config.output)
        step.finished("written")
    return stats


def run_steps(config: RunConfig, beam_args: list[str]) -> dict[str, dict]:
    """Every step of the config's plan in order, each on what the steps it reads kept."""
    steps = run_plan(config)
    kept: dict[str, list[str] | None] = {}
    """Each step's documents by its directory, None when it kept none."""

    def inputs_of(step: PlannedStep) -> list[str] | None:
        if not step.reads:
            section = config if step.source is None else config.sources[step.source]
            return section.inputs
        inputs = [kept.get(read) for read in step.reads]
        return None if None in inputs else [pattern for found in inputs for pattern in found]

    stats = {}
    tokenize = config.tokenize
    for step in steps:
        directory = posixpath.join(config.output, step.directory)
        if step.step == BLEND_DIR:
            stats[step.directory] = run_blend(config, beam_args)
            continue
        if step.step == TOKENIZER_DIR:
            to_tokenize = [inputs_of(s) for s in steps if s.step == "tokenize"]
            documents = [pattern for inputs in to_tokenize if inputs for pattern in inputs]
            if documents:
                model = run_tokenizer_step(directory, documents, config, beam_args)
                tokenize = tokenize.model_copy(update={"model": model})
            continue
        inputs = inputs_of(step)
        if inputs is None:
            continue  # a step it reads kept nothing
        source = None if step.source is None else config.sources[step.source]
        if step.step == READ_STAGE:
            stage = read_stage(step.source, source, config, directory)
        else:
            update = {"tokenize": tokenize}
            if source is not None:
                update["filter"] = source.filter or config.filter
            stage = STAGES[step.step](inputs, config.model_copy(update=update), directory)
        stats[step.directory] = run_stage(stage, inputs, beam_args)
        kept[step.directory] = documents_of(directory)
    return stats


def run_tokenizer_step(
    directory: str, documents: list[str], config: RunConfig, beam_args: list[str]
) -> str:
    """The run's shared tokenizer, trained on `documents` as a step; returns its path."""
    model = posixpath.join(directory, MODEL_FILE)
    run_step(directory, lambda: train_tokenizer_model(documents, model, config, beam_args))
    return model


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


def run_blend(config: RunConfig, beam_args: list[str], redo: bool = False) -> dict:
    """Every source's Parquet token shards -> the blend under OUTPUT/blend/, a step of the
    run (`run_step`: redone if `redo`)."""
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
    blend = BlendStage(
        config.blend_file(),
        token_files,
        posixpath.join(config.output, BLEND_DIR),
        shared_tokenizer(tokenized),
        tokenize.tokens_per_shard,
        tokenize.order,
        tokenize.seed,
        config.model_dump(mode="json"),
    )
    return run_stage(blend, [path for _, path in token_files], beam_args, redo)


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
