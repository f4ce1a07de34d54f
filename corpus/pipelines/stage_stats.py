"""A stage's accounting, computed inside the pipeline and written as JSON.

Each DoFn emits one `(kind, name)` tally per event (`("outcome", "kept")`, ...), or a
stage emits `((kind, name), count)` pairs; they are summed with a combiner (no grouping on
one worker) and written once as `stats.json`.
Being pipeline output, the file is the same on every runner, unlike runner metrics.
"""

from __future__ import annotations

import json
import posixpath

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

STATS_FILE = "stats.json"


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
    """{"outcome": {...}, "flag": {...}, "records_read": N} with sorted keys."""
    summary: dict = {}
    for (kind, name), count in sorted(counts.items()):
        summary.setdefault(kind, {})[name] = count
    summary["records_read"] = sum(summary.get("outcome", {}).values())
    return summary


def _write_json(summary: dict, path: str) -> str:
    with FileSystems.create(path) as handle:
        handle.write(json.dumps(summary, indent=2, sort_keys=True).encode("utf-8") + b"\n")
    return path


class WriteCounts(beam.PTransform):
    """Sums `((kind, name), count)` pairs and writes them to `directory/stats.json`."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.path = posixpath.join(directory, STATS_FILE)

    def expand(self, counts: beam.PCollection) -> beam.PCollection:
        return (
            counts
            | "Sum" >> beam.CombinePerKey(sum)
            | "Gather" >> beam.combiners.ToDict()
            | "Summarise" >> beam.Map(summarise)
            | "Write" >> beam.Map(_write_json, self.path)
        )


class WriteStageStats(beam.PTransform):
    """Counts `(kind, name)` tallies, one per event, and writes them as `stats.json`."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def expand(self, tallies: beam.PCollection) -> beam.PCollection:
        return (
            tallies
            | "One" >> beam.Map(lambda tally: (tally, 1))
            | "Write" >> WriteCounts(self.directory)
        )
