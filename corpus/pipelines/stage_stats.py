"""A stage's accounting, computed inside the pipeline and written as JSON.

Each DoFn emits one `(kind, name)` tally per event (`("outcome", "kept")`, ...), or a
stage emits `((kind, name), count)` pairs; they are summed with a combiner (no grouping on
one worker) and written once as `stats.json`.
Being pipeline output, the file is the same on every runner, unlike runner metrics.

Every stage counts the records it reads where they enter it, apart from what becomes of
them, so that the accounting equation is a check, not a tautology:

    records_read == kept + the sum of the drop reasons + the sum of dead_lettered

`outcome` holds kept and the drop reasons; `dead_lettered` the records written to the
step's dead letters, by reason (they are not also outcomes).
"""

from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.metrics import Metrics

from corpus.atomic_files import write_text
from corpus.layout import STATS_FILE, side_path

RECORDS_READ = "records_read"
"""The kind of the tallies (or counts) of records entering a stage; summed into one number."""
OUTCOME = "outcome"
KEPT = "kept"
DEAD_LETTERED = "dead_lettered"


class Tally:
    """Counts events as Beam counters (live in the runner's UI) and as elements to sum."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.counters: dict[str, Metrics.DelegatingCounter] = {}

    def __call__(self, kind: str, name: str) -> tuple[str, str]:
        key = f"{kind}:{name}"
        if key not in self.counters:
            self.counters[key] = Metrics.counter(self.namespace, key)
        self.counters[key].inc()
        return kind, str(name)  # a plain str, not an enum member: it is a grouping key


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


def accounted(stats: dict) -> int:
    """What a stage's `stats.json` says became of its records: kept + drops + dead-lettered.
    Equal to `stats["records_read"]` when nothing was lost."""
    return sum(stats.get(OUTCOME, {}).values()) + sum(stats.get(DEAD_LETTERED, {}).values())


def _write_json(summary: dict, path: str) -> str:
    return write_text(path, json.dumps(summary, indent=2, sort_keys=True) + "\n")


class WriteCounts(beam.PTransform):
    """Sums `((kind, name), count)` pairs and writes them to the `stats.json` of the step
    whose directory is `directory` (in its side directory)."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.path = side_path(directory, STATS_FILE)

    def expand(self, counts: beam.PCollection) -> beam.PCollection:
        return (
            counts
            | "Sum" >> beam.CombinePerKey(sum)
            | "Gather" >> beam.combiners.ToDict()
            | "Summarise" >> beam.Map(summarise)
            | "Write" >> beam.Map(_write_json, self.path)
        )


class WriteStageStats(beam.PTransform):
    """Counts `(kind, name)` tallies, one per event, and writes them as `stats.json`, with
    the `((kind, name), count)` pairs of `counts` when given (records read, counted apart)."""

    def __init__(self, directory: str, counts: beam.PCollection | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.counts = counts

    def expand(self, tallies: beam.PCollection) -> beam.PCollection:
        ones = tallies | "One" >> beam.Map(lambda tally: (tally, 1))
        if self.counts is not None:
            ones = (ones, self.counts) | "WithCounts" >> beam.Flatten()
        return ones | "Write" >> WriteCounts(self.directory)
