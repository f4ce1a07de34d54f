"""How far a running local pipeline has read its input, for the progress line.

The steps that read a stage's input count each record they read, and the bytes of each
file as they get through it (`counted`, `count_read`). Beam's local runner reads in worker
processes of its own, so the counts travel through files: while a local pipeline runs,
the launching process names a directory in the environment variable `PROGRESS_VARIABLE`,
which the worker processes inherit; every process that counts keeps its running totals
in a file of its own there, rewritten twice a second by a thread of its own, and the
launching process sums the files (`read_so_far`). Without the variable (on Dataflow,
Spark, Flink, or in a test that runs a pipeline itself) counting writes nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TypeVar

PROGRESS_VARIABLE = "CORPUS_READ_PROGRESS"
"""Names the directory where the processes of the running pipeline keep their counts."""
FLUSH_SECONDS = 0.5

T = TypeVar("T")


class ReadCount(NamedTuple):
    records: int = 0
    bytes: int = 0


class _ProcessCounts:
    """One process's counts for one pipeline, written to `directory/PID` while they change.
    A file is replaced whole (written aside, then renamed), so a reader never sees half."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, str(os.getpid()))
        self.lock = threading.Lock()
        self.write_lock = threading.Lock()  # the timer's writes and a file's last one
        self.records = 0
        self.bytes = 0
        self.written = ReadCount()
        threading.Thread(target=self._write_while_counting, daemon=True).start()

    def add(self, records: int, nbytes: int) -> None:
        with self.lock:
            self.records += records
            self.bytes += nbytes

    def _write_while_counting(self) -> None:
        """Until the pipeline is over and its directory gone."""
        stop = threading.Event()
        while not stop.wait(FLUSH_SECONDS) and self.write():
            pass
        with _counts_lock:
            _counts.pop((self.directory, os.getpid()), None)

    def write(self) -> bool:
        """Writes the counts if they changed; False once the directory is gone."""
        with self.write_lock:
            return self._write()

    def _write(self) -> bool:
        with self.lock:
            counts = ReadCount(self.records, self.bytes)
        if counts == self.written:
            return os.path.isdir(self.directory)
        try:
            aside = f"{self.path}.tmp"
            with open(aside, "w", encoding="ascii") as handle:
                handle.write(f"{counts.records} {counts.bytes}\n")
            os.replace(aside, self.path)
        except OSError:
            return False
        self.written = counts
        return True


_counts: dict[tuple[str, int], _ProcessCounts] = {}
_counts_lock = threading.Lock()


def _process_counts() -> _ProcessCounts | None:
    directory = os.environ.get(PROGRESS_VARIABLE)
    if not directory:
        return None
    key = (directory, os.getpid())
    with _counts_lock:
        if key not in _counts:
            _counts[key] = _ProcessCounts(directory)
        return _counts[key]


def count_read(records: int, nbytes: int = 0) -> None:
    """Counts `records` records and `nbytes` bytes as read (when a pipeline's progress is
    being followed)."""
    counts = _process_counts()
    if counts is not None:
        counts.add(records, nbytes)


def counted(
    items: Iterable[T], size: int = 0, position: Callable[[T], int] | None = None
) -> Iterator[T]:
    """Yields `items`, the records of one file, counting each as read; the file's `size`
    bytes are counted as read up to each item's `position` in the file as they come, and
    the rest when the items end."""
    counts = _process_counts()
    if counts is None:
        yield from items
        return
    done = 0
    for item in items:
        at = done if position is None else min(max(position(item), done), size)
        counts.add(1, at - done)
        done = at
        yield item
    counts.add(0, max(size - done, 0))
    counts.write()  # a file read to its end shows at once, not at the next tick


def read_so_far(directory: str) -> ReadCount:
    """The counts of every process that has counted in `directory`, summed."""
    records = nbytes = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return ReadCount()
    for name in names:
        if name.endswith(".tmp"):
            continue
        try:
            with open(os.path.join(directory, name), encoding="ascii") as handle:
                counted_records, counted_bytes = map(int, handle.read().split())
        except (OSError, ValueError):
            continue
        records += counted_records
        nbytes += counted_bytes
    return ReadCount(records, nbytes)
