"""The extraction stage in Beam: WARC files -> Japanese documents.

    file patterns -> match files -> spread files over workers
      -> for each file, in one call: read each record, triage it (cheap: headers, charset,
         kana pre-filter), extract paragraphs and identify the language -> documents

A WARC file is the unit of work: one worker reads it from start to end (files are never
split, as in Uzushio) and extracts its documents as it reads, so no record body crosses
the network or leaves the call. (Spreading the candidates over workers once more before
parsing was measured: it bought nothing with several files per worker, and a crawl has
thousands.)
Every item the reader yields (a record, or a stretch of the file it could not read), and
every file that cannot be read, is counted as read where it enters; each then ends as
exactly one outcome counted, or as a dead letter (with its reason counted) when it is
broken input or breaks the code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from operator import attrgetter

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes, FileMetadata
from apache_beam.io.filesystems import FileSystems

from corpus.accounting import BLOCKED, OUTCOME, RECORDS_READ, UNREADABLE_FILE
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.outcome import Outcome
from corpus.extract.triage import Blocked, Candidate, triage
from corpus.filters.blocklist import Blocklist
from corpus.pipelines.dead_letters import DEAD_LETTERS, dead_letter, emit_dead_letter
from corpus.pipelines.document_io import DocumentStream
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.read_progress import counted
from corpus.schema import Document
from corpus.warc.reader import ReadFailure, WarcRecord, read_warc

EXTRACTION_ERROR = "extraction_error"
"""A record whose triage or extraction raised: a bug or an input the code cannot handle."""


class ExtractFile(beam.DoFn):
    """One WARC file -> its Japanese documents, with an outcome counted for every other
    record (a blocked one also under `blocked`, by list). The blocklists and the extractor
    are made once per worker.

    A file is read, triaged and extracted in one call, and its counts are summed here and
    emitted as one pair per (kind, name) every `COUNTS_EVERY` records and at the file's
    end, not as elements of every record, each of which the runner would move and combine:
    no candidate or count leaves the call per record."""

    COUNTS_EVERY = 1000
    """Records between two emissions of the counts (which keeps Beam's counters live)."""

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self.tally = Tally("extract")
        self.blocklists: list[Blocklist] = []
        self.extractor: DocumentExtractor | None = None

    def setup(self) -> None:
        self.blocklists = [source.read() for source in self.config.blocklists]
        self.extractor = DocumentExtractor(self.config)

    def process(self, file: FileMetadata) -> Iterable:
        path = file.path
        counts: Counter[tuple[str, str]] = Counter()
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                items = read_warc(stream, path, max_body_bytes=self.config.max_record_bytes)
                for read, item in enumerate(
                    counted(items, file.size_in_bytes, attrgetter("offset")), 1
                ):
                    counts[RECORDS_READ, "records"] += 1
                    yield from self.extracted(item, counts)
                    if read % self.COUNTS_EVERY == 0:
                        yield from self.emitted(counts)
        except Exception as error:  # the reader is robust; this is the last line of defence
            counts[RECORDS_READ, "files"] += 1
            letter = dead_letter(path, -1, UNREADABLE_FILE, repr(error))
            yield from emit_dead_letter(letter, self.tally)
        yield from self.emitted(counts)

    def emitted(self, counts: Counter[tuple[str, str]]) -> Iterator[beam.pvalue.TaggedOutput]:
        """The counts so far as pairs, after which they start again from zero."""
        for (kind, name), count in counts.items():
            yield beam.pvalue.TaggedOutput(COUNTS, self.tally(kind, name, count))
        counts.clear()

    def extracted(self, item: WarcRecord | ReadFailure, counts: Counter) -> Iterator:
        """The record's document or dead letter; its outcome counted in `counts`."""
        if isinstance(item, ReadFailure):
            letter = dead_letter(item.file, item.offset, item.reason, item.error)
            yield from emit_dead_letter(letter, self.tally)
            return
        if item.truncated:
            counts["flag", "truncated"] += 1
        try:  # one bad record must never stop the file: it is set aside
            result = triage(item, self.config, self.blocklists)
            if isinstance(result, Candidate):
                result = self.extractor.extract(result)
        except Exception as error:
            letter = dead_letter(item.file, item.offset, EXTRACTION_ERROR, repr(error))
            yield from emit_dead_letter(letter, self.tally)
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


class ExtractDocuments(beam.PTransform):
    """WARC file patterns -> a `DocumentStream`."""

    def __init__(self, patterns: list[str], config: ExtractConfig) -> None:
        super().__init__()
        self.patterns = patterns
        self.config = config

    def expand(self, pbegin: beam.pvalue.PBegin) -> DocumentStream:
        extracted = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            # Grouping by path reads a file matched by two patterns once, and spreads
            # the files over the workers.
            | "ByPath" >> beam.Map(lambda metadata: (metadata.path, metadata))
            | "EachFileOnce" >> beam.CombinePerKey(lambda files: next(iter(files)))
            | "File" >> beam.Values()
            | "Extract"
            >> beam.ParDo(ExtractFile(self.config)).with_outputs(
                COUNTS, DEAD_LETTERS, main="documents"
            )
        )
        return DocumentStream(
            documents=extracted.documents,
            dead_letters=extracted[DEAD_LETTERS],
            counts=extracted[COUNTS],
        )
