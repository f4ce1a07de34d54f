"""Sharded files in plain Python: their formats, names and atomic writing.

A shard is named `PREFIX-SSSSS-of-NNNNN.EXT` and written under a temporary name, then
renamed into place, so it is either complete or absent. The Beam transform that spreads a
collection over shards (`corpus.pipelines.sharded_write.WriteShards`) and the plain code
that writes shards itself (the tokenizer's) both write them here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import posixpath
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.atomic_files import write_atomically

ROW_GROUP_ROWS = 4096


class ShardFormat(Protocol):
    extension: str

    def write(self, records: Iterable[Any], handle: BinaryIO) -> None: ...


class ParquetFormat:
    """Rows as zstd-compressed Parquet with a fixed schema; `to_row` turns a record into a dict.

    Records may come from an iterator: they are converted and written a row group of
    `ROW_GROUP_ROWS` at a time, so a file need not be held in memory to be written."""

    extension = "parquet"

    def __init__(self, schema: pa.Schema, to_row: Callable[[Any], dict]) -> None:
        self.schema = schema
        self.to_row = to_row

    def write(self, records: Iterable[Any], handle: BinaryIO) -> None:
        records = iter(records)
        with pq.ParquetWriter(handle, self.schema, compression="zstd") as writer:
            while rows := [self.to_row(r) for r in itertools.islice(records, ROW_GROUP_ROWS)]:
                writer.write_table(pa.Table.from_pylist(rows, schema=self.schema))


class JsonLinesFormat:
    """One JSON object per line, UTF-8, keys sorted."""

    extension = "jsonl"

    def write(self, records: Iterable[dict], handle: BinaryIO) -> None:
        for record in records:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
            handle.write(line.encode("utf-8"))


def stable_shard(key: str, num_shards: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % num_shards


def shard_name(prefix: str, index: int, num_shards: int, extension: str) -> str:
    return f"{prefix}-{index:05d}-of-{num_shards:05d}.{extension}"


def write_records(path: str, fmt: ShardFormat, records: Iterable[Any]) -> str:
    """Writes `records` to `path` atomically (complete or absent); returns the path."""
    directory, name = posixpath.split(path)
    write_atomically(directory, name, lambda handle: fmt.write(records, handle))
    return path
