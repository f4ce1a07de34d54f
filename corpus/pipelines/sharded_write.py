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
import json
import math
import posixpath
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Protocol

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems


class ShardFormat(Protocol):
    extension: str

    def write(self, records: list[Any], handle: BinaryIO) -> None: ...


class ParquetFormat:
    """Rows as zstd-compressed Parquet with a fixed schema; `to_row` turns a record into a dict."""

    extension = "parquet"

    def __init__(self, schema: pa.Schema, to_row: Callable[[Any], dict]) -> None:
        self.schema = schema
        self.to_row = to_row

    def write(self, records: list[Any], handle: BinaryIO) -> None:
        table = pa.Table.from_pylist([self.to_row(r) for r in records], schema=self.schema)
        pq.write_table(table, handle, compression="zstd")


class JsonLinesFormat:
    """One JSON object per line, UTF-8, keys sorted."""

    extension = "jsonl"

    def write(self, records: list[dict], handle: BinaryIO) -> None:
        for record in records:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
            handle.write(line.encode("utf-8"))


def stable_shard(key: str, num_shards: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % num_shards


def shard_name(prefix: str, index: int, num_shards: int, extension: str) -> str:
    return f"{prefix}-{index:05d}-of-{num_shards:05d}.{extension}"


class _WriteShard(beam.DoFn):
    def __init__(self, directory: str, prefix: str, fmt: ShardFormat, sort_key: Callable) -> None:
        self.directory = directory
        self.prefix = prefix
        self.fmt = fmt
        self.sort_key = sort_key

    def process(self, element: tuple[int, Iterable[Any]], num_shards: int) -> Iterable[str]:
        index, records = element
        ordered = sorted(records, key=self.sort_key)
        name = shard_name(self.prefix, index, num_shards, self.fmt.extension)
        final = posixpath.join(self.directory, name)
        temporary = posixpath.join(self.directory, f".tmp-{name}")
        with FileSystems.create(temporary) as handle:
            self.fmt.write(ordered, handle)
        FileSystems.rename([temporary], [final])
        yield final


class WriteShards(beam.PTransform):
    """Writes a PCollection as `PREFIX-SSSSS-of-NNNNN.EXT` files under `directory`.

    `sort_key(record) -> str` orders records and picks their shard; it must be unique
    per record for the output to be deterministic. Yields the paths written. Shards that
    receive no record are not written.
    """

    def __init__(
        self,
        directory: str,
        prefix: str,
        fmt: ShardFormat,
        sort_key: Callable[[Any], str],
        records_per_shard: int,
    ) -> None:
        super().__init__()
        self.directory = directory
        self.prefix = prefix
        self.fmt = fmt
        self.sort_key = sort_key
        self.records_per_shard = records_per_shard

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        per_shard = self.records_per_shard
        sort_key = self.sort_key
        num_shards = beam.pvalue.AsSingleton(
            records
            | "Count" >> beam.combiners.Count.Globally()
            | "NumShards" >> beam.Map(lambda count: max(1, math.ceil(count / per_shard)))
        )
        return (
            records
            | "KeyByShard" >> beam.Map(lambda r, n: (stable_shard(sort_key(r), n), r), num_shards)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteShard(self.directory, self.prefix, self.fmt, sort_key), num_shards)
        )
