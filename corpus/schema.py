"""The document record: defined once here, used by every stage.

A `Document` is what the extraction stage produces and what every later stage reads
and writes. On disk it is one row of a zstd Parquet file with `DOCUMENT_SCHEMA`, which
stores the text once: users read the `text` column, and a live paragraph is a range of it
(`start`, `stop`), not a copy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Protocol

import pyarrow as pa

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of text and where it stood in the page.

    `path` is the CSS-like path of the block element that holds it, Uzushio-style
    (`html>body>div.container.main>div#content>p`); `link_chars` counts how many of
    its characters were link text (inside `<a>`). `exact_freq` and `near_freq` are on how
    many documents this paragraph (and its group of near-duplicates) occurs, None until
    paragraph statistics are attached. `removed_by` names the filter that removed
    it ("" while it is live); only the filter stage's debug output keeps removed ones.
    `main_content` is the share of its character 5-grams that resiliparse's main-content
    extraction of the page keeps (corpus.extract.main_content_share), None when not
    measured.
    """

    text: str
    path: str = ""
    link_chars: int = 0
    exact_freq: int | None = None
    near_freq: int | None = None
    removed_by: str = ""
    main_content: float | None = None

    @property
    def live(self) -> bool:
        return not self.removed_by

    def __reduce__(self) -> tuple:
        # Beam pickles every document that crosses between steps; the default pickling of
        # slotted dataclasses looks up every field of every object by name; positional
        # values are far cheaper.
        return type(self), _paragraph_values(self)


def join_paragraphs(paragraphs: list[Paragraph]) -> str:
    """A document's text: its live paragraphs separated by a blank line."""
    return PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs if p.live)


class HasDocumentIdentity(Protocol):
    id: str
    warc_file: str
    warc_offset: int


def document_key(document: HasDocumentIdentity) -> str:
    """A document's unique, ordered key (unique even when two records share an id): it
    orders documents in their shard and names them in deduplication."""
    return f"{document.id}\0{document.warc_file}\0{document.warc_offset:020d}"


@dataclass(slots=True)
class Document:
    """A document and where it came from. Only `id` is required. None (null on disk) means
    not known or not measured: text from sources other than web pages (Wikipedia, JSONL,
    tests) has no charset nor language score, and a URL only when its source gives one."""

    id: str
    url: str | None = None
    host: str | None = None
    date: datetime | None = None
    source: str = ""
    warc_file: str = ""
    warc_offset: int = 0
    charset: str | None = None
    charset_source: str = ""
    language: str = ""
    """ISO 639-1 where the language has a code there, as fastText's labels; else ISO 639-3."""
    language_score: float | None = None
    """fastText's probability of `language`, in [0, 1]; None when no model measured it."""
    source_language: str | None = None
    """The language as the source wrote it, when that differs from `language` (Common
    Crawl's `jpn,eng`)."""
    hiragana_ratio: float = 0.0
    katakana_ratio: float = 0.0
    kanji_ratio: float = 0.0
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed_by: str | None = None
    """The filter that removed this document (None when kept): set in debug output only."""
    cluster_id: str = ""
    """Deduplication: the cluster of duplicates this document was kept for ("" before)."""
    cluster_size: int = 1
    """Deduplication: how many input documents (itself included) this one stands for; the
    weight FineWeb-2-style re-weighting ("rehydration") needs."""

    @property
    def text(self) -> str:
        return join_paragraphs(self.paragraphs)

    @property
    def live_paragraphs(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.live]

    def to_row(self) -> dict:
        """The row on disk: a live paragraph's text is stored once, in `text`, and the
        paragraph holds its character offsets there; a removed one keeps its own text."""
        row = {name: getattr(self, name) for name in DOCUMENT_FIELDS}
        paragraphs = []
        start = 0
        for p in self.paragraphs:
            fields = {name: getattr(p, name) for name in PARAGRAPH_FIELDS}
            if p.live:
                stop = start + len(p.text)
                fields.update(text=None, start=start, stop=stop)
                start = stop + len(PARAGRAPH_SEPARATOR)
            else:
                fields.update(start=None, stop=None)
            paragraphs.append(fields)
        row["paragraphs"] = paragraphs
        row["text"] = self.text
        return row

    def __reduce__(self) -> tuple:
        return type(self), _document_values(self)  # as Paragraph's

    @classmethod
    def from_row(cls, row: dict) -> Document:
        """The document of a row `to_row` made; `DamagedDocument` when its paragraphs do not
        fit its text."""
        values = {name: row[name] for name in DOCUMENT_FIELDS}
        values["paragraphs"] = paragraphs_from_row(row["text"], row["paragraphs"])
        return cls(**values)


class DamagedDocument(ValueError):
    """A document row whose paragraphs do not fit its text."""


def paragraphs_from_row(text: str, fields: list[dict]) -> list[Paragraph]:
    """The paragraphs of a row, live ones cut from `text` at their offsets. The live
    paragraphs must tile `text` exactly (each starts where the separator after the one
    before ends, the last ends with the text): a few comparisons per paragraph, never a
    search in the text."""
    paragraphs = []
    start = 0
    length = len(text)
    for number, stored in enumerate(fields):
        own, first, stop = stored["text"], stored.get("start"), stored.get("stop")
        if stored["removed_by"]:
            if own is None or first is not None or stop is not None:
                raise DamagedDocument(f"removed paragraph {number}: offsets or no text")
        elif (
            own is not None
            or first != start
            or stop is None
            or not start <= stop <= length
            or (stop < length and not text.startswith(PARAGRAPH_SEPARATOR, stop))
        ):
            raise DamagedDocument(
                f"live paragraph {number}: offsets ({first}, {stop}) do not fit a text of "
                f"{length} characters (it should start at {start}, its text null)"
            )
        else:
            own = text[start:stop]
            start = stop + len(PARAGRAPH_SEPARATOR)
        paragraphs.append(
            Paragraph(
                text=own,
                path=stored["path"],
                link_chars=stored["link_chars"],
                exact_freq=stored["exact_freq"],
                near_freq=stored["near_freq"],
                removed_by=stored["removed_by"],
                main_content=stored.get("main_content"),
            )
        )
    if max(start - len(PARAGRAPH_SEPARATOR), 0) != length:
        raise DamagedDocument(f"the live paragraphs end before the text ({length} characters)")
    return paragraphs


DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
PARAGRAPH_FIELDS = tuple(f.name for f in dataclasses.fields(Paragraph))
_document_values = attrgetter(*DOCUMENT_FIELDS)
_paragraph_values = attrgetter(*PARAGRAPH_FIELDS)


PARAGRAPH_TYPE = pa.struct(
    [
        pa.field("text", pa.string()),
        pa.field("start", pa.int32()),
        pa.field("stop", pa.int32()),
        pa.field("path", pa.string(), nullable=False),
        pa.field("link_chars", pa.int32(), nullable=False),
        pa.field("exact_freq", pa.int64()),
        pa.field("near_freq", pa.int64()),
        pa.field("removed_by", pa.string(), nullable=False),
        pa.field("main_content", pa.float32()),
    ]
)

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("host", pa.string()),
        pa.field("date", pa.timestamp("s", tz="UTC")),
        pa.field("source", pa.string(), nullable=False),
        pa.field("warc_file", pa.string(), nullable=False),
        pa.field("warc_offset", pa.int64(), nullable=False),
        pa.field("charset", pa.string()),
        pa.field("charset_source", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
        pa.field("language_score", pa.float32()),
        pa.field("source_language", pa.string()),
        pa.field("hiragana_ratio", pa.float32(), nullable=False),
        pa.field("katakana_ratio", pa.float32(), nullable=False),
        pa.field("kanji_ratio", pa.float32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("paragraphs", pa.list_(PARAGRAPH_TYPE), nullable=False),
        pa.field("removed_by", pa.string()),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("cluster_size", pa.int64(), nullable=False),
    ]
)


PARAGRAPH_COLUMNS = {
    "text": "a removed paragraph's text; null for a live one, whose text is in the "
    "document's `text` from `start` to `stop`",
    "start": "a live paragraph's first character in the document's `text` (code points from "
    "0); null for a removed one",
    "stop": "the character after its last one: the paragraph is `text[start:stop]` in "
    "Python; null for a removed one",
    "path": "the CSS-like DOM path of the block element that held it, Uzushio-style "
    '(`html>body>div.container.main>div#content>p`); `""` for reader sources',
    "link_chars": "how many of its characters were link text (inside `<a>`)",
    "exact_freq": "on how many documents of the corpus this exact paragraph is live "
    "(set by paragraph statistics; null before)",
    "near_freq": "the same for its group of near-duplicate paragraphs (null before "
    "paragraph statistics)",
    "removed_by": 'the filter that removed it (`""` while live; only the filter stage\'s '
    "debug output keeps removed paragraphs)",
    "main_content": "the share of its character 5-grams (whitespace removed) that "
    "resiliparse's main-content extraction of its page keeps, in [0, 1] (set by the "
    "extraction stage's paragraphs method; null otherwise)",
}
"""What each field of a paragraph means: docs/schema.md is generated from this."""

DOCUMENT_COLUMNS = {
    "id": "WARC-Record-ID (another source's id for reader sources)",
    "url": "WARC-Target-URI, or a reader source's url field; null when unknown",
    "host": "the url's lower-cased host; null when unknown",
    "date": "earliest of WARC-Date, HTTP Date and Last-Modified, ignoring dates before 1999 "
    "or after the capture (Uzushio's rule), UTC seconds; null when unknown",
    "source": "`extract.source`, else the Common Crawl dump name in the WARC path "
    "(`CC-MAIN-2024-22`), else `web`; a reader source's name",
    "warc_file": 'the WARC or WET file the record was read from; `""` for other reader sources',
    "warc_offset": "where the record starts in that file (compressed bytes); 0 for other "
    "reader sources",
    "charset": "the codec that decoded the page; null for text not decoded from bytes",
    "charset_source": "where the charset came from (`bom`, `http`, `meta`, "
    '`sniffed-utf16`, `utf-8`, `detected`, `lenient`); `""` when `charset` is null',
    "language": "fastText's top label; a source's own code mapped to the same system: "
    "ISO 639-1 where the language has one (`jpn` -> `ja`), else ISO 639-3 as fastText's "
    'labels (`yue`); `""` when unknown',
    "language_score": "fastText's probability of `language`, in [0, 1]; null when no model "
    "measured it",
    "source_language": "the language as the source wrote it (`jpn,eng`) when it differs "
    "from `language`, else null",
    "hiragana_ratio": "share of hiragana among the text's non-space characters",
    "katakana_ratio": "share of katakana among the text's non-space characters",
    "kanji_ratio": "share of kanji among the text's non-space characters",
    "text": "the document's text: its live paragraphs joined by a blank line (`\\n\\n`)",
    "paragraphs": "the page's paragraphs in order (fields below)",
    "removed_by": "the filter that removed the document; null when kept (set in the "
    "filter stage's debug output only)",
    "cluster_id": "set by deduplication: the cluster of duplicates the document was kept for",
    "cluster_size": "set by deduplication: how many input documents it stands for",
}
"""What each column of a document means: docs/schema.md is generated from this."""
