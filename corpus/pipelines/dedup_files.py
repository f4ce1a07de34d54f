"""The dedup stage's file work: each input file is read by one worker, twice.

Deduplication decides on fingerprints (corpus/dedup/fingerprint.py) and never shuffles
documents. These DoFns are its contact with the files:

- `FingerprintFile`: input file i -> a fingerprint per document, and the documents'
  MinHash signatures in a working file (`.work/signatures-i`);
- `PreviousFingerprints`: an earlier run's signature file -> fingerprints that always win;
- `ReadPayloads`: the few documents that are candidate near-duplicates -> what verifying
  them needs (signatures, or the shingle hashes for exact Jaccard);
- `WriteKept`: input file i and the rows kept from it -> output file i, documents in
  input order with their cluster, plus their signatures for later runs.

An output file holds at most what its input file held, so the previous stage's shard size
bounds a worker's memory here too, and the same input gives the same bytes on any runner.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Iterator

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus.dedup.config import MinHashConfig
from corpus.dedup.fingerprint import Fingerprint, Fingerprinter, make_ref, parse_ref
from corpus.dedup.lsh import SHINGLE_ID, SIGNATURE
from corpus.dedup.signature_file import previous_fingerprint, signature_row, signature_schema
from corpus.io.reading import matching
from corpus.io.shards import ParquetFormat, shard_name, write_records
from corpus.layout import DOCUMENTS_PREFIX, SIGNATURES_DIR, SIGNATURES_PREFIX, WORK_DIR, side_path
from corpus.pipelines.document_io import READ_BATCH_ROWS, read_document_file, rewrite_document_file
from corpus.read_progress import counted
from corpus.schema import Document

# What verifying a candidate needs, as raw little-endian bytes (the cheapest value to
# encode and shuffle): its sorted shingle ids (exact Jaccard; None when only the signature
# is known, as for an earlier run's documents) and its signature (None when its shingle
# ids are known and there is no earlier run, whose documents only signatures compare with).
Payload = tuple[bytes | None, bytes | None]


def read_rows(path: str) -> Iterator[dict]:
    """The rows of a Parquet file as dicts, a batch at a time."""
    with FileSystems.open(path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=READ_BATCH_ROWS):
            yield from batch.to_pylist()


class DedupFiles:
    """Where the stage's files are: inputs by index, working and output files by name."""

    def __init__(self, inputs: list[str], previous: list[str], output: str) -> None:
        self.inputs = inputs
        self.previous = previous
        self.output = output

    def name(self, prefix: str, index: int) -> str:
        return shard_name(prefix, index, len(self.inputs), "parquet")

    def work_signatures(self, index: int) -> str:
        return side_path(self.output, WORK_DIR, self.name(SIGNATURES_PREFIX, index))

    def kept_documents(self, index: int) -> str:
        return posixpath.join(self.output, self.name(DOCUMENTS_PREFIX, index))

    def kept_signatures(self, index: int) -> str:
        return side_path(self.output, SIGNATURES_DIR, self.name(SIGNATURES_PREFIX, index))


class FingerprintFile(beam.DoFn):
    """Input file index -> the fingerprints of its documents (and their signatures, saved)."""

    def __init__(self, files: DedupFiles, fingerprinter: Fingerprinter, config: MinHashConfig):
        self.files = files
        self.fingerprinter = fingerprinter
        self.config = config

    def process(self, index: int) -> Iterable[Fingerprint]:
        signatures = []
        documents = counted(read_document_file(self.files.inputs[index]))
        for row, document in enumerate(documents):
            fingerprint, signature = self.fingerprinter(document, make_ref(index, row))
            if signature is not None:
                signatures.append(signature_row(row, fingerprint, signature))
            yield fingerprint
        if self.fingerprinter.minhash:
            fmt = ParquetFormat(signature_schema(self.config), dict)
            write_records(self.files.work_signatures(index), fmt, signatures)


class PreviousFingerprints(beam.DoFn):
    """Earlier run's signature file index -> fingerprints of the documents it kept."""

    def __init__(self, files: DedupFiles, fingerprinter: Fingerprinter) -> None:
        self.files = files
        self.fingerprinter = fingerprinter

    def process(self, index: int) -> Iterable[Fingerprint]:
        for row, record in enumerate(read_rows(self.files.previous[index])):
            ref = make_ref(index, row, previous=True)
            yield previous_fingerprint(record, ref, self.fingerprinter)


