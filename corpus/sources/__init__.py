"""Readers for sources other than Common Crawl WARC, by name.

Each reader turns one file into the project's one document record (`corpus.schema.
Document`, with `source` set, a unique and stable `id`, the text as paragraphs), and
accounts for every record it meets (`corpus.sources.records`). Plain Python: the Beam
layer (`corpus.pipelines.sources.ReadSource`) only spreads files over workers.

| Name | Reader | Input |
|---|---|---|
| `jsonl` | `JsonlReader` | JSON Lines, plain or .gz/.bz2/.xz/.zst (Dolma, Kaken, WARP, ...) |
| `parquet` | `ParquetReader` | Parquet (The Stack, Hugging Face datasets) |
| `wikipedia` | `WikipediaReader` | MediaWiki XML dumps, pages-articles (.xml, .bz2, .xz) |
| `wet` | `WetReader` | Common Crawl WET files (its own extracted text) |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corpus.sources.jsonl import JsonlReader
from corpus.sources.parquet import ParquetReader
from corpus.sources.records import SourceReader
from corpus.sources.wet import WetReader
from corpus.sources.wikipedia import WikipediaReader

READERS: dict[str, type[SourceReader]] = {
    "jsonl": JsonlReader,
    "parquet": ParquetReader,
    "wikipedia": WikipediaReader,
    "wet": WetReader,
}


def make_reader(name: str, options: Mapping[str, Any]) -> SourceReader:
    """The reader called `name`, made with `options` (its fields); a `ValueError` names an
    unknown reader, an unknown or missing option, or a bad value."""
    if name not in READERS:
        raise ValueError(f"unknown reader {name!r}; known readers: {', '.join(READERS)}")
    try:
        return READERS[name](**options)
    except TypeError as error:
        raise ValueError(f"reader {name!r}: {error}") from None
