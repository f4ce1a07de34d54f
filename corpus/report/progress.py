"""What the terminal shows of a step of a run: its progress while it works, a line when
it ends.

On the local runner a step's reading steps count what they read (corpus.pipelines.
read_progress), and its progress line gives the records and bytes read against what its
input holds (the files' sizes, and the rows in their footers when the input is Parquet),
the rate, the time elapsed and an estimate of the time left. A step with nothing to count
(the report) shows the time elapsed. Other runners (`--runner`) run the pipeline
elsewhere: their steps get the line at the end only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from typing import NamedTuple

from apache_beam.io.filesystem import FileMetadata

from corpus.accounting import DEAD_LETTERED, KEPT, OUTCOME, RECORDS_READ
from corpus.io.reading import parquet_rows
from corpus.read_progress import PROGRESS_VARIABLE, ReadCount, read_so_far
from corpus.terminal import terminal


class InputTotal(NamedTuple):
    """What a step's input holds: its files' bytes, and their records when every file is
    Parquet (from the footers; other formats say how many records they hold by being
    read)."""

    bytes: int
    records: int | None = None


def input_total(files: list[FileMetadata]) -> InputTotal:
    paths = [file.path for file in files]
    parquet = bool(paths) and all(path.endswith(".parquet") for path in paths)
    return InputTotal(
        sum(file.size_in_bytes for file in files), parquet_rows(paths) if parquet else None
    )


def duration(seconds: float) -> str:
    """`42 s`, `3 min 05 s`, `2 h 07 min`."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def size(nbytes: float) -> str:
    """`512 B`, `136.2 kB`, `1.5 GB` (powers of 1000)."""
    unit = "B"
    for larger in ("kB", "MB", "GB", "TB"):
        if nbytes < 1000:
            break
        nbytes, unit = nbytes / 1000, larger
    return f"{nbytes:.0f} B" if unit == "B" else f"{nbytes:.1f} {unit}"


def progress_text(
    read: ReadCount | None,
    total: InputTotal | None,
    elapsed: float,
    earlier: tuple[float, ReadCount] | None = None,
) -> str:
    """How far a step is, `elapsed` seconds after it started, having read `read` of
    `total` (None: nothing is counted). `earlier`: the counts some seconds before, which
    give the rate and the time left (measured from when counts began to come, the start
    of Beam's workers is left out)."""
    if read is None or total is None:
        return f"working, {duration(elapsed)} elapsed"
    if read == ReadCount():
        return f"starting, {duration(elapsed)} elapsed"
    if not (total.records or total.bytes):  # sizes a server did not give, say
        return f"{read.records:,} records, {size(read.bytes)} read, {duration(elapsed)} elapsed"
    by_records = bool(total.records)
    if by_records:
        done, whole = read.records, total.records
        parts = [f"{read.records:,}/{total.records:,} records"]
    else:
        done, whole = read.bytes, total.bytes
        parts = [f"{read.records:,} records", f"{size(read.bytes)}/{size(total.bytes)}"]
    share = min(done / whole, 1.0)
    parts[-1] += f" ({share:.0%})"
    if earlier is not None and earlier[0] > 0 and share < 1.0:
        seconds, before = earlier
        rate = (done - (before.records if by_records else before.bytes)) / seconds
        parts.append(f"{rate:,.0f} records/s" if by_records else f"{size(rate)}/s")
    else:
        rate = 0.0
    parts.append(f"{duration(elapsed)} elapsed")
    if share >= 1.0:
        parts.append("input read, finishing")
    elif rate > 0:
        parts.append(f"about {duration(max((whole - done) / rate, 1))} left")
    return ", ".join(parts)


def stage_text(stats: dict) -> str:
    """`82 records read, 19 kept` from a step's `stats.json`, with its dead letters."""
    kept = stats.get(OUTCOME, {}).get(KEPT, 0)
    dead = sum(stats.get(DEAD_LETTERED, {}).values())
    dead_lettered = f", {dead:,} dead-lettered" if dead else ""
    return f"{stats.get(RECORDS_READ, 0):,} records read, {kept:,} kept{dead_lettered}"


class Step:
    """A step of a run on the terminal, as a context around its work: its progress line,
    every few seconds while the work runs (`follow`), and `finished` for its last line.

    With `total` (a local pipeline), the work's reading steps count into a directory of
    its own, named in the environment for the worker processes the runner starts."""

    def __init__(self, label: str, total: InputTotal | None = None, follow: bool = True) -> None:
        self.label = label
        self.total = total
        self.follow = follow
        self.counts: str | None = None
        self.started = time.monotonic()
        self.seconds: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._variable: str | None = None
        self._first: tuple[float, ReadCount] | None = None
        """When counts first came, and what they were."""

    def __enter__(self) -> Step:
        self.started = time.monotonic()
        if self.total is not None:
            self.counts = tempfile.mkdtemp(prefix="corpus-progress-")
            self._variable = os.environ.get(PROGRESS_VARIABLE)
            os.environ[PROGRESS_VARIABLE] = self.counts
        if self.follow:
            self._thread = threading.Thread(target=self._show, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.monotonic() - self.started
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            terminal().clear_status()
        if self.counts is not None:
            if self._variable is None:
                os.environ.pop(PROGRESS_VARIABLE, None)
            else:
                os.environ[PROGRESS_VARIABLE] = self._variable
            shutil.rmtree(self.counts, ignore_errors=True)

    def text(self) -> str:
        """The progress line as it stands."""
        now = time.monotonic()
        read = None if self.counts is None else read_so_far(self.counts)
        if self._first is None and read not in (None, ReadCount()):
            self._first = (now, read)
        earlier = None if self._first is None else (now - self._first[0], self._first[1])
        return f"{self.label}: {progress_text(read, self.total, now - self.started, earlier)}"

    def _show(self) -> None:
        shown = terminal()
        if shown.live:
            shown.status(self.text())
        while not self._stop.wait(shown.progress_interval):
            shown.status(self.text())

    def finished(self, text: str) -> None:
        """The step's last line: `LABEL: TEXT (SECONDS s)`."""
        seconds = time.monotonic() - self.started if self.seconds is None else self.seconds
        terminal().line(f"{self.label}: {text} ({seconds:.1f} s)")


def pipeline_step(label: str, files: list[FileMetadata], local: bool) -> Step:
    """The `Step` of a pipeline that reads `files`: followed as it reads on the local
    runner (`local`), shown when it ends on another."""
    return Step(label, input_total(files)) if local else Step(label, follow=False)
