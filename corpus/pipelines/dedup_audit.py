"""The dedup stage's audit: for every document it removed, the kept document it duplicates.

`duplicates/duplicates-SSSSS-of-NNNNN.parquet` under the stage's output, one row per
document of this run that a step removed (ids only, no text, so it stays small):

- `id`: the removed document;
- `kept_id`: the document it was removed for (an earlier run's document in incremental
  dedup);
- `rule`: `url` (the same URL key), `exact` (the same normalised text) or `near`
  (MinHash-LSH);
- `similarity`: for `near`, the Jaccard similarity with the kept document as `verify`
  measured it (exact shingle Jaccard with `verify: exact`, except against an earlier
  run's document, whose text is not read again: the signatures' estimate); 1.0 for
  `exact`; null for `url`, and for `near` with `verify: off`.

The steps run in the order url, exact, near, so the document a step kept may be removed by
a later step: its own row then names the document kept for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import apache_beam as beam
import pyarrow as pa

from corpus.dedup.fingerprint import Fingerprint
from corpus.io.shards import ParquetFormat
from corpus.layout import DUPLICATES_DIR, DUPLICATES_PREFIX, side_path
from corpus.pipelines.sharded_write import WriteShards

RECORDS_PER_SHARD = 1_000_000
"""About 60 bytes a row before compression: a shard of 1M rows is tens of MB in memory."""

DUPLICATES_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("kept_id", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("similarity", pa.float64()),
    ]
)


def removal(doc_id: str, kept_id: str, rule: str, similarity: float | None) -> dict:
    return {"id": doc_id, "kept_id": kept_id, "rule": rule, "similarity": similarity}


def _keyed_removals(element: tuple[str, dict], rule: str, similarity: float | None) -> Iterator:
    _, grouped = element
    for kept in grouped["kept"]:
        for ref, doc_id in grouped["copies"]:
            if ref != kept.ref:
                yield removal(doc_id, kept.id, rule, similarity)


class KeyedRemovals(beam.PTransform):
    """(fingerprints before a step that keeps one per key, those after it) -> a row for each
    document of this run the step removed, naming the document kept for its key. Only
    references and ids are grouped by key, never the fingerprints of the copies."""

    def __init__(
        self, key: Callable[[Fingerprint], str], rule: str, similarity: float | None
    ) -> None:
        super().__init__()
        self.key = key
        self.rule = rule
        self.similarity = similarity

    def expand(self, before_after: tuple[beam.PCollection, beam.PCollection]) -> beam.PCollection:
        before, after = before_after
        key = self.key
        kept = after | "KeptByKey" >> beam.FlatMap(lambda f: [(key(f), f)] if key(f) else [])
        copies = before | "CopiesByKey" >> beam.FlatMap(
            lambda f: [(key(f), (f.ref, f.id))] if key(f) and not f.previous else []
        )
        return (
            {"kept": kept, "copies": copies}
            | "JoinKept" >> beam.CoGroupByKey()
            | "Removals" >> beam.FlatMap(_keyed_removals, self.rule, self.similarity)
        )


def _sort_key(row: dict) -> str:
    return f"{row['id']}\t{row['kept_id']}\t{row['rule']}"


class WriteDuplicates(beam.PTransform):
    """Removal rows -> the paths of the `duplicates/` Parquet files."""

    def __init__(self, output: str) -> None:
        super().__init__()
        self.output = output

    def expand(self, removals: beam.PCollection) -> beam.PCollection:
        return removals | "Write" >> WriteShards(
            side_path(self.output, DUPLICATES_DIR),
            DUPLICATES_PREFIX,
            ParquetFormat(DUPLICATES_SCHEMA, dict),
            _sort_key,
            RECORDS_PER_SHARD,
        )
