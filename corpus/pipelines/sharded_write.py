"""Deterministic, atomic sharded output.

Beam's own file sinks name and fill shards by bundle, so their bytes depend on the
runner and the number of workers. Here a record's shard is a stable hash of its key,
records are sorted by key inside their shard, and each shard is written under a
temporary name and renamed into place: the same input gives byte-identical files on
any runner, and a shard is either complete or absent.

Only one shard is held in memory at a time, so the shard size (`records_per_shard`)
bounds a worker's memory; the number of shards grows with the data.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import posixpath
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Protocol

import apache_beam as beam
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


class _WriteShard(beam.DoFn):
    def __init__(self, directory: str, prefix: str, fmt: ShardFormat, sort_key: Callable) -> None:
        self.directory = directory
        self.prefix = prefix
        self.fmt = fmt
        self.sort_key = sort_key

    def process(
        self, element: tuple[tuple[str, int], Iterable[Any]], shard_counts: dict[str, int]
    ) -> Iterable[str]:
        (partition, index), records = element
        ordered = sorted(records, key=self.sort_key)
        name = shard_name(self.prefix, index, shard_counts[partition], self.fmt.extension)
        directory = posixpath.join(self.directory, partition) if partition else self.directory
        yield write_records(posixpath.join(directory, name), self.fmt, ordered)


def _no_partition(record: Any) -> str:
    return ""


class WriteShards(beam.PTransform):
    """Writes a PCollection as `PREFIX-SSSSS-of-NNNNN.EXT` files under `directory`.

    `sort_key(record) -> str` orders records and picks their shard; it must be unique
    per record for the output to be deterministic. With `partition_of(record) -> str`,
    each partition gets its own subdirectory and shard count (a Hive-style name such as
    `reason=DocLength_low_50-08a0db4c`, of characters every Hive reader accepts). Yields
    the paths written. Shards that receive no record are not written; with `write_empty`,
    an empty input still writes one shard with no row (`PREFIX-00000-of-00001.EXT`), so
    that the directory reads as an empty dataset of the format's schema.
    """

    def __init__(
        self,
        directory: str,
        prefix: str,
        fmt: ShardFormat,
        sort_key: Callable[[Any], str],
        records_per_shard: int,
        partition_of: Callable[[Any], str] | None = None,
        write_empty: bool = False,
    ) -> None:
        super().__init__()
        self.directory = directory
        self.prefix = prefix
        self.fmt = fmt
        self.sort_key = sort_key
        self.records_per_shard = records_per_shard
        self.partition_of = partition_of or _no_partition
        self.write_empty = write_empty

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        per_shard = self.records_per_shard
        sort_key = self.sort_key
        partition_of = self.partition_of
        shard_counts = beam.pvalue.AsDict(
            records
            | "Partition" >> beam.Map(lambda r: partition_of(r))
            | "Count" >> beam.combiners.Count.PerElement()
            | "NumShards" >> beam.MapTuple(lambda p, count: (p, math.ceil(count / per_shard)))
        )

        def key_by_shard(record: Any, counts: dict[str, int]) -> tuple[tuple[str, int], Any]:
            partition = partition_of(record)
            return (partition, stable_shard(sort_key(record), counts[partition])), record

        written = (
            records
            | "KeyByShard" >> beam.Map(key_by_shard, shard_counts)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(
                _WriteShard(self.directory, self.prefix, self.fmt, sort_key), shard_counts
            )
        )
        if not self.write_empty:
            return written
        empty_path = posixpath.join(
            self.directory, shard_name(self.prefix, 0, 1, self.fmt.extension)
        )
        fmt = self.fmt

        def write_if_empty(_: None, counts: dict[str, int]) -> list[str]:
            return [] if counts else [write_records(empty_path, fmt, [])]

        empty = (
            records.pipeline
            | "Once" >> beam.Create([None])
            | "WriteIfEmpty" >> beam.FlatMap(write_if_empty, shard_counts)
        )
        return (written, empty) | "AllWritten" >> beam.Flatten()
