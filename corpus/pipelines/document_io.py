"""Reading and writing the document Parquet files every stage shares."""

from __future__ import annotations

from collections.abc import Callable

import apache_beam as beam

from corpus.pipelines.sharded_write import ParquetFormat, WriteShards
from corpus.schema import DOCUMENT_SCHEMA, Document

DOCUMENTS_PREFIX = "documents"


def document_key(document: Document) -> str:
    """Orders documents in their shard; unique even when two records share an id."""
    return f"{document.id}\0{document.warc_file}\0{document.warc_offset:020d}"


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
            | "ToDocument" >> beam.Map(Document.from_row)
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


def documents_glob(directory: str) -> str:
    return f"{directory.rstrip('/')}/{DOCUMENTS_PREFIX}-*.parquet"
