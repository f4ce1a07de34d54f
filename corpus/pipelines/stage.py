"""The one contract of every stage's Beam transform.

A stage is a composite `PTransform` on the pipeline's beginning: it reads its inputs,
writes its data under its step directory (and its side tables in the side directory),
and returns a `StageResult`: the paths it wrote, its dead letters and its counts, as
`((kind, name), count)` pairs. `RunStage` applies a stage and writes the two side files
every step has, the same way for every stage: `dead_letters/` (one empty file when there
is none) and `stats.json` (the counts summed, then `Stage.arrange_stats`).

Transforms that produce documents (extraction, a source's reader, reading a stage's
Parquet files) return a `corpus.pipelines.document_io.DocumentStream`: documents, dead
letters and counts; `DocumentStage` writes such a stream as a stage.
"""

from __future__ import annotations

from typing import NamedTuple

import apache_beam as beam

from corpus.pipelines.dead_letters import WriteDeadLetters
from corpus.pipelines.document_io import WriteDocuments
from corpus.pipelines.stage_stats import WriteStats


class StageResult(NamedTuple):
    written: beam.PCollection
    """The paths of the files the stage wrote (of its manifest, for a stage that writes
    one listing its files)."""
    dead_letters: beam.PCollection
    counts: beam.PCollection


class Stage(beam.PTransform):
    """PBegin -> `StageResult`; writes under `directory`, the step's directory."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def arrange_stats(self, summary: dict) -> dict:
        """The stage's summarised `stats.json`, arranged for reading (as it is, by default)."""
        return summary

    def no_dead_letters(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        """For a stage that stops on bad input instead of setting it aside."""
        return pbegin | "NoDeadLetters" >> beam.Create([])


class DocumentStage(Stage):
    """A `DocumentStream` producer's documents written as the step's documents files."""

    def __init__(self, produce: beam.PTransform, directory: str, documents_per_shard: int) -> None:
        super().__init__(directory)
        self.produce = produce
        self.documents_per_shard = documents_per_shard

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        produced = pbegin | "Produce" >> self.produce
        written = produced.documents | "WriteDocuments" >> WriteDocuments(
            self.directory, self.documents_per_shard
        )
        return StageResult(written, produced.dead_letters, produced.counts)


class RunStage(beam.PTransform):
    """PBegin -> the stage applied, its dead letters and `stats.json` written; returns the
    stage's `StageResult`."""

    def __init__(self, stage: Stage) -> None:
        super().__init__()
        self.stage = stage

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        stage = self.stage
        result = pbegin | "Stage" >> stage
        _ = result.dead_letters | "WriteDeadLetters" >> WriteDeadLetters(stage.directory)
        _ = result.counts | "WriteStats" >> WriteStats(stage.directory, stage.arrange_stats)
        return result
