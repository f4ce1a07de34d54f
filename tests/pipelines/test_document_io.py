"""A stage reading a damaged document Parquet file (`corpus filter`, `corpus tokenize`): the
row group it cannot decode becomes dead letters, one per row lost, naming the file and
the row group; the other row groups and the other files are processed, and the stage's
accounting holds."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.accounting import accounted
from corpus.cli import main
from corpus.schema import DOCUMENT_SCHEMA, Paragraph
from corpus.sources.records import make_document
from tests.support.outputs import dead_letters_of, stats_of

pytestmark = pytest.mark.slow


def documents_file(path: Path, prefix: str, bad_group: int | None) -> str:
    """30 documents (random text: incompressible, so a flipped byte breaks its page) in 3
    zstd row groups of 10; with `bad_group`, 64 bytes flipped in the middle of that row
    group's largest column chunk."""
    noise = random.Random(prefix)
    rows = [
        make_document(
            f"{prefix}{n}",
            [Paragraph(noise.randbytes(200).hex()) for _ in range(5)],
            "test",
            url=f"https://example.jp/{prefix}/{n}",
            host="example.jp",
        ).to_row()
        for n in range(30)
    ]
    table = pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)
    pq.write_table(table, path, row_group_size=10, compression="zstd")
    if bad_group is not None:
        group = pq.ParquetFile(path).metadata.row_group(bad_group)
        chunks = [group.column(i) for i in range(group.num_columns)]
        chunk = max(chunks, key=lambda c: c.total_compressed_size)
        start = chunk.dictionary_page_offset or chunk.data_page_offset
        middle = start + chunk.total_compressed_size // 2
        data = bytearray(path.read_bytes())
        for offset in range(middle, middle + 64):
            data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    return str(path)


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[str, str]:
    damaged = documents_file(tmp_path / "a.parquet", "a", bad_group=1)
    intact = documents_file(tmp_path / "b.parquet", "b", bad_group=None)
    return damaged, intact


@pytest.mark.parametrize("command", ["filter", "tokenize"])
def test_a_damaged_row_group_is_dead_lettered_and_the_rest_processed(command, inputs, tmp_path):
    damaged, intact = inputs
    output = tmp_path / command
    flags = ["--direct_num_workers=2", "--direct_running_mode=multi_threading"]
    flags += ["--set", "allow_empty_sources=true"]  # the filter may keep none of these
    # The same file under a second pattern is still read once.
    patterns = [damaged, intact, str(tmp_path / "*.parquet")]
    assert main([command, *patterns, "--output", str(output), *flags]) == 0
    step = output / command
    stats = stats_of(step)
    assert stats["records_read"] == 60 == accounted(stats)
    assert stats["dead_lettered"] == {"corrupt_row_group": 10}
    letters = dead_letters_of(step)
    assert sorted(letter["offset"] for letter in letters) == list(range(10, 20))
    assert {(letter["file"], letter["reason"]) for letter in letters} == {
        (damaged, "corrupt_row_group")
    }
    assert all(letter["error"].startswith("row group 1: ") for letter in letters)
    if command == "filter":
        kept = sum(stats["outcome"].values())
        assert kept == 50
