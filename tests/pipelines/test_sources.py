"""Reading sources in Beam: every record accounted for in stats.json, bad input in dead
letters, each file read once, the same bytes whatever the number of workers."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard

from corpus.accounting import accounted
from corpus.pipelines.runner import make_pipeline, run_to_end
from corpus.pipelines.sources import ReadSource
from corpus.pipelines.stage import DocumentStage, RunStage
from corpus.schema import Document
from corpus.sources import make_reader
from corpus.sources.records import Unreadable
from tests.support.outputs import dead_letters_of, side, stats_of
from tests.support.source_files import CONTENT, DUMP, damaged_parquet

pytestmark = pytest.mark.slow

JSONL_OPTIONS = {"source": "dolma", "id_field": "id"}


def read_source(reader: str, patterns: list[str], options: dict, out: Path, workers: int) -> dict:
    pipeline = make_pipeline([f"--direct_num_workers={workers}"])
    stage = DocumentStage(ReadSource(reader, patterns, options), str(out), 1000)
    _ = pipeline | "Read" >> RunStage(stage)
    run_to_end(pipeline)
    return stats_of(out)


def output_files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file()
    }


def plain_accounting(reader: str, paths: list[str], options: dict) -> tuple[Counter, Counter]:
    """(outcomes, dead-lettered reasons) of reading `paths` with the reader alone."""
    results = [r for path in paths for r in make_reader(reader, options).read(path)]
    dead = [r for r in results if isinstance(r, Unreadable)]
    ended = [r for r in results if not isinstance(r, Unreadable)]
    outcomes = Counter("kept" if isinstance(r, Document) else r.reason for r in ended)
    return outcomes, Counter(r.reason for r in dead)


@pytest.fixture(scope="module")
def jsonl_runs(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("sources")
    inputs = base / "inputs"
    inputs.mkdir()
    (inputs / "a.jsonl.gz").write_bytes(gzip.compress(CONTENT))
    (inputs / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(CONTENT))
    files = [str(inputs / "a.jsonl.gz"), str(inputs / "b.jsonl.zst")]
    patterns = [str(inputs / "*.jsonl.*"), files[0]]  # a.jsonl.gz matched twice
    one = read_source("jsonl", patterns, JSONL_OPTIONS, base / "one", workers=1)
    two = read_source("jsonl", patterns, JSONL_OPTIONS, base / "two", workers=2)
    return {"files": files, "base": base, "one": one, "two": two}


def test_every_line_is_accounted_for_once(jsonl_runs):
    stats = jsonl_runs["one"]
    outcomes, dead_lettered = plain_accounting("jsonl", jsonl_runs["files"], JSONL_OPTIONS)
    assert stats["outcome"] == dict(outcomes)
    assert stats["dead_lettered"] == dict(dead_lettered)
    assert stats["outcome"]["kept"] == 4
    assert sum(stats["dead_lettered"].values()) == 2 * 9
    assert stats["records_read"] == 2 * 13 == accounted(stats)
    assert jsonl_runs["two"] == stats


def test_documents_and_dead_letters_are_written(jsonl_runs):
    out = jsonl_runs["base"] / "one"
    table = pq.read_table(out / "documents-00000-of-00001.parquet")
    assert sorted(table.column("id").to_pylist()) == ["7", "7", "a", "a"]
    assert set(table.column("source").to_pylist()) == {"dolma"}
    letters = dead_letters_of(out)
    assert len(letters) == 2 * 9
    assert {(letter["offset"], letter["reason"]) for letter in letters} == {
        (2, "invalid_json"),
        (3, "missing_text"),
        (4, "text_not_string"),
        (6, "not_an_object"),
        (8, "invalid_unicode"),
        (10, "missing_id"),
        (11, "bad_id"),
        (12, "missing_text"),
        (13, "invalid_utf8"),
    }
    assert {letter["file"] for letter in letters} == set(jsonl_runs["files"])


def test_the_same_bytes_with_one_or_two_workers(jsonl_runs):
    base = jsonl_runs["base"]
    assert output_files(base / "one") == output_files(base / "two")
    assert output_files(side(base / "one")) == output_files(side(base / "two"))


def test_a_wikipedia_dump(fixtures, tmp_path: Path):
    out = tmp_path / "read"
    stats = read_source("wikipedia", [str(fixtures / DUMP)], {}, out, workers=1)
    assert stats["outcome"] == {"kept": 189, "namespace": 34, "redirect": 15}
    assert stats["dead_lettered"] == {"truncated_file": 1}
    assert stats["records_read"] == 189 + 34 + 15 + 1
    table = pq.read_table(out / "documents-00000-of-00001.parquet", columns=["id", "source"])
    assert table.num_rows == 189 and set(table.column("source").to_pylist()) == {"jawiki"}


def test_a_damaged_parquet_file_beside_an_intact_one(tmp_path: Path):
    """The bad row group of the first file is a dead letter naming it; its other row
    groups and the second file are read."""
    damaged = damaged_parquet(tmp_path / "a.parquet", bad_group=1, prefix="a")
    intact = damaged_parquet(tmp_path / "b.parquet", bad_group=None, prefix="b")
    out = tmp_path / "out"
    options = {"source": "s", "id_column": "id"}
    stats = read_source("parquet", [damaged, intact], options, out, workers=2)
    assert stats["outcome"] == {"kept": 50}
    assert stats["dead_lettered"] == {"corrupt_row_group": 1}
    assert stats["records_read"] == 51 == accounted(stats)
    ids = pq.read_table(out / "documents-00000-of-00001.parquet").column("id").to_pylist()
    expected = [f"a{n}" for n in [*range(10), *range(20, 30)]] + [f"b{n}" for n in range(30)]
    assert sorted(ids) == sorted(expected)
    (letter,) = dead_letters_of(out)
    where = (letter["file"], letter["offset"], letter["reason"])
    assert where == (damaged, 10, "corrupt_row_group")
    assert letter["error"].startswith("row group 1: 10 rows lost: OSError(")


def test_bad_options_fail_before_any_work():
    with pytest.raises(ValueError, match="unknown reader 'xml'"):
        ReadSource("xml", ["x"], {})
    with pytest.raises(ValueError, match="column"):
        ReadSource("parquet", ["x"], {"source": "s", "column": "content"})
