"""Source files with bad records, shared by the readers' tests and the read stage's."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LINES = [
    json.dumps({"id": "a", "text": "一つ目の段落。\n続き。\n\n\n  二つ目の段落。  \n", "n": 1}),
    '{"id": "b", "text": "閉じない',
    json.dumps({"id": "c", "body": "text ではない"}),
    json.dumps({"id": "d", "text": 42}),
    "",
    json.dumps(["配列"]),
    json.dumps({"id": "e", "text": " \n\n "}),
    '{"id": "f", "text": "\\ud800"}',
    json.dumps({"id": 7, "text": "整数の id"}),
    json.dumps({"text": "id がない"}),
    json.dumps({"id": [1], "text": "id がリスト"}),
    json.dumps({"id": "g", "text": None}),
]
RAW_LINES = [line.encode() for line in LINES] + [b'{"id": "h", "text": "\xff\xfe"}']
CONTENT = b"\n".join(RAW_LINES) + b"\n"


def damaged_parquet(path: Path, bad_group: int | None = 1, prefix: str = "r") -> str:
    """30 rows (`text`, `id` PREFIXn) in 3 zstd row groups of 10; 50 bytes flipped in the
    middle of `bad_group`'s text column (None: none)."""
    noise = random.Random(0)
    texts = [noise.randbytes(300).hex() for _ in range(30)]
    pq.write_table(
        pa.table({"text": texts, "id": [f"{prefix}{n}" for n in range(30)]}),
        path,
        row_group_size=10,
        compression="zstd",
    )
    if bad_group is not None:
        chunk = pq.ParquetFile(path).metadata.row_group(bad_group).column(0)
        middle = (chunk.dictionary_page_offset or chunk.data_page_offset) + (
            chunk.total_compressed_size // 2
        )
        data = bytearray(path.read_bytes())
        for offset in range(middle, middle + 50):
            data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    return str(path)


DUMP = "ja_text/jawiki-truncated/jawiki-truncated-100k.xml.xz"
