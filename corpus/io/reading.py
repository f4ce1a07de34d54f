"""Reading a run's outputs in plain Python, on any file system Beam knows (local, gs://, s3://)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus.layout import DEAD_LETTERS_DIR, DEAD_LETTERS_PREFIX, side_path


def matching(pattern: str) -> list[str]:
    """The files `pattern` matches, sorted (an empty list when none)."""
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)


def read_json(path: str) -> dict:
    with FileSystems.open(path) as handle:
        return json.loads(handle.read())


def parquet_rows(paths: list[str]) -> int:
    """Rows in Parquet files, from their footers (no data is read)."""
    total = 0
    for path in paths:
        with FileSystems.open(path) as handle:
            total += pq.ParquetFile(handle).metadata.num_rows
    return total


def dead_letter_files(step_directory: str) -> list[str]:
    """The dead-letter files of the step whose directory is `step_directory`."""
    return matching(side_path(step_directory, DEAD_LETTERS_DIR, f"{DEAD_LETTERS_PREFIX}-*.parquet"))


def read_dead_letters(step_directory: str) -> list[dict]:
    """The dead letters of a step, file by file in row order."""
    letters = []
    for path in dead_letter_files(step_directory):
        with FileSystems.open(path) as handle:
            letters += pq.read_table(handle).to_pylist()
    return letters
