"""Near-duplicate documents by MinHash-LSH, in Beam, without gathering anything on one worker.

    fingerprints (each with one bucket key per LSH band)
      -> group buckets by 20 bits of their key: the members of a bucket are candidates
         (a star of edges per bucket)
      -> optionally keep only the edges whose documents are similar enough (below)
      -> connected components of the edges (distributed; corpus/pipelines/connected_components.py)
      -> per component, the earliest document is kept
      -> each other member verified against it (the same `verify`): removed when it reaches
         the threshold, else kept on its own; the kept document stands for those removed

A bucket holds document references only, and its edges form a star (first member to each
other member), so a bucket of k documents costs O(k) edges, not O(k^2). Buckets are not
grouped one per key but 2**20 ways (`BUCKET_GROUP_BITS`), each member one `bytes` value
(bucket key + reference): almost every bucket holds one document, and a runner that
groups in memory (Beam's local one) would otherwise hold a key, a list and a table entry
for each of the 7M band keys of 1M documents, its largest peak. A group is read twice
and only its distinct bucket keys are held (each one's smallest member), so a hot bucket
(the same band on a million template pages) costs one entry: it is streamed, never
collected, as the connected components' hubs are (see that module on hot keys).

Verification (`minhash.verify`) reads what it needs for the candidates only, from their
files (corpus/pipelines/dedup_files.py), and joins it to the edges by each end in turn:
- `signatures`: the share of permutations on which the two signatures agree (MinHash's
  estimate of the Jaccard similarity; about 450 bytes per candidate cross the shuffle);
- `exact`: the exact Jaccard of the two shingle sets (the candidates' files are read and
  shingled again; about 8 bytes per shingle cross the shuffle). An earlier run's documents
  have no text here, so their pairs fall back to the signatures.
The check of each cluster member against the kept document reads and joins its payloads
the same way, a second time (most clusters are pairs whose one edge was already measured).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam

from corpus.dedup.fingerprint import Fingerprint, earliest_first
from corpus.dedup.lsh import (
    BAND_HASH_BYTES,
    BAND_INDEX_BYTES,
    BAND_KEY_BYTES,
    hashed_jaccard,
    signature_similarity,
)
from corpus.pipelines.connected_components import ConnectedComponents
from corpus.pipelines.dedup_audit import removal
from corpus.pipelines.dedup_files import Payload, ReadPayloads, file_of
from corpus.pipelines.exact_dedup import KeepOneCopy

BUCKET_GROUP_BITS = 20


def bucket_group(key: bytes) -> int:
    """The group of a bucket: the first BUCKET_GROUP_BITS bits of its key's hash."""
    band_hash = int.from_bytes(key[BAND_INDEX_BYTES:BAND_KEY_BYTES], "big")
    return band_hash >> (BAND_HASH_BYTES * 8 - BUCKET_GROUP_BITS)


def bucket_members(fingerprint: Fingerprint) -> Iterable[tuple[int, bytes]]:
    """(bucket group, bucket key + reference) for each of the document's LSH bands."""
    ref = fingerprint.ref.encode("ascii")
    return [(bucket_group(key), key + ref) for key in fingerprint.band_keys]


def star_edges(group: tuple[int, Iterable[bytes]]) -> Iterator[tuple[str, str]]:
    """Each bucket's smallest member linked to each other member of the bucket. Two passes
    over the group (Beam's grouped values can be iterated again): the first keeps each
    distinct bucket's smallest reference, the second links the others to it."""
    _, members = group
    first: dict[bytes, bytes] = {}
    for member in members:
        key, ref = member[:BAND_KEY_BYTES], member[BAND_KEY_BYTES:]
        if key not in first or ref < first[key]:
            first[key] = ref
    for member in members:
        smallest, ref = first[member[:BAND_KEY_BYTES]], member[BAND_KEY_BYTES:]
        if ref != smallest:
            yield smallest.decode("ascii"), ref.decode("ascii")


def similarity(a: Payload, b: Payload) -> float:
    """Exact Jaccard when both shingle sets are known, else the signatures' estimate."""
    (hashes_a, signature_a), (hashes_b, signature_b) = a, b
    if hashes_a is not None and hashes_b is not None:
        return hashed_jaccard(hashes_a, hashes_b)
    return signature_similarity(signature_a, signature_b)


def _first_halves(element: tuple[str, dict]) -> Iterable[tuple[str, tuple[str, Payload]]]:
    first, grouped = element  # keyed by each edge's first document
    for first_payload in grouped["payload"]:
        for second in grouped["seconds"]:
            yield second, (first, first_payload)


def _similar_edges(
    element: tuple[str, dict], threshold: float, with_similarity: bool
) -> Iterable[tuple]:
    second, grouped = element  # keyed by each edge's second document
    for second_payload in grouped["payload"]:
        for first, first_payload in grouped["halves"]:
            value = similarity(first_payload, second_payload)
            if value >= threshold:
                yield (first, second, value) if with_similarity else (first, second)


