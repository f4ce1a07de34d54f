"""Fixtures every test directory shares: the real fixtures' directory, and the quickstart's
output, run once for the tests that read it."""

from __future__ import annotations

from pathlib import Path

import pytest

# The helpers' asserts report their values as a test's own do.
pytest.register_assert_rewrite("tests.support")

from tests.support.paths import FIXTURES, ROOT, require_shared  # noqa: E402


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
