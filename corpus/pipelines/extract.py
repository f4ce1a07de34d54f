"""The extraction stage in Beam: WARC files -> Japanese documents.

    input files (matched as the pipeline is built, sorted) -> spread over workers
      -> for each file, in one call: read each record, triage it (cheap: headers, charset,
         kana pre-filter), extract paragraphs and identify the language, and write the
         documents to the output file of the same index

A WARC file is the unit of work, as in Uzushio: one worker reads it from start to end
(files are never split), extracts its documents as it reads and writes them, in record
order, to `documents-SSSSS-of-NNNNN.parquet`, where SSSSS is the input file's place among
the NNNNN input files. No record body or document leaves the call, so the stage costs
little more than its extraction, and its output is the same bytes on any runner and any
number of workers. Every input file gets its documents file, empty if none of its records
is kept.

Every item the reader yields (a record, or a stretch of the file it could not read), and
every file that cannot be read, is counted as read where it enters; each then ends as
exactly one outcome counted, or as a dead letter (with its reason counted) when it is
broken input or breaks the code.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterator
from operator import attrgetter

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.accounting import BLOCKED, OUTCOME, RECORDS_READ, UNREADABLE_FILE
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.outcome import Outcome
from corpus.extract.triage import Blocked, Candidate, triage
from corpus.filters.blocklist import Blocklist
from corpus.io.shards import shard_name, write_records
from corpus.layout import DOCUMENTS_PREFIX
from corpus.pipelines.dead_letters import DEAD_LETTERS, dead_letter, emit_dead_letter
from corpus.pipelines.document_io import DOCUMENT_FORMAT, input_files
from corpus.pipelines.stage import Stage, StageResult
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.read_progress import counted
from corpus.schema import Document
from corpus.warc.reader import ReadFailure, WarcRecord, read_warc

EXTRACTION_ERROR = "extraction_error"
"""A record whose triage or extraction raised: a bug or an input the code cannot handle."""


class ExtractFile(beam.DoFn):
    """The index of an input WARC file -> the path of the documents file of the same index
    (`documents-SSSSS-of-NNNNN.parquet`, written whole or not at all), which holds the
    file's Japanese documents in record order; an outcome counted for every other record (a
    blocked one also under `blocked`, by list). The blocklists and the extractor are made
    once per worker.

    A file is read, triaged, extracted and written in one call: no record, document or
    count crosses between workers per record. The counts are summed here and handed on as
    one pair per (kind, name) every `COUNTS_EVERY` records (which keeps Beam's counters
    live) and at the file's end."""

    COUNTS_EVERY = 1000

    def __init__(self, files: list[str], directory: str, config: ExtractConfig) -> None:
        self.files = files
        self.directory = directory
        self.config = config
        self.tally = Tally("extract")
        self.blocklists: list[Blocklist] = []
        self.extractor: DocumentExtractor | None = None

    def setup(self) -> None:
        self.blocklists = [source.read() for source in self.config.blocklists]
        self.extractor = DocumentExtractor(self.config)

    def process(self, index: int) -> Iterator:
        name = shard_name(DOCUMENTS_PREFIX, index, len(self.files), "parquet")
        others: list[beam.pvalue.TaggedOutput] = []
        documents = self.documents(self.files[index], others)
        yield write_records(posixpath.join(self.directory, name), DOCUMENT_FORMAT, documents)
        yield from others

    def documents(self, path: str, others: list) -> Iterator[Document]:
        """The documents of the file at `path`; its counts and dead letters go to `others`."""
        counts: Counter[tuple[str, str]] = Counter()
        try:
            size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                items = read_warc(stream, path, max_body_bytes=self.config.max_record_bytes)
                for read, item in enumerate(counted(items, size, attrgetter("offset")), 1):
                    counts[RECORDS_READ, "records"] += 1
                    yield from self.extracted(item, counts, others)
                    if read % self.COUNTS_EVERY == 0:
                        others += self.emitted(counts)
        except Exception as error:  # the reader is robust; this is the last line of defence
            counts[RECORDS_READ, "files"] += 1
            letter = dead_letter(path, -1, UNREADABLE_FILE, repr(error))
            others += emit_dead_letter(letter, self.tally)
        others += self.emitted(counts)

    def emitted(self, counts: Counter[tuple[str, str]]) -> list[beam.pvalue.TaggedOutput]:
        """The counts so far as pairs, after which they start again from zero."""
        pairs = [
            beam.pvalue.TaggedOutput(COUNTS, self.tally(kind, name, count))
            for (kind, name), count in counts.items()
        ]
        counts.clear()
        return pairs

    def extracted(
        self, item: WarcRecord | ReadFailure, counts: Counter, others: list
    ) -> Iterator[Document]:
        """The record's document, if it has one; its outcome counted in `counts`, its dead
        letter, if it is one, added to `others`."""
        if isinstance(item, ReadFailure):
            letter = dead_letter(item.file, item.offset, item.reason, item.error)
            others += emit_dead_letter(letter, self.tally)
            return
        if item.truncated:
            counts["flag", "truncated"] += 1
        try:  # one bad record must never stop the file: it is set aside
            result = triage(item, self.config, self.blocklists)
            if isinstance(result, Candidate):
                result = self.extractor.extract(result)
        except Exception as error:
            letter = dead_letter(item.file, item.offset, EXTRACTION_ERROR, repr(error))
            others += emit_dead_letter(letter, self.tally)
            return
        if isinstance(result, Document):
            yield result
            result = Outcome.KEPT
        elif isinstance(result, Blocked):
            counts[BLOCKED, result.list] += 1
            result = Outcome.BLOCKED
        counts[OUTCOME, str(result)] += 1

    def teardown(self) -> None:
        if self.extractor is not None:
            self.extractor.close()


class ExtractStage(Stage):
    """The extraction stage: WARC file patterns -> one documents file per input file."""

    def __init__(self, patterns: list[str], config: ExtractConfig, directory: str) -> None:
        super().__init__(directory)
        self.files = input_files(patterns)
        self.config = config

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        extracted = (
            pbegin
            | "InputFiles" >> beam.Create(range(len(self.files)))
            | "SpreadFiles" >> beam.Reshuffle()
            | "Extract"
            >> beam.ParDo(ExtractFile(self.files, self.directory, self.config)).with_outputs(
                COUNTS, DEAD_LETTERS, main="written"
            )
        )
        return StageResult(extracted.written, extracted[DEAD_LETTERS], extracted[COUNTS])
