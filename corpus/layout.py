"""Where a step writes its files: its data in its own directory, everything else beside it.

A step's directory (`OUTPUT/[SOURCE/]STAGE/`) holds its data and nothing else: the
documents Parquet files of a document stage, the Megatron shards of `tokenize` and the
blend, the model of `tokenizer/`. So any tool reads the directory as it is (`pandas`,
Polars, DuckDB, pyarrow and HF `datasets` read every file under a directory they are
given, at any depth, and fail on the first that is not data of the same kind).

Everything else the step writes is in its side directory, `STAGE.meta/` beside it: the
completion mark, `stats.json`, dead letters, the filter's removed documents, dedup's
signatures, audit table and work files, the paragraph statistics table, the Parquet token
table. Each table there is a directory of one kind of file, readable the same way.
"""

from __future__ import annotations

import posixpath

# The run's output directory, `OUTPUT/`.
RUN_FILE = "run.json"
"""Identifies the run that owns an output directory: its command, config and input files."""
RUN_COMMAND = "run"
"""`run.json`'s command for `corpus run` (a single-stage command records its stage's name)."""
LOCK_FILE = "run.lock"
LOGS_DIR = "logs"
LOG_FILE = "corpus.log"
"""In the run's log directory, `OUTPUT/logs/`."""
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
REPORT_MARKDOWN = "report.md"
REPORT_FILES = (REPORT_JSON, REPORT_HTML, REPORT_MARKDOWN)
READ_STAGE = "read"
"""The first step of a reader source: its files -> documents."""
TOKENIZER_DIR = "tokenizer"
BLEND_DIR = "blend"

# The files in a step's directory and its side directory: `PREFIX-SSSSS-of-NNNNN.EXT` shards.
DOCUMENTS_PREFIX = "documents"
TOKENS_PREFIX = "tokens"
TEXT_PREFIX = "text"
DEAD_LETTERS_PREFIX = "dead_letters"
DUPLICATES_PREFIX = "duplicates"
SIGNATURES_PREFIX = "signatures"
PARAGRAPHS_PREFIX = "paragraphs"
"""The paragraph statistics table's shards."""
MODEL_FILE = "tokenizer.model"
MANIFEST_FILE = "manifest.json"

SIDE_SUFFIX = ".meta"
COMPLETE_FILE = "_SUCCESS"
"""Written into a step's side directory last, once the step's work has succeeded."""
STATS_FILE = "stats.json"
DEAD_LETTERS_DIR = "dead_letters"
REMOVED_DIR = "removed"
"""The filter stage's debug output: the removed documents, partitioned by reason."""
SIGNATURES_DIR = "signatures"
DUPLICATES_DIR = "duplicates"
"""Dedup's audit table: every removed document with the one kept for it."""
WORK_DIR = "work"
"""Dedup's intermediate files, deleted when the step completes."""
PARAGRAPHS_DIR = "paragraphs"
"""The paragraph statistics table."""
TOKENS_DIR = "tokens"
"""The tokenize stage's Parquet token table."""
TEXT_DIR = "text"
"""The tokenize stage's JSON Lines of the texts it tokenized (`tokenize.text_jsonl`)."""


def side_directory(step_directory: str) -> str:
    """`OUTPUT/web/filter` -> `OUTPUT/web/filter.meta`."""
    return step_directory.rstrip("/") + SIDE_SUFFIX


def side_path(step_directory: str, *names: str) -> str:
    """A path in a step's side directory: `side_path(step, STATS_FILE)`."""
    return posixpath.join(side_directory(step_directory), *names)


def step_of_side_directory(name: str) -> str | None:
    """The step directory's name for a side directory's (`filter.meta` -> `filter`)."""
    return name.removesuffix(SIDE_SUFFIX) if name.endswith(SIDE_SUFFIX) else None
