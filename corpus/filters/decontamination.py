"""Decontamination: remove what shares a character n-gram with an evaluation example.

An evaluation set is JSONL (plain or compressed, `corpus.sources.files`) or Parquet files on
any Beam file system, each row an example whose text is in the named fields (default: every
string field, and every list of strings, but the id field). Texts and documents are
normalised alike: NFKC, lower case, every whitespace character removed, a run of four or
more of one character as one.

N-grams are windows of `window` characters (default 50), not words: Japanese has no
whitespace between words, and 13 English words (the usual n-gram since GPT-3) carry about as
much text as 50-60 Japanese characters. A text shorter than the window but at least
`min_chars` long (default 20) counts whole: it matches where it occurs in a document
(questions of multiple-choice sets are often shorter than a window); a shorter one is too
likely to occur by chance (`以下の文章を読んで質問に答えてください` is 19) and is skipped.

The set's n-grams are kept as a sorted array of 64-bit hashes (12 bytes per n-gram with the
example each came from), built once per process and searched all at once for a document's
windows. A window's hash is a polynomial rolling hash over code points (mod 2^64, computed
for every window of a text with a few vector operations), then mixed (splitmix64's
finaliser). A false match needs two 64-bit hashes to collide: with 10^7 n-grams in the
set, about one per 10^12 windows of corpus.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import Field, PrivateAttr, field_validator, model_validator

from corpus.filters.base import ParagraphFilter, ReasonName
from corpus.io.reading import matching
from corpus.schema import Document
from corpus.sources.files import open_decompressed, open_raw
from corpus.text.code_points import code_points

WINDOW = 50
MIN_CHARS = 20
_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"(.)\1{3,}")
_BASE = 0x9E3779B97F4A7C15  # odd, so invertible mod 2^64
_INVERSE = pow(_BASE, -1, 2**64)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def normalise(text: str) -> str:
    """NFKC, lower case, no whitespace, and a run of 4+ of one character as one: a rule line
    (`-----`, `＝＝＝＝`) or `ｗｗｗｗ` in an example would otherwise match every page that
    has one as long."""
    return _RUN.sub(r"\1", _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower())


@functools.cache
def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """(BASE^k, BASE^-k) for k < length, mod 2^64 (uint64 arithmetic wraps)."""
    one = np.ones(1, dtype=np.uint64)
    powers = np.cumprod(np.full(length - 1, _BASE, dtype=np.uint64))
    inverses = np.cumprod(np.full(length - 1, _INVERSE, dtype=np.uint64))
    return np.concatenate((one, powers)), np.concatenate((one, inverses))


def _power_tables(length: int) -> tuple[np.ndarray, np.ndarray]:
    size = 1024
    while size < length:
        size *= 2  # a few sizes cached, not one per document length
    powers, inverses = _powers(size)
    return powers[:length], inverses[:length]


class RollingHashes:
    """Every window hash of one text: the prefix sums are computed once, each window length
    then costs a few vector operations."""

    def __init__(self, text: str) -> None:
        codes = code_points(text) + 1
        self.length = len(codes)
        powers, self.inverses = _power_tables(self.length)
        self.prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes * powers)))

    def windows(self, length: int) -> np.ndarray:
        """The hash of each window of `length` characters, by start (empty if the text is
        shorter)."""
        if length > self.length:
            return np.zeros(0, dtype=np.uint64)
        raw = (self.prefix[length:] - self.prefix[:-length]) * self.inverses[
            : self.length - length + 1
        ]
        return _mixed(raw + np.uint64(length))

    def window(self, start: int, length: int) -> int | None:
        """The hash of the one window of `length` characters at `start` (None past the end)."""
        if start + length > self.length:
            return None
        raw = (
            self.prefix[start + length : start + length + 1] - self.prefix[start : start + 1]
        ) * (self.inverses[start : start + 1])
        return int(_mixed(raw + np.uint64(length))[0])


def _mixed(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX[0]
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX[1]
    return h ^ (h >> np.uint64(31))


@dataclasses.dataclass(frozen=True)
class Hit:
    start: int
    """The first character of the match in the normalised text."""
    length: int
    example: int
    """Index of the example in `EvalNgrams.ids`."""


def _lookup(table: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `queries`, indexes in sorted `table`) of the queries found in `table`.
    The queries are searched in sorted order: about 4x faster than in text order."""
    if not len(table) or not len(queries):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    order = np.argsort(queries)
    ordered = queries[order]
    where = np.searchsorted(table, ordered)
    where[where == len(table)] = 0
    found = table[where] == ordered
    return order[found], where[found]


