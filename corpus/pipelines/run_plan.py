"""The plan of a run: its steps in the order `corpus run` executes them (`run.run` runs
this plan), each with its directory under the output and what it reads, and every file the
config names as far as it can be seen without a network request.

`corpus run CONFIG --dry-run` prints it and writes nothing. Local patterns are matched and
counted; a local pattern or file that is not there is reported as to be provided, as a
config is often written before its data lands (the examples/ name their users' files).
Remote patterns (s3://, gs://, http(s)://) and a crawl's files are listed as named, never
contacted: only whether corpus can use their file system is checked.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from corpus.config import WARC_READER, CrawlInputs, RunConfig, SourceConfig
from corpus.filters.blocklist import list_files
from corpus.filters.config import FilterConfig
from corpus.io.reading import matching
from corpus.layout import (
    BLEND_DIR,
    MODEL_FILE,
    READ_STAGE,
    REPORT_FILES,
    TOKENIZER_DIR,
)
from corpus.model_files import is_file, is_local
from corpus.remote.crawl import file_ranges
from corpus.remote.file_systems import check_file_systems

SHOWN_FILTERS = 6
"""A filter chain is shown by its length and its first filters' names."""


@dataclass(frozen=True)
class NamedFiles:
    """A pattern, file or crawl the config names (`key` says where), as a dry run sees it:
    `files` matched locally, or None when it is only listed (remote, or a crawl)."""

    key: str
    name: str
    files: int | None

    @property
    def missing(self) -> bool:
        return self.files == 0

    def text(self) -> str:
        if self.files is None:
            return f"{self.name} (listed, not contacted)"
        if self.missing:
            return f"{self.name}: matches no file (to be provided)"
        return f"{self.name}: {self.files:,} file{'s' if self.files != 1 else ''}"


@dataclass(frozen=True)
class PlannedStep:
    """One step of a run: `directory` under the output (`web/extract`, `tokenizer`, ...)."""

    directory: str
    step: str
    """`read`, a stage's name, `tokenizer` or `blend`."""
    reads: tuple[str, ...] = ()
    """The steps whose output it reads (empty for a step that reads the config's inputs)."""
    files: tuple[NamedFiles, ...] = ()
    """The inputs, models and earlier outputs the config names for it."""
    details: tuple[str, ...] = ()
    source: str | None = None
    """The source whose step it is (None with no `sources`, and for the tokenizer and
    the blend)."""


def named_pattern(pattern: str, key: str) -> NamedFiles:
    """A local pattern matched and counted; another checked for its file system only."""
    if not is_local(pattern):
        check_file_systems([pattern], key, contact=False)
        return NamedFiles(key, pattern, None)
    return NamedFiles(key, pattern, len(matching(pattern)))


def named_file(path: str, key: str) -> NamedFiles:
    """A model file: a local one must be a file; another is listed."""
    if not is_local(path):
        check_file_systems([path], key, contact=False)
        return NamedFiles(key, path, None)
    return NamedFiles(key, path, 1 if is_file(path) else 0)


def named_crawl(crawl: CrawlInputs, key: str) -> NamedFiles:
    ranges = file_ranges(crawl.files)
    count = "all" if ranges is None else len({i for a, b in ranges for i in range(a, b + 1)})
    check_file_systems([crawl.base], f"{key}.base", contact=False)
    name = f"crawl {crawl.crawl}, {crawl.kind} files {crawl.files} ({count}) from {crawl.base}"
    return NamedFiles(key, name, None)


def named_inputs(section: RunConfig | SourceConfig, key: str) -> tuple[NamedFiles, ...]:
    if isinstance(section.inputs, CrawlInputs):  # validated offline: not expanded
        return (named_crawl(section.inputs, key),)
    return tuple(named_pattern(pattern, key) for pattern in section.inputs)


def stage_details(stage: str, config: RunConfig, filters: FilterConfig) -> tuple[str, ...]:
    if stage == "filter":
        names = [str(entry.get("filter")) for entry in filters.chain]
        shown = ", ".join(names[:SHOWN_FILTERS]) + (", ..." if len(names) > SHOWN_FILTERS else "")
        debug = "; removed documents kept (debug)" if filters.debug else ""
        return (f"chain: {len(names)} filters: {shown}{debug}",)
    if stage == "dedup":
        minhash = config.dedup.minhash
        near = f"minhash threshold {minhash.threshold}" if minhash.enabled else "minhash off"
        exact = "exact text" if config.dedup.exact else "exact text off"
        return (f"url {config.dedup.url}, {exact}, {near}",)
    if stage == "extract":
        return (f"method {config.extract.method}, languages {', '.join(config.extract.languages)}",)
    if stage == "tokenize":
        return tokenize_details(config, None)
    return ()


def named_blocklist(path: str, key: str) -> NamedFiles:
    """A blocklist path (a file, or a UT1 category directory): a local one is counted by
    its list files; another is listed."""
    if not is_local(path):
        check_file_systems([path], key, contact=False)
        return NamedFiles(key, path, None)
    try:
        return NamedFiles(key, path, len(list_files(path)))
    except ValueError:
        return NamedFiles(key, path, 0)


