"""Which documents a source's plan uses, decided by a hash of their ids, exactly.

Every document gets `h = document_hash(seed, id)`, a 64-bit BLAKE2b of its id salted by
the blend's seed: fixed by the id alone, the same in every run and on every worker.
The partial pass of a plan (plan.py) takes the documents of lowest `(h, id)` until their
tokens reach `remainder_tokens`: a prefix of the source sorted by hash. Where the prefix
ends is a `Cut`, and a document is in the partial pass exactly when its `(h, id)` is
below the cut, so a worker decides each document alone: the hash threshold of a
Bernoulli subsample at the rate (cut.hash / 2**64 is about remainder / available), moved
to where the tokens come out right. The cut is at the document whose tokens cross the
remainder, taken or not, whichever leaves the total nearer to it: the partial pass
misses its remainder by at most half of one document's tokens, where a plain draw per
document would miss it by a random amount of about sqrt(n * rate) documents' tokens.

Finding the cut needs no sort and no gathering of a source's documents. A histogram of
tokens over the 2**16 buckets of the top 16 bits of h tells which bucket holds the cut
and how many tokens the buckets below it hold; a second histogram inside that bucket
narrows the cut to a range of 2**32 hashes, which holds n / 2**32 documents of a source
of n (fewer than 3 for ten billion documents). Only those are gathered, sorted and cut.
Each step is a combiner-friendly sum of (tokens, documents) per bucket; `select_in_memory`
runs the same steps in one process, the Beam composite (corpus/pipelines/blend.py) runs
them distributed, and both give the same cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from corpus.blend.blend_file import BlendFile
from corpus.blend.hashing import HASH_BITS, document_hash
from corpus.blend.plan import SourcePlan, plan_source
from corpus.blend.splits import TRAIN, Splits

BUCKET_BITS = 16
NARROWINGS = 2
"""Histogram passes before the gather: 64-bit hashes -> a range of 2**48 -> of 2**32."""

HashedDocument = tuple[int, str, int]
"""(hash, document id, tokens)."""

Histogram = Mapping[int, tuple[int, int]]
"""bucket -> (tokens, documents) of the documents whose hashes fall in it."""


@dataclass(frozen=True)
class HashRange:
    """The hashes `start <= h < start + 2**bits`, split into 2**BUCKET_BITS buckets."""

    start: int
    bits: int

    def __contains__(self, document_hash: int) -> bool:
        return 0 <= document_hash - self.start < 1 << self.bits

    def bucket(self, document_hash: int) -> int:
        """The bucket of a hash in this range."""
        return (document_hash - self.start) >> (self.bits - BUCKET_BITS)

    def sub_range(self, bucket: int) -> HashRange:
        bits = self.bits - BUCKET_BITS
        return HashRange(self.start + (bucket << bits), bits)


FULL_RANGE = HashRange(0, HASH_BITS)


def histogram(
    hash_range: HashRange, documents: Iterable[HashedDocument]
) -> dict[int, tuple[int, int]]:
    """Tokens and documents per bucket of `hash_range` (documents outside it are left out)."""
    counts: dict[int, tuple[int, int]] = {}
    for hashed, _, tokens in documents:
        if hashed in hash_range:
            bucket = hash_range.bucket(hashed)
            seen_tokens, seen_documents = counts.get(bucket, (0, 0))
            counts[bucket] = (seen_tokens + tokens, seen_documents + 1)
    return counts


@dataclass(frozen=True)
class Boundary:
    """The cut lies in `range`, after `remaining` more tokens; every document below the
    range is taken (`taken_tokens` and `taken_documents` count them)."""

    range: HashRange
    remaining: int
    taken_tokens: int = 0
    taken_documents: int = 0

    def narrow(self, counts: Histogram) -> Boundary:
        """The bucket of this range that holds the cut, given the range's histogram."""
        tokens = documents = 0
        for bucket in sorted(counts):
            bucket_tokens, bucket_documents = counts[bucket]
            if tokens + bucket_tokens >= self.remaining:
                return Boundary(
                    self.range.sub_range(bucket),
                    self.remaining - tokens,
                    self.taken_tokens + tokens,
                    self.taken_documents + documents,
                )
            tokens += bucket_tokens
            documents += bucket_documents
        raise RuntimeError(
            f"the hash range {self.range} holds {tokens:,} tokens, fewer than the "
            f"{self.remaining:,} its boundary needs: the documents changed between passes"
        )


