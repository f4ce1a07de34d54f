"""The filter stage in Beam: documents -> kept documents (+ removed ones in debug mode).

documents -> apply the filter chain (one chain per worker, set up once)
  -> kept: removed paragraphs dropped        -> counts: kept / the removal reason
  -> removed (debug mode): written partitioned by `reason=<slug of the reason>`, removed
     paragraphs marked; the full reason is each row's `removed_by`
  -> a document that breaks a filter: a dead letter, counted as dead-lettered
  -> per filter, in chain order: documents and paragraphs handed to it and removed, as
     counts for `stats.json`'s `filters` (also Beam counters); and its time as a Beam
     counter in microseconds (`filter_times` reads them back: times are no pipeline
     output, which is the same on every run)
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.metrics import Metrics, MetricsFilter
from apache_beam.runners.runner import PipelineResult
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import WindowedValue

from corpus.accounting import KEPT, OUTCOME
from corpus.filters.chain import FilterChain
from corpus.filters.config import FilterConfig
from corpus.layout import REMOVED_DIR, side_path
from corpus.pipelines.dead_letters import DEAD_LETTERS, dead_letter, emit_dead_letter
from corpus.pipelines.document_io import CountRecordsRead, ReadDocuments, WriteDocuments
from corpus.pipelines.stage import Stage, StageResult
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.schema import Document

REMOVED = "removed"
FILTER_ERROR = "filter_error"
NAMESPACE = "filter"
FILTERS = "filters"
"""`stats.json`'s list of the chain's filters, each with its `FILTER_COUNTS`."""
FILTER_COUNTS = ("documents_in", "documents_removed", "paragraphs_in", "paragraphs_removed")
FILTER_EVENTS = "filter_events"
"""The kind of the events a filter counts (`Filter.count_event`), each named
`<filter_key> <event>.<name>`; `filter_table` nests them in the filter's entry."""
MICROSECONDS = "microseconds"
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def reason_slug(reason: str) -> str:
    """A partition value every Hive reader accepts (letters, digits, `_`, `-`, `.`):
    the reason with other characters as `_`, and a hash of the full reason so that
    distinct reasons never share a directory."""
    readable = UNSAFE.sub("_", reason).strip("_.-") or "reason"
    return f"{readable}-{hashlib.sha256(reason.encode()).hexdigest()[:8]}"


def removal_partition(document: Document) -> str:
    """The Hive-style directory of a removed document under `removed/`."""
    return f"reason={reason_slug(document.removed_by)}"


def filter_key(position: int, label: str) -> str:
    """A filter's name in counts and counters: its place in the chain, then its label."""
    return f"{position:02d} {label}"


def filter_table(labels: list[str], summary: dict) -> dict:
    """A summarised `stats.json` with its per-filter counts (kinds `FILTER_COUNTS`, by
    `filter_key`) as one `filters` list, in chain order, a filter handed nothing with 0s;
    a filter that counted events has them as `{event: {name: count}}` in its entry."""
    summary = dict(summary)
    by_kind = {kind: summary.pop(kind, {}) for kind in FILTER_COUNTS}
    events: dict[str, dict[str, dict[str, int]]] = {}
    for name, count in summary.pop(FILTER_EVENTS, {}).items():
        key, _, event_name = name.rpartition(" ")
        event, _, item = event_name.partition(".")
        events.setdefault(key, {}).setdefault(event, {})[item] = count
    summary[FILTERS] = [
        {
            "filter": label,
            **{kind: by_kind[kind].get(filter_key(i, label), 0) for kind in FILTER_COUNTS},
            **events.get(filter_key(i, label), {}),
        }
        for i, label in enumerate(labels)
    ]
    return summary


def filter_times(result: PipelineResult) -> dict:
    """`{"filters": [{"filter": label, "seconds": s}, ...]}`: each filter's seconds, summed
    over workers, in chain order, from the counters of a finished pipeline; `{}` when it
    ran no filter chain."""
    micros: dict[str, int] = {}
    query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    for counter in query["counters"]:
        kind, _, key = counter.key.metric.name.partition(":")
        if kind == MICROSECONDS:
            value = counter.committed if counter.committed is not None else counter.attempted
            micros[key] = micros.get(key, 0) + value
    if not micros:
        return {}
    ordered = sorted(micros, key=lambda key: int(key.partition(" ")[0]))
    return {
        FILTERS: [
            {"filter": key.partition(" ")[2], "seconds": round(micros[key] / 1e6, 6)}
            for key in ordered
        ]
    }


