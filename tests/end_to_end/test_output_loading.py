"""Every output of the quickstart run loads as it is in the tools users load data with:
pyarrow, pandas, Polars, DuckDB and HF `datasets`, each given the output's directory or a
glob of its files, with the row counts its step's `stats.json` gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from megatron.core.datasets.indexed_dataset import IndexedDataset

from corpus.accounting import KEPT, OUTCOME
from corpus.cli import main
from corpus.tokenize.megatron import read_indexed_dataset
from tests.support.outputs import side, stats_of
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus" / "sample" / "sample.warc.gz"
DOCUMENT_STEPS = [
    "web/extract",
    "web/paragraph_stats",
    "web/filter",
    "web/dedup",
    "encyclopedia/read",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_output(quickstart_output: Path) -> Path:
    return quickstart_output


@pytest.fixture(scope="module")
def damaged_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`corpus extract` on the sample WARC and a copy cut short: dead letters to load."""
    base = tmp_path_factory.mktemp("damaged")
    data = SAMPLE_WARC.read_bytes()
    (base / "cut.warc.gz").write_bytes(data[: len(data) // 2])
    shutil.copy(SAMPLE_WARC, base / "whole.warc.gz")
    output = base / "out"
    code = main(["extract", str(base / "*.warc.gz"), "--output", str(output)])
    assert code == 0
    return output


def loaders(directory: Path) -> dict[str, int]:
    """The rows each tool reads from `directory`, given the directory itself and given a
    glob of its Parquet files (at any depth: the filter's removed documents are in one
    directory per reason)."""
    glob = f"{directory}/**/*.parquet"
    cache = str(directory.parent / ".hf-cache")
    counts = {
        "pyarrow dir": pq.read_table(directory).num_rows,
        "pandas dir": len(pd.read_parquet(directory)),
        "pandas glob": len(pd.read_parquet(sorted(map(str, directory.rglob("*.parquet"))))),
        "polars dir": pl.read_parquet(directory).height,
        "polars glob": pl.read_parquet(glob).height,
        "duckdb dir": duckdb.sql(f"SELECT count(*) FROM read_parquet('{directory}')").fetchall(),
        "duckdb glob": duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}')").fetchall(),
    }
    counts["duckdb dir"] = counts["duckdb dir"][0][0]
    counts["duckdb glob"] = counts["duckdb glob"][0][0]
    for name, files in {"datasets dir": {"data_dir": str(directory)}, "datasets glob": {}}.items():
        arguments = files or {"data_files": glob}
        try:
            loaded = datasets.load_dataset("parquet", split="train", cache_dir=cache, **arguments)
        except ValueError as error:
            # `datasets` has no empty split: a table of no rows is refused, not misread.
            assert str(error) == 'Instruction "train" corresponds to no data!'
            counts[name] = 0
        else:
            counts[name] = len(loaded)
    return counts


def assert_rows(directory: Path, expected: int) -> None:
    counts = loaders(directory)
    assert counts == dict.fromkeys(counts, expected), directory


@pytest.mark.parametrize("step", DOCUMENT_STEPS)
def test_the_documents_of_every_stage(run_output: Path, step: str) -> None:
    stats = stats_of(run_output / step)
    assert_rows(run_output / step, stats[OUTCOME][KEPT])
    # The kept documents are the step directory's only files.
    assert {p.name.split("-")[0] for p in (run_output / step).iterdir()} == {"documents"}


def test_the_removed_documents_with_their_reason(run_output: Path) -> None:
    stats = stats_of(run_output / "web/filter")
    removed = side(run_output / "web/filter") / "removed"
    dropped = {reason: n for reason, n in stats[OUTCOME].items() if reason != KEPT}
    assert_rows(removed, sum(dropped.values()))
    glob = f"{removed}/*/*.parquet"
    by_duckdb = duckdb.sql(
        f"SELECT removed_by, count(*) FROM read_parquet('{glob}', hive_partitioning=true) "
        "GROUP BY removed_by"
    ).fetchall()
    assert dict(by_duckdb) == dropped
    frame = pl.read_parquet(f"{removed}/**/*.parquet", hive_partitioning=True)
    assert dict(frame.group_by("removed_by").len().rows()) == dropped
    assert frame["reason"].n_unique() == len(dropped)
    assert dict(pd.read_parquet(removed)["removed_by"].value_counts()) == dropped


def test_the_dead_letters_of_every_step(run_output: Path, damaged_output: Path) -> None:
    for step in ["web/extract", "web/filter", "web/tokenize", "encyclopedia/read"]:
        stats = stats_of(run_output / step)
        assert_rows(
            side(run_output / step) / "dead_letters", sum(stats.get("dead_lettered", {}).values())
        )
    stats = stats_of(damaged_output / "extract")
    assert stats["dead_lettered"] == {"truncated_file": 1}
    assert_rows(side(damaged_output / "extract") / "dead_letters", 1)
    assert_rows(damaged_output / "extract", stats[OUTCOME][KEPT])


def test_the_side_tables(run_output: Path) -> None:
    dedup = stats_of(run_output / "web/dedup")
    assert_rows(side(run_output / "web/dedup") / "signatures", dedup[OUTCOME][KEPT])
    removed = sum(n for reason, n in dedup[OUTCOME].items() if reason != KEPT)
    assert_rows(side(run_output / "web/dedup") / "duplicates", removed)
    paragraphs = stats_of(run_output / "web/paragraph_stats")["paragraphs"]["distinct"]
    assert_rows(side(run_output / "web/paragraph_stats") / "paragraphs", paragraphs)
    for source in ["web", "encyclopedia"]:
        tokenize = stats_of(run_output / source / "tokenize")
        assert_rows(side(run_output / source / "tokenize") / "tokens", tokenize[OUTCOME][KEPT])


def test_the_token_shards_and_the_blend(run_output: Path) -> None:
    for source in ["web", "encyclopedia"]:
        step = run_output / source / "tokenize"
        manifest = json.loads((step / "manifest.json").read_text())
        prefixes = sorted(p.with_suffix("") for p in step.glob("*.idx"))
        assert sum(len(IndexedDataset(str(p))) for p in prefixes) == manifest["documents"]
        assert manifest["documents"] == stats_of(step)[OUTCOME][KEPT]
    blend = run_output / "blend"
    words = (blend / "data_path.txt").read_text().split()
    prefixes = words[1::2]
    assert all(Path(prefix).is_absolute() for prefix in prefixes)
    # The blend's documents, copies included (a source below its share is repeated): its
    # stats.json counts the distinct documents kept and every token written.
    sequences = [s for prefix in prefixes for s in read_indexed_dataset(prefix)]
    stats = stats_of(blend)
    assert sum(len(s) for s in sequences) == stats["tokens"]["written"]
    assert len({s.tobytes() for s in sequences}) == stats[OUTCOME][KEPT]
    assert sum(len(IndexedDataset(prefix)) for prefix in prefixes) == len(sequences)


def test_the_texts_for_megatrons_own_preprocessing(run_output: Path) -> None:
    step = run_output / "web/tokenize"
    [texts] = (side(step) / "text").glob("text-*.jsonl.zst")
    rows = duckdb.sql(f"SELECT count(*) FROM read_json('{texts}')").fetchall()[0][0]
    assert rows == stats_of(step)[OUTCOME][KEPT]
