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

import math
import posixpath
from collections.abc import Callable, Iterable
from typing import Any

import apache_beam as beam

from corpus.io.shards import ShardFormat, shard_name, stable_shard, write_records


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
