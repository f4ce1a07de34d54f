"""The deduplication stage in Beam: documents -> one document per cluster of duplicates.

    documents -> same URL (across dumps): keep the newest or the longest
      -> same normalised text: keep the earliest
      -> near-duplicates (MinHash-LSH): keep the earliest of each cluster
      -> kept documents, each with cluster_id and cluster_size (how many it stands for)

Each step keeps its choice with a combiner, so no step gathers the corpus, a cluster or a
key's copies on one worker. The accounting counts the documents between the steps:
read = kept + url_duplicate + exact_duplicate + near_duplicate.
"""

from __future__ import annotations

import apache_beam as beam

from corpus.config import DedupConfig
from corpus.dedup.exact import URL_ORDER, earliest_first, text_key, url_key
from corpus.pipelines.exact_dedup import DeduplicateBy
from corpus.pipelines.minhash_dedup import MinHashDeduplicate


def _outcome_counts(_, read: int, *after_steps: tuple[str, int]) -> list:
    """((kind, name), count) pairs: what each step removed, and what is left."""
    counts, before = [], read
    for name, after in after_steps:
        counts.append((("outcome", name), before - after))
        before = after
    return [*counts, (("outcome", "kept"), before)]


class DeduplicateDocuments(beam.PTransform):
    """Documents -> (kept documents, `((kind, name), count)` pairs for the stage's stats)."""

    def __init__(self, config: DedupConfig) -> None:
        super().__init__()
        self.config = config

    def expand(self, documents: beam.PCollection) -> tuple[beam.PCollection, beam.PCollection]:
        read = beam.pvalue.AsSingleton(documents | "CountRead" >> beam.combiners.Count.Globally())
        steps = []
        if self.config.url != "off":
            steps.append(("url_duplicate", DeduplicateBy(url_key, URL_ORDER[self.config.url])))
        if self.config.exact:
            steps.append(("exact_duplicate", DeduplicateBy(text_key, earliest_first)))
        if self.config.minhash.enabled:
            steps.append(("near_duplicate", MinHashDeduplicate(self.config.minhash)))
        after_steps = []
        for name, step in steps:
            documents = documents | name >> step
            count = documents | f"Count_{name}" >> beam.combiners.Count.Globally()
            named = count | f"Name_{name}" >> beam.Map(lambda n, name=name: (name, n))
            after_steps.append(beam.pvalue.AsSingleton(named))
        counts = (
            documents.pipeline
            | "Start" >> beam.Create([None])
            | "Outcomes" >> beam.FlatMap(_outcome_counts, read, *after_steps)
        )
        return documents, counts
