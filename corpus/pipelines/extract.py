"""The extraction stage in Beam: WARC files -> Japanese documents.

    file patterns -> match files -> spread files over workers
      -> read each file, triage each record (cheap: headers, charset, kana pre-filter)
      -> extract paragraphs, identify the language -> documents

A WARC file is the unit of work: one worker reads it from start to end (files are never
split, as in Uzushio) and the steps after reading are fused with it, so no record body
crosses the network. (Spreading the candidates over workers once more before parsing was
measured: it bought nothing with several files per worker, and a crawl has thousands.)
Every item the reader yields (a record, or a stretch of the file it could not read), and
every file that cannot be read, is counted as read where it enters; each then ends as
exactly one outcome tally, or as a dead letter (with its reason tallied) when it is broken
input or breaks the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes, FileMetadata
from apache_beam.io.filesystems import FileSystems

from corpus.accounting import OUTCOME, RECORDS_READ, UNREADABLE_FILE
from corpus.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.outcome import Outcome
from corpus.extract.triage import Candidate, triage
from corpus.pipelines.dead_letters import DEAD_LETTERS, TALLIES, dead_letter, emit_dead_letter
from corpus.pipelines.stage_stats import Tally
from corpus.read_progress import counted
from corpus.schema import Document
from corpus.warc.reader import ReadFailure, WarcRecord, read_warc

EXTRACTION_ERROR = "extraction_error"
"""A record whose triage or extraction raised: a bug or an input the code cannot handle."""


class ReadAndTriage(beam.DoFn):
    """One WARC file -> its Japanese candidates, with a tally for every other record."""

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self.tally = Tally("extract")

    def process(self, file: FileMetadata) -> Iterable:
        path = file.path
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                items = read_warc(stream, path, max_body_bytes=self.config.max_record_bytes)
                for item in counted(items, file.size_in_bytes, attrgetter("offset")):
                    yield beam.pvalue.TaggedOutput(TALLIES, self.tally(RECORDS_READ, "records"))
                    yield from self.triaged(item)
        except Exception as error:  # the reader is robust; this is the last line of defence
            yield beam.pvalue.TaggedOutput(TALLIES, self.tally(RECORDS_READ, "files"))
            letter = dead_letter(path, -1, UNREADABLE_FILE, repr(error))
            yield from emit_dead_letter(letter, self.tally)

    def triaged(self, item: WarcRecord | ReadFailure) -> Iterable:
        if isinstance(item, ReadFailure):
            letter = dead_letter(item.file, item.offset, item.reason, item.error)
            yield from emit_dead_letter(letter, self.tally)
            return
        if item.truncated:
            yield beam.pvalue.TaggedOutput(TALLIES, self.tally("flag", "truncated"))
        try:
            result = triage(item, self.config)
        except Exception as error:  # one bad record must never stop the file: record it
            letter = dead_letter(item.file, item.offset, EXTRACTION_ERROR, repr(error))
            yield from emit_dead_letter(letter, self.tally)
            return
        if isinstance(result, Candidate):
            yield result
        else:
            yield beam.pvalue.TaggedOutput(TALLIES, self.tally(OUTCOME, result))


class ExtractFromCandidate(beam.DoFn):
    """Candidate -> document, or the outcome that dropped it. One extractor per worker."""

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self.tally = Tally("extract")
        self.extractor: DocumentExtractor | None = None

    def setup(self) -> None:
        self.extractor = DocumentExtractor(self.config)

    def process(self, candidate: Candidate) -> Iterable:
        try:
            result = self.extractor.extract(candidate)
        except Exception as error:  # one bad page must never stop the job: record it
            letter = dead_letter(
                candidate.warc_file, candidate.warc_offset, EXTRACTION_ERROR, repr(error)
            )
            yield from emit_dead_letter(letter, self.tally)
            return
        if isinstance(result, Document):
            yield result
            result = Outcome.KEPT
        yield beam.pvalue.TaggedOutput(TALLIES, self.tally(OUTCOME, result))

    def teardown(self) -> None:
        if self.extractor is not None:
            self.extractor.close()


class Extracted(NamedTuple):
    documents: beam.PCollection
    dead_letters: beam.PCollection
    tallies: beam.PCollection


class ExtractDocuments(beam.PTransform):
    """WARC file patterns -> `Extracted(documents, dead_letters, tallies)`."""

    def __init__(self, patterns: list[str], config: ExtractConfig) -> None:
        super().__init__()
        self.patterns = patterns
        self.config = config

    def expand(self, pbegin: beam.pvalue.PBegin) -> Extracted:
        read = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            # Grouping by path reads a file matched by two patterns once, and spreads
            # the files over the workers.
            | "ByPath" >> beam.Map(lambda metadata: (metadata.path, metadata))
            | "EachFileOnce" >> beam.CombinePerKey(lambda files: next(iter(files)))
            | "File" >> beam.Values()
            | "ReadAndTriage"
            >> beam.ParDo(ReadAndTriage(self.config)).with_outputs(
                TALLIES, DEAD_LETTERS, main="candidates"
            )
        )
        extracted = read.candidates | "Extract" >> beam.ParDo(
            ExtractFromCandidate(self.config)
        ).with_outputs(TALLIES, DEAD_LETTERS, main="documents")
        return Extracted(
            documents=extracted.documents,
            dead_letters=(read.dead_letters, extracted.dead_letters)
            | "DeadLetters" >> beam.Flatten(),
            tallies=(read.tallies, extracted.tallies) | "Tallies" >> beam.Flatten(),
        )
