"""The run configuration: one YAML file describes a run, validated before any work.

Every key has a default documented here; an unknown key, a wrong type or an
out-of-range value raises `ConfigError` naming the key. Command-line `--set
key.path=value` overrides are applied to the YAML before validation, so they are
checked by the same rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from corpus.blend.blend_file import BlendFile, load_blend
from corpus.config_section import OFFLINE, Section, is_offline
from corpus.dedup.config import DedupConfig
from corpus.errors import ConfigError
from corpus.extract.config import ExtractConfig
from corpus.filters.config import FilterConfig
from corpus.layout import BLEND_DIR, LOGS_DIR, TOKENIZER_DIR
from corpus.paragraph_stats.config import ParagraphStatsConfig
from corpus.remote import https  # noqa: F401  (a config may name http(s):// files)
from corpus.remote.crawl import CRAWL_NAME, crawl_files, file_ranges
from corpus.sources import READERS, make_reader
from corpus.tokenize.config import TokenizeConfig


class OutputConfig(Section):
    documents_per_shard: int = Field(50_000, ge=1)
    """The documents files of `filter` and of a source's reader are sized to hold about this
    many documents each. (`extract` writes one file per WARC file, and `paragraph_stats`
    and `dedup` one per input file.)"""


STAGES = ("extract", "paragraph_stats", "filter", "dedup")
Stage = Literal["extract", "paragraph_stats", "filter", "dedup", "tokenize"]

WARC_READER = "warc"
SOURCE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
RESERVED_SOURCE_NAMES = (BLEND_DIR, TOKENIZER_DIR, LOGS_DIR)
"""Directories of the run's output that are not a source's."""


def _check_stage_order(stages: list[str]) -> None:
    if "tokenize" in stages[:-1]:
        raise ValueError("stages: tokenize writes no documents for a later stage to read")


class CrawlInputs(Section):
    """Common Crawl files named by their crawl (corpus/remote/crawl.py): when the config is
    validated, the crawl's list of files (`crawl-data/CRAWL/warc.paths.gz`) is read and
    the chosen files' addresses become the inputs; `run.json` records them."""

    crawl: str
    """The crawl's name, e.g. `CC-MAIN-2024-22` (https://commoncrawl.org/overview)."""
    files: str | int
    """Which of the crawl's files, by their index in its list of files, from 0: `0-99`
    (both ends included), `7`, `0-9,100-109`, or `all` (a crawl has about 90,000 WARC
    files, some 100 TB)."""
    kind: Literal["warc", "wet"] = "warc"
    """`warc`: the pages as crawled, for `extract`; `wet`: Common Crawl's own text of each
    page, for a source with `reader: wet`."""
    base: str = "https://data.commoncrawl.org/"
    """Where the crawl's files are read: https://data.commoncrawl.org/ (anywhere),
    s3://commoncrawl/ (in AWS's us-east-1: faster; needs AWS credentials and the `aws`
    extra), or any copy with the same layout (a directory, another URL)."""

    @field_validator("crawl")
    @classmethod
    def _valid_crawl(cls, crawl: str) -> str:
        if not CRAWL_NAME.fullmatch(crawl):
            raise ValueError(f"{crawl!r} is not a crawl's name such as CC-MAIN-2024-22")
        return crawl

    @field_validator("files", mode="before")
    @classmethod
    def _valid_files(cls, files: Any) -> Any:
        file_ranges(files)
        return files


_GLOBS = TypeAdapter(Annotated[list[str], Field(min_length=1)])
CRAWL_READERS = {"warc": WARC_READER, "wet": "wet"}
"""The reader of each kind of a crawl's files."""


def _crawl_or_globs(value: Any) -> Any:
    """A mapping is a crawl, anything else a list of globs: the errors are those of the one
    meant, under `inputs`."""
    if isinstance(value, (dict, CrawlInputs)):
        return CrawlInputs.model_validate(value)
    return _GLOBS.validate_python(value)


Inputs = Annotated[list[str] | CrawlInputs, BeforeValidator(_crawl_or_globs)]


class _HasInputs(Section):
    """A config section with `inputs`: files or globs, or a crawl (`CrawlInputs`), which
    validation replaces by the addresses of its files."""

    _crawl: CrawlInputs | None = PrivateAttr(None)

    @property
    def crawl_inputs(self) -> CrawlInputs | None:
        """The crawl `inputs` named, if it named one (`inputs` holds its files, unless
        validated `OFFLINE`)."""
        return self._crawl

    def _expand_crawl(
        self, reader: str, first_stage: str | None, where: str, info: ValidationInfo
    ) -> None:
        crawl = self.inputs
        if not isinstance(crawl, CrawlInputs):
            return
        if reader not in CRAWL_READERS.values():
            raise ValueError("inputs: a crawl is read by `reader: warc` or `reader: wet`")
        if reader != CRAWL_READERS[crawl.kind]:
            raise ValueError(
                f"inputs.kind: a crawl's {crawl.kind} files need `reader: "
                f"{CRAWL_READERS[crawl.kind]}`{where}"
            )
        if reader == WARC_READER and first_stage != "extract":
            raise ValueError("stages: a crawl's WARC files go to `extract` first")
        self._crawl = crawl
        if is_offline(info):
            return
        files = crawl_files(crawl.crawl, crawl.files, crawl.kind, crawl.base)
        object.__setattr__(self, "inputs", files)  # resolved once, here: the model is frozen


