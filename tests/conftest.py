"""Fixtures every test directory shares: the real fixtures' directory and its labelled
quality paragraphs, the quickstart's output, run once for the tests that read it, and a
pipeline built but never run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import apache_beam as beam
import pytest

# The helpers' asserts report their values as a test's own do.
pytest.register_assert_rewrite("tests.support")

from tests.support.paths import FIXTURES, ROOT, require_shared  # noqa: E402


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return require_shared(FIXTURES)


@pytest.fixture(scope="session")
def annotations(fixtures: Path) -> Path:
    """The 838 hand-labelled mC4-ja paragraphs (`text<TAB>good|bad` lines)."""
    return fixtures / "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"


@pytest.fixture(scope="session")
def quickstart_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of the quickstart's `corpus run configs/sample.yaml`, on one worker. Tests
    read it; one that changes it works on a copy."""
    from corpus.cli import main

    output = tmp_path_factory.mktemp("quickstart") / "sample"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # the sample config names its inputs from the repository root
        code = main(
            ["run", "configs/sample.yaml", "--set", f"output={output}", "--direct_num_workers=1"]
        )
    assert code == 0
    return output


@pytest.fixture
def unrun_pipeline() -> Iterator[beam.Pipeline]:
    """A pipeline a test builds but never runs. Beam makes a local temporary directory for
    every pipeline and removes it only at the end of a run, so it is removed here."""
    pipeline = beam.Pipeline()
    yield pipeline
    shutil.rmtree(pipeline.local_tempdir, ignore_errors=True)
