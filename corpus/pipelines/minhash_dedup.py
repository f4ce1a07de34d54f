"""Near-duplicate documents by MinHash-LSH, in Beam, without gathering anything on one worker.

    documents -> MinHash signature -> one bucket key per LSH band
      -> group by bucket: the members of a bucket are candidates (a star of edges per bucket)
      -> optionally keep only the edges whose exact shingle Jaccard reaches the threshold
      -> connected components of the edges (distributed; corpus/pipelines/connected_components.py)
      -> per component, the earliest document is kept; it stands for the component's size

A bucket holds document keys only, and its edges form a star (first member to each other
member), so a bucket of k documents costs O(k) edges, not O(k^2).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

import apache_beam as beam

from corpus.config import MinHashConfig
from corpus.dedup.exact import earliest_first
from corpus.dedup.lsh import band_keys, jaccard, optimal_params
from corpus.dedup.minhash import MinHasher
from corpus.dedup.shingles import document_shingles
from corpus.pipelines.connected_components import ConnectedComponents
from corpus.pipelines.document_io import document_key
from corpus.pipelines.exact_dedup import KeepOneCopy
from corpus.schema import Document
from corpus.text.segmenter import WordSegmenter


class Shingler:
    """A document's shingle set, as configured (picklable; the segmenter loads lazily)."""

    def __init__(self, config: MinHashConfig) -> None:
        self.n = config.n
        self.segmenter = WordSegmenter("sudachi") if config.shingles == "words" else None

    def __call__(self, document: Document) -> set[bytes]:
        return document_shingles(document.text, self.n, self.segmenter)


class _BandKeys(beam.DoFn):
    def __init__(self, config: MinHashConfig) -> None:
        self.hasher = MinHasher(config.num_perm, config.seed)
        self.bands, self.rows = optimal_params(
            config.threshold,
            config.num_perm,
            config.false_positive_weight,
            config.false_negative_weight,
        )

    def process(self, keyed: tuple[str, set[bytes]]) -> Iterable[tuple[bytes, str]]:
        key, shingles = keyed
        signature = self.hasher.signature(shingles)
        for band_key in band_keys(signature, self.bands, self.rows):
            yield band_key, key


def star_edges(bucket: tuple[bytes, Iterable[str]]) -> Iterable[tuple[str, str]]:
    members = sorted(set(bucket[1]))
    return [(members[0], other) for other in members[1:]]


def _first_halves(element: tuple[str, dict]) -> Iterable[tuple[str, tuple[str, set[bytes]]]]:
    first, grouped = element  # keyed by each edge's first document
    for first_shingles in grouped["shingles"]:
        for second in grouped["seconds"]:
            yield second, (first, first_shingles)


def _similar_edges(element: tuple[str, dict], threshold: float) -> Iterable[tuple[str, str]]:
    second, grouped = element  # keyed by each edge's second document
    for second_shingles in grouped["shingles"]:
        for first, first_shingles in grouped["halves"]:
            if jaccard(first_shingles, second_shingles) >= threshold:
                yield first, second


class _VerifyEdges(beam.PTransform):
    """Keeps the edges whose documents' exact shingle Jaccard reaches the threshold: each
    document's shingles are joined to its edges, first by the edge's first end, then by
    its second."""

    def __init__(self, threshold: float, shingles: beam.PCollection) -> None:
        super().__init__()
        self.threshold = threshold
        self.shingles = shingles

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        shingles = self.shingles
        halves = (
            {"seconds": edges, "shingles": shingles}
            | "JoinFirst" >> beam.CoGroupByKey()
            | "HalfEdges" >> beam.FlatMap(_first_halves)
        )
        return (
            {"halves": halves, "shingles": shingles}
            | "JoinSecond" >> beam.CoGroupByKey()
            | "Similar" >> beam.FlatMap(_similar_edges, self.threshold)
        )


def _cluster_id(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _by_cluster(element: tuple[str, dict]) -> Iterable[tuple[str, Document]]:
    key, grouped = element
    cluster = next(iter(grouped["component"]), key)
    for document in grouped["document"]:
        yield cluster, document


class MinHashDeduplicate(beam.PTransform):
    """Documents -> one document per near-duplicate cluster, with cluster_id and cluster_size."""

    def __init__(self, config: MinHashConfig) -> None:
        super().__init__()
        self.config = config

    def expand(self, documents: beam.PCollection) -> beam.PCollection:
        keyed = documents | "Key" >> beam.Map(lambda d: (document_key(d), d))
        shingler = Shingler(self.config)
        # Shingled once: both the signatures and the verification read these sets.
        shingles = keyed | "Shingles" >> beam.MapTuple(lambda key, d: (key, shingler(d)))
        edges = (
            shingles
            | "BandKeys" >> beam.ParDo(_BandKeys(self.config))
            | "Buckets" >> beam.GroupByKey()
            | "Edges" >> beam.FlatMap(star_edges)
            | "DistinctEdges" >> beam.Distinct()
        )
        if self.config.verify:
            edges = edges | "Verify" >> _VerifyEdges(self.config.threshold, shingles)
        components = edges | "Components" >> ConnectedComponents()
        return (
            {"document": keyed, "component": components}
            | "JoinComponents" >> beam.CoGroupByKey()
            | "ByCluster" >> beam.FlatMap(_by_cluster)
            | "KeepOne" >> beam.CombinePerKey(KeepOneCopy(earliest_first))
            | "Label"
            >> beam.MapTuple(lambda c, d: dataclasses.replace(d, cluster_id=_cluster_id(c)))
        )
