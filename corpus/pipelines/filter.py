"""The filter stage in Beam: documents -> kept documents (+ removed ones in debug mode).

documents -> apply the filter chain (one chain per worker, set up once)
  -> kept: removed paragraphs dropped        -> tallies: kept / the removal reason
  -> removed (debug mode): written partitioned by `reason=<slug of the reason>`, removed
     paragraphs marked; the full reason is each row's `removed_by`
  -> a document that breaks a filter: a dead letter, tallied as dead-lettered
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

import apache_beam as beam

from corpus.filters.chain import FilterChain
from corpus.pipelines.dead_letters import DEAD_LETTERS, TALLIES, dead_letter, emit_dead_letter
from corpus.pipelines.stage_stats import KEPT, OUTCOME, Tally
from corpus.schema import Document

REMOVED = "removed"
FILTER_ERROR = "filter_error"
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


class ApplyFilterChain(beam.DoFn):
    def __init__(self, entries: list[dict[str, Any]], debug: bool) -> None:
        self.entries = entries
        self.debug = debug
        self.tally = Tally("filter")
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
            yield beam.pvalue.TaggedOutput(TALLIES, self.tally(OUTCOME, result.removed_by))
            if self.debug:
                yield beam.pvalue.TaggedOutput(REMOVED, result)
            return
        yield beam.pvalue.TaggedOutput(TALLIES, self.tally(OUTCOME, KEPT))
        yield dataclasses.replace(result, paragraphs=result.live_paragraphs)


class Filtered(NamedTuple):
    documents: beam.PCollection
    removed: beam.PCollection
    dead_letters: beam.PCollection
    tallies: beam.PCollection


class FilterDocuments(beam.PTransform):
    """Documents -> `Filtered(documents, removed, dead_letters, tallies)`."""

    def __init__(self, entries: list[dict[str, Any]], debug: bool) -> None:
        super().__init__()
        self.entries = entries
        self.debug = debug

    def expand(self, documents: beam.PCollection) -> Filtered:
        results = documents | "ApplyChain" >> beam.ParDo(
            ApplyFilterChain(self.entries, self.debug)
        ).with_outputs(TALLIES, REMOVED, DEAD_LETTERS, main="documents")
        return Filtered(results.documents, results.removed, results.dead_letters, results.tallies)