class VerifyEdges(beam.PTransform):
    """Keeps the candidate edges whose documents reach the similarity threshold, as
    (first, second), or (first, second, similarity) `with_similarity`."""

    def __init__(
        self, read_payloads: ReadPayloads, threshold: float, with_similarity: bool = False
    ) -> None:
        super().__init__()
        self.read_payloads = read_payloads
        self.threshold = threshold
        self.with_similarity = with_similarity

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        payloads = (
            edges
            | "Ends" >> beam.FlatMap(lambda edge: edge)
            | "DistinctEnds" >> beam.Distinct()
            | "ByFile" >> beam.Map(lambda ref: (file_of(ref), ref))
            | "GroupByFile" >> beam.GroupByKey()
            | "ReadPayloads" >> beam.ParDo(self.read_payloads)
        )
        halves = (
            {"seconds": edges, "payload": payloads}
            | "JoinFirst" >> beam.CoGroupByKey()
            | "HalfEdges" >> beam.FlatMap(_first_halves)
        )
        return (
            {"halves": halves, "payload": payloads}
            | "JoinSecond" >> beam.CoGroupByKey()
            | "Similar" >> beam.FlatMap(_similar_edges, self.threshold, self.with_similarity)
        )


def _by_component(element: tuple[str, dict]) -> Iterable[tuple[str, Fingerprint]]:
    ref, grouped = element
    component = next(iter(grouped["component"]), ref)
    for fingerprint in grouped["fingerprint"]:
        yield component, fingerprint


def _ref(keyed: tuple[str, Fingerprint]) -> tuple[str, str]:
    component, fingerprint = keyed
    return component, fingerprint.ref


def _to_kept(element: tuple[str, dict]) -> Iterator[tuple[str, str]]:
    """(kept reference, member reference) for each other member of a component."""
    _, grouped = element
    for kept in grouped["kept"]:
        for member in grouped["members"]:
            if member != kept.ref:
                yield kept.ref, member


REMOVED = "removed"


def _cluster_key(element: tuple[str, dict]) -> Iterator:
    """A fingerprint keyed by the kept document it duplicates, or by itself; on `REMOVED`,
    (kept reference, (removed id, similarity)) for a removed document of this run."""
    ref, grouped = element
    kept_ref, value = next(iter(grouped["kept"]), (ref, None))
    for fingerprint in grouped["fingerprint"]:
        yield kept_ref, fingerprint
        if kept_ref != ref and not fingerprint.previous:
            yield beam.pvalue.TaggedOutput(REMOVED, (kept_ref, (fingerprint.id, value)))


def _near_removals(element: tuple[str, dict]) -> Iterator[dict]:
    _, grouped = element
    for kept in grouped["kept"]:
        for doc_id, value in grouped["removed"]:
            yield removal(doc_id, kept.id, "near", value)


class MinHashDeduplicate(beam.PTransform):
    """Fingerprints -> (one fingerprint per near-duplicate cluster, cluster_size summed;
    a removal row for each document of this run removed, corpus/pipelines/dedup_audit.py).

    The earliest document of each connected component of the (verified) candidate pairs is
    kept. Each other member is then measured against that kept document by `verify` and
    removed only when it reaches the threshold; a member that does not is kept (a chain of
    pairs above the threshold does not remove a document below it against the kept one)."""

    def __init__(self, verify: VerifyEdges | None, verify_kept: VerifyEdges | None) -> None:
        super().__init__()
        self.verify = verify
        self.verify_kept = verify_kept

    def expand(self, fingerprints: beam.PCollection) -> tuple[beam.PCollection, beam.PCollection]:
        edges = (
            fingerprints
            | "BucketMembers" >> beam.FlatMap(bucket_members)
            | "Buckets" >> beam.GroupByKey()
            | "Edges" >> beam.FlatMap(star_edges)
            | "DistinctEdges" >> beam.Distinct()
        )
        if self.verify is not None:
            edges = edges | "Verify" >> self.verify
        components = edges | "Components" >> ConnectedComponents()
        by_ref = fingerprints | "ByRef" >> beam.Map(lambda f: (f.ref, f))
        by_component = (
            {"fingerprint": by_ref, "component": components}
            | "JoinComponents" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.FlatMap(_by_component)
        )
        # Only references are grouped by component, never the fingerprints themselves.
        to_kept = (
            {
                "kept": by_component
                | "Earliest" >> beam.CombinePerKey(KeepOneCopy(earliest_first)),
                "members": by_component | "MemberRefs" >> beam.Map(_ref),
            }
            | "JoinKept" >> beam.CoGroupByKey()
            | "ToKept" >> beam.FlatMap(_to_kept)
        )
        if self.verify_kept is not None:
            to_kept = to_kept | "VerifyKept" >> self.verify_kept
        else:
            to_kept = to_kept | "Unverified" >> beam.Map(lambda pair: (*pair, None))
        kept_by = to_kept | "ByMember" >> beam.Map(lambda t: (t[1], (t[0], t[2])))
        clustered = (
            {"fingerprint": by_ref, "kept": kept_by}
            | "JoinKeptBy" >> beam.CoGroupByKey()
            | "ByCluster" >> beam.FlatMap(_cluster_key).with_outputs(REMOVED, main="keyed")
        )
        kept = clustered.keyed | "KeepOne" >> beam.CombinePerKey(KeepOneCopy(earliest_first))
        removals = (
            {"kept": kept, "removed": clustered[REMOVED]}
            | "JoinRemoved" >> beam.CoGroupByKey()
            | "Removals" >> beam.FlatMap(_near_removals)
        )
        return kept | "Kept" >> beam.Values(), removals