@dataclass(frozen=True)
class Cut:
    """The partial pass takes the documents whose (hash, id) is below (hash, id) here,
    and this document itself when `inclusive`."""

    hash: int
    id: str
    inclusive: bool

    def takes(self, document_hash: int, document_id: str) -> bool:
        key, bound = (document_hash, document_id), (self.hash, self.id)
        return key < bound or (self.inclusive and key == bound)


@dataclass(frozen=True)
class SourceSelection:
    """A source's plan and the cut of its partial pass, with what they take."""

    plan: SourcePlan
    cut: Cut | None = None
    """None when the plan has no partial pass."""
    partial_tokens: int = 0
    partial_documents: int = 0

    @property
    def achieved_tokens(self) -> int:
        return self.plan.whole_repeats * self.plan.available_tokens + self.partial_tokens

    @property
    def achieved_documents(self) -> int:
        """Documents written, each repeat counted."""
        return self.plan.whole_repeats * self.plan.available_documents + self.partial_documents

    def copies(self, document_hash: int, document_id: str) -> range:
        """The repeat indices under which this document is written."""
        taken = self.cut is not None and self.cut.takes(document_hash, document_id)
        return range(self.plan.whole_repeats + taken)


def first_boundary(plan: SourcePlan) -> Boundary | None:
    return Boundary(FULL_RANGE, plan.remainder_tokens) if plan.remainder_tokens else None


def cut_selection(
    plan: SourcePlan, boundary: Boundary, documents: Iterable[HashedDocument]
) -> SourceSelection:
    """The selection whose cut `boundary` holds, given the documents in its range."""
    inside = sorted((d for d in documents if d[0] in boundary.range), key=lambda d: d[:2])
    tokens = 0
    for index, (hashed, document_id, document_tokens) in enumerate(inside):
        if index and inside[index - 1][:2] == (hashed, document_id):
            raise ValueError(f"source {plan.name}: document id {document_id!r} appears twice")
        after = tokens + document_tokens
        if after >= boundary.remaining:
            inclusive = after - boundary.remaining <= boundary.remaining - tokens
            return SourceSelection(
                plan,
                Cut(hashed, document_id, inclusive),
                boundary.taken_tokens + (after if inclusive else tokens),
                boundary.taken_documents + index + inclusive,
            )
        tokens = after
    raise RuntimeError(
        f"source {plan.name}: the hash range {boundary.range} holds {tokens:,} tokens, fewer "
        f"than the {boundary.remaining:,} its boundary needs: the documents changed between passes"
    )


def select_source(plan: SourcePlan, documents: Sequence[HashedDocument]) -> SourceSelection:
    """The selection of one source, in one process, by the same steps as the pipeline."""
    boundary = first_boundary(plan)
    if boundary is None:
        return SourceSelection(plan)
    for _ in range(NARROWINGS):
        boundary = boundary.narrow(histogram(boundary.range, documents))
    return cut_selection(plan, boundary, documents)


HeldOut = Mapping[str, Mapping[str, tuple[int, int]]]
"""Blend source -> held-out split -> (tokens, documents) held out."""