class SourceConfig(_HasInputs):
    """One named source of a run: its files, how they become documents, and the stages
    that apply to it (Wikipedia needs no boilerplate filter; code needs its own chain)."""

    inputs: Inputs
    """Files or globs (local, gs://, s3://, http(s):// URLs) of the source, or a crawl's
    files, `{crawl: CC-MAIN-2024-22, files: 0-99}` (its WET files, `kind: wet`, with
    `reader: wet`)."""
    reader: str = WARC_READER
    """`warc`: the inputs go to the source's first stage as they are (WARC files to
    `extract`, or document Parquet files to a later stage), as in the single-source form.
    `jsonl`, `parquet`, `wikipedia` or `wet` (corpus/sources/): the reader turns the inputs
    into documents in a first step, `read` (OUTPUT/NAME/read/), before the stages."""
    options: dict[str, Any] = {}  # noqa: RUF012  (a pydantic field: copied per model)
    """The reader's options, its fields in corpus/sources/ (e.g. `{text_field: body}` for
    `jsonl`); `source`, the documents' `source`, defaults to the source's name. `warc`
    takes none: extraction is set by the run's `extract:`."""
    stages: list[Stage]
    """Stages to run on this source, in order, each on the previous one's output; `extract`
    only for `reader: warc`, `tokenize` last. May be empty for a reader source (read only)."""
    filter: FilterConfig | None = None
    """This source's filter parameters; default: the run's `filter:`."""

    @model_validator(mode="after")
    def _valid_source(self) -> SourceConfig:
        _check_stage_order(self.stages)
        if self.reader == WARC_READER:
            if self.options:
                raise ValueError("options: `warc` takes none (extraction is set by `extract:`)")
            if not self.stages:
                raise ValueError("stages: a `warc` source needs at least one stage")
            return self
        if "extract" in self.stages:
            raise ValueError(f"stages: extract reads WARC files, not a {self.reader} source")
        if self.reader not in READERS:
            known = ", ".join((WARC_READER, *READERS))
            raise ValueError(f"reader: unknown reader {self.reader!r}; known readers: {known}")
        try:
            make_reader(self.reader, self.reader_options(""))
        except ValueError as error:
            raise ValueError(f"options: {error}") from None
        return self

    @model_validator(mode="after")
    def _crawl_files(self, info: ValidationInfo) -> SourceConfig:
        self._expand_crawl(self.reader, self.stages[0] if self.stages else None, "", info)
        return self

    def reader_options(self, name: str) -> dict[str, Any]:
        """The reader's options, the documents' `source` defaulting to `name`."""
        return {"source": name, **self.options}


