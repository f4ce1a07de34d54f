"""Megatron-LM's indexed dataset: `PREFIX.bin` (token ids) and `PREFIX.idx` (the index).

`.bin` holds every sequence's ids back to back in one dtype, with no header. `.idx` is
little-endian, unpadded: the magic `MMIDIDX\\0\\0`, version 1 (uint64), a dtype code (uint8),
N sequences (uint64), D document indices (uint64), then N sequence lengths (int32), N byte
offsets of the sequences in `.bin` (int64) and D document indices (int64). Every document
is one sequence here, so the document indices are 0, 1, ..., N (D = N + 1). Token ids are
uint16 for a vocabulary below 65,500 pieces, else int32, as Megatron's preprocess tool
chooses. Megatron's `--data-path` takes the prefix, which by its convention ends in
`_text_document`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from apache_beam.io.filesystems import FileSystems

from corpus.atomic_files import WrittenFile, write_atomically

MAGIC = b"MMIDIDX\x00\x00"
VERSION = 1
DTYPE_CODES = {
    np.dtype(np.uint8): 1,
    np.dtype(np.int8): 2,
    np.dtype(np.int16): 3,
    np.dtype(np.int32): 4,
    np.dtype(np.int64): 5,
    np.dtype(np.float64): 6,
    np.dtype(np.float32): 7,
    np.dtype(np.uint16): 8,
}
CODE_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}
UINT16_VOCABULARY_LIMIT = 65_500
PREFIX_SUFFIX = "_text_document"
_HEADER = struct.Struct("<9sQBQQ")


def token_dtype(vocab_size: int) -> np.dtype:
    """uint16 below 65,500 pieces, else int32 (Megatron's preprocess tool's rule)."""
    return np.dtype(np.uint16 if vocab_size < UINT16_VOCABULARY_LIMIT else np.int32)


def sequence_pointers(lengths: np.ndarray, itemsize: int) -> np.ndarray:
    """Byte offset of each sequence in `.bin` (int64): the sequences lie back to back."""
    pointers = np.zeros(len(lengths), dtype="<i8")
    np.cumsum(lengths[:-1], out=pointers[1:])
    return pointers * itemsize


def index_bytes(lengths: np.ndarray, dtype: np.dtype) -> bytes:
    """The `.idx` file of sequences of these lengths (one document each) stored as `dtype`."""
    count = len(lengths)
    pointers = sequence_pointers(lengths, np.dtype(dtype).itemsize)
    return b"".join(
        (
            _HEADER.pack(MAGIC, VERSION, DTYPE_CODES[np.dtype(dtype)], count, count + 1),
            np.asarray(lengths, dtype="<i4").tobytes(),
            pointers.tobytes(),
            np.arange(count + 1, dtype="<i8").tobytes(),
        )
    )


def write_indexed_dataset(
    directory: str, prefix: str, lengths: np.ndarray, tokens: np.ndarray, dtype: np.dtype
) -> list[WrittenFile]:
    """Writes `PREFIX.bin` and `PREFIX.idx`, each atomically: `tokens` holds the sequences
    back to back (any integer dtype: stored as `dtype`), `lengths` their lengths."""
    stored = tokens.astype(np.dtype(dtype).newbyteorder("<"), copy=False)
    index = index_bytes(lengths, dtype)
    return [
        write_atomically(directory, f"{prefix}.bin", lambda handle: handle.write(stored)),
        write_atomically(directory, f"{prefix}.idx", lambda handle: handle.write(index)),
    ]


@dataclass(frozen=True)
class MegatronIndex:
    dtype: np.dtype
    lengths: np.ndarray
    """Tokens of each sequence (int32)."""
    pointers: np.ndarray
    """Byte offset of each sequence in `.bin` (int64)."""
    document_indices: np.ndarray
    """Index of each document's first sequence, then N (int64)."""


def parse_index(data: bytes) -> MegatronIndex:
    """Reads an `.idx` file; raises ValueError for anything but a well-formed version 1 index."""
    if len(data) < _HEADER.size:
        raise ValueError(f"index of {len(data)} bytes is shorter than its header")
    magic, version, code, count, documents = _HEADER.unpack_from(data)
    if magic != MAGIC or version != VERSION or code not in CODE_DTYPES:
        raise ValueError(f"not a version 1 Megatron index: {data[: _HEADER.size]!r}")
    expected = _HEADER.size + 12 * count + 8 * documents
    if len(data) != expected:
        raise ValueError(f"index of {len(data)} bytes, expected {expected} for N={count}")
    offset = _HEADER.size
    lengths = np.frombuffer(data, "<i4", count, offset)
    pointers = np.frombuffer(data, "<i8", count, offset + 4 * count)
    document_indices = np.frombuffer(data, "<i8", documents, offset + 12 * count)
    return MegatronIndex(CODE_DTYPES[code], lengths, pointers, document_indices)


def read_indexed_dataset(prefix: str) -> list[np.ndarray]:
    """Every sequence of `PREFIX.bin` / `PREFIX.idx`; raises ValueError if they disagree."""
    with FileSystems.open(f"{prefix}.idx") as handle:
        index = parse_index(handle.read())
    with FileSystems.open(f"{prefix}.bin") as handle:
        data = handle.read()
    itemsize = index.dtype.itemsize
    if not np.array_equal(index.pointers, sequence_pointers(index.lengths, itemsize)):
        raise ValueError(f"{prefix}.idx: the sequences do not lie back to back")
    if len(data) != int(index.lengths.sum()) * itemsize:
        raise ValueError(f"{prefix}.bin: {len(data)} bytes, the index describes another size")
    tokens = np.frombuffer(data, index.dtype.newbyteorder("<"))
    starts = index.pointers // itemsize
    return [
        tokens[start : start + length]
        for start, length in zip(starts.tolist(), index.lengths.tolist(), strict=True)
    ]
