"""What a source reader yields for each record of its input: a document, or why there is none.

Every record a reader meets ends as exactly one of:

- a `Document` (counted as `kept`),
- `Skipped(reason)`: left out by rule (a redirect, a page outside the article namespace,
  an empty text); counted under its reason,
- `Unreadable(file, position, reason, error)`: input that could not become a document (a
  line that is not JSON, a text that is not a string, a file cut short); written as a dead
  letter with where it was and counted as dead-lettered under its reason.

so that records read = kept + skipped + dead-lettered, as in the extraction stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, Protocol

from corpus.extract.dates import parse_warc_date
from corpus.extract.langid import iso639_1
from corpus.extract.scripts import script_ratios
from corpus.schema import Document, Paragraph, join_paragraphs

EMPTY = "empty"
"""A record whose text is empty or only whitespace (skipped)."""
BAD_DATE = "bad_date"
"""A record's date field holds a value that is not a date (see `record_date`)."""
CORRUPT_ROW_GROUP = "corrupt_row_group"
"""A Parquet row group that cannot be decoded: its rows not yet read are lost."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record left out by rule: counted under `reason`, not an error."""

    reason: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Input that could not become a document: counted under `reason` and recorded.

    `position` says where in `file`: a line number (JSONL, from 1), a row index (Parquet,
    from 0), a byte offset (WET) or a page index (Wikipedia, from 0), as each reader
    documents.
    """

    file: str
    position: int
    reason: str
    error: str


ReadResult = Document | Skipped | Unreadable


class SourceReader(Protocol):
    """Reads one file of a source from start to end, streaming: every record it meets
    ends as one `ReadResult`; it never raises for bad input."""

    def read(self, path: str) -> Iterator[ReadResult]: ...


ParagraphSplit = Literal["blank_lines", "lines", "whole"]
"""How a text becomes paragraphs: `blank_lines` (prose: paragraphs are separated by one or
more blank lines), `lines` (every non-blank line is one, as in Common Crawl's WET text),
`whole` (the text, unchanged, is one paragraph: code, where blank lines and indentation
must survive exactly)."""

PARAGRAPH_SPLITS: tuple[str, ...] = ParagraphSplit.__args__

_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_LEADING_BLANK_LINES = re.compile(r"^(?:[^\S\n]*\n)+")


def _whole(text: str) -> list[str]:
    return [text] if text.strip() else []


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n")]


def _between_blank_lines(text: str) -> list[str]:
    parts = _BLANK_LINES.split(text.replace("\r\n", "\n"))
    return [_LEADING_BLANK_LINES.sub("", part).rstrip() for part in parts]


_SPLITTERS = {"whole": _whole, "lines": _lines, "blank_lines": _between_blank_lines}


def check_split(split: str) -> None:
    if split not in PARAGRAPH_SPLITS:
        raise ValueError(f"paragraphs: {split!r} is not one of {', '.join(PARAGRAPH_SPLITS)}")


def split_paragraphs(text: str, split: ParagraphSplit) -> list[Paragraph]:
    """The non-empty paragraphs of `text` (see `ParagraphSplit`). `blank_lines` drops blank
    lines and trailing whitespace but keeps a paragraph's leading indentation; `lines`
    strips each line. NUL characters are removed first: they are never text, and C tools
    downstream (Megatron's preprocessing, some tokenizers) stop at them."""
    text = text.replace("\0", "")
    return [Paragraph(part) for part in _SPLITTERS[split](text) if part]


def record_date(value: object) -> datetime | None:
    """A date field's value as documents hold dates: UTC, in whole seconds (the dedup keep
    rules compare them). Accepted: an ISO 8601 string (`2024-05-20`, `2024-05-20T10:00:00Z`,
    `2024-05-20 19:00:00+09:00`), a datetime or a date, or seconds since the Unix epoch (an
    integer or a float); without an offset, UTC. Null or an empty string: no date. A
    `ValueError` says why any other value is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str):
            parsed = parse_warc_date(value)
            if parsed is None:
                raise ValueError(f"{value[:80]!r} is not an ISO 8601 date")
        elif isinstance(value, datetime):
            parsed = value if value.tzinfo else value.replace(tzinfo=UTC)
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day, tzinfo=UTC)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            parsed = datetime.fromtimestamp(value, UTC)
        else:
            raise ValueError(f"a {type(value).__name__} is not a date")
        return parsed.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, OSError) as error:  # beyond the years 1-9999 a datetime holds
        raise ValueError(f"{value!r} is out of range: {error}") from None


def make_document(
    id: str,
    paragraphs: list[Paragraph],
    source: str,
    *,
    url: str | None = None,
    host: str | None = None,
    date: datetime | None = None,
    language: str = "",
    warc_file: str = "",
    warc_offset: int = 0,
) -> Document:
    """A document with its script ratios measured, as the extraction stage makes them. An
    empty URL or host is unknown (None); `language` is mapped to the codes fastText's labels
    use, the source's own spelling kept as `source_language` when it differs."""
    ratios = script_ratios(join_paragraphs(paragraphs))
    code = iso639_1(language) if language else ""
    return Document(
        id=id,
        url=url or None,
        host=host or None,
        date=date,
        source=source,
        warc_file=warc_file,
        warc_offset=warc_offset,
        language=code,
        source_language=language if language != code else None,
        hiragana_ratio=ratios.hiragana,
        katakana_ratio=ratios.katakana,
        kanji_ratio=ratios.kanji,
        paragraphs=paragraphs,
    )