@dataclasses.dataclass(frozen=True)
class EvalNgrams:
    """An evaluation set's n-grams: the sorted hashes of its windows with the example of each,
    its short texts (counted whole) found by the hash of their first `min_chars` characters
    then checked whole, and the examples' ids."""

    hashes: np.ndarray
    examples: np.ndarray
    short_prefixes: np.ndarray
    """Sorted; `short_lengths`, `short_hashes` and `short_examples` in the same order."""
    short_lengths: np.ndarray
    short_hashes: np.ndarray
    short_examples: np.ndarray
    ids: tuple[str, ...]
    window: int
    min_chars: int

    @classmethod
    def build(
        cls, examples: Iterator[tuple[str, list[str]]], window: int, min_chars: int
    ) -> EvalNgrams:
        hashes, owners, short, ids = [], [], [], []
        for number, (example_id, texts) in enumerate(examples):
            ids.append(example_id)
            for text in texts:
                text = normalise(text)
                if len(text) < min_chars:
                    continue
                rolling = RollingHashes(text)
                if len(text) < window:
                    prefix = rolling.windows(min_chars)[0]
                    short.append((prefix, len(text), rolling.windows(len(text))[0], number))
                    continue
                found = rolling.windows(window)
                hashes.append(found)
                owners.append(np.full(len(found), number, dtype=np.uint32))
        if not hashes and not short:
            raise ValueError(f"no example holds a text of {min_chars}+ characters")
        every = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.uint32)
        unique, first = np.unique(every, return_index=True)  # the first example keeps a shared one
        short.sort(key=lambda s: s[0])
        columns = list(zip(*short, strict=True)) if short else [(), (), (), ()]
        return cls(
            hashes=unique,
            examples=owner[first],
            short_prefixes=np.array(columns[0], dtype=np.uint64),
            short_lengths=np.array(columns[1], dtype=np.uint32),
            short_hashes=np.array(columns[2], dtype=np.uint64),
            short_examples=np.array(columns[3], dtype=np.uint32),
            ids=tuple(ids),
            window=window,
            min_chars=min_chars,
        )

    @property
    def nbytes(self) -> int:
        arrays = (self.hashes, self.examples, self.short_prefixes, self.short_lengths)
        return sum(a.nbytes for a in arrays) + self.short_hashes.nbytes + self.short_examples.nbytes

    def hits(self, text: str) -> list[Hit]:
        """The windows of normalised `text` that are n-grams of the set, and the places where
        a short text of the set occurs, by start."""
        rolling = RollingHashes(text)
        positions, where = _lookup(self.hashes, rolling.windows(self.window))
        found = [
            Hit(int(start), self.window, int(self.examples[at]))
            for start, at in zip(positions, where, strict=True)
        ]
        positions, where = _lookup(self.short_prefixes, rolling.windows(self.min_chars))
        for start, at in zip(positions.tolist(), where.tolist(), strict=True):
            prefix = self.short_prefixes[at]
            while at < len(self.short_prefixes) and self.short_prefixes[at] == prefix:
                length = int(self.short_lengths[at])
                if rolling.window(start, length) == self.short_hashes[at]:
                    found.append(Hit(start, length, int(self.short_examples[at])))
                at += 1
        return sorted(found, key=lambda hit: hit.start)


