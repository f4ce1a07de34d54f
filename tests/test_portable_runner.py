"""The pipeline through Beam's portable path: the Job API that Spark's and Flink's job
servers speak, served here by Beam's own Python job service, with LOOPBACK workers. The
pipeline is serialised, staged and run the way those runners run it, and must write the
same bytes as the local runner."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.cli import main

pytestmark = pytest.mark.slow

SAMPLE_WARC = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "sample.warc.gz"
STAGES = ["extract", "paragraph_stats", "filter", "dedup"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def job_endpoint() -> Iterator[str]:
    port = free_port()
    service_main = "apache_beam.runners.portability.local_job_service_main"
    service = subprocess.Popen(
        [sys.executable, "-m", service_main, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("localhost", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("Beam's job service did not start within 60 s")
        yield f"localhost:{port}"
    finally:
        service.terminate()
        service.wait(timeout=30)


REPORT_FILES = {"report.html", "report.json", "report.md"}


def output_files(directory: Path) -> dict[str, str]:
    """The sha256 of every file the stages wrote (the run report names its directory, so
    it is left out)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and str(p.relative_to(directory)) not in REPORT_FILES
    }


def test_portable_runner_writes_the_same_bytes_as_the_local_runner(job_endpoint, tmp_path):
    portable, local = tmp_path / "portable", tmp_path / "local"
    config = tmp_path / "run.json"
    config.write_text(json.dumps({"inputs": [str(SAMPLE_WARC)], "output": "", "stages": STAGES}))
    common = ["run", str(config)]
    portable_args = [
        "--runner=PortableRunner",
        f"--job_endpoint={job_endpoint}",
        "--environment_type=LOOPBACK",
    ]
    assert main([*common, "--set", f"output={portable}", *portable_args]) == 0
    assert main([*common, "--set", f"output={local}", "--direct_num_workers=2"]) == 0
    written = output_files(portable)
    assert written == output_files(local)
    reports = [json.loads((d / "report.json").read_text()) for d in (portable, local)]
    assert reports[0]["funnel"] == reports[1]["funnel"]
    for stage in STAGES:
        assert f"{stage}/stats.json" in written
        assert any(name.startswith(f"{stage}/documents-") for name in written)
