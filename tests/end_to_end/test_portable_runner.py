"""The whole quickstart run (configs/sample.yaml: both sources through every stage, the
tokenizer trained, the blend and the report) through Beam's portable path: the Job API that
Spark's and Flink's job servers speak, served here by Beam's own Python job service, with
LOOPBACK workers. Every pipeline of the run is serialised, staged and run the way those
runners run it, and must write the same bytes as the local runner, every file included."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.support.outputs import differences
from tests.support.quickstart import reference_digests, run_quickstart

pytestmark = pytest.mark.slow


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


def test_the_portable_runner_writes_the_same_bytes_as_the_local_runner(
    job_endpoint, tmp_path_factory
):
    portable_args = [
        "--runner=PortableRunner",
        f"--job_endpoint={job_endpoint}",
        "--environment_type=LOOPBACK",
    ]
    portable = run_quickstart(tmp_path_factory, portable_args, "portable.log")
    local = reference_digests(tmp_path_factory)
    assert differences(local, portable) == []
    assert "blend/data_path.txt" in portable and "report.json" in portable
