"""Dead letters: input a stage could not process, kept with where it came from and why.

Rows of `DEAD_LETTER_SCHEMA` (file, offset, reason, error), written as deterministic
zstd Parquet shards in the step's side directory, `STAGE.meta/dead_letters/`: one empty
file when there is none, so the directory always reads as a table.
"""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
import pyarrow as pa

from corpus.accounting import DEAD_LETTERED
from corpus.io.shards import ParquetFormat
from corpus.layout import DEAD_LETTERS_DIR, DEAD_LETTERS_PREFIX, side_path
from corpus.pipelines.sharded_write import WriteShards
from corpus.pipelines.stage_stats import COUNTS, Tally

DEAD_LETTERS_PER_SHARD = 100_000
DEAD_LETTER_SCHEMA = pa.schema(
    [
        pa.field("file", pa.string(), nullable=False),
        pa.field("offset", pa.int64(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("error", pa.string(), nullable=False),
    ]
)
DEAD_LETTERS = "dead_letters"
"""The tagged output on which they emit dead letters."""


def dead_letter(file: str, offset: int, reason: str, error: str) -> dict:
    return {"file": file, "offset": offset, "reason": str(reason), "error": error}


def emit_dead_letter(letter: dict, tally: Tally) -> Iterator[beam.pvalue.TaggedOutput]:
    """The letter on `DEAD_LETTERS`, and its reason counted as dead-lettered on `COUNTS`."""
    yield beam.pvalue.TaggedOutput(DEAD_LETTERS, letter)
    yield beam.pvalue.TaggedOutput(COUNTS, tally(DEAD_LETTERED, letter["reason"]))


def dead_letter_key(letter: dict) -> str:
    return f"{letter['file']}\0{letter['offset']:020d}\0{letter['reason']}\0{letter['error']}"


class WriteDeadLetters(WriteShards):
    def __init__(self, stage_directory: str) -> None:
        super().__init__(
            side_path(stage_directory, DEAD_LETTERS_DIR),
            DEAD_LETTERS_PREFIX,
            ParquetFormat(DEAD_LETTER_SCHEMA, dict),
            dead_letter_key,
            DEAD_LETTERS_PER_SHARD,
            write_empty=True,
        )
