"""Common Crawl WET files -> documents: the text Common Crawl extracted from each page.

A WET file is a WARC file whose `conversion` records hold a page's plain text (UTF-8,
one text block of the page per line) for its `WARC-Target-URI`; it is read with the
project's WARC reader (`corpus.warc.reader`), so damaged files are handled as in the
extraction stage. Each line of the text is one paragraph (cc_net's unit of paragraph
deduplication); bytes that are not UTF-8 become U+FFFD. Each record ends as one outcome
(`position` of a dead letter: the record's offset in the file):

| Outcome | When | Dead letter |
|---|---|---|
| `kept` | a document | |
| `not_conversion` | `warcinfo` and any other record type | |
| `too_large` | the text is over `max_record_bytes` | |
| `empty` | the text is empty or whitespace | |
| `timeout` | the record's conversion ran past `time_limit_seconds` (`time_limit`) | yes |
| the WARC reader's failure reason | a stretch the WARC reader could not read | yes |

The WARC reader's reasons: `corrupt_gzip`, `bad_record_header`, `bad_http_head`,
`truncated_file`, `empty_file`, `unsupported_compression`, `unreadable_file`,
`reader_error`.

A document's id is the conversion record's WARC-Record-ID, its date the WARC-Date (the
capture), `warc_file` and `warc_offset` where the record is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from corpus.accounting import UNREADABLE_FILE
from corpus.extract.dates import document_date
from corpus.sources.files import open_raw
from corpus.sources.records import (
    EMPTY,
    ReadResult,
    Skipped,
    Unreadable,
    make_document,
    split_paragraphs,
)
from corpus.sources.time_limit import (
    DEFAULT_TIME_LIMIT_SECONDS,
    check_time_limit,
    within_time_limit,
)
from corpus.warc.naming import host_of, source_name
from corpus.warc.reader import DEFAULT_MAX_BODY_BYTES, ReadFailure, WarcRecord, read_warc


@dataclass(frozen=True)
class WetReader:
    """Reads Common Crawl WET files (`*.warc.wet.gz`)."""

    source: str | None = None
    """Value of every document's `source`; None: the Common Crawl dump name in the file's
    path (`CC-MAIN-2024-22`), else `web`, as in the extraction stage."""
    max_record_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Records with more text than this are skipped unread (`too_large`)."""
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    """Longest a record's conversion to a document may take (longer: a `timeout` dead
    letter); a run gives `extract.time_limit_seconds` unless this is set."""

    def __post_init__(self) -> None:
        if self.max_record_bytes < 1:
            raise ValueError(f"max_record_bytes: {self.max_record_bytes} is not positive")
        check_time_limit(self.time_limit_seconds)

    def read(self, path: str) -> Iterator[ReadResult]:
        source = source_name(path, self.source)
        try:
            with open_raw(path) as stream:
                for item in read_warc(stream, path, max_body_bytes=self.max_record_bytes):
                    if isinstance(item, ReadFailure):
                        yield Unreadable(item.file, item.offset, item.reason, item.error)
                    else:
                        yield within_time_limit(
                            self.time_limit_seconds,
                            item.file,
                            item.offset,
                            partial(self.from_record, item, source, host_of(item.target_uri)),
                        )
        except OSError as error:  # the file cannot be opened (read errors are ReadFailures)
            yield Unreadable(path, 0, UNREADABLE_FILE, repr(error))

    def from_record(self, record: WarcRecord, source: str, host: str) -> ReadResult:
        if record.record_type != "conversion":
            return Skipped("not_conversion")
        if record.body is None:
            return Skipped("too_large")
        paragraphs = split_paragraphs(record.body.decode("utf-8", "replace"), "lines")
        if not paragraphs:
            return Skipped(EMPTY)
        return make_document(
            record.record_id,
            paragraphs,
            source,
            url=record.target_uri,
            host=host,
            date=document_date(record.warc_date, None, None),
            language=record.content_language,
            warc_file=record.file,
            warc_offset=record.offset,
        )
