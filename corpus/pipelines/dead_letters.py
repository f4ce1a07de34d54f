"""Dead letters: input a stage could not process, kept with where it came from and why.

One JSON object per line: `{"file", "offset", "reason", "error"}`, written as
deterministic shards under `STAGE_OUTPUT/dead_letters/`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

import apache_beam as beam

from corpus.pipelines.sharded_write import JsonLinesFormat, WriteShards
from corpus.pipelines.stage_stats import DEAD_LETTERED, Tally

DEAD_LETTERS_DIR = "dead_letters"
DEAD_LETTERS_PER_SHARD = 100_000
TALLIES = "tallies"
"""The tagged output on which a stage's DoFns emit their tallies."""
DEAD_LETTERS = "dead_letters"
"""The tagged output on which they emit dead letters."""


def dead_letter(file: str, offset: int, reason: str, error: str) -> dict:
    return {"file": file, "offset": offset, "reason": str(reason), "error": error}


def emit_dead_letter(letter: dict, tally: Tally) -> Iterator[beam.pvalue.TaggedOutput]:
    """The letter on `DEAD_LETTERS`, and its reason tallied as dead-lettered on `TALLIES`."""
    yield beam.pvalue.TaggedOutput(DEAD_LETTERS, letter)
    yield beam.pvalue.TaggedOutput(TALLIES, tally(DEAD_LETTERED, letter["reason"]))


def dead_letter_key(letter: dict) -> str:
    return f"{letter['file']}\0{letter['offset']:020d}\0{letter['reason']}\0{letter['error']}"


class WriteDeadLetters(WriteShards):
    def __init__(self, stage_directory: str) -> None:
        super().__init__(
            posixpath.join(stage_directory, DEAD_LETTERS_DIR),
            "dead_letters",
            JsonLinesFormat(),
            dead_letter_key,
            DEAD_LETTERS_PER_SHARD,
        )
