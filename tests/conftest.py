"""Shared test helpers: where the real fixtures live, how to skip without them, and the
quickstart's output, run once for the tests that read it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
TOKENIZERS = SHARED / "tokenizers"
QUICKSTART_STEPS = [
    "web/extract",
    "web/paragraph_stats",
    "web/filter",
    "web/dedup",
    "encyclopedia/read",
    "tokenizer",
    "web/tokenize",
    "encyclopedia/tokenize",
    "blend",
]
"""The quickstart's steps (`configs/sample.yaml`), in the order a run takes them."""


def require_shared(path: Path) -> Path:
    """Return `path` if it exists; skip the test if ../shared is absent, fail under CI."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing; CI must run with ../shared beside the checkout")
    pytest.skip(f"{path} not present (the real fixtures live in ../shared beside the checkout)")


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return require_shared(FIXTURES)


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
