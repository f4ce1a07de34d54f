"""Reading and writing the document Parquet files every stage shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import NamedTuple

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io import fileio
from apache_beam.io.filesystems import FileSystems

from corpus.accounting import RECORDS_READ
from corpus.io.reading import parquet_rows
from corpus.io.shards import ParquetFormat, write_records
from corpus.layout import DOCUMENTS_PREFIX
from corpus.pipelines.dead_letters import DEAD_LETTERS, dead_letter, emit_dead_letter
from corpus.pipelines.sharded_write import WriteShards
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.read_progress import count_read
from corpus.schema import DOCUMENT_SCHEMA, DamagedDocument, Document, document_key
from corpus.sources.records import CORRUPT_ROW_GROUP

READ_BATCH_ROWS = 1024
DOCUMENT_FORMAT = ParquetFormat(DOCUMENT_SCHEMA, Document.to_row)
DAMAGED_DOCUMENT = "damaged_document"
"""A document row whose paragraphs' offsets do not fit its text (`DamagedDocument`)."""


class DocumentStream(NamedTuple):
    """What a transform that produces documents returns (extraction, a source's reader,
    `ReadDocuments`): the documents, the dead letters, `((kind, name), count)` pairs."""

    documents: beam.PCollection
    dead_letters: beam.PCollection
    counts: beam.PCollection


def row_groups(path: str) -> Iterator[tuple[str, int, int, int]]:
    """(path, row group, its first row, its rows) of each row group, from the footer."""
    with FileSystems.open(path) as handle:
        metadata = pq.ParquetFile(handle).metadata
    first = 0
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group).num_rows
        yield path, group, first, rows
        first += rows


class ReadRowGroup(beam.DoFn):
    """(path, row group, first row, rows) -> its documents; a row whose paragraphs do not
    fit its text a `DAMAGED_DOCUMENT` dead letter; a row it cannot read, and every row after
    it in the group, a `CORRUPT_ROW_GROUP` dead letter."""

    def __init__(self) -> None:
        self.tally = Tally("documents")

    def process(self, part: tuple[str, int, int, int]) -> Iterator:
        path, group, first, rows = part
        done = 0
        try:
            with FileSystems.open(path) as handle:
                parquet = pq.ParquetFile(handle)
                for batch in parquet.iter_batches(READ_BATCH_ROWS, row_groups=[group]):
                    for row in batch.to_pylist():
                        try:
                            document = Document.from_row(row)
                        except DamagedDocument as error:
                            detail = f"{row['id']}: {error}"
                            letter = dead_letter(path, first + done, DAMAGED_DOCUMENT, detail)
                            yield from emit_dead_letter(letter, self.tally)
                        else:
                            count_read(1)
                            yield document
                        done += 1
        except Exception as error:
            reason = f"row group {group}: {error!r}"
            for row in range(first + done, first + rows):
                letter = dead_letter(path, row, CORRUPT_ROW_GROUP, reason)
                yield from emit_dead_letter(letter, self.tally)


class ReadDocuments(beam.PTransform):
    """Document Parquet files (globs) -> a `DocumentStream`.

    Each file is read once, however many patterns match it, a row group at a time (the
    row groups spread over the workers). A row group that cannot be decoded loses the rows
    not yet read: each is a `CORRUPT_ROW_GROUP` dead letter (the file, the row's index,
    the row group and the error), tallied as dead-lettered, so that a stage's rows read
    (`CountRecordsRead`) stay accounted for; the other row groups and files are read on.
    A row that decodes but whose paragraphs do not fit its text is one `DAMAGED_DOCUMENT`
    dead letter, and the rows after it are read.
    """

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> DocumentStream:
        read = (
            pbegin
            | "Files" >> DistinctFiles(self.patterns)
            | "RowGroups" >> beam.FlatMap(row_groups)
            | "SpreadRowGroups" >> beam.Reshuffle()
            | "ReadRowGroup"
            >> beam.ParDo(ReadRowGroup()).with_outputs(COUNTS, DEAD_LETTERS, main="documents")
        )
        return DocumentStream(read.documents, read.dead_letters, read[COUNTS])


class DistinctFiles(beam.PTransform):
    """File patterns -> the paths of the files they match, each once."""

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            | "Path" >> beam.Map(attrgetter("path"))
            | "EachFileOnce" >> beam.Distinct()
        )


class CountRecordsRead(beam.PTransform):
    """Parquet file patterns -> one `((RECORDS_READ, "rows"), rows)` pair per matched file
    (each once): the records a stage reads, counted from the footers, apart from decoding
    them."""

    def __init__(self, patterns: list[str]) -> None:
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Files" >> DistinctFiles(self.patterns)
            | "FooterRows" >> beam.Map(lambda path: ((RECORDS_READ, "rows"), parquet_rows([path])))
        )


class WriteDocuments(WriteShards):
    """`Document`s -> deterministic zstd Parquet shards (`documents-SSSSS-of-NNNNN.parquet`).
    Unpartitioned, no document still writes one empty shard with the schema, so the next
    stage can read the directory."""

    def __init__(
        self,
        directory: str,
        documents_per_shard: int,
        partition_of: Callable[[Document], str] | None = None,
    ) -> None:
        super().__init__(
            directory,
            DOCUMENTS_PREFIX,
            DOCUMENT_FORMAT,
            document_key,
            documents_per_shard,
            partition_of,
            write_empty=partition_of is None,
        )


def input_files(patterns: list[str]) -> list[str]:
    """The files the patterns match, sorted and without repeats: their indices name them."""
    matched = FileSystems.match(patterns)
    return sorted({m.path for result in matched for m in result.metadata_list})


def read_document_file(path: str) -> Iterator[Document]:
    """The documents of one Parquet file in row order, read a batch at a time; a damaged
    row stops the reading with a `DamagedDocument` naming the file and the row."""
    row = 0
    with FileSystems.open(path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=READ_BATCH_ROWS):
            for fields in batch.to_pylist():
                try:
                    yield Document.from_row(fields)
                except DamagedDocument as error:
                    raise DamagedDocument(f"{path} row {row}: {error}") from None
                row += 1


def rewrite_document_file(
    source: str, destination: str, change: Callable[[int, Document], Document | None]
) -> str:
    """Writes the documents of the file `source` to `destination`, each as `change(row,
    document)` returns it, in row order (one it returns None for is left out); returns
    `destination`. A stage that rewrites its input file by file writes output file i from
    input file i this way, so only one file's documents are in memory at a time."""
    changed = (change(row, document) for row, document in enumerate(read_document_file(source)))
    return write_records(destination, DOCUMENT_FORMAT, (d for d in changed if d is not None))


def documents_glob(directory: str) -> str:
    return f"{directory.rstrip('/')}/{DOCUMENTS_PREFIX}-*.parquet"
