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
