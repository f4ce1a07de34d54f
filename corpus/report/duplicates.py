"""What a dedup stage removed, from its audit table (`duplicates/`, one row per removal:
corpus/pipelines/dedup_audit.py): removals per rule, the similarity histogram of the
near-duplicate removals, and a sample of clusters (a removed document beside the one kept
for it).

The sample is chosen without holding the table: per rule, the `SAMPLED_PER_RULE` removals
whose id hashes lowest (the same ids whatever the file order, spread over the corpus like a
random sample), and for `near` also the removal with the lowest similarity, the one closest
to the threshold. Their texts come from the stage's input (the documents stage before it in
the run), read in the pass over that stage's text the report makes anyway; a document not
in it (an earlier run's, in incremental dedup) shows no text. A near-duplicate pair's
excerpts start a little before the first character in which the two texts differ.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from corpus.report.histogram import Histogram
from corpus.report.run_outputs import StageOutput

RULES = ("url", "exact", "near")
SAMPLED_PER_RULE = 3
AUDIT_COLUMNS = ["id", "kept_id", "rule", "similarity"]
CONTEXT_CHARS = 40


def id_rank(doc_id: str) -> bytes:
    return hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()


def similarity_histogram() -> Histogram:
    return Histogram.linear(0.0, 1.0, 50)


class StageDuplicates:
    """One dedup stage's removals: counts, histogram and sample, filled a batch at a time."""

    def __init__(self, stage: StageOutput, input_label: str | None) -> None:
        self.stage = stage
        self.input_label = input_label
        self.removals: Counter[str] = Counter()
        self.similarity = similarity_histogram()
        self.sampled: dict[str, list[tuple[bytes, str, dict]]] = {rule: [] for rule in RULES}
        self.closest: dict | None = None

    def add(self, batch: pa.RecordBatch) -> None:
        rules = batch.column("rule")
        counted = pc.value_counts(rules)
        values, counts = counted.field("values").to_pylist(), counted.field("counts").to_pylist()
        self.removals.update(dict(zip(values, counts, strict=True)))
        near = batch.filter(pc.and_(pc.equal(rules, "near"), pc.is_valid(batch["similarity"])))
        self.similarity.add(near.column("similarity").to_numpy())
        for row in batch.to_pylist():
            # A max-heap of the lowest ranks: the rank is negated by inverting its bytes.
            entry = (bytes(255 - b for b in id_rank(row["id"])), row["id"], row)
            heap = self.sampled.setdefault(row["rule"], [])
            if len(heap) < SAMPLED_PER_RULE:
                heapq.heappush(heap, entry)
            elif entry[:2] > heap[0][:2]:
                heapq.heapreplace(heap, entry)
        if near.num_rows:
            lowest = min(near.to_pylist(), key=lambda row: (row["similarity"], row["id"]))
            if self.closest is None or (lowest["similarity"], lowest["id"]) < (
                self.closest["similarity"],
                self.closest["id"],
            ):
                self.closest = lowest

    def sample(self) -> list[dict]:
        """The sampled rows, rule by rule (the closest to the threshold first), each once."""
        rows: list[dict] = []
        for rule in sorted(self.sampled, key=lambda r: RULES.index(r) if r in RULES else 99):
            ranked = sorted(self.sampled[rule], key=lambda entry: entry[:2], reverse=True)
            picked = [row for _, _, row in ranked]
            if rule == "near" and self.closest is not None:
                picked = [self.closest] + [r for r in picked if r["id"] != self.closest["id"]]
            rows += picked
        return rows

    def wanted_ids(self) -> set[str]:
        return {doc_id for row in self.sample() for doc_id in (row["id"], row["kept_id"])}


class DuplicateReport:
    """The removals of every dedup stage of a run, and the texts their samples need."""

    def __init__(self) -> None:
        self.stages: list[StageDuplicates] = []
        self.texts: dict[str, dict[str, str]] = {}  # input stage label -> id -> text

    def add_stage(self, stage: StageOutput, input_stage: StageOutput | None, batches) -> None:
        """`batches`: the audit table's record batches (`AUDIT_COLUMNS`)."""
        duplicates = StageDuplicates(stage, input_stage.label if input_stage else None)
        for batch in batches:
            duplicates.add(batch)
        self.stages.append(duplicates)

    def wanted(self, label: str) -> set[str]:
        """The ids whose text the samples need from the documents stage `label`."""
        return {
            doc_id
            for duplicates in self.stages
            if duplicates.input_label == label
            for doc_id in duplicates.wanted_ids()
        }

    def add_texts(self, label: str, ids: list[str], texts: list[str]) -> None:
        self.texts.setdefault(label, {}).update(zip(ids, texts, strict=True))

    def histogram_series(self) -> dict[str, Histogram]:
        return {d.stage.label: d.similarity for d in self.stages}

    def to_list(self, excerpt: Callable[[str], str]) -> list[dict]:
        """Per dedup stage: removals per rule and the sampled pairs, texts as `excerpt`s."""
        entries = []
        for duplicates in self.stages:
            texts = self.texts.get(duplicates.input_label or "", {})
            pairs = []
            for row in duplicates.sample():
                kept, removed = texts.get(row["kept_id"]), texts.get(row["id"])
                start = 0
                if row["rule"] == "near" and kept is not None and removed is not None:
                    start = excerpt_start(kept, removed)
                pairs.append(
                    {
                        "rule": row["rule"],
                        "similarity": row["similarity"],
                        "kept_id": row["kept_id"],
                        "kept_excerpt": excerpt_from(kept, start, excerpt),
                        "removed_id": row["id"],
                        "removed_excerpt": excerpt_from(removed, start, excerpt),
                    }
                )
            entries.append(
                {
                    "stage": duplicates.stage.label,
                    "removed": [
                        {"reason": rule, "count": count}
                        for rule, count in sorted(duplicates.removals.items())
                    ],
                    "pairs": pairs,
                }
            )
        return entries


def excerpt_start(a: str, b: str) -> int:
    """Where near-duplicates' excerpts start: `CONTEXT_CHARS` before the first character
    in which they differ, so that the sample shows a difference, not a shared beginning."""
    shared = min(len(a), len(b))
    differ = next((i for i in range(shared) if a[i] != b[i]), shared)
    return max(0, differ - CONTEXT_CHARS)


def excerpt_from(text: str | None, start: int, excerpt: Callable[[str], str]) -> str | None:
    if text is None:
        return None
    return excerpt(text[start:]) if start == 0 else "…" + excerpt(text[start:])
