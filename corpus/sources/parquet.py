"""Parquet -> documents: one row per document, its text in a named column.

The Stack (text column `content`) and most Hugging Face datasets come this way. The file
is read one row group at a time, in batches of `batch_rows`, and only the columns named
(text, id, URL, date) are read, so a large file never sits in memory. Each row ends as one
outcome (`position` of a dead letter: the row index in the file, from 0):

| Outcome | When | Dead letter |
|---|---|---|
| `kept` | a document | |
| `empty` | the text is empty or whitespace | |
| `missing_text` | the text is null | yes |
| `missing_id` | `id_column` is set and null in the row | yes |
| `bad_date` | the date is a string that is not ISO 8601, or out of range (`record_date`) | yes |
| `missing_column` | the file has no such text, id, URL or date column (once per file) | yes |
| `text_not_string` | the text column is not a string column (once per file) | yes |
| `url_not_string` | the URL column is not a string column (once per file) | yes |
| `bad_date_column` | the date column's type is no date, string or number (once per file) | yes |
| `corrupt_row_group` | a row group cannot be decoded (once per row group) | yes |
| `timeout` | the row's conversion ran past `time_limit_seconds` (`time_limit`) | yes |
| `unreadable_file` | not a Parquet file, or cannot be read (once per file) | yes |

A corrupt row group loses its remaining rows (the dead letter names the row group and says
how many rows); reading goes on with the next row group, and the other files are read as
ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.accounting import UNREADABLE_FILE
from corpus.sources.files import open_raw
from corpus.sources.records import (
    BAD_DATE,
    CORRUPT_ROW_GROUP,
    EMPTY,
    ParagraphSplit,
    ReadResult,
    Skipped,
    Unreadable,
    check_split,
    make_document,
    record_date,
    split_paragraphs,
)
from corpus.sources.time_limit import (
    DEFAULT_TIME_LIMIT_SECONDS,
    check_time_limit,
    within_time_limit,
)
from corpus.warc.naming import host_of


def _is_string(type_: pa.DataType) -> bool:
    return pa.types.is_string(type_) or pa.types.is_large_string(type_) or type_ == pa.string_view()


def _holds_urls(type_: pa.DataType) -> bool:
    return _is_string(type_) or pa.types.is_null(type_)


def _holds_dates(type_: pa.DataType) -> bool:
    """Values `record_date` may read: timestamps, dates, ISO 8601 strings, epoch seconds."""
    types = pa.types
    return (
        types.is_timestamp(type_)
        or types.is_date(type_)
        or _is_string(type_)
        or types.is_integer(type_)
        or types.is_floating(type_)
        or types.is_null(type_)
    )


@dataclass(frozen=True)
class ParquetReader:
    """Reads Parquet files. A document's id is the `id_column` value as a string when that
    is set, else `PATH:ROW` (the file's path as given, the row index from 0)."""

    source: str
    """Value of every document's `source`."""
    text_column: str = "text"
    """Column that holds the text (The Stack: `content`)."""
    id_column: str | None = None
    """Column that holds a unique id (The Stack: `hexsha`); None: `PATH:ROW`."""
    url_column: str | None = None
    """String column that holds the page's URL: the documents' `url`, and their `host` taken
    from it as the extraction stage does, for URL deduplication. None, or null in a row: no
    URL (URL deduplication leaves the document alone)."""
    date_column: str | None = None
    """Column that holds the document's date, for the deduplication keep rules: a timestamp
    or date column (without a time zone: UTC), ISO 8601 strings, or seconds since the Unix
    epoch (`record_date`). None, or null or "" in a row: no date."""
    paragraphs: ParagraphSplit = "blank_lines"
    """How the text becomes paragraphs: `blank_lines`, `lines` or `whole` (code)."""
    batch_rows: int = 1024
    """Rows decoded at a time."""
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    """Longest a record's conversion to a document may take (longer: a `timeout` dead
    letter); a run gives `extract.time_limit_seconds` unless this is set."""

    def __post_init__(self) -> None:
        check_split(self.paragraphs)
        check_time_limit(self.time_limit_seconds)
        if self.batch_rows < 1:
            raise ValueError(f"batch_rows: {self.batch_rows} is not positive")

    def read(self, path: str) -> Iterator[ReadResult]:
        try:
            with open_raw(path) as raw:
                yield from self._read_file(pq.ParquetFile(raw), path)
        except Exception as error:  # not Parquet, or I/O: the file stops here
            yield Unreadable(path, 0, UNREADABLE_FILE, repr(error))

    def _named(self) -> tuple[str, str | None, str | None, str | None]:
        """The text, id, URL and date columns (None: not read)."""
        return self.text_column, self.id_column, self.url_column, self.date_column

    def _read_file(self, parquet: pq.ParquetFile, path: str) -> Iterator[ReadResult]:
        schema = parquet.schema_arrow
        columns = list(dict.fromkeys(column for column in self._named() if column))
        for column in columns:
            if column not in schema.names:
                yield Unreadable(path, 0, "missing_column", f"no column {column!r}")
                return
        checks = (
            (self.text_column, _is_string, "text_not_string"),
            (self.url_column, _holds_urls, "url_not_string"),
            (self.date_column, _holds_dates, "bad_date_column"),
        )
        for column, fits, reason in checks:
            if column and not fits(type_ := schema.field(column).type):
                yield Unreadable(path, 0, reason, f"{column!r} is {type_}")
                return
        first_row = 0
        for group in range(parquet.num_row_groups):
            yield from self._read_row_group(parquet, group, first_row, columns, path)
            first_row += parquet.metadata.row_group(group).num_rows

    def _read_row_group(
        self, parquet: pq.ParquetFile, group: int, first_row: int, columns: list[str], path: str
    ) -> Iterator[ReadResult]:
        row = first_row
        try:
            for batch in parquet.iter_batches(self.batch_rows, row_groups=[group], columns=columns):
                absent = [None] * batch.num_rows
                texts, ids, urls, dates = (
                    batch.column(column).to_pylist() if column else absent
                    for column in self._named()
                )
                for text, id, url, date in zip(texts, ids, urls, dates, strict=True):
                    yield within_time_limit(
                        self.time_limit_seconds,
                        path,
                        row,
                        partial(self.from_row, text, id, url, date, path, row),
                    )
                    row += 1
        except Exception as error:
            lost = first_row + parquet.metadata.row_group(group).num_rows - row
            yield Unreadable(
                path, row, CORRUPT_ROW_GROUP, f"row group {group}: {lost} rows lost: {error!r}"
            )

    def from_row(
        self, text: str | None, id: object, url: str | None, date: object, path: str, row: int
    ) -> ReadResult:
        """One row's values (None for a column not read) -> its outcome."""
        if text is None:
            return Unreadable(path, row, "missing_text", f"{self.text_column!r} is null")
        if self.id_column is None:
            id = f"{path}:{row}"
        elif id is None:
            return Unreadable(path, row, "missing_id", f"{self.id_column!r} is null")
        try:
            date = record_date(date)
        except ValueError as error:
            return Unreadable(path, row, BAD_DATE, f"{self.date_column!r}: {error}")
        paragraphs = split_paragraphs(text, self.paragraphs)
        if not paragraphs:
            return Skipped(EMPTY)
        url = url or ""
        return make_document(
            str(id), paragraphs, self.source, url=url, host=host_of(url), date=date
        )
