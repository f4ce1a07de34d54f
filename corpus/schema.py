"""The document record: defined once here, used by every stage.

A `Document` is what the extraction stage produces and what every later stage reads
and writes. On disk it is one row of a zstd Parquet file with `DOCUMENT_SCHEMA`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of text and where it stood in the page.

    `path` is the CSS-like path of the block element that holds it, Uzushio-style
    (`html>body>div.container.main>div#content>p`); `link_chars` counts how many of
    its characters were link text (inside `<a>`).
    """

    text: str
    path: str = ""
    link_chars: int = 0


def join_paragraphs(paragraphs: list[Paragraph]) -> str:
    """A document's text: its paragraphs separated by a blank line."""
    return PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)


@dataclass(slots=True)
class Document:
    id: str
    url: str
    host: str
    date: datetime | None
    source: str
    warc_file: str
    warc_offset: int
    charset: str
    charset_source: str
    language: str
    language_score: float
    hiragana_ratio: float
    katakana_ratio: float
    kanji_ratio: float
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_paragraphs(self.paragraphs)

    def to_row(self) -> dict:
        row = {name: getattr(self, name) for name in DOCUMENT_FIELDS}
        row["paragraphs"] = [
            {"text": p.text, "path": p.path, "link_chars": p.link_chars} for p in self.paragraphs
        ]
        row["text"] = self.text
        return row

    @classmethod
    def from_row(cls, row: dict) -> Document:
        values = {name: row[name] for name in DOCUMENT_FIELDS}
        values["paragraphs"] = [Paragraph(**p) for p in row["paragraphs"]]
        return cls(**values)


DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))


PARAGRAPH_TYPE = pa.struct(
    [
        pa.field("text", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("link_chars", pa.int32(), nullable=False),
    ]
)

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("host", pa.string(), nullable=False),
        pa.field("date", pa.timestamp("s", tz="UTC")),
        pa.field("source", pa.string(), nullable=False),
        pa.field("warc_file", pa.string(), nullable=False),
        pa.field("warc_offset", pa.int64(), nullable=False),
        pa.field("charset", pa.string(), nullable=False),
        pa.field("charset_source", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
        pa.field("language_score", pa.float32(), nullable=False),
        pa.field("hiragana_ratio", pa.float32(), nullable=False),
        pa.field("katakana_ratio", pa.float32(), nullable=False),
        pa.field("kanji_ratio", pa.float32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("paragraphs", pa.list_(PARAGRAPH_TYPE), nullable=False),
    ]
)
