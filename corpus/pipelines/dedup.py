"""The deduplication stage in Beam: document files -> one document per cluster of duplicates.

    input files -> a fingerprint per document (corpus/dedup/fingerprint.py)
      (+ an earlier run's signature files -> fingerprints that always win: incremental)
      -> same URL (across dumps): keep the newest or the longest
      -> same normalised text: keep the earliest
      -> near-duplicates (MinHash-LSH): keep the earliest of each cluster, remove the
         members at the threshold against it
      -> every removal (removed id, kept id, rule, similarity) -> duplicates/ (dedup_audit.py)
      -> kept fingerprints, grouped by the file they came from
      -> each input file read again: its kept documents, with cluster_id and cluster_size
         (how many input documents each stands for), in an output file of the same index

Only fingerprints (a few hundred bytes a document) cross a shuffle; documents go from
their input file to their output file on one worker. Each step keeps its choice with a
combiner, so no step gathers the corpus, a cluster or a key's copies on one worker. The
accounting counts this run's fingerprints between the steps (fingerprinted = kept +
url_duplicate + exact_duplicate + near_duplicate) and the records read apart, from the
input files' footers.
"""

from __future__ import annotations

from operator import attrgetter

import apache_beam as beam

from corpus.dedup.config import DedupConfig
from corpus.dedup.fingerprint import (
    URL_ORDER,
    Fingerprint,
    Fingerprinter,
    cluster_id,
    earliest_first,
    parse_ref,
)
from corpus.dedup.signature_file import check_compatible
from corpus.errors import ConfigError
from corpus.pipelines.dedup_audit import KeyedRemovals, WriteDuplicates
from corpus.pipelines.dedup_files import (
    REPRESENTED,
    DedupFiles,
    FingerprintFile,
    PreviousFingerprints,
    ReadPayloads,
    WriteKept,
    remove_work_files,
)
from corpus.pipelines.document_io import CountRecordsRead, input_files
from corpus.pipelines.exact_dedup import DeduplicateBy
from corpus.pipelines.minhash_dedup import MeasureEdges, MinHashDeduplicate
from corpus.pipelines.stage import Stage, StageResult


def _outcome_counts(_, fingerprinted: int, *after_steps: tuple[str, int]) -> list:
    """((kind, name), count) pairs: what each step removed, and what is left."""
    counts, before = [], fingerprinted
    for name, after in after_steps:
        counts.append((("outcome", name), before - after))
        before = after
    return [*counts, (("outcome", "kept"), before)]


class LostDocumentsError(RuntimeError):
    """The written documents do not stand for every document read: data was lost."""


def check_represented(written: int, read: int, has_previous: bool) -> tuple:
    """The `((represented, written), count)` pair for the stats, after checking it: every
    merge adds the cluster sizes of the copies it merges, so the documents written stand
    for every document read (unless an earlier run's documents took some in). The removal
    counts are differences between the steps, so a loss would otherwise pass as removals."""
    if written != read and not has_previous:
        raise LostDocumentsError(
            f"the {read} documents read are represented by kept documents standing for "
            f"{written}: {read - written} were lost on the way (a runner fault)"
        )
    return (("represented", "written"), written)


def _kept_row(fingerprint: Fingerprint) -> tuple[int, tuple[int, str, int]]:
    file_index, row = parse_ref(fingerprint.ref)
    return file_index, (row, cluster_id(fingerprint), fingerprint.cluster_size)


def _is_current(fingerprint: Fingerprint) -> bool:
    return not fingerprint.previous


