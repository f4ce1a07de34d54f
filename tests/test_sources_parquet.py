"""The Parquet reader on files the tests write: row groups read one at a time, bad rows and
bad files counted and recorded, a corrupt row group skipped."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.schema import Document, Paragraph
from corpus.sources.parquet import ParquetReader
from corpus.sources.records import ReadResult, Skipped, Unreadable

CODE = "import os\n\n\ndef main():\n    print(os.getcwd())\n"


def outcomes(results: list[ReadResult]) -> Counter:
    return Counter("kept" if isinstance(r, Document) else r.reason for r in results)


def write(path: Path, columns: dict, row_group_size: int = 3) -> str:
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return str(path)


def test_rows_become_documents(tmp_path: Path):
    path = write(
        tmp_path / "stack.parquet",
        {
            "content": [CODE, "段落一。\n\n段落二。", None, "  \n", "x = 1\n", "print()\n", "y"],
            "hexsha": ["a1", "b2", "c3", "d4", None, "f6", "g7"],
            "size": [1, 2, 3, 4, 5, 6, 7],
        },
    )
    reader = ParquetReader(source="stack", text_column="content", id_column="hexsha", batch_rows=2)
    results = list(reader.read(path))
    assert outcomes(results) == {"kept": 4, "missing_text": 1, "empty": 1, "missing_id": 1}
    assert [r.id for r in results if isinstance(r, Document)] == ["a1", "b2", "f6", "g7"]
    assert results[1].paragraphs == [Paragraph("段落一。"), Paragraph("段落二。")]
    assert results[2] == Unreadable(path, 2, "missing_text", "'content' is null")
    assert results[3] == Skipped("empty")
    assert results[4] == Unreadable(path, 4, "missing_id", "'hexsha' is null")
    # code keeps its blank lines and indentation when read whole
    whole = ParquetReader(source="stack", text_column="content", paragraphs="whole")
    assert next(iter(whole.read(path))).text == CODE


def test_ids_default_to_path_and_row(tmp_path: Path):
    path = write(tmp_path / "t.parquet", {"text": ["a", "b", "c", "d"]})
    documents = list(ParquetReader(source="s").read(path))
    assert [d.id for d in documents] == [f"{path}:{row}" for row in range(4)]
    assert all(d.source == "s" for d in documents)


def test_large_string_columns(tmp_path: Path):
    path = tmp_path / "large.parquet"
    pq.write_table(pa.table({"text": pa.array(["大きい"], pa.large_string())}), path)
    assert [d.text for d in ParquetReader(source="s").read(str(path))] == ["大きい"]


def test_bad_files_are_recorded_once(tmp_path: Path):
    good = write(tmp_path / "good.parquet", {"text": ["a"], "n": [1]})
    assert list(ParquetReader(source="s", text_column="body").read(good)) == [
        Unreadable(good, 0, "missing_column", "no column 'body'")
    ]
    assert list(ParquetReader(source="s", id_column="key").read(good)) == [
        Unreadable(good, 0, "missing_column", "no column 'key'")
    ]
    assert list(ParquetReader(source="s", text_column="n").read(good)) == [
        Unreadable(good, 0, "text_not_string", "'n' is int64")
    ]
    not_parquet = tmp_path / "text.parquet"
    not_parquet.write_text("not parquet")
    (result,) = ParquetReader(source="s").read(str(not_parquet))
    assert (result.position, result.reason) == (0, "unreadable_file")


def test_a_corrupt_row_group_is_skipped(tmp_path: Path):
    noise = random.Random(0)
    path = tmp_path / "corrupt.parquet"
    texts = [noise.randbytes(300).hex() for _ in range(30)]
    pq.write_table(
        pa.table({"text": texts, "id": [f"r{n}" for n in range(30)]}),
        path,
        row_group_size=10,
        compression="zstd",
    )
    chunk = pq.ParquetFile(path).metadata.row_group(1).column(0)
    middle = (chunk.dictionary_page_offset or chunk.data_page_offset) + (
        chunk.total_compressed_size // 2
    )
    data = bytearray(path.read_bytes())
    for offset in range(middle, middle + 50):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    results = list(ParquetReader(source="s", id_column="id", batch_rows=4).read(str(path)))
    assert outcomes(results) == {"kept": 20, "corrupt_row_group": 1}
    expected = [f"r{n}" for n in [*range(10), *range(20, 30)]]
    assert [r.id for r in results if isinstance(r, Document)] == expected
    (lost,) = [r for r in results if isinstance(r, Unreadable)]
    assert lost.position == 10 and lost.error.startswith("10 rows lost: ")


def test_row_groups_are_read_one_at_a_time(tmp_path: Path, monkeypatch):
    path = write(tmp_path / "groups.parquet", {"text": [str(n) for n in range(10)]}, 4)
    asked = []
    iter_batches = pq.ParquetFile.iter_batches

    def spy(self, batch_size, row_groups=None, columns=None, **kwargs):
        asked.append((batch_size, row_groups, columns))
        return iter_batches(self, batch_size, row_groups=row_groups, columns=columns, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    documents = list(ParquetReader(source="s", batch_rows=3).read(path))
    assert [d.text for d in documents] == [str(n) for n in range(10)]
    assert asked == [(3, [0], ["text"]), (3, [1], ["text"]), (3, [2], ["text"])]


def test_options_are_checked():
    with pytest.raises(ValueError, match="batch_rows"):
        ParquetReader(source="s", batch_rows=0)