class RunConfig(_HasInputs):
    """A whole run: inputs, the stages to run in order, each stage's parameters, outputs.

    Two forms. Single-source: `inputs` and `stages`; every stage writes OUTPUT/STAGE/.
    Named sources: `sources`, each with its own inputs, reader and stages, writing
    OUTPUT/NAME/STAGE/; the stage parameters (`extract`, `filter`, `dedup`, `tokenize`,
    ...) are the run's, shared by every source (a source may give its own `filter`). The
    single-source form is one unnamed `warc` source: give `inputs` or `sources`, not both.

    With sources, all of them are tokenized with one tokenizer: `tokenize.model`, or when
    that is unset a model trained once on a sample of every source's documents (the
    `tokenize` stage's inputs) before any of them is tokenized, written as
    OUTPUT/tokenizer/tokenizer.model. A `blend` then runs last, on every source's tokens.
    """

    inputs: Inputs | None = None
    """Single-source form: WARC files or globs (local paths, gs:// or s3:// with the
    matching extra installed, http(s):// URLs), or document Parquet files when the first
    stage is not `extract`; or a crawl's WARC files, `{crawl: CC-MAIN-2024-22, files: 0-99}`."""
    output: str
    """Directory of the run's outputs: one subdirectory per stage (per source and stage
    with `sources`)."""
    stages: list[Stage] = Field(default_factory=lambda: list(STAGES), min_length=1)
    """Single-source form: stages to run, in order; each reads the previous one's output.
    `tokenize` writes training shards, not documents: it comes last."""
    sources: dict[str, SourceConfig] | None = Field(None, min_length=1)
    """Named sources, instead of `inputs` and `stages`: `{NAME: {inputs, reader, options,
    stages}}`. A name (letters, digits, `.`, `_`, `-`) names the source's output directory,
    its shards and its entry in the blend."""
    blend: str | dict[str, Any] | None = None
    """A token blend of the sources (needs `sources`, each ending with `tokenize`): the
    path of a blend file (configs/blends/) or the same keys inline. Its source names are the
    run's. Written under OUTPUT/blend/: the selected documents as Megatron shards per source,
    `data_path.txt` and `per_split_data_args.json` (and the held-out validation and test
    splits, when the blend asks for them); the blend report in OUTPUT/blend.meta/."""
    blend_shortfall: Literal["fail", "warn"] = "fail"
    """When a blend source cannot meet its target (too few tokens within its `max_repeats`,
    or none at all): `fail` the command (exit status 1, after the whole run), or only
    `warn` in the closing summary. The blend is written either way."""
    allow_empty_sources: bool = False
    """Accept a source (or the single-source form's inputs) that ends with no document: a
    warning in the closing summary. By default the command fails (exit status 1)."""
    extract: ExtractConfig = ExtractConfig()
    """Parameters of the extraction stage."""
    paragraph_stats: ParagraphStatsConfig = ParagraphStatsConfig()
    """Parameters of the paragraph statistics stage."""
    filter: FilterConfig = FilterConfig()
    """Parameters of the filter stage."""
    dedup: DedupConfig = DedupConfig()
    """Parameters of the deduplication stage."""
    tokenize: TokenizeConfig = TokenizeConfig()
    """Parameters of the tokenization stage (and of the blend's shards: `tokens_per_shard`,
    `order`, `seed`)."""
    parquet: OutputConfig = OutputConfig()
    """How document Parquet files are sharded."""

    @model_validator(mode="after")
    def _valid_run(self) -> RunConfig:
        _check_stage_order(self.stages)
        if (self.inputs is None) == (self.sources is None):
            raise ValueError("give either `inputs` (one source) or `sources`, not both")
        if self.sources is not None:
            if "stages" in self.model_fields_set:
                raise ValueError("stages: with `sources`, each source lists its own stages")
            for name in self.sources:
                if not re.fullmatch(SOURCE_NAME, name) or name in RESERVED_SOURCE_NAMES:
                    raise ValueError(
                        f"sources.{name}: a source name is letters, digits, `.`, `_` and `-`, "
                        f"and not {' or '.join(RESERVED_SOURCE_NAMES)}"
                    )
        if self.blend is not None:
            object.__setattr__(self, "blend", self._checked_blend().model_dump())
        return self

    @model_validator(mode="after")
    def _crawl_files(self, info: ValidationInfo) -> RunConfig:
        where = " (a source's, under `sources:`)"
        self._expand_crawl(WARC_READER, self.stages[0], where, info)
        return self

    def _checked_blend(self) -> BlendFile:
        if self.sources is None:
            raise ValueError("blend: a blend needs named `sources`")
        if isinstance(self.blend, str):
            try:
                blend = load_blend(self.blend)
            except ConfigError as error:
                raise ValueError(f"blend: {error}") from None
        else:
            try:
                blend = BlendFile.model_validate(self.blend)
            except ValidationError as error:
                raise ValueError("blend: " + "; ".join(_problems(error))) from None
        unknown = [s.name for s in blend.sources if s.name not in self.sources]
        if unknown:
            raise ValueError(f"blend: {', '.join(unknown)} not among the run's sources")
        untokenized = [n for n, s in self.sources.items() if s.stages[-1:] != ["tokenize"]]
        if untokenized:
            raise ValueError(
                f"sources.{untokenized[0]}.stages: the blend reads every source's tokens, "
                "so `tokenize` comes last"
            )
        if self.tokenize.parquet == "off":
            raise ValueError("tokenize.parquet: the blend reads the Parquet token shards")
        return blend

    def blend_file(self) -> BlendFile | None:
        """The validated blend, or None without one."""
        return None if self.blend is None else BlendFile.model_validate(self.blend)


def parse_override(override: str) -> tuple[list[str], Any]:
    """`extract.method=trafilatura` -> (["extract", "method"], "trafilatura"); values are YAML."""
    key, sep, value = override.partition("=")
    if not sep or not key:
        raise ConfigError(f"override {override!r}: expected KEY.PATH=VALUE")
    return key.split("."), yaml.safe_load(value)


def apply_overrides(raw: dict, overrides: list[str]) -> dict:
    for override in overrides:
        path, value = parse_override(override)
        node = raw
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"override {override!r}: {part} is not a section")
            node = child
        node[path[-1]] = value
    return raw


def _problems(error: ValidationError) -> list[str]:
    """`key.path: message` for every problem; a problem found across keys names its own."""
    return [
        (f"{'.'.join(str(p) for p in e['loc'])}: " if e["loc"] else "")
        + e["msg"].removeprefix("Value error, ")
        for e in error.errors()
    ]


def validate(raw: Any, origin: str = "config", offline: bool = False) -> RunConfig:
    """`raw` as a RunConfig, or ConfigError naming every problem; `offline`: see OFFLINE."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a mapping of keys at the top level")
    try:
        return RunConfig.model_validate(raw, context={OFFLINE: offline})
    except ValidationError as error:
        problems = [f"  {problem}" for problem in _problems(error)]
        raise ConfigError(f"{origin} is invalid:\n" + "\n".join(problems)) from None


def load_config(path: str | Path, overrides: list[str] = (), offline: bool = False) -> RunConfig:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read config {path}: {error}") from None
    return validate(apply_overrides(raw or {}, list(overrides)), str(path), offline)
