"""A stage's accounting, computed inside the pipeline and written as JSON.

Every stage counts in one form: `((kind, name), count)` pairs (`(("outcome", "kept"), 1)`
for one event, `(("records_read", "rows"), 1234)` for a file's footer), summed with a
combiner (no grouping on one worker) and written once as `stats.json`.
Being pipeline output, the file is the same on every runner, unlike runner metrics.

The names of the accounting, and the equation it satisfies, are in `corpus.accounting`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import apache_beam as beam
from apache_beam.metrics import Metrics

from corpus.accounting import RECORDS_READ
from corpus.atomic_files import write_text
from corpus.layout import STATS_FILE, side_path

COUNTS = "counts"
"""The tagged output on which a stage's DoFns emit their `((kind, name), count)` pairs."""


class Tally:
    """Counts events as Beam counters (live in the runner's UI) and as pairs to sum."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.counters: dict[str, Metrics.DelegatingCounter] = {}

    def _counter(self, kind: str, name: str) -> Metrics.DelegatingCounter:
        key = f"{kind}:{name}"
        if key not in self.counters:
            self.counters[key] = Metrics.counter(self.namespace, key)
        return self.counters[key]

    def __call__(self, kind: str, name: str, count: int = 1) -> tuple[tuple[str, str], int]:
        """`count` events as a `((kind, name), count)` pair to sum."""
        self._counter(kind, name).inc(count)
        return (kind, str(name)), count  # a plain str, not an enum member: it is a grouping key


def summarise(counts: dict[tuple[str, str], int]) -> dict:
    """{"records_read": N, "outcome": {...}, "dead_lettered": {...}, "flag": {...}, ...}
    with sorted keys; `records_read` is the sum of every `RECORDS_READ` count."""
    summary: dict = {RECORDS_READ: 0}
    for (kind, name), count in sorted(counts.items()):
        if kind == RECORDS_READ:
            summary[RECORDS_READ] += count
        else:
            summary.setdefault(kind, {})[name] = count
    return summary


def _write_json(summary: dict, path: str) -> str:
    return write_text(path, json.dumps(summary, indent=2, sort_keys=True) + "\n")


def _unchanged(summary: dict) -> dict:
    return summary


class WriteStats(beam.PTransform):
    """Sums `((kind, name), count)` pairs and writes them to the `stats.json` of the step
    whose directory is `directory` (in its side directory), summarised, then `arrange`d."""

    def __init__(self, directory: str, arrange: Callable[[dict], dict] = _unchanged) -> None:
        super().__init__()
        self.path = side_path(directory, STATS_FILE)
        self.arrange = arrange

    def expand(self, counts: beam.PCollection) -> beam.PCollection:
        return (
            counts
            | "Sum" >> beam.CombinePerKey(sum)
            | "Gather" >> beam.combiners.ToDict()
            | "Summarise" >> beam.Map(summarise)
            | "Arrange" >> beam.Map(self.arrange)
            | "Write" >> beam.Map(_write_json, self.path)
        )
