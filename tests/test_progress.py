"""Live progress: the counts the reading steps keep across processes, the progress line
made of them, and the lines a running stage prints."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.read_progress import (
    FLUSH_SECONDS,
    PROGRESS_VARIABLE,
    ReadCount,
    count_read,
    counted,
    read_so_far,
)
from corpus.report.progress import InputTotal, duration, progress_text, size
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"
COUNTING = """
import os, sys, time
from corpus.read_progress import counted
items = counted(range(1, 6), size=100, position=lambda item: item * 10)
for item in items:
    pass
time.sleep(float(sys.argv[1]))
"""


def wait_for(directory: Path, expected: ReadCount) -> ReadCount:
    deadline = time.monotonic() + 10 * FLUSH_SECONDS
    while (found := read_so_far(str(directory))) != expected and time.monotonic() < deadline:
        time.sleep(FLUSH_SECONDS / 5)
    return found


def test_counts_from_every_process_are_summed(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_VARIABLE, str(tmp_path))
    # Two other processes, as Beam's workers are: each counts a file of 5 records, 100 bytes.
    workers = [
        subprocess.Popen([sys.executable, "-c", COUNTING, str(3 * FLUSH_SECONDS)], cwd=ROOT)
        for _ in range(2)
    ]
    # And this process: 3 records without a file, then a file of 2 records read to its end.
    count_read(3)
    assert list(counted(["a", "b"], size=7)) == ["a", "b"]
    assert [worker.wait() for worker in workers] == [0, 0]
    assert wait_for(tmp_path, ReadCount(15, 207)) == ReadCount(15, 207)


def test_counted_advances_bytes_with_the_positions(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_VARIABLE, str(tmp_path))
    items = counted(iter([0, 40, 90]), size=100, position=lambda offset: offset)
    next(items), next(items)
    assert wait_for(tmp_path, ReadCount(2, 40)) == ReadCount(2, 40)
    assert list(items) == [90]
    assert wait_for(tmp_path, ReadCount(3, 100)) == ReadCount(3, 100)


def test_without_the_variable_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(PROGRESS_VARIABLE, raising=False)
    assert list(counted(range(3), size=10)) == [0, 1, 2]
    count_read(5)
    assert read_so_far(str(tmp_path)) == ReadCount()


def test_progress_text():
    assert duration(42) == "42 s" and duration(185) == "3 min 05 s"
    assert duration(7620) == "2 h 07 min"
    assert size(512) == "512 B" and size(136_200) == "136.2 kB" and size(1.5e9) == "1.5 GB"
    warc = InputTotal(bytes=32_000_000)
    assert progress_text(None, None, 7) == "working, 7 s elapsed"
    assert progress_text(ReadCount(), warc, 3) == "starting, 3 s elapsed"
    assert progress_text(ReadCount(3_000, 8_000_000), warc, 10, (4, ReadCount(1_000, 0))) == (
        "3,000 records, 8.0 MB/32.0 MB (25%), 2.0 MB/s, 10 s elapsed, about 12 s left"
    )
    parquet = InputTotal(bytes=5_000_000, records=50_000)
    assert progress_text(ReadCount(10_000), parquet, 6, (2, ReadCount(5_000))) == (
        "10,000/50,000 records (20%), 2,500 records/s, 6 s elapsed, about 16 s left"
    )
    assert progress_text(ReadCount(50_000), parquet, 30, (20, ReadCount(100))) == (
        "50,000/50,000 records (100%), 30 s elapsed, input read, finishing"
    )
    unknown = InputTotal(bytes=0)  # a server that did not give the sizes
    assert progress_text(ReadCount(7, 5_000), unknown, 3, (1, ReadCount(1, 10))) == (
        "7 records, 5.0 kB read, 3 s elapsed"
    )


@pytest.mark.slow
def test_a_running_stage_prints_its_progress(tmp_path, capsys):
    # The sample WARC 100 times over (gzip members one after the other): 8,200 records,
    # enough for the worker to report its counts several times while it reads.
    warc = tmp_path / "sample-100.warc.gz"
    warc.write_bytes(SAMPLE_WARC.read_bytes() * 100)
    output = tmp_path / "docs"
    args = ["extract", str(warc), "--output", str(output), "--progress-interval", "0.2"]
    assert main([*args, "--direct_num_workers=2"]) == 0
    printed = capsys.readouterr().err.splitlines()
    step = output / "extract"
    updates = [line for line in printed if line.startswith(f"{step}: ") and "elapsed" in line]
    assert len(updates) >= 5, printed
    counted_lines = [
        line for line in updates if re.search(r": [\d,]+ records, [\d.]+ [kM]B/8\.0 MB \(", line)
    ]
    assert counted_lines, "\n".join(updates)
    assert "8,200 records, 8.0 MB/8.0 MB (100%)" in counted_lines[-1]
    assert printed[-1].startswith(f"{step}: 8,200 records read, 1,900 kept (")