class ApplyFilterChain(beam.DoFn):
    def __init__(self, entries: list[dict[str, Any]], debug: bool) -> None:
        self.entries = entries
        self.debug = debug
        self.tally = Tally(NAMESPACE)
        self.chain: FilterChain | None = None

    def setup(self) -> None:
        self.chain = FilterChain.from_entries(self.entries)
        self.chain.setup()

    def process(self, document: Document) -> Iterable:
        try:
            result = self.chain.apply(document)
        except Exception as error:  # one document that breaks a filter must not stop the job
            letter = dead_letter(
                document.warc_file, document.warc_offset, FILTER_ERROR, f"{document.id}: {error!r}"
            )
            yield from emit_dead_letter(letter, self.tally)
            return
        if result.removed_by:
            yield beam.pvalue.TaggedOutput(COUNTS, self.tally(OUTCOME, result.removed_by))
            if self.debug:
                yield beam.pvalue.TaggedOutput(REMOVED, result)
            return
        yield beam.pvalue.TaggedOutput(COUNTS, self.tally(OUTCOME, KEPT))
        yield dataclasses.replace(result, paragraphs=result.live_paragraphs)

    def finish_bundle(self) -> Iterable:
        """The bundle's counts per filter, and its time per filter into the counters."""
        counts_per_filter = zip(self.chain.filters, self.chain.take_counts(), strict=True)
        for position, (f, counts) in enumerate(counts_per_filter):
            key = filter_key(position, f.label)
            Metrics.counter(NAMESPACE, f"{MICROSECONDS}:{key}").inc(round(counts.seconds * 1e6))
            for kind in FILTER_COUNTS:
                count = self.tally(kind, key, getattr(counts, kind))
                yield beam.pvalue.TaggedOutput(COUNTS, WindowedValue(count, 0, [GlobalWindow()]))
            for (event, name), n in sorted(counts.events.items()):
                count = self.tally(FILTER_EVENTS, f"{key} {event}.{name}", n)
                yield beam.pvalue.TaggedOutput(COUNTS, WindowedValue(count, 0, [GlobalWindow()]))


class Filtered(NamedTuple):
    documents: beam.PCollection
    removed: beam.PCollection
    dead_letters: beam.PCollection
    counts: beam.PCollection
    """`((kind, name), count)` pairs: outcomes, dead letters and, per filter, by
    `filter_key`, which `filter_table` arranges."""


class FilterDocuments(beam.PTransform):
    """Documents -> `Filtered(documents, removed, dead_letters, counts)`."""

    def __init__(self, entries: list[dict[str, Any]], debug: bool) -> None:
        super().__init__()
        self.entries = entries
        self.debug = debug
        labels = [f.label for f in FilterChain.from_entries(entries).filters]
        self.table = functools.partial(filter_table, labels)
        """Arranges the stage's summarised `stats.json` (`filter_table`)."""

    def expand(self, documents: beam.PCollection) -> Filtered:
        results = documents | "ApplyChain" >> beam.ParDo(
            ApplyFilterChain(self.entries, self.debug)
        ).with_outputs(REMOVED, DEAD_LETTERS, COUNTS, main="documents")
        return Filtered(results.documents, results.removed, results.dead_letters, results[COUNTS])


class FilterStage(Stage):
    """The filter stage: document files -> the documents the chain keeps, and in debug
    mode the removed ones under `removed/reason=<slug>/` in the side directory."""

    def __init__(self, inputs: list[str], config: FilterConfig, directory: str, per_shard: int):
        super().__init__(directory)
        self.inputs = inputs
        self.chain = FilterDocuments(config.chain, config.debug)
        self.per_shard = per_shard

    def arrange_stats(self, summary: dict) -> dict:
        return self.chain.table(summary)

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        read = pbegin | "Read" >> ReadDocuments(self.inputs)
        filtered = read.documents | "Filter" >> self.chain
        kept = filtered.documents | "WriteDocuments" >> WriteDocuments(
            self.directory, self.per_shard
        )
        removed = filtered.removed | "WriteRemoved" >> WriteDocuments(
            side_path(self.directory, REMOVED_DIR), self.per_shard, removal_partition
        )
        written = (kept, removed) | "Written" >> beam.Flatten()
        dead_letters = (read.dead_letters, filtered.dead_letters) | "DeadLetters" >> beam.Flatten()
        records_read = pbegin | "CountRead" >> CountRecordsRead(self.inputs)
        counts = (records_read, read.counts, filtered.counts) | "Counts" >> beam.Flatten()
        return StageResult(written, dead_letters, counts)
