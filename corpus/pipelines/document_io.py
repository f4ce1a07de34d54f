"""Reading and writing the document Parquet files every stage shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io import fileio
from apache_beam.io.filesystems import FileSystems

from corpus.pipelines.read_progress import count_read
from corpus.pipelines.sharded_write import ParquetFormat, WriteShards
from corpus.pipelines.stage_stats import RECORDS_READ
from corpus.schema import DOCUMENT_SCHEMA, Document, document_key

DOCUMENTS_PREFIX = "documents"
READ_BATCH_ROWS = 1024


class ReadDocuments(beam.PTransform):
    """Parquet files of a previous stage (globs) -> `Document`s."""

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "ReadParquet" >> beam.io.ReadAllFromParquet()
            | "ToDocument" >> beam.Map(_counted_document)
        )


def _counted_document(row: dict) -> Document:
    count_read(1)
    return Document.from_row(row)


def parquet_rows(paths: list[str]) -> int:
    """Rows in Parquet files, from their footers (no data is read)."""
    total = 0
    for path in paths:
        with FileSystems.open(path) as handle:
            total += pq.ParquetFile(handle).metadata.num_rows
    return total


class CountRecordsRead(beam.PTransform):
    """Parquet file patterns -> one `((RECORDS_READ, "rows"), rows)` pair per matched file:
    the records a stage reads, counted from the footers, apart from decoding them."""

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            | "FooterRows"
            >> beam.Map(lambda metadata: ((RECORDS_READ, "rows"), parquet_rows([metadata.path])))
        )


class WriteDocuments(WriteShards):
    """`Document`s -> deterministic zstd Parquet shards (`documents-SSSSS-of-NNNNN.parquet`)."""

    def __init__(
        self,
        directory: str,
        documents_per_shard: int,
        partition_of: Callable[[Document], str] | None = None,
    ) -> None:
        super().__init__(
            directory,
            DOCUMENTS_PREFIX,
            ParquetFormat(DOCUMENT_SCHEMA, Document.to_row),
            document_key,
            documents_per_shard,
            partition_of,
        )


def input_files(patterns: list[str]) -> list[str]:
    """The files the patterns match, sorted and without repeats: their indices name them."""
    matched = FileSystems.match(patterns)
    return sorted({m.path for result in matched for m in result.metadata_list})


def read_document_file(path: str) -> Iterator[Document]:
    """The documents of one Parquet file in row order, read a batch at a time."""
    with FileSystems.open(path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=READ_BATCH_ROWS):
            yield from map(Document.from_row, batch.to_pylist())


def documents_glob(directory: str) -> str:
    return f"{directory.rstrip('/')}/{DOCUMENTS_PREFIX}-*.parquet"
