"""Resident memory and CPU time of a process and all its descendants, sampled from /proc.

Every `interval` seconds the tree under `root` is found through /proc parent links, and
each process's VmRSS, VmHWM (the kernel's own high-water mark, so a peak between samples
is not missed) and CPU time (user + system) are read. Recorded: the peak of the tree's
summed RSS (shared pages count once per process, so the sum is an upper bound), the
largest single process's peak, and per process its command line, when it was first and
last seen, its peak RSS and its CPU seconds. Beam's SDK worker processes are told from
the rest by their command line (`python -m apache_beam.runners.worker.sdk_worker_main`).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

SDK_WORKER = "apache_beam.runners.worker.sdk_worker_main"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _status_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, KiB (empty once it has exited)."""
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(value.split()[0])
    except OSError:
        return {}
    return values


def _process_table() -> tuple[dict[int, list[int]], dict[int, float]]:
    """Every live process's children, and its CPU seconds (user + system), from
    /proc/PID/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: split after the last ")".
        fields = stat.rpartition(")")[2].split()
        pid = int(entry.name)
        children[int(fields[1])].append(pid)
        cpu[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return children, cpu


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far, user + system (0.0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _arguments(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode(errors="replace").split("\0")
    except OSError:
        return []


def is_sdk_worker(arguments: list[str]) -> bool:
    """`python -m ...sdk_worker_main`, not the `/bin/sh -c` that starts it."""
    return "-m" in arguments[:-1] and arguments[arguments.index("-m") + 1] == SDK_WORKER


@dataclass
class ProcessRecord:
    """One process of the tree as the samples saw it."""

    command: str
    sdk_worker: bool
    first_seen: float
    """Seconds since sampling started."""
    last_seen: float
    peak_kib: int = 0
    """VmHWM at the last sample."""
    cpu_seconds: float = 0.0
    """User + system CPU time at the last sample."""


@dataclass
class TreeMemory:
    """Samples the tree under `root` every `interval` seconds while in a `with` block."""

    root: int
    interval: float
    peak_total_kib: int = 0
    peak_total_at: float = 0.0
    peak_single_kib: int = 0
    peak_single_command: str = ""
    most_processes: int = 0
    most_sdk_workers: int = 0
    processes: dict[int, ProcessRecord] = field(default_factory=dict)
    samples: list[tuple[float, int]] = field(default_factory=list)
    """(seconds since the start, total KiB) of every sample."""
    _started: float = field(default_factory=time.perf_counter)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def sdk_workers(self) -> set[int]:
        return {pid for pid, record in self.processes.items() if record.sdk_worker}

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def sample(self) -> None:
        children, cpu = _process_table()
        now = self.elapsed()
        total, alive, workers = 0, 0, 0
        stack = [self.root]
        while stack:
            pid = stack.pop()
            stack.extend(children.get(pid, ()))
            status = _status_kib(pid)
            if not status:
                continue
            record = self.processes.get(pid)
            if record is None:
                arguments = _arguments(pid)
                record = ProcessRecord(" ".join(arguments), is_sdk_worker(arguments), now, now)
                self.processes[pid] = record
            record.last_seen = now
            record.peak_kib = max(record.peak_kib, status.get("VmHWM", 0))
            record.cpu_seconds = cpu.get(pid, record.cpu_seconds)
            alive += 1
            workers += record.sdk_worker
            total += status.get("VmRSS", 0)
            if record.peak_kib > self.peak_single_kib:
                self.peak_single_kib = record.peak_kib
                self.peak_single_command = record.command
        self.most_processes = max(self.most_processes, alive)
        self.most_sdk_workers = max(self.most_sdk_workers, workers)
        self.samples.append((now, total))
        if total > self.peak_total_kib:
            self.peak_total_kib = total
            self.peak_total_at = now

    def timeline(self, points: int = 10) -> list[int]:
        """The largest total KiB in each of `points` equal slices of the run."""
        end = self.samples[-1][0] if self.samples else 0.0
        peaks = [0] * points
        for at, total in self.samples:
            slot = min(points - 1, int(at / end * points)) if end else 0
            peaks[slot] = max(peaks[slot], total)
        return peaks

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


def gib(kib: int) -> str:
    return f"{kib / 2**20:.2f} GiB"