class DedupStage(Stage):
    """The dedup stage: document files (and an earlier run's signatures, `config.previous`)
    -> one document per cluster of duplicates, the removals in `duplicates/` and this
    run's signatures in `signatures/`. A file it cannot read stops the stage."""

    def __init__(self, inputs: list[str], config: DedupConfig, directory: str) -> None:
        super().__init__(directory)
        previous = input_files(config.previous)
        if config.previous and not previous:
            raise ConfigError(f"dedup.previous: {config.previous} matches no file")
        if config.minhash.enabled:
            check_compatible(previous, config.minhash)
        self.files = DedupFiles(input_files(inputs), previous, directory)
        self.config = config

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        files, minhash = self.files, self.config.minhash
        fingerprinter = Fingerprinter(self.config)
        current = (
            pbegin
            | "InputFiles" >> beam.Create(range(len(files.inputs)))
            | "SpreadFiles" >> beam.Reshuffle()
            | "Fingerprint" >> beam.ParDo(FingerprintFile(files, fingerprinter, minhash))
        )
        previous = (
            pbegin
            | "PreviousFiles" >> beam.Create(range(len(files.previous)))
            | "SpreadPrevious" >> beam.Reshuffle()
            | "PreviousFingerprints" >> beam.ParDo(PreviousFingerprints(files, fingerprinter))
        )
        fingerprints = (current, previous) | "AllFingerprints" >> beam.Flatten()
        steps = []
        if self.config.url != "off":
            order = URL_ORDER[self.config.url]
            by_url = DeduplicateBy(attrgetter("url_key"), order)
            url_removals = KeyedRemovals(attrgetter("url_key"), "url", None)
            steps.append(("url_duplicate", by_url, url_removals))
        if self.config.exact:
            by_text = DeduplicateBy(attrgetter("text_key"), earliest_first)
            text_removals = KeyedRemovals(attrgetter("text_key"), "exact", 1.0)
            steps.append(("exact_duplicate", by_text, text_removals))
        if minhash.enabled:
            measure = None
            if minhash.verify != "off":
                read_payloads = ReadPayloads(files, fingerprinter, minhash.verify == "exact")
                measure = MeasureEdges(read_payloads)
            near = MinHashDeduplicate(measure, minhash.threshold)
            steps.append(("near_duplicate", near, None))

        fingerprinted = beam.pvalue.AsSingleton(
            current | "CountFingerprinted" >> beam.combiners.Count.Globally()
        )
        after_steps, removals = [], []
        for name, step, keyed_removals in steps:
            before = fingerprints
            if keyed_removals is None:
                fingerprints, removed = fingerprints | name >> step
            else:
                fingerprints = fingerprints | name >> step
                removed = (before, fingerprints) | f"Removals_{name}" >> keyed_removals
            removals.append(removed)
            count = (
                fingerprints
                | f"Current_{name}" >> beam.Filter(_is_current)
                | f"Count_{name}" >> beam.combiners.Count.Globally()
                | f"Name_{name}" >> beam.Map(lambda n, name=name: (name, n))
            )
            after_steps.append(beam.pvalue.AsSingleton(count))
        outcomes = (
            pbegin
            | "Start" >> beam.Create([None])
            | "Outcomes" >> beam.FlatMap(_outcome_counts, fingerprinted, *after_steps)
        )
        records_read = pbegin | "CountRead" >> CountRecordsRead(files.inputs)
        written = (
            fingerprints
            | "KeptCurrent" >> beam.Filter(_is_current)
            | "ByInputFile" >> beam.Map(_kept_row)
            | "GroupByFile" >> beam.GroupByKey()
            | "WriteKept"
            >> beam.ParDo(WriteKept(files, minhash)).with_outputs(REPRESENTED, main="paths")
        )
        read = beam.pvalue.AsSingleton(
            records_read | "ReadRows" >> beam.Values() | "SumRead" >> beam.CombineGlobally(sum)
        )
        represented = (
            written[REPRESENTED]
            | "SumRepresented" >> beam.CombineGlobally(sum)
            | "CheckRepresented"
            >> beam.Map(check_represented, read, has_previous=bool(files.previous))
        )
        counts = (outcomes, records_read, represented) | "Counts" >> beam.Flatten()
        audit = (
            removals
            | "AllRemovals" >> beam.Flatten(pipeline=pbegin.pipeline)
            | "WriteDuplicates" >> WriteDuplicates(files.output)
        )
        paths = (written.paths, audit) | "AllPaths" >> beam.Flatten()
        _ = (
            written.paths
            | "AllWritten" >> beam.combiners.Count.Globally()
            | "RemoveWorkFiles" >> beam.Map(remove_work_files, files)
        )
        return StageResult(paths, self.no_dead_letters(pbegin), counts)
