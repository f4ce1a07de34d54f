"""The deduplication stage: URL, exact and MinHash-LSH steps on real near-duplicates."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.config import validate
from corpus.dedup.exact import text_key
from corpus.dedup.lsh import jaccard
from corpus.dedup.shingles import document_shingles
from corpus.pipelines.run import run_stage
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph

LIVEDOOR = "ja_text/livedoor-news-corpus/text"

pytestmark = pytest.mark.slow


def livedoor_documents(fixtures: Path) -> list[Document]:
    documents = []
    for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt")):
        url, _date, _title, *body = path.read_text(encoding="utf-8").splitlines()
        paragraphs = [Paragraph(line) for line in body if line.strip()]
        documents.append(Document(id=path.stem, url=url, paragraphs=paragraphs))
    return documents


def components(documents: list[Document], threshold: float) -> list[set[str]]:
    """Brute force: every pair's exact 5-gram Jaccard, then union-find."""
    parent = {d.id: d.id for d in documents}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    shingles = {d.id: document_shingles(d.text, 5) for d in documents}
    for a, b in combinations(documents, 2):
        if jaccard(shingles[a.id], shingles[b.id]) >= threshold:
            parent[root(a.id)] = root(b.id)
    groups: dict[str, set[str]] = {}
    for d in documents:
        groups.setdefault(root(d.id), set()).add(d.id)
    return list(groups.values())


@pytest.fixture(scope="module")
def runs(fixtures, tmp_path_factory) -> dict:
    documents = livedoor_documents(fixtures)
    base = tmp_path_factory.mktemp("dedup")
    source = base / "input" / "documents-00000-of-00001.parquet"
    source.parent.mkdir()
    rows = [d.to_row() for d in documents]
    pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), source)
    inputs = [str(source)]
    config = validate({"inputs": inputs, "output": str(base), "dedup": {"url": "off"}})
    stats = {
        workers: run_stage(
            "dedup",
            inputs,
            str(base / f"w{workers}"),
            config,
            [f"--direct_num_workers={workers}"],
            False,
        )
        for workers in (1, 2)
    }
    kept = pq.ParquetDataset(sorted((base / "w1").glob("documents-*.parquet"))).read()
    return {"documents": documents, "stats": stats, "kept": kept.to_pylist(), "base": base}


def test_accounting_and_cluster_sizes_add_up(runs):
    stats = runs["stats"][1]
    outcomes = stats["outcome"]
    assert stats["records_read"] == len(runs["documents"]) == 203
    assert outcomes["kept"] == len(runs["kept"])
    assert sum(r["cluster_size"] for r in runs["kept"]) == 203
    distinct_texts = len({text_key(d) for d in runs["documents"]})
    assert outcomes["exact_duplicate"] == 203 - distinct_texts == 8  # 9 pairs, one triple
    assert all(r["cluster_id"] for r in runs["kept"])


def test_no_false_merges_and_recall_of_true_duplicates(runs):
    truth = components(runs["documents"], 0.8)
    component_of = {doc_id: frozenset(group) for group in truth for doc_id in group}
    kept = runs["kept"]
    # Precision: a kept document never stands for more than its true group of duplicates.
    for row in kept:
        assert row["cluster_size"] <= len(component_of[row["id"]])
    # At most one kept document per true group would be perfect recall.
    duplicates = sum(len(g) - 1 for g in truth)
    removed = 203 - len(kept)
    assert len(kept) >= len(truth)
    assert removed / duplicates >= 0.8, (removed, duplicates)


def test_one_and_two_workers_write_identical_bytes(runs):
    assert runs["stats"][1] == runs["stats"][2]
    one = sorted((runs["base"] / "w1").glob("*"))
    two = sorted((runs["base"] / "w2").glob("*"))
    assert [p.name for p in one] == [p.name for p in two]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))
    assert json.loads((runs["base"] / "w1" / "stats.json").read_text()) == runs["stats"][1]
