"""JSON Lines -> documents: one JSON object per line, its text in a named top-level field.

Dolma, Kaken, WARP text and most released corpora come this way, as `.jsonl` or `.json`
files, plain or compressed (`.gz`, `.bz2`, `.xz`, `.zst`: `corpus.sources.files`). Each
line ends as one outcome (`position` of a dead letter: the line number, from 1):

| Outcome | When | Dead letter |
|---|---|---|
| `kept` | a document | |
| `blank_line` | the line is empty or whitespace | |
| `empty` | the text is empty or whitespace | |
| `invalid_utf8` | the line is not UTF-8 | yes |
| `invalid_json` | the line is not JSON (or nests too deep to parse) | yes |
| `not_an_object` | the line is JSON, but not an object | yes |
| `missing_text` | the text field is absent or null | yes |
| `text_not_string` | the text field is a number, a list, ... | yes |
| `invalid_unicode` | the text, id or URL holds a lone surrogate (`"\\ud800"`): not UTF-8 | yes |
| `missing_id` | `id_field` is set and absent or null in the line | yes |
| `bad_id` | the id is neither a string nor an integer | yes |
| `url_not_string` | the `url_field` value is a number, a list, ... | yes |
| `bad_date` | the `date_field` value is not a date (`corpus.sources.records.record_date`) | yes |
| `timeout` | the line's conversion ran past `time_limit_seconds` (`time_limit`) | yes |
| `truncated_file` | the compressed data ends inside a member (position: lines read) | yes |
| `unreadable_file` | the file cannot be read on (position: lines read) | yes |
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from corpus.accounting import TRUNCATED_FILE, UNREADABLE_FILE
from corpus.sources.files import open_decompressed
from corpus.sources.records import (
    BAD_DATE,
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

_SNIPPET = 80


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class JsonlReader:
    """Reads JSON Lines files. A document's id is the `id_field` value as a string when
    that is set, else `PATH:LINE` (the file's path as given, the line number from 1)."""

    source: str
    """Value of every document's `source`."""
    text_field: str = "text"
    """Top-level field that holds the text."""
    id_field: str | None = None
    """Top-level field that holds a unique id (a string or an integer); None: `PATH:LINE`."""
    url_field: str | None = None
    """Top-level field that holds the page's URL, a string: the documents' `url`, and their
    `host` taken from it as the extraction stage does, for URL deduplication. None, or the
    field absent or null in a line: no URL (URL deduplication leaves the document alone)."""
    date_field: str | None = None
    """Top-level field that holds the document's date, for the deduplication keep rules: an
    ISO 8601 string (no offset: UTC) or seconds since the Unix epoch (`record_date`). None,
    or the field absent, null or "" in a line: no date."""
    paragraphs: ParagraphSplit = "blank_lines"
    """How the text becomes paragraphs: `blank_lines`, `lines` or `whole` (code)."""
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    """Longest a record's conversion to a document may take (longer: a `timeout` dead
    letter); a run gives `extract.time_limit_seconds` unless this is set."""

    def __post_init__(self) -> None:
        check_split(self.paragraphs)
        check_time_limit(self.time_limit_seconds)

    def read(self, path: str) -> Iterator[ReadResult]:
        number = 0
        try:
            with open_decompressed(path) as stream:
                for number, line in enumerate(stream, 1):
                    yield within_time_limit(
                        self.time_limit_seconds,
                        path,
                        number,
                        partial(self.from_line, line, path, number),
                    )
        except EOFError as error:
            yield Unreadable(path, number, TRUNCATED_FILE, str(error))
        except Exception as error:  # corrupt compressed data, I/O: the file stops here
            yield Unreadable(path, number, UNREADABLE_FILE, repr(error))

    def from_line(self, line: bytes, path: str, number: int) -> ReadResult:
        line = line.removesuffix(b"\n").removesuffix(b"\r")

        def unreadable(reason: str, error: str) -> Unreadable:
            snippet = line[:_SNIPPET].decode("utf-8", "replace")
            return Unreadable(path, number, reason, f"{error}: {snippet!r}")

        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return unreadable("invalid_utf8", str(error))
        if number == 1:
            decoded = decoded.removeprefix("\ufeff")
        if not decoded.strip():
            return Skipped("blank_line")
        try:
            record: Any = json.loads(decoded)
        except (json.JSONDecodeError, RecursionError) as error:  # nesting too deep: RecursionError
            return unreadable("invalid_json", str(error))
        if not isinstance(record, dict):
            return unreadable("not_an_object", type(record).__name__)
        text = record.get(self.text_field)
        if text is None:
            return unreadable("missing_text", f"no {self.text_field!r}")
        if not isinstance(text, str):
            return unreadable("text_not_string", f"{self.text_field!r} is {type(text).__name__}")
        if self.id_field is None:
            id = f"{path}:{number}"
        else:
            value = record.get(self.id_field)
            if value is None:
                return unreadable("missing_id", f"no {self.id_field!r}")
            if isinstance(value, bool) or not isinstance(value, str | int):
                return unreadable("bad_id", f"{self.id_field!r} is {type(value).__name__}")
            id = str(value)
        url = None if self.url_field is None else record.get(self.url_field)
        url = "" if url is None else url
        if not isinstance(url, str):
            return unreadable("url_not_string", f"{self.url_field!r} is {type(url).__name__}")
        if not (_encodable(text) and _encodable(id) and _encodable(url)):
            return unreadable("invalid_unicode", "lone surrogate")
        try:
            date = None if self.date_field is None else record_date(record.get(self.date_field))
        except ValueError as error:
            return unreadable(BAD_DATE, f"{self.date_field!r}: {error}")
        paragraphs = split_paragraphs(text, self.paragraphs)
        if not paragraphs:
            return Skipped(EMPTY)
        return make_document(id, paragraphs, self.source, url=url, host=host_of(url), date=date)