def stage_files(stage: str, config: RunConfig) -> tuple[NamedFiles, ...]:
    """The files a stage's parameters name (not its inputs)."""
    if stage == "extract":
        extract = config.extract
        files = tuple(
            named_blocklist(path, f"extract.blocklists.{source.list_name}")
            for source in extract.blocklists
            for path in source.paths
        )
        if extract.langid_model is not None:
            files += (named_file(extract.langid_model, "extract.langid_model"),)
        return files
    if stage == "paragraph_stats":
        previous = config.paragraph_stats.previous
        return tuple(named_pattern(p, "paragraph_stats.previous") for p in previous)
    if stage == "dedup":
        return tuple(named_pattern(p, "dedup.previous") for p in config.dedup.previous)
    if stage == "tokenize" and config.tokenize.model is not None:
        return (named_file(config.tokenize.model, "tokenize.model"),)
    return ()


def tokenize_details(config: RunConfig, trained_in: str | None) -> tuple[str, ...]:
    if config.tokenize.model is not None:
        model = f"model {config.tokenize.model}"
    elif trained_in is not None:
        model = f"model {trained_in}"
    else:
        model = "model trained on a sample of its input, written beside the shards"
    return (f"{model}; Megatron shards, Parquet tokens {config.tokenize.parquet}",)


def stage_steps(
    stages: list[str],
    source: str | None,
    config: RunConfig,
    filters: FilterConfig,
    first_reads: tuple[str, ...],
    first_files: tuple[NamedFiles, ...],
) -> list[PlannedStep]:
    """`stages` in order under the source's directory, each reading the one before."""
    steps = []
    reads, files = first_reads, first_files
    for stage in stages:
        directory = posixpath.join(source or "", stage)
        files += stage_files(stage, config)
        details = stage_details(stage, config, filters)
        steps.append(PlannedStep(directory, stage, reads, files, details, source))
        reads, files = (directory,), ()
    return steps


def run_plan(config: RunConfig) -> list[PlannedStep]:
    """The steps `corpus run` runs for `config`, in its order. A step whose input ends up
    empty ends its source early in a run; the plan shows every step the config asks for."""
    check_file_systems([config.output], "output", writing=True, contact=False)
    if config.sources is None:
        inputs = named_inputs(config, "inputs")
        return stage_steps(config.stages, None, config, config.filter, (), inputs)
    steps: list[PlannedStep] = []
    to_tokenize: dict[str, tuple[tuple[str, ...], tuple[NamedFiles, ...]]] = {}
    for name, source in config.sources.items():
        reads: tuple[str, ...] = ()
        files = named_inputs(source, f"sources.{name}.inputs")
        if source.reader != WARC_READER:
            directory = posixpath.join(name, READ_STAGE)
            details = (f"reader {source.reader}",)
            steps.append(PlannedStep(directory, READ_STAGE, (), files, details, name))
            reads, files = (directory,), ()
        document_stages = [stage for stage in source.stages if stage != "tokenize"]
        filters = source.filter or config.filter
        steps += stage_steps(document_stages, name, config, filters, reads, files)
        if document_stages:
            reads, files = (steps[-1].directory,), ()
        if "tokenize" in source.stages:
            to_tokenize[name] = (reads, files)
    trained_in = None
    if to_tokenize and config.tokenize.model is None:
        trained_in = posixpath.join(TOKENIZER_DIR, MODEL_FILE)
        reads = tuple(d for r, _ in to_tokenize.values() for d in r)
        files = tuple(f for _, fs in to_tokenize.values() for f in fs)
        vocab = f"SentencePiece, vocab_size {config.tokenize.train.vocab_size}"
        details = (f"{vocab}, on {config.tokenize.train.sample_documents:,} sampled documents",)
        steps.append(PlannedStep(TOKENIZER_DIR, TOKENIZER_DIR, reads, files, details))
    for name, (reads, files) in to_tokenize.items():
        files += stage_files("tokenize", config)
        details = tokenize_details(config, trained_in)
        directory = posixpath.join(name, "tokenize")
        steps.append(PlannedStep(directory, "tokenize", reads, files, details, name))
    if config.blend is not None:
        steps.append(blend_step(config))
    return steps


def blend_step(config: RunConfig) -> PlannedStep:
    blend = config.blend_file()
    targets = [
        f"target {source.name}: {source.tokens:,} tokens"
        if source.tokens is not None
        else f"target {source.name}: share {source.share}"
        for source in blend.sources
    ]
    total = f"{blend.total_tokens:,} tokens" if blend.total_tokens is not None else "every token"
    details = (f"total {total}, max_repeats {blend.max_repeats}", *targets)
    reads = tuple(posixpath.join(name, "tokenize") for name in config.sources)
    return PlannedStep(BLEND_DIR, BLEND_DIR, reads, (), details)


def to_be_provided(steps: list[PlannedStep]) -> list[NamedFiles]:
    """The local files and patterns a run needs that are not there, each once."""
    missing = [named for step in steps for named in step.files if named.missing]
    return list(dict.fromkeys(missing))


def plan_lines(config: RunConfig, steps: list[PlannedStep], origin: str) -> list[str]:
    """The plan as the dry run prints it."""
    lines = [f"{origin}: {len(steps)} steps into {config.output}, in this order:"]
    for number, step in enumerate(steps, 1):
        lines.append(f"{number:>3}. {step.directory} ({step.step})")
        if step.reads:
            lines.append(f"       reads: {', '.join(step.reads)}")
        lines += [f"       {named.key}: {named.text()}" for named in step.files]
        lines += [f"       {detail}" for detail in step.details]
    lines.append(f"  then the report: {', '.join(REPORT_FILES)} in {config.output}")
    missing = to_be_provided(steps)
    if missing:
        lines.append(f"to be provided before a run (a run stops at the first): {len(missing)}")
        lines += [f"  {named.key}: {named.name}" for named in missing]
    lines.append("dry run: nothing written, no remote file contacted")
    return lines
