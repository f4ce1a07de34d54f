"""Dead letters: input a stage could not process, kept with where it came from and why.

One JSON object per line: `{"file", "offset", "reason", "error"}`, written as
deterministic shards under `STAGE_OUTPUT/dead_letters/`.
"""

from __future__ import annotations

import posixpath

from corpus.pipelines.sharded_write import JsonLinesFormat, WriteShards

DEAD_LETTERS_DIR = "dead_letters"
DEAD_LETTERS_PER_SHARD = 100_000


def dead_letter(file: str, offset: int, reason: str, error: str) -> dict:
    return {"file": file, "offset": offset, "reason": str(reason), "error": error}


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
