"""Running the quickstart (`corpus run configs/sample.yaml`) as a user does, from the
repository root, and comparing what its runs write."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.outputs import output_digests
from tests.support.paths import ROOT

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
STEPS = sorted(QUICKSTART_STEPS)
"""Every step of the quickstart, each marked complete by its `_SUCCESS`."""


def quickstart_command(output: Path, beam_args: list[str]) -> list[str]:
    """`corpus run configs/sample.yaml` into `output` with the Beam flags `beam_args`, run
    from the repository root."""
    return [
        sys.executable,
        "-m",
        "corpus.cli",
        "run",
        "configs/sample.yaml",
        "--set",
        f"output={output}",
        *beam_args,
    ]


def local_workers(workers: int) -> list[str]:
    """The Beam flags of the local runner with `workers` worker processes."""
    return [f"--direct_num_workers={workers}"]


def run_place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every quickstart run of the session writes, one after the other (its parent
    directory holds their logs)."""
    place = tmp_path_factory.getbasetemp() / "quickstart"
    place.mkdir(exist_ok=True)
    return place / "sample"


def run_to_end(command: list[str], log: Path) -> str:
    """Runs `command` from the repository root; returns its output, failing with it when
    the command fails."""
    with log.open("wb") as handle:
        code = subprocess.run(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT).returncode
    printed = log.read_text(errors="replace")
    assert code == 0, printed[-3000:]
    return printed


def run_quickstart(
    tmp_path_factory: pytest.TempPathFactory, beam_args: list[str], log_name: str
) -> dict[str, str]:
    """One uninterrupted quickstart run in `run_place` (removed after), its output logged to
    `log_name` beside it; its files' digests."""
    output = run_place(tmp_path_factory)
    assert not output.exists()
    run_to_end(quickstart_command(output, beam_args), output.parent / log_name)
    digests = output_digests(output)
    shutil.rmtree(output)
    return digests


def reference_digests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The uninterrupted quickstart run on one worker (the quicker on its few documents), run
    once a session: its digests are kept in the session's temporary directory for every
    module that compares with it."""
    saved = tmp_path_factory.getbasetemp() / "quickstart-reference.json"
    if not saved.exists():
        digests = run_quickstart(tmp_path_factory, local_workers(1), "workers-1.log")
        saved.write_text(json.dumps(digests))
    return json.loads(saved.read_text())
