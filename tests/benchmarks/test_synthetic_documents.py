"""The generator of the dedup scale benchmark (benchmarks/synthetic_documents.py): deterministic,
the documented mix, and duplicates that are (or are not) duplicates as the dedup stage
measures them."""

from __future__ import annotations

import importlib
import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.dedup.exact import text_key, url_key
from corpus.dedup.lsh import jaccard
from corpus.dedup.shingles import char_shingles
from corpus.schema import DOCUMENT_SCHEMA, Document
from tests.support.paths import ROOT

BENCHMARKS = ROOT / "benchmarks"
DOCUMENTS = 2000
PER_FILE = 700


@pytest.fixture(scope="module")
def generator(fixtures: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        yield importlib.import_module("synthetic_documents")


@pytest.fixture(scope="module")
def generated(generator, fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("synthetic")
    generator.generate(DOCUMENTS, output, seed=3, documents_per_file=PER_FILE, fixtures=fixtures)
    return output


@pytest.fixture(scope="module")
def corpus(generated: Path) -> tuple[dict[str, Document], dict[str, dict]]:
    """(documents by id, ground-truth rows by id)."""
    files = sorted(generated.glob("documents-*.parquet"))
    documents = [Document.from_row(r) for f in files for r in pq.read_table(f).to_pylist()]
    truth = pq.read_table(generated / "ground_truth.parquet").to_pylist()
    return {d.id: d for d in documents}, {row["id"]: row for row in truth}


def _of_kind(truth: dict[str, dict], kind: str) -> list[dict]:
    return [row for row in truth.values() if row["kind"] == kind]


def test_files_are_named_and_typed_like_the_stages_output(generated: Path) -> None:
    files = sorted(p.name for p in generated.glob("documents-*.parquet"))
    assert files == [f"documents-{i:05d}-of-00003.parquet" for i in range(3)]
    tables = [pq.read_table(generated / name) for name in files]
    assert [t.num_rows for t in tables] == [700, 700, 600]
    # Parquet has no seconds unit: timestamp[s] columns read back as milliseconds.
    date = DOCUMENT_SCHEMA.get_field_index("date")
    expected = DOCUMENT_SCHEMA.set(date, pa.field("date", pa.timestamp("ms", tz="UTC")))
    assert all(t.schema.equals(expected) for t in tables)
    metadata = pq.ParquetFile(generated / files[0]).metadata.row_group(0).column(0)
    assert metadata.compression == "ZSTD"


def test_same_seed_same_bytes_whatever_the_processes(
    generator, generated: Path, fixtures: Path, tmp_path: Path
) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    generator.generate(
        DOCUMENTS, again, seed=3, documents_per_file=PER_FILE, fixtures=fixtures, processes=2
    )
    generator.generate(DOCUMENTS, other, seed=4, documents_per_file=PER_FILE, fixtures=fixtures)
    names = sorted(p.name for p in generated.glob("*.parquet"))
    assert names == sorted(p.name for p in again.glob("*.parquet"))
    for name in names:
        assert (generated / name).read_bytes() == (again / name).read_bytes(), name
        assert (generated / name).read_bytes() != (other / name).read_bytes(), name
    assert generator.generation_parameters(again) == {
        "documents": DOCUMENTS,
        "documents_per_file": PER_FILE,
        "seed": 3,
        "version": generator.GENERATOR_VERSION,
    }


def test_counts_of_each_kind_and_families(corpus) -> None:
    documents, truth = corpus
    assert set(documents) == set(truth)
    assert len(documents) == DOCUMENTS
    kinds = Counter(row["kind"] for row in truth.values())
    assert kinds["exact"] == kinds["near"] == kinds["url"] == 200
    assert kinds["unique"] + kinds["original"] == 1400
    derived = [row for row in truth.values() if row["kind"] in ("exact", "near", "url")]
    originals = {row["family"] for row in derived}
    assert originals == {row["id"] for row in _of_kind(truth, "original")}
    base = _of_kind(truth, "unique") + _of_kind(truth, "original")
    assert all(row["family"] == row["id"] and row["jaccard"] is None for row in base)
    assert all(documents[d].language == "ja" and documents[d].text for d in documents)
    lengths = [len(documents[row["id"]].text) for row in base]
    assert min(lengths) >= 200 and 1000 < np.median(lengths) < 1600


def test_exact_copies_have_the_same_normalised_text_elsewhere(corpus) -> None:
    documents, truth = corpus
    copies = _of_kind(truth, "exact")
    assert {row["edit"] for row in copies} == {"identical", "whitespace", "width"}
    for row in copies:
        copy, original = documents[row["id"]], documents[row["family"]]
        assert text_key(copy) == text_key(original)
        assert (copy.text == original.text) == (row["edit"] == "identical")
        assert copy.host != original.host and url_key(copy) != url_key(original)
        assert copy.date > original.date


def test_stored_jaccard_is_the_dedup_stage_measure(corpus) -> None:
    documents, truth = corpus
    for row in truth.values():
        if row["jaccard"] is not None:
            copy, original = documents[row["id"]], documents[row["family"]]
            measured = jaccard(char_shingles(copy.text), char_shingles(original.text))
            assert row["jaccard"] == measured


def test_near_duplicates_mostly_above_the_threshold(corpus) -> None:
    documents, truth = corpus
    variants = _of_kind(truth, "near")
    similarity = np.array([row["jaccard"] for row in variants])
    assert 0.7 <= np.mean(similarity >= 0.8) <= 0.9
    assert similarity.min() >= 0.4 and similarity.max() < 1.0
    assert {row["edit"] for row in variants} == {"edited", "rehosted"}
    for row in variants:
        variant, original = documents[row["id"]], documents[row["family"]]
        assert text_key(variant) != text_key(original)
        assert (variant.host == original.host) == (row["edit"] == "edited")


def test_url_recaptures_share_the_url_key_not_the_date(corpus) -> None:
    documents, truth = corpus
    recaptures = _of_kind(truth, "url")
    assert {row["edit"] for row in recaptures} == {"identical", "updated"}
    for row in recaptures:
        recapture, original = documents[row["id"]], documents[row["family"]]
        assert url_key(recapture) == url_key(original)
        assert recapture.date != original.date
        assert (recapture.text == original.text) == (row["edit"] == "identical")
    assert any("#" in documents[row["id"]].url for row in recaptures)
    others = [d for d in documents.values() if truth[d.id]["kind"] != "url"]
    assert len({url_key(d) for d in others}) == len(others)


def test_unrelated_documents_are_not_near_duplicates(generator, corpus) -> None:
    documents, truth = corpus
    base = [documents[row["id"]] for row in truth.values() if row["kind"] in ("unique", "original")]
    shingles = {d.id: char_shingles(d.text) for d in base}
    rng = np.random.default_rng(0)
    pairs = [tuple(rng.choice(len(base), 2, replace=False)) for _ in range(500)]
    random_pairs = [jaccard(shingles[base[a].id], shingles[base[b].id]) for a, b in pairs]
    by_host: dict[str, list[str]] = {}
    for document in base:
        by_host.setdefault(document.host, []).append(document.id)
    same_host = [
        jaccard(shingles[a], shingles[b])
        for ids in by_host.values()
        for a, b in itertools.combinations(ids[:8], 2)
    ]
    assert len(same_host) > 500
    assert max(random_pairs) < 0.1
    assert max(same_host) < 0.5
    # Among millions, what keeps two drawn documents apart is that each has at least four
    # independently placed runs of sentences: all four overlapping is too unlikely.
    frame = (generator.HEADER_PATH, generator.FOOTER_PATH)
    assert min(sum(p.path not in frame for p in d.paragraphs) for d in base) == 4
