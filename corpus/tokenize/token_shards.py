"""One shard of tokenized documents, written in every output format.

A shard is a set of documents in a fixed order, written as:
- `tokens-SSSSS-of-NNNNN_text_document.bin/.idx`: Megatron's indexed dataset, in the
  step's directory;
- `tokens-SSSSS-of-NNNNN.parquet` (unless turned off): one row per document (`id`,
  `source`, `num_tokens`, `input_ids` list<int32>), zstd or uncompressed, in the side
  directory's `tokens/` (a table of its own, so that every tool reads it by directory);
- optionally `text-SSSSS-of-NNNNN.jsonl[.gz|.zst]`: `{"text": ...}` per document, the input
  of Megatron's own preprocess tool, in the side directory's `text/`.
The token ids are the same in both token formats, BOS and EOS included. Each file is
written atomically; the shard's record lists them by name with their sizes and sha256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.atomic_files import Compression, WrittenFile, write_atomically
from corpus.io.shards import JsonLinesFormat, shard_name
from corpus.layout import TEXT_DIR, TEXT_PREFIX, TOKENS_DIR, TOKENS_PREFIX, side_path
from corpus.tokenize.config import DocumentOrder, TextJsonl, TokenParquet
from corpus.tokenize.megatron import PREFIX_SUFFIX, write_indexed_dataset

# Ids that cannot be null: Parquet then stores no definition level per token, which halves
# the time to write the column uncompressed.
INPUT_IDS_TYPE = pa.list_(pa.field("element", pa.int32(), nullable=False))
TOKENS_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("num_tokens", pa.int32(), nullable=False),
        pa.field("input_ids", INPUT_IDS_TYPE, nullable=False),
    ]
)

JSONL_COMPRESSION: dict[str, Compression] = {"jsonl": "none", "jsonl.gz": "gz", "jsonl.zst": "zst"}


@dataclass(frozen=True, slots=True)
class TokenizedDocument:
    key: str
    """The document's key (`document_key`): picks its shard and, kept in order, its place."""
    id: str
    source: str
    input_ids: np.ndarray
    """int32 token ids, BOS and EOS included."""
    text: str = ""
    """The document's text, carried only when it is written as JSONL."""


@dataclass(frozen=True, slots=True)
class ShardRecord:
    """What one shard holds: documents, tokens, and every file written for it."""

    index: int
    documents: int
    tokens: int
    files: list[WrittenFile]


def order_key(key: str, order: DocumentOrder, seed: int) -> tuple[bytes, str]:
    """A document's place in its shard: its key (`keep`), or a seeded hash of it (`shuffle`:
    the same seed gives the same permutation on any runner)."""
    if order == "keep":
        return b"", key
    return hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).digest(), key


def megatron_prefix(index: int, count: int) -> str:
    stem = shard_name(TOKENS_PREFIX, index, count, "parquet").removesuffix(".parquet")
    return stem + PREFIX_SUFFIX


def token_arrays(documents: list[TokenizedDocument]) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, values): each document's token count (int32), and all ids back to back."""
    lengths = np.fromiter((d.input_ids.size for d in documents), np.int32, len(documents))
    return lengths, np.concatenate([d.input_ids for d in documents])


def token_table(
    documents: list[TokenizedDocument], lengths: np.ndarray, values: np.ndarray
) -> pa.Table:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Table.from_arrays(
        [
            pa.array([d.id for d in documents], pa.string()),
            pa.array([d.source for d in documents], pa.string()),
            pa.array(lengths, pa.int32()),
            pa.ListArray.from_arrays(pa.array(offsets), pa.array(values), INPUT_IDS_TYPE),
        ],
        schema=TOKENS_SCHEMA,
    )


def write_token_parquet(
    directory: str,
    name: str,
    documents: list[TokenizedDocument],
    lengths: np.ndarray,
    values: np.ndarray,
    compression: Literal["zstd", "uncompressed"] = "zstd",
) -> WrittenFile:
    table = token_table(documents, lengths, values)
    # zstd level 1, no dictionary and no statistics for the token ids: the defaults cost a
    # third more time for a tenth less size.
    return write_atomically(
        directory,
        name,
        lambda handle: pq.write_table(
            table,
            handle,
            compression="zstd" if compression == "zstd" else "none",
            compression_level=1 if compression == "zstd" else None,
            use_dictionary=["source"],
            write_statistics=["id", "source", "num_tokens"],
        ),
    )


def write_token_shard(
    documents: list[TokenizedDocument],
    directory: str,
    index: int,
    count: int,
    dtype: np.dtype,
    parquet: TokenParquet = "zstd",
    text_jsonl: TextJsonl = "off",
) -> ShardRecord:
    """Writes shard `index` of `count` holding `documents`, in the order given: the Megatron
    files in `directory`, the others in its side directory."""
    lengths, values = token_arrays(documents)
    files = write_indexed_dataset(directory, megatron_prefix(index, count), lengths, values, dtype)
    if parquet != "off":
        name = shard_name(TOKENS_PREFIX, index, count, "parquet")
        tables = side_path(directory, TOKENS_DIR)
        files.append(write_token_parquet(tables, name, documents, lengths, values, parquet))
    if text_jsonl != "off":
        texts = [{"text": d.text} for d in documents]
        files.append(
            write_atomically(
                side_path(directory, TEXT_DIR),
                shard_name(TEXT_PREFIX, index, count, text_jsonl),
                lambda h: JsonLinesFormat().write(texts, h),
                JSONL_COMPRESSION[text_jsonl],
            )
        )
    return ShardRecord(index, len(documents), int(lengths.sum()), files)
