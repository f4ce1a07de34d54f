"""Reading a named source in Beam: files -> documents, with every record accounted for.

    file patterns -> match files -> one worker per file (each file once)
      -> read the file from start to end with the source's reader -> documents

As in the extraction stage, a file is the unit of work: one worker reads it, streaming,
and nothing is split, so a Wikipedia dump or a large Parquet file never sits in memory.
Every item a reader yields, and every file that cannot be read on, is counted as read;
each ends as one outcome tally (`kept`, or the reason it was skipped: see each reader) or,
when it could not be read, as a dead letter with its reason tallied as dead-lettered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import apache_beam as beam
from apache_beam.io import fileio

from corpus.accounting import KEPT, OUTCOME, RECORDS_READ, UNREADABLE_FILE
from corpus.pipelines.dead_letters import DEAD_LETTERS, dead_letter, emit_dead_letter
from corpus.pipelines.document_io import DocumentStream
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.read_progress import counted
from corpus.schema import Document
from corpus.sources import make_reader
from corpus.sources.records import Skipped, SourceReader


class ReadSourceFile(beam.DoFn):
    """One file (path, size) -> its documents, a tally for every record, dead letters for
    bad input."""

    def __init__(self, reader: SourceReader) -> None:
        self.reader = reader
        self.tally = Tally("sources")

    def process(self, file: tuple[str, int]) -> Iterable:
        path, size = file
        try:
            for item in counted(self.reader.read(path), size):
                yield beam.pvalue.TaggedOutput(COUNTS, self.tally(RECORDS_READ, "records"))
                if isinstance(item, Document):
                    yield item
                    yield beam.pvalue.TaggedOutput(COUNTS, self.tally(OUTCOME, KEPT))
                elif isinstance(item, Skipped):
                    yield beam.pvalue.TaggedOutput(COUNTS, self.tally(OUTCOME, item.reason))
                else:
                    letter = dead_letter(item.file, item.position, item.reason, item.error)
                    yield from emit_dead_letter(letter, self.tally)
        except Exception as error:  # the readers do not raise; this is the last line of defence
            yield beam.pvalue.TaggedOutput(COUNTS, self.tally(RECORDS_READ, "files"))
            letter = dead_letter(path, -1, UNREADABLE_FILE, repr(error))
            yield from emit_dead_letter(letter, self.tally)


class ReadSource(beam.PTransform):
    """File patterns of one source -> a `DocumentStream`.

    `reader_name` and `options` choose and configure the reader (`corpus.sources.READERS`);
    a bad name or option raises `ValueError` when the transform is made, before any work.
    """

    def __init__(self, reader_name: str, patterns: list[str], options: Mapping[str, Any]) -> None:
        super().__init__()
        self.reader = make_reader(reader_name, options)
        self.patterns = patterns

    def expand(self, pbegin: beam.pvalue.PBegin) -> DocumentStream:
        read = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            | "Path" >> beam.Map(lambda metadata: (metadata.path, metadata.size_in_bytes))
            # Grouping by path reads a file matched by two patterns once, and spreads
            # the files over the workers.
            | "EachFileOnce" >> beam.Distinct()
            | "Read"
            >> beam.ParDo(ReadSourceFile(self.reader)).with_outputs(
                COUNTS, DEAD_LETTERS, main="documents"
            )
        )
        return DocumentStream(read.documents, read.dead_letters, read[COUNTS])
