"""The lock a run holds on its output: a second run into the same output is refused,
naming the holder; a lock whose run has ended is reported and taken over only when asked;
the lock goes at the run's end however it ends."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.errors import ConfigError
from corpus.layout import COMPLETE_FILE, LOCK_FILE, RUN_FILE
from corpus.pipelines.run_lock import (
    acquire,
    lock_record,
    output_locked,
    read_lock,
    release,
    stale_reason,
)
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"


def extract_args(output: Path, *flags: str) -> list[str]:
    return ["extract", str(SAMPLE_WARC), "--output", str(output), "--direct_num_workers=1", *flags]


def ended_pid() -> int:
    """The pid of a process that has ended (reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def write_lock(output: Path, **changes) -> dict:
    output.mkdir(parents=True, exist_ok=True)
    record = {**lock_record(), **changes}
    (output / LOCK_FILE).write_text(json.dumps(record))
    return record


def test_the_lock_says_who_holds_it_and_goes_when_released(tmp_path):
    output = str(tmp_path / "out")
    record = acquire(output)
    held = read_lock(f"{output}/{LOCK_FILE}")
    assert held == record
    assert held["pid"] == os.getpid() and held["host"] == socket.gethostname()
    assert held["owner"] and held["started"] and len(held["token"]) == 32
    assert stale_reason(held) is None
    release(output, record)
    assert not (tmp_path / "out" / LOCK_FILE).exists()


def test_one_of_many_racing_takers_gets_the_lock(tmp_path):
    output = str(tmp_path / "out")
    won, refused = [], []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        try:
            won.append(acquire(output))
        except ConfigError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 7
    assert all("is in use by another run" in message for message in refused)
    assert read_lock(f"{output}/{LOCK_FILE}") == won[0]


def test_the_lock_goes_on_error_and_on_ctrl_c(tmp_path):
    output = str(tmp_path / "out")
    for error in (ValueError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), output_locked(output):
            assert (tmp_path / "out" / LOCK_FILE).exists()
            raise error
        assert not (tmp_path / "out" / LOCK_FILE).exists()


def test_a_lock_not_its_own_is_left_alone(tmp_path):
    output = tmp_path / "out"
    mine = acquire(str(output))
    other = write_lock(output)  # taken over by another run meanwhile
    release(str(output), mine)
    assert read_lock(str(output / LOCK_FILE)) == other


def test_why_a_lock_may_be_stale():
    assert stale_reason({}) == "its lock file cannot be read"
    assert stale_reason({**lock_record(), "host": "elsewhere.invalid"}) == (
        "it was taken on another host, where this run cannot check its process"
    )
    assert stale_reason({**lock_record(), "pid": ended_pid()}) == "its process no longer runs"


def test_a_running_holder_refuses_a_second_run(tmp_path, capsys):
    output = tmp_path / "out"
    held = write_lock(output)  # this process: alive
    assert main(extract_args(output)) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message == (
        f"corpus: output: {output} is in use by another run ({held['owner']}@"
        f"{held['host']}, pid {os.getpid()}, since {held['started']}; {output}/{LOCK_FILE}); "
        "wait for it to end, or give another output"
    )
    # Not even --take-over-lock takes a live holder's lock; nothing was written.
    assert main(extract_args(output, "--take-over-lock")) == 2
    assert sorted(p.name for p in output.iterdir()) == [LOCK_FILE]
    assert read_lock(str(output / LOCK_FILE)) == held


@pytest.mark.slow
def test_a_dead_holders_lock_is_reported_then_taken_over_when_asked(tmp_path, capsys):
    output = tmp_path / "out"
    held = write_lock(output, pid=ended_pid())
    assert main(extract_args(output)) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"corpus: output: {output} is locked by a run that may have ended ({held['owner']}@"
        f"{held['host']}, pid {held['pid']}, since {held['started']}): its process no longer "
        "runs; if no run writes there, pass --take-over-lock"
    )
    assert main(extract_args(output, "--take-over-lock")) == 0
    printed = capsys.readouterr().err
    assert f"output: {output}: taking over the lock of {held['owner']}@" in printed
    assert (output / "extract.meta" / COMPLETE_FILE).exists() and (output / RUN_FILE).exists()
    assert not (output / LOCK_FILE).exists()


@pytest.mark.slow
def test_two_concurrent_runs_into_one_output(tmp_path, capsys):
    """The second run is refused while the first runs; the first ends whole."""
    output = tmp_path / "out"
    first = subprocess.Popen(
        [sys.executable, "-m", "corpus.cli", *extract_args(output)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not (output / RUN_FILE).exists():
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    assert main(extract_args(output)) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.startswith(f"corpus: output: {output} is in use by another run (")
    assert f", pid {first.pid}, since " in message
    _, errors = first.communicate(timeout=300)
    assert first.returncode == 0, errors.decode()
    assert (output / "extract.meta" / COMPLETE_FILE).exists()
    assert not (output / LOCK_FILE).exists()
    assert not [p for p in output.rglob(".tmp-*")]
    # The first run's output is whole: the same command now finds it complete.
    assert main(extract_args(output)) == 0
    assert f"{output}/extract: complete, kept" in capsys.readouterr().err