@dataclass(frozen=True)
class BlendSelection:
    """Every source's selection: the blend's sources in its order, then the sources the
    documents name but the blend does not (by name); the held-out splits and what each
    blend source holds out (splits.py)."""

    seed: int
    sources: list[SourceSelection]
    warnings: list[str] = field(default_factory=list)
    splits: Splits = field(default_factory=Splits)
    held_out: HeldOut = field(default_factory=dict)

    def source(self, name: str) -> SourceSelection:
        for source in self.sources:
            if source.plan.name == name:
                return source
        raise KeyError(f"no source {name} in the blend or the documents")

    def held_out_of(self, name: str, split: str) -> tuple[int, int]:
        """(tokens, documents) that source `name` holds out for `split`."""
        return self.held_out.get(name, {}).get(split, (0, 0))

    def split_copies(self, name: str, document_hash: int, document_id: str) -> tuple[str, range]:
        """The split a document of source `name` belongs to and the repeat indices it is
        written under there: its selection's copies in train, one copy in a held-out split
        (none for a source outside the blend)."""
        split = self.splits.split(document_hash)
        if split != TRAIN:
            return split, range(int(split in self.held_out.get(name, {})))
        return split, self.source(name).copies(document_hash, document_id)


def assemble(
    blend: BlendFile,
    selections: Iterable[SourceSelection],
    held_out: Iterable[tuple[tuple[str, str], tuple[int, int]]] = (),
) -> BlendSelection:
    """The blend's selection from its sources' (a blend source with no document to train
    on gets an empty plan, and its warning) and the ((source, split), (tokens, documents))
    totals of the blend sources' held-out documents."""
    by_name = {s.plan.name: s for s in selections}
    ordered = [
        by_name.get(source.name) or SourceSelection(plan_source(blend, source.name, 0, 0))
        for source in blend.sources
    ]
    ordered += [by_name[name] for name in sorted(by_name) if not by_name[name].plan.in_blend]
    warnings = [s.plan.warning for s in ordered if s.plan.warning]
    splits = Splits.of(blend)
    totals = dict(held_out)
    held: dict[str, dict[str, tuple[int, int]]] = {}
    for source in blend.sources:
        for split in splits.held_out:
            if (source.name, split) in totals:
                held.setdefault(source.name, {})[split] = totals[source.name, split]
    training = [s.plan.name for s in ordered if s.plan.in_blend and s.achieved_tokens]
    for split in splits.held_out:
        if not any(split in held.get(name, {}) for name in training):
            warnings.append(
                f"{split}_fraction: no source that trains holds out a document, so the "
                f"blend has no {split} split"
            )
    return BlendSelection(blend.seed, ordered, warnings, splits, held)


def select_in_memory(
    blend: BlendFile, records: Iterable[tuple[str, str, int]]
) -> tuple[BlendSelection, list[tuple[str, str, int]]]:
    """(source, document id, tokens) records -> the blend's selection and the selected
    (source, document id, repeat index) training copies, sorted; for blends that fit in
    one process, and the reference the Beam composite is tested against."""
    splits = Splits.of(blend)
    in_blend = {source.name for source in blend.sources}
    by_source: dict[str, list[HashedDocument]] = {}
    held_out: dict[tuple[str, str], tuple[int, int]] = {}
    for source, document_id, tokens in records:
        hashed = (document_hash(blend.seed, document_id), document_id, tokens)
        split = splits.split(hashed[0])
        if split == TRAIN:
            by_source.setdefault(source, []).append(hashed)
        elif source in in_blend:
            seen_tokens, seen_documents = held_out.get((source, split), (0, 0))
            held_out[source, split] = (seen_tokens + tokens, seen_documents + 1)
    selections = {}
    for source, documents in by_source.items():
        tokens = sum(d[2] for d in documents)
        plan = plan_source(blend, source, tokens, len(documents))
        selections[source] = select_source(plan, documents)
    copies = sorted(
        (source, document_id, repeat)
        for source, documents in by_source.items()
        for document_hash, document_id, _ in documents
        for repeat in selections[source].copies(document_hash, document_id)
    )
    return assemble(blend, selections.values(), held_out.items()), copies
