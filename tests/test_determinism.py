"""Determinism: the quickstart run (configs/sample.yaml: the sample WARC through every stage,
the sample JSON Lines source, a tokenizer trained on both, the blend and the report) writes
the same bytes on one worker as on two, every file included.

A run's files name its own directory (manifests the tokenizer model, `data_path.txt` the
shards, the report its run directory), so every quickstart run of a session writes to one
place, one run after the other, and is compared by the sha256 of each file. A rerun on the
same worker count is tests/test_restart.py's: the run killed in its first step is redone
from the start and compared with the same reference run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.atomic_files import is_temporary
from corpus.layout import COMPLETE_FILE, LOGS_DIR, REPORT_HTML, REPORT_JSON, REPORT_MARKDOWN
from tests.conftest import QUICKSTART_STEPS

REPO = Path(__file__).resolve().parents[1]
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


WALL_TIME_SECTIONS = {REPORT_HTML: b'<h2 id="wall-time">', REPORT_MARKDOWN: b"## Wall time"}
"""Where the report's last section, the steps' wall times, starts."""


def without_wall_times(relative: str, data: bytes) -> bytes:
    """A file's bytes without the wall times a run records, which differ from run to run by
    nature: a step's `_SUCCESS` holds only them; the report shows them last."""
    if Path(relative).name == COMPLETE_FILE:
        return b""
    if relative == REPORT_JSON:
        report = json.loads(data)
        provenance = report["provenance"]
        provenance["steps"] = sorted(step["step"] for step in provenance["steps"])
        return json.dumps(report, sort_keys=True).encode()
    if relative in WALL_TIME_SECTIONS:
        return data.partition(WALL_TIME_SECTIONS[relative])[0]
    return data


def output_digests(directory: Path) -> dict[str, str]:
    """The sha256 of every file under `directory` (wall times left out, and the log of
    Beam's output, `logs/`), by its path there."""
    digests = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative.split("/")[0] != LOGS_DIR:
            data = without_wall_times(relative, path.read_bytes())
            digests[relative] = hashlib.sha256(data).hexdigest()
    return digests


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """The paths missing from `actual`, extra in it, or with other bytes."""
    return sorted(
        path for path in expected.keys() | actual.keys() if expected.get(path) != actual.get(path)
    )


def run_to_end(command: list[str], log: Path) -> str:
    """Runs `command` from the repository root; returns its output, failing with it when
    the command fails."""
    with log.open("wb") as handle:
        code = subprocess.run(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT).returncode
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