def _texts(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError(f"{where} is neither a string nor a list of strings")


def _row_texts(row: dict, fields: list[str] | None, id_field: str | None, where: str) -> list[str]:
    if fields is None:  # every string, and the strings of every list
        values = [v for k, v in row.items() if k != id_field]
        lists = [v if isinstance(v, list) else [v] for v in values]
        return [t for items in lists for t in items if isinstance(t, str)]
    return [t for field in fields for t in _texts(row.get(field), f"{where}: field {field!r}")]


def _rows(path: str) -> Iterator[dict]:
    if path.endswith(".parquet"):
        with open_raw(path) as raw:
            for batch in pq.ParquetFile(raw).iter_batches(batch_size=1024):
                yield from batch.to_pylist()
        return
    with open_decompressed(path) as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise ValueError(f"{path}:{number}: not a JSON line") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield row


def read_examples(
    paths: tuple[str, ...], fields: tuple[str, ...] | None, id_field: str | None
) -> Iterator[tuple[str, list[str]]]:
    """(id, texts) of each example: its `id_field` value, else `FILE:N` (the file's name,
    the row or line from 1)."""
    for pattern in paths:
        files = matching(pattern)
        if not files:
            raise ValueError(f"evaluation file {pattern} does not exist")
        for path in files:
            name = posixpath.basename(path)
            for number, row in enumerate(_rows(path), 1):
                where = f"{name}:{number}"
                key = row.get(id_field) if id_field else None
                texts = _row_texts(row, list(fields) if fields else None, id_field, where)
                yield (where if key is None else str(key)), texts


@functools.cache
def eval_ngrams(
    paths: tuple[str, ...],
    fields: tuple[str, ...] | None,
    id_field: str | None,
    window: int,
    min_chars: int,
) -> EvalNgrams:
    """An evaluation set's n-grams, built once per process."""
    try:
        return EvalNgrams.build(read_examples(paths, fields, id_field), window, min_chars)
    except (OSError, pa.ArrowException) as error:
        raise ValueError(f"cannot read evaluation set {', '.join(paths)}: {error}") from None


class Decontaminate(ParagraphFilter):
    """Removes what shares an n-gram with an example of the evaluation set `eval` (see
    corpus.filters.decontamination). One set per chain entry.

    scope `document`: the whole document (reason `Decontaminate(eval=NAME)`); `paragraph`:
    each paragraph holding an n-gram (a window across two paragraphs does not count), the
    document too when none is left. Each matching paragraph is marked
    `Decontaminate(eval=NAME,example=ID)`, so the debug output shows which example matched.

    paths: JSONL or Parquet files (glob patterns allowed); fields: the text fields (default:
    every string field); id_field: the examples' id (default: file name and row from 1);
    window / min_chars: n-gram length and the shortest text that counts whole."""

    eval: ReasonName
    paths: list[str] = Field(min_length=1)
    fields: list[str] | None = None
    id_field: str | None = None
    scope: Literal["document", "paragraph"] = "document"
    window: int = Field(WINDOW, ge=8)
    min_chars: int = Field(MIN_CHARS, ge=1)
    _ngrams: EvalNgrams | None = PrivateAttr(None)

    @field_validator("paths")
    @classmethod
    def _existing(cls, paths: list[str]) -> list[str]:
        for pattern in paths:
            if not matching(pattern):
                raise ValueError(f"evaluation file {pattern} does not exist")
        return paths

    @model_validator(mode="after")
    def _readable(self) -> Decontaminate:
        if self.min_chars > self.window:
            raise ValueError(f"min_chars ({self.min_chars}) is above window ({self.window})")
        self._ngrams = self._load()
        return self

    def _load(self) -> EvalNgrams:
        fields = tuple(self.fields) if self.fields else None
        return eval_ngrams(tuple(self.paths), fields, self.id_field, self.window, self.min_chars)

    @property
    def label(self) -> str:
        return f"Decontaminate(eval={self.eval})"

    def setup(self) -> None:
        self._ngrams = self._load()

    def apply(self, document: Document) -> Document:
        live = [i for i, p in enumerate(document.paragraphs) if p.live]
        texts = [normalise(document.paragraphs[i].text) for i in live]
        ends = np.cumsum([len(t) for t in texts])
        matched: dict[int, int] = {}  # position among live paragraphs -> example
        for hit in self._ngrams.hits("".join(texts)):
            at = int(np.searchsorted(ends, hit.start, side="right"))
            if self.scope == "paragraph" and hit.start + hit.length > ends[at]:
                continue
            matched.setdefault(at, hit.example)
        if not matched:
            return document
        paragraphs = list(document.paragraphs)
        for at, i in enumerate(live):
            if at in matched:
                example = self._ngrams.ids[matched[at]]
                reason = f"Decontaminate(eval={self.eval},example={example})"
            elif self.scope == "document":
                reason = self.label
            else:
                continue
            paragraphs[i] = dataclasses.replace(paragraphs[i], removed_by=reason)
        return dataclasses.replace(document, paragraphs=paragraphs)
