"""Near-duplicate documents by MinHash-LSH, in Beam, without gathering anything on one worker.

    fingerprints (each with one bucket key per LSH band)
      -> group buckets by 20 bits of their key: the members of a bucket are candidates
         (a star of edges per bucket)
      -> optionally each edge measured (below), and kept when it reaches the threshold
      -> connected components of the edges (distributed; corpus/pipelines/connected_components.py)
      -> per component, the earliest document is kept
      -> each other member checked against it (the same `verify`): removed when it reaches
         the threshold, else kept on its own; the kept document stands for those removed.
         The members below it are checked among themselves the same way (`CHECK_ROUNDS`).

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
files (corpus/pipelines/dedup_files.py), and measures the edges by block, the pair of
files their ends are in (`MeasureEdges`): each file is read once, and each candidate's
payload crosses the shuffle once per block it has an edge in.
- `signatures`: the share of permutations on which the two signatures agree (MinHash's
  estimate of the Jaccard similarity; about 450 bytes per payload);
- `exact`: the exact Jaccard of the two shingle sets (the candidates are shingled again,
  8 bytes per distinct shingle, as raw bytes). An earlier run's documents have no text
  here, so their pairs fall back to the signatures.
The check of each cluster member against the kept document takes the similarity of a pair
that was a candidate edge from that measure (most clusters are pairs, whose one edge was
measured already) and measures the other pairs the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam
import numpy as np

from corpus.dedup.fingerprint import Fingerprint, earliest_first
from corpus.dedup.lsh import (
    BAND_HASH_BYTES,
    BAND_INDEX_BYTES,
    BAND_KEY_BYTES,
    SHINGLE_ID,
    SIGNATURE,
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
        return hashed_jaccard(
            np.frombuffer(hashes_a, SHINGLE_ID), np.frombuffer(hashes_b, SHINGLE_ID)
        )
    return signature_similarity(
        np.frombuffer(signature_a, SIGNATURE), np.frombuffer(signature_b, SIGNATURE)
    )


def block_of(a: str, b: str) -> str:
    """The block of an edge: the pair of files its two documents are in."""
    file_a, file_b = sorted((file_of(a), file_of(b)))
    return f"{file_a}|{file_b}"


def _ends(edge: tuple) -> Iterator[tuple[str, tuple[str, str]]]:
    """(file, (reference, block)) for each end of an edge."""
    a, b = edge[:2]
    block = block_of(a, b)
    yield file_of(a), (a, block)
    yield file_of(b), (b, block)


def _measure_block(element: tuple[str, dict]) -> Iterator[tuple[str, str, float, object]]:
    _, grouped = element
    payloads = dict(grouped["payload"])
    for first, second, extra in grouped["edges"]:
        yield first, second, similarity(payloads[first], payloads[second]), extra


class MeasureEdges(beam.PTransform):
    """Edges (first, second, extra) -> (first, second, similarity of the two documents,
    extra): `extra` is carried along as is.

    Edges are measured by block, the pair of input files their two documents are in: each
    file is read once, and each candidate's payload sent once to each block it has an
    edge in (most candidates have one), where the block's edges are measured. A block holds
    the payloads of the candidates of two files at most, so the input shard size bounds it.
    """

    def __init__(self, read_payloads: ReadPayloads) -> None:
        super().__init__()
        self.read_payloads = read_payloads

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        payloads = (
            edges
            | "Ends" >> beam.FlatMap(_ends)
            | "GroupByFile" >> beam.GroupByKey()
            | "ReadPayloads" >> beam.ParDo(self.read_payloads)
        )
        by_block = edges | "EdgesByBlock" >> beam.Map(lambda edge: (block_of(*edge[:2]), edge))
        return (
            {"payload": payloads, "edges": by_block}
            | "JoinBlocks" >> beam.CoGroupByKey()
            | "Measure" >> beam.FlatMap(_measure_block)
        )


def pair_key(a: str, b: str) -> str:
    """The same key for (a, b) and (b, a)."""
    return f"{a}|{b}" if a < b else f"{b}|{a}"


CHECK_ROUNDS = 3
"""Rounds of the check against a kept document. The members the kept document of their
component does not cover are checked again among themselves (the earliest of them kept,
the others measured against it), and so on; those left after the last round are kept."""

Member = tuple[tuple, str]
"""A component's member as (its `earliest_first` order, its reference): the smallest is the
document the component keeps."""

MEASURE = "measure"
FAILED = "failed"


def _by_component(element: tuple[str, dict]) -> Iterable[tuple[str, Member]]:
    ref, grouped = element
    component = next(iter(grouped["component"]), ref)
    for fingerprint in grouped["fingerprint"]:
        yield component, (earliest_first(fingerprint), ref)


def _to_kept(element: tuple[str, dict]) -> Iterator[tuple[str, tuple]]:
    """(pair key, (kept reference, member reference, (component, member))) for each other
    member of a component."""
    component, grouped = element
    for _, kept in grouped["kept"]:
        for member in grouped["members"]:
            if member[1] != kept:
                yield pair_key(kept, member[1]), (kept, member[1], (component, member))


def _measured_or_not(element: tuple[str, dict]) -> Iterator:
    """(kept, member, similarity, extra) when the pair was measured as a candidate edge; on
    `MEASURE`, (kept, member, extra) when it was not."""
    _, grouped = element
    known = next(iter(grouped["known"]), None)
    for kept, member, extra in grouped["pair"]:
        if known is None:
            yield beam.pvalue.TaggedOutput(MEASURE, (kept, member, extra))
        else:
            yield kept, member, known, extra


def _removed_or_failed(checked: tuple, threshold: float | None) -> Iterator:
    """(member reference, (kept reference, similarity)) when the member reaches the
    threshold (always, unverified: `threshold` None); on `FAILED`, (component, member)."""
    kept, member, value, (component, member_entry) = checked
    if threshold is None or value >= threshold:
        yield member, (kept, value)
    else:
        yield beam.pvalue.TaggedOutput(FAILED, (component, member_entry))


class CheckAgainstKept(beam.PTransform):
    """(component, member) -> (member reference, (kept reference, similarity)) for each
    member removed in favour of its component's kept document; on `FAILED`, the members
    below the threshold against it, as (component, member). Pairs measured as candidate
    edges (`known`: (pair key, similarity)) are not measured again."""

    def __init__(
        self, measure: MeasureEdges | None, threshold: float, known: beam.PCollection | None
    ) -> None:
        super().__init__()
        self.measure = measure
        self.threshold = threshold
        self.known = known

    def expand(self, members: beam.PCollection):
        # Only references and order keys are grouped by component, never fingerprints.
        pairs = (
            {"kept": members | "Earliest" >> beam.CombinePerKey(min), "members": members}
            | "JoinKept" >> beam.CoGroupByKey()
            | "ToKept" >> beam.FlatMap(_to_kept)
        )
        if self.measure is None:
            checked = pairs | "Unverified" >> beam.Map(lambda p: (p[1][0], p[1][1], None, p[1][2]))
            threshold = None
        else:
            split = (
                {"pair": pairs, "known": self.known}
                | "JoinKnown" >> beam.CoGroupByKey()
                | "MeasuredOrNot"
                >> beam.FlatMap(_measured_or_not).with_outputs(MEASURE, main="measured")
            )
            newly = split[MEASURE] | "VerifyKept" >> self.measure
            checked = (split.measured, newly) | "AllChecked" >> beam.Flatten()
            threshold = self.threshold
        return checked | "RemovedOrFailed" >> beam.FlatMap(
            _removed_or_failed, threshold
        ).with_outputs(FAILED, main="removed")


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
    removed only when it reaches the threshold (a chain of pairs above the threshold does
    not remove a document below it against the kept one). The members that do not are
    deduplicated among themselves the same way, for up to `CHECK_ROUNDS` rounds in all;
    those left are kept."""

    def __init__(self, measure: MeasureEdges | None, threshold: float) -> None:
        super().__init__()
        self.measure = measure
        self.threshold = threshold

    def expand(self, fingerprints: beam.PCollection) -> tuple[beam.PCollection, beam.PCollection]:
        edges = (
            fingerprints
            | "BucketMembers" >> beam.FlatMap(bucket_members)
            | "Buckets" >> beam.GroupByKey()
            | "Edges" >> beam.FlatMap(star_edges)
            | "DistinctEdges" >> beam.Distinct()
        )
        known = None
        if self.measure is not None:
            measured = edges | "CandidateEdges" >> beam.Map(lambda e: (*e, None))
            measured = measured | "Verify" >> self.measure
            threshold = self.threshold
            edges = measured | "Similar" >> beam.FlatMap(
                lambda e: [e[:2]] if e[2] >= threshold else []
            )
            known = measured | "KnownByPair" >> beam.Map(lambda e: (pair_key(e[0], e[1]), e[2]))
        components = edges | "Components" >> ConnectedComponents()
        by_ref = fingerprints | "ByRef" >> beam.Map(lambda f: (f.ref, f))
        members = (
            {"fingerprint": by_ref, "component": components}
            | "JoinComponents" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.FlatMap(_by_component)
        )
        rounds = CHECK_ROUNDS if self.measure is not None else 1
        removed = []
        for number in range(1, rounds + 1):
            check = CheckAgainstKept(self.measure, self.threshold, known)
            checked = members | f"Check{number}" >> check
            removed.append(checked.removed)
            members = checked[FAILED]
        kept_by = removed | "AllRemoved" >> beam.Flatten()
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
