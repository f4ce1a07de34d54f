"""The near-duplicate decision at the threshold, on livedoor articles edited to known Jaccards:
a pair at 0.81 is removed, a pair at 0.79 kept, a chain never removes a document below the
threshold against its cluster's kept document, the members it does not cover are
deduplicated among themselves, and the audit table names the kept document of every
removal."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.dedup.config import DedupConfig
from corpus.dedup.fingerprint import Fingerprinter
from corpus.schema import Document, Paragraph
from tests.support.dedup import dedup, kept_rows, write_input
from tests.support.edited_articles import edited_articles, similarity
from tests.support.outputs import side

pytestmark = pytest.mark.slow


def document(doc_id: str, text: str) -> Document:
    url = f"https://example.jp/{doc_id.replace('u1', 'u0')}"
    return Document(id=doc_id, url=url, paragraphs=[Paragraph(text)])


@pytest.fixture(scope="module")
def output(texts, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("threshold")
    documents = [document(doc_id, text) for doc_id, text in texts.items()]
    inputs = [write_input(documents, base / "input" / "documents-00000-of-00001.parquet")]
    dedup(inputs, base / "out")  # the defaults
    return base / "out"


@pytest.fixture(scope="module")
def texts(fixtures: Path) -> dict[str, str]:
    return edited_articles(fixtures)


@pytest.fixture(scope="module")
def kept(output) -> set[str]:
    return {row["id"] for row in kept_rows(output)}


def test_the_constructed_similarities(texts):
    assert 0.80 <= similarity(texts["x0"], texts["x1"]) < 0.82
    assert 0.78 <= similarity(texts["y0"], texts["y1"]) < 0.80
    assert similarity(texts["z0"], texts["z1"]) >= 0.84
    assert similarity(texts["z1"], texts["z2"]) >= 0.84
    assert similarity(texts["z0"], texts["z2"]) < 0.8
    assert similarity(texts["w0"], texts["w2"]) < 0.8
    assert similarity(texts["w0"], texts["w3"]) < 0.8
    assert similarity(texts["w2"], texts["w3"]) >= 0.95


def test_the_chain_is_one_candidate_component(texts):
    fingerprinter = Fingerprinter(DedupConfig())
    bands = {k: set(fingerprinter.band_keys(fingerprinter.signature(texts[k]))) for k in texts}
    # Without the check against the kept document z2 would go with its component.
    assert bands["z0"] & bands["z1"] and bands["z1"] & bands["z2"]


def test_a_pair_at_0_81_is_removed(kept):
    assert {"x0", "x1"} & kept == {"x0"}


def test_a_pair_at_0_79_is_kept(kept):
    assert {"y0", "y1"} <= kept


def test_a_chain_removes_only_against_the_kept_document(kept, texts):
    # z0 is kept (the earliest), z1 goes (0.84+ to z0); z2 is below 0.8 against z0, and
    # z1, its only copy at 0.8, is removed, so z2 stays.
    assert {"z0", "z1", "z2"} & kept == {"z0", "z2"}
    for doc_id in {"x0", "x1", "y0", "y1", "z0", "z1", "z2", "w0", "w1", "w2", "w3"} - kept:
        best = max(similarity(texts[doc_id], texts[other]) for other in kept)
        assert best >= 0.8, doc_id


def test_members_the_kept_document_does_not_cover_are_deduplicated_again(kept):
    # w1 goes against w0; w2 and w3 are below 0.8 against w0, so they are checked among
    # themselves: w2 (the earliest of them) is kept, w3 removed against it.
    assert {"w0", "w1", "w2", "w3"} & kept == {"w0", "w2"}


def test_the_audit_names_the_kept_document_of_every_removal(output, texts, kept):
    paths = sorted((side(output) / "duplicates").glob("duplicates-*.parquet"))
    assert [p.name for p in paths] == ["duplicates-00000-of-00001.parquet"]
    rows = pq.read_table(paths[0]).to_pylist()
    assert [(r["id"], r["kept_id"], r["rule"]) for r in rows] == [
        ("u1", "u0", "url"),
        ("w1", "w0", "near"),
        ("w3", "w2", "near"),
        ("x1", "x0", "near"),
        ("x2", "x0", "exact"),
        ("z1", "z0", "near"),
    ]
    assert set(texts) - kept == {r["id"] for r in rows}
    by_id = {r["id"]: r["similarity"] for r in rows}
    assert by_id["x2"] == 1.0 and by_id["u1"] is None
    for doc_id, kept_id in (("x1", "x0"), ("z1", "z0"), ("w1", "w0"), ("w3", "w2")):
        assert by_id[doc_id] == pytest.approx(similarity(texts[doc_id], texts[kept_id]))
