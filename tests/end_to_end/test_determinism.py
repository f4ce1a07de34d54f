"""Determinism: the quickstart run (configs/sample.yaml: the sample WARC through every stage,
the sample JSON Lines source, a tokenizer trained on both, the blend and the report) writes
the same bytes on one worker as on two, every file included.

A run's files name its own directory (manifests the tokenizer model, `data_path.txt` the
shards, the report its run directory), so every quickstart run of a session writes to one
place, one run after the other, and is compared by the sha256 of each file. A rerun on the
same worker count is tests/end_to_end/test_restart.py's: the run killed in its first step
is redone from the start and compared with the same reference run.
"""

from __future__ import annotations

import pytest

from corpus.atomic_files import is_temporary
from tests.support.outputs import differences
from tests.support.quickstart import STEPS, local_workers, reference_digests, run_quickstart


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, str]]:
    two = run_quickstart(tmp_path_factory, local_workers(2), "workers-2.log")
    return {1: reference_digests(tmp_path_factory), 2: two}


@pytest.mark.slow
def test_one_and_two_workers_write_the_same_bytes(runs):
    assert differences(runs[1], runs[2]) == []


@pytest.mark.slow
def test_the_comparison_covers_every_output_and_the_report(runs):
    written = runs[1]
    assert (
        sorted(path.removesuffix(".meta/_SUCCESS") for path in written if path.endswith("_SUCCESS"))
        == STEPS
    )
    assert {
        "run.json",
        "report.json",
        "report.html",
        "report.md",
        "tokenizer/tokenizer.model",
        "web/extract/documents-00000-of-00001.parquet",
        "web/extract.meta/stats.json",
        "web/filter.meta/removed/reason=HiraganaRatio_low_0.1-ecc730d1/documents-00000-of-00001.parquet",
        "web/dedup.meta/signatures/signatures-00000-of-00001.parquet",
        "web/tokenize/tokens-00000-of-00001_text_document.bin",
        "web/tokenize/tokens-00000-of-00001_text_document.idx",
        "web/tokenize.meta/tokens/tokens-00000-of-00001.parquet",
        "web/tokenize.meta/text/text-00000-of-00001.jsonl.zst",
        "encyclopedia/tokenize/manifest.json",
        "blend/data_path.txt",
        "blend.meta/blend_report.json",
    } <= written.keys()
    assert [path for path in written if is_temporary(path)] == []
