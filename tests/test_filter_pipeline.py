"""The filter stage as a Beam pipeline: accounting, debug output by reason, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from corpus.cli import main
from corpus.config import validate
from corpus.filters.chain import FilterChain
from corpus.schema import Document

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus/sample/sample.warc.gz"
CHAIN = [
    {"filter": "DocLength", "low": 50},
    {"filter": "HiraganaRatio", "low": 0.1},
    {"filter": "LinkCharRatio", "high": 0.5},
    {"filter": "DocLength", "low": 300},
]

pytestmark = pytest.mark.slow


def read_documents(directory: Path) -> list[Document]:
    files = sorted(directory.glob("documents-*.parquet"))
    return [Document.from_row(r) for r in pq.ParquetDataset(files).read().to_pylist()]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("filter")
    config = base / "run.yaml"
    config.write_text(
        json.dumps(
            {
                "inputs": [str(SAMPLE)],
                "output": str(base / "out"),
                "filter": {"chain": CHAIN, "debug": True},
            }
        )
    )
    assert main(["run", str(config), "--direct_num_workers=2"]) == 0
    return {"out": base / "out", "config": config}


def test_filter_accounting_matches_the_chain_applied_in_plain_python(run):
    # The filter reads the paragraph statistics stage's output: the extracted documents,
    # in the same order, with their paragraphs' frequencies.
    extracted = read_documents(run["out"] / "paragraph_stats")
    assert [d.id for d in extracted] == [d.id for d in read_documents(run["out"] / "extract")]
    assert all(p.exact_freq for d in extracted for p in d.live_paragraphs)
    chain = FilterChain.from_entries(CHAIN)
    expected = Counter(chain.apply(d).removed_by or "kept" for d in extracted)
    stats = json.loads((run["out"] / "filter" / "stats.json").read_text())
    assert stats["records_read"] == len(extracted) == sum(stats["outcome"].values())
    assert stats["outcome"] == dict(expected)
    assert {"DocLength(low=50)", "HiraganaRatio(low=0.1)"} <= set(expected)
    kept = read_documents(run["out"] / "filter")
    assert len(kept) == expected["kept"]
    assert all(p.live for d in kept for p in d.paragraphs)


def test_debug_output_is_partitioned_by_reason_and_readable_with_pyarrow(run):
    removed = ds.dataset(run["out"] / "filter" / "removed", partitioning="hive").to_table()
    reasons = Counter(removed.column("reason").to_pylist())
    stats = json.loads((run["out"] / "filter" / "stats.json").read_text())
    assert reasons == Counter({k: v for k, v in stats["outcome"].items() if k != "kept"})
    assert removed.column("removed_by").to_pylist() == removed.column("reason").to_pylist()


def test_filter_subcommand_runs_alone_on_the_extract_output(run, tmp_path):
    config = validate({"inputs": ["unused"], "output": "unused"})
    assert config.filter.chain[0] == {"filter": "MergeListTag"}  # the default chain
    output = tmp_path / "filtered"
    documents = str(run["out"] / "extract" / "documents-*.parquet")
    assert main(["filter", documents, "--output", str(output), "--direct_num_workers=1"]) == 0
    stats = json.loads((output / "stats.json").read_text())
    assert stats["records_read"] == len(read_documents(run["out"] / "extract"))
    assert not (output / "removed").exists()  # debug is off by default