def file_of(ref: str) -> str:
    """The part of a reference that names its file (`000003`, or `p000001` for earlier runs)."""
    return ref.split(":")[0]


class ReadPayloads(beam.DoFn):
    """(file, its wanted references, each with a block it is wanted in) -> (block,
    (reference, payload)) for each distinct (reference, block).

    `exact`: documents of this run get their shingle ids (the file is read and the wanted
    documents shingled again); otherwise, and for an earlier run's documents, the
    signature only."""

    def __init__(self, files: DedupFiles, fingerprinter: Fingerprinter, exact: bool) -> None:
        self.files = files
        self.fingerprinter = fingerprinter
        self.exact = exact

    def process(self, element: tuple[str, Iterable[tuple[str, str]]]) -> Iterable[tuple]:
        file, wanted_in = element
        wanted: dict[int, tuple[str, set[str]]] = {}
        for ref, block in wanted_in:
            wanted.setdefault(parse_ref(ref.lstrip("p"))[1], (ref, set()))[1].add(block)
        if file.startswith("p"):
            rows = read_rows(self.files.previous[int(file[1:])])
            payloads = ((row, (None, record["signature"])) for row, record in enumerate(rows))
        elif self.exact:
            documents = read_document_file(self.files.inputs[int(file)])
            payloads = (
                (row, self.shingled(document) if row in wanted else None)
                for row, document in enumerate(documents)
            )
        else:
            rows = read_rows(self.files.work_signatures(int(file)))
            payloads = ((record["row"], (None, record["signature"])) for record in rows)
        for row, payload in payloads:
            if row in wanted:
                ref, blocks = wanted[row]
                for block in sorted(blocks):
                    yield block, (ref, payload)

    def shingled(self, document: Document) -> Payload:
        text, fingerprinter = document.text, self.fingerprinter
        ids = fingerprinter.shingle_ids(text).astype(SHINGLE_ID, copy=False).tobytes()
        if not self.files.previous:
            return ids, None
        return ids, fingerprinter.signature(text).astype(SIGNATURE, copy=False).tobytes()


REPRESENTED = "represented"
"""WriteKept's tagged output: how many input documents the documents it wrote stand for."""


class WriteKept(beam.DoFn):
    """(input file index, its kept rows as (row, cluster_id, cluster_size)) -> the paths of
    the output documents file, and of its signatures file when MinHash ran; on
    `REPRESENTED`, the sum of the written documents' cluster sizes."""

    def __init__(self, files: DedupFiles, config: MinHashConfig) -> None:
        self.files = files
        self.config = config

    def process(self, element: tuple[int, Iterable[tuple[int, str, int]]]) -> Iterable[str]:
        index, kept_rows = element
        clusters = {row: (cluster, size) for row, cluster, size in kept_rows}
        yield beam.pvalue.TaggedOutput(REPRESENTED, sum(size for _, size in clusters.values()))

        def kept(row: int, document: Document) -> Document | None:
            if row not in clusters:
                return None
            cluster, size = clusters[row]
            return dataclasses.replace(document, cluster_id=cluster, cluster_size=size)

        source = self.files.inputs[index]
        yield rewrite_document_file(source, self.files.kept_documents(index), kept)
        if not self.config.enabled:
            return
        signatures = (
            {**record, "cluster_id": clusters[row][0], "cluster_size": clusters[row][1]}
            for record in read_rows(self.files.work_signatures(index))
            if (row := record["row"]) in clusters
        )
        fmt = ParquetFormat(signature_schema(self.config), dict)
        yield write_records(self.files.kept_signatures(index), fmt, signatures)


def remove_work_files(_, files: DedupFiles) -> None:
    """Deletes the working signature files once every output file is written."""
    work = side_path(files.output, WORK_DIR)
    if FileSystems.exists(work):
        FileSystems.delete(matching(work + "/**"))
        if FileSystems.exists(work):
            FileSystems.delete([work])
