"""The filter stage as a Beam pipeline: accounting, debug output by reason, the CLI."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from corpus.cli import main
from corpus.config import validate
from corpus.filters.chain import FilterChain
from corpus.layout import COMPLETE_FILE
from corpus.pipelines.filter import FILTER_COUNTS, reason_slug
from corpus.schema import DOCUMENT_SCHEMA, Document
from tests.support.outputs import side, stats_of
from tests.support.paths import ROOT, TOKENIZERS, require_shared

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
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
    stats = stats_of(run["out"] / "filter")
    assert stats["records_read"] == len(extracted) == sum(stats["outcome"].values())
    assert stats["outcome"] == dict(expected)
    assert {"DocLength(low=50)", "HiraganaRatio(low=0.1)"} <= set(expected)
    kept = read_documents(run["out"] / "filter")
    assert len(kept) == expected["kept"]
    assert all(p.live for d in kept for p in d.paragraphs)


def test_each_filters_counts_and_time_are_recorded(run):
    chain = FilterChain.from_entries(CHAIN)
    for document in read_documents(run["out"] / "paragraph_stats"):
        chain.apply(document)
    expected = [
        {"filter": f.label} | {kind: getattr(counts, kind) for kind in FILTER_COUNTS}
        for f, counts in zip(chain.filters, chain.counts, strict=True)
    ]
    stats = stats_of(run["out"] / "filter")
    assert stats["filters"] == expected
    assert expected[0]["documents_in"] == stats["records_read"]
    removed = sum(f["documents_removed"] for f in expected)
    assert removed == stats["records_read"] - stats["outcome"]["kept"] > 0
    assert (
        expected[-1]["documents_in"] == stats["outcome"]["kept"] + expected[-1]["documents_removed"]
    )
    # Times differ from run to run: they are in the completion mark, not in stats.json.
    times = json.loads((side(run["out"] / "filter") / COMPLETE_FILE).read_text())["filters"]
    assert [t["filter"] for t in times] == [f.label for f in chain.filters]
    assert all(t["seconds"] >= 0 for t in times)
    assert sum(t["seconds"] for t in times) > 0


def removed_reasons(run: dict) -> Counter:
    stats = stats_of(run["out"] / "filter")
    return Counter({k: v for k, v in stats["outcome"].items() if k != "kept"})


def slugs(run: dict) -> set[str]:
    return {reason_slug(reason) for reason in removed_reasons(run)}


def test_reason_slugs_are_hive_safe_deterministic_and_distinct():
    reasons = ["DocLength(low=50)", "DocLength(low=300)", "DocLength low 50", "a/b=c,d"]
    assert [reason_slug(r) for r in reasons] == [reason_slug(r) for r in reasons]
    assert len({reason_slug(r) for r in reasons}) == len(reasons)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", reason_slug(r)) for r in reasons)
    assert reason_slug("HiraganaRatio(low=0.1)").startswith("HiraganaRatio_low_0.1-")


def test_debug_output_reads_with_pyarrow_hive_partitioning(run):
    removed = ds.dataset(side(run["out"] / "filter") / "removed", partitioning="hive").to_table()
    assert Counter(removed.column("removed_by").to_pylist()) == removed_reasons(run)
    assert set(removed.column("reason").to_pylist()) == slugs(run)
    for reason, slug in zip(removed.column("removed_by"), removed.column("reason"), strict=True):
        assert slug.as_py() == reason_slug(reason.as_py())


def test_debug_output_reads_with_duckdb_hive_partitioning(run):
    duckdb = pytest.importorskip("duckdb")
    files = str(side(run["out"] / "filter") / "removed" / "*" / "*.parquet")
    rows = duckdb.sql(
        f"SELECT reason, removed_by, count(*) FROM read_parquet('{files}', hive_partitioning=true)"
        " GROUP BY ALL"
    ).fetchall()
    assert Counter({reason: n for _, reason, n in rows}) == removed_reasons(run)
    assert {slug for slug, _, _ in rows} == slugs(run)


def test_debug_output_reads_with_polars_hive_partitioning(run):
    polars = pytest.importorskip("polars")
    files = str(side(run["out"] / "filter") / "removed" / "**" / "*.parquet")
    frame = polars.read_parquet(files, hive_partitioning=True)
    assert Counter(frame["removed_by"].to_list()) == removed_reasons(run)
    assert set(frame["reason"].to_list()) == slugs(run)


def test_debug_output_reads_with_hf_datasets(run, tmp_path):
    # `datasets` reads no Hive partition column: the full reason is the files' `removed_by`.
    datasets = pytest.importorskip("datasets")
    removed = datasets.load_dataset(
        "parquet",
        data_dir=str(side(run["out"] / "filter") / "removed"),
        split="train",
        cache_dir=str(tmp_path / "cache"),
    )
    assert Counter(removed["removed_by"]) == removed_reasons(run)


def test_filter_subcommand_runs_alone_on_the_extract_output(run, tmp_path):
    config = validate({"inputs": ["unused"], "output": "unused"})
    assert config.filter.chain[0] == {"filter": "MergeListTag"}  # the default chain
    output = tmp_path / "filtered"
    documents = str(run["out"] / "extract" / "documents-*.parquet")
    assert main(["filter", documents, "--output", str(output), "--direct_num_workers=1"]) == 0
    stats = stats_of(output / "filter")
    assert stats["records_read"] == len(read_documents(run["out"] / "extract"))
    assert not (side(output / "filter") / "removed").exists()  # debug is off by default


def test_a_filter_that_removes_everything_leaves_a_directory_the_next_stage_reads(run, tmp_path):
    config = tmp_path / "stage.yaml"
    model = str(require_shared(TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"))
    config.write_text(
        json.dumps(
            {
                "allow_empty_sources": True,
                "filter": {"chain": [{"filter": "DocLength", "low": 10**9}]},
                "tokenize": {"model": model},
            }
        )
    )
    filtered = tmp_path / "filtered"
    documents = str(run["out"] / "extract" / "documents-*.parquet")
    workers = "--direct_num_workers=1"
    assert (
        main(["filter", documents, "--output", str(filtered), "--config", str(config), workers])
        == 0
    )
    assert stats_of(filtered / "filter")["outcome"] == {
        "DocLength(low=1000000000)": len(read_documents(run["out"] / "extract"))
    }
    [empty] = (filtered / "filter").glob("documents-*.parquet")
    assert empty.name == "documents-00000-of-00001.parquet"
    table = pq.read_table(empty)
    assert table.num_rows == 0 and table.schema.names == DOCUMENT_SCHEMA.names
    kept = str(filtered / "filter" / "documents-*.parquet")
    for stage in ("dedup", "tokenize"):
        out = tmp_path / stage
        assert main([stage, kept, "--output", str(out), "--config", str(config), workers]) == 0
        assert stats_of(out / stage)["records_read"] == 0
