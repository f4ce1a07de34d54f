"""The Parquet reader on files the tests write: row groups read one at a time, bad rows and
bad files counted and recorded, a corrupt row group skipped."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.schema import Document, Paragraph
from corpus.sources.parquet import ParquetReader
from corpus.sources.records import ReadResult, Skipped, Unreadable
from tests.support.source_files import damaged_parquet

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
    path = damaged_parquet(tmp_path / "corrupt.parquet")
    results = list(ParquetReader(source="s", id_column="id", batch_rows=4).read(path))
    assert outcomes(results) == {"kept": 20, "corrupt_row_group": 1}
    expected = [f"r{n}" for n in [*range(10), *range(20, 30)]]
    assert [r.id for r in results if isinstance(r, Document)] == expected
    (lost,) = [r for r in results if isinstance(r, Unreadable)]
    assert lost.position == 10 and lost.error.startswith("row group 1: 10 rows lost: ")


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


JST = timezone(timedelta(hours=9))
CAPTURED = datetime(2024, 5, 20, 10, 0, 0, tzinfo=UTC)
"""2024-05-20 19:00 in Japan."""


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (pa.array([CAPTURED.replace(tzinfo=None)], pa.timestamp("s")), CAPTURED),
        (pa.array([CAPTURED.astimezone(JST)], pa.timestamp("ms", tz="Asia/Tokyo")), CAPTURED),
        (pa.array([CAPTURED.replace(tzinfo=None)], pa.timestamp("ns")), CAPTURED),
        (pa.array([date(2024, 5, 20)], pa.date32()), datetime(2024, 5, 20, tzinfo=UTC)),
        (pa.array(["2024-05-20T19:00:00+09:00"]), CAPTURED),
        (pa.array(["2024-05-20T10:00:00.25Z"], pa.large_string()), CAPTURED),
        (pa.array([1716199200], pa.int64()), CAPTURED),
        (pa.array([1716199200.5], pa.float64()), CAPTURED),
        (pa.array([None], pa.string()), None),
        (pa.nulls(1), None),
    ],
    ids=lambda value: str(value.type) if isinstance(value, pa.Array) else None,
)
def test_date_column_types(tmp_path: Path, dates: pa.Array, expected: datetime | None):
    path = write(tmp_path / "dated.parquet", {"text": ["本文"], "date": dates})
    (document,) = ParquetReader(source="s", date_column="date").read(path)
    assert document.date == expected
    assert expected is None or document.date.tzinfo == UTC


def test_documents_carry_url_host_and_date(tmp_path: Path):
    path = write(
        tmp_path / "web.parquet",
        {
            "text": ["一つ目。", "二つ目。", "三つ目。", "四つ目。", "五つ目。"],
            "url": ["https://News.Example.JP/a#b", None, "http://[::1]:8080/x", "", "mailto:x"],
            "date": ["2024-05-20", "昨日", None, "2024-13-01", ""],
        },
        row_group_size=2,
    )
    reader = ParquetReader(source="s", id_column="url", url_column="url", date_column="date")
    results = list(reader.read(path))
    assert outcomes(results) == {"kept": 3, "missing_id": 1, "bad_date": 1}
    # one column may be both the id and the URL; "" is no date
    assert [(r.id, r.url, r.host, r.date) for r in results if isinstance(r, Document)] == [
        (
            "https://News.Example.JP/a#b",
            "https://News.Example.JP/a#b",
            "news.example.jp",
            datetime(2024, 5, 20, tzinfo=UTC),
        ),
        ("http://[::1]:8080/x", "http://[::1]:8080/x", "::1", None),
        ("mailto:x", "mailto:x", None, None),
    ]
    assert results[1] == Unreadable(path, 1, "missing_id", "'url' is null")
    assert results[3].reason == "bad_date" and results[3].position == 3
    assert results[3].error.startswith("'date': '2024-13-01' is not an ISO 8601 date")
    # without an id column, every row is a document but the bad dates
    reader = ParquetReader(source="s", url_column="url", date_column="date")
    results = list(reader.read(path))
    assert outcomes(results) == {"kept": 3, "bad_date": 2}
    assert [r.position for r in results if isinstance(r, Unreadable)] == [1, 3]
    assert [(r.url, r.host) for r in results if isinstance(r, Document)] == [
        ("https://News.Example.JP/a#b", "news.example.jp"),
        ("http://[::1]:8080/x", "::1"),
        ("mailto:x", None),
    ]


def test_bad_url_and_date_columns_are_recorded_once(tmp_path: Path):
    path = write(
        tmp_path / "typed.parquet",
        {
            "text": ["a", "b"],
            "n": [1, 2],
            "flag": [True, False],
            "parts": [[2024, 5], [2024, 6]],
            "url": ["http://a.jp/", "http://b.jp/"],
        },
    )
    assert list(ParquetReader(source="s", url_column="n").read(path)) == [
        Unreadable(path, 0, "url_not_string", "'n' is int64")
    ]
    assert list(ParquetReader(source="s", date_column="flag").read(path)) == [
        Unreadable(path, 0, "bad_date_column", "'flag' is bool")
    ]
    assert list(ParquetReader(source="s", date_column="parts").read(path)) == [
        Unreadable(path, 0, "bad_date_column", "'parts' is list<element: int64>")
    ]
    assert list(ParquetReader(source="s", url_column="link", date_column="n").read(path)) == [
        Unreadable(path, 0, "missing_column", "no column 'link'")
    ]
    assert list(ParquetReader(source="s", date_column="when").read(path)) == [
        Unreadable(path, 0, "missing_column", "no column 'when'")
    ]
    # an out-of-range number of epoch seconds is a bad date of its row alone
    path = write(tmp_path / "epoch.parquet", {"text": ["a", "b"], "t": [1716199200, 10**15]})
    good, bad = ParquetReader(source="s", date_column="t").read(path)
    assert good.date == CAPTURED and (bad.position, bad.reason) == (1, "bad_date")
