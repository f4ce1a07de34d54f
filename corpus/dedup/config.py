"""The `dedup` section of the run's configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from corpus.config_section import Section, YamlOff

CANDIDATE_THRESHOLD = 0.6
"""MinHash-LSH bands x rows are tuned for this Jaccard similarity by default (measured on
benchmarks/dedup_quality.py: see `MinHashConfig.candidate_threshold`)."""


class MinHashConfig(Section):
    """Near-duplicate documents by MinHash-LSH, one document kept per cluster.

    Two thresholds: LSH (bands x rows) finds candidate pairs, tuned for recall at
    `candidate_threshold`; each candidate is then decided at `threshold` by `verify`.
    Guarantee (with `verify: exact`): every document removed as a near-duplicate has an
    exact shingle Jaccard >= `threshold` with the document kept for its cluster; a document
    that does not reach it against that kept document is kept itself (a chain of pairs
    above the threshold never removes a document below it)."""

    enabled: bool = True
    """Run MinHash-LSH near-duplicate removal."""
    shingles: Literal["chars", "words"] = "chars"
    """Character n-grams (no segmenter needed for Japanese) or word n-grams (SudachiPy)."""
    n: int = Field(5, ge=1, le=64)
    """Shingle length in characters or words."""
    shingle_hash: Literal["polynomial", "sha1"] = "polynomial"
    """How a shingle becomes the 32-bit value MinHash permutes: `polynomial` over its code
    points, vectorised (several times faster; equal to datasketch's MinHash given
    `hashfunc=corpus.dedup.minhash.polynomial_hash32`), or `sha1`, datasketch's default
    (for signatures comparable with plain `datasketch.MinHash`'s)."""
    num_perm: int = Field(112, ge=8, le=1024)
    """Permutations per signature (datatrove and FineWeb: 112 = 14 bands x 8 rows)."""
    threshold: float = Field(0.8, gt=0.0, lt=1.0)
    """The decision: a candidate pair is a near-duplicate when its Jaccard similarity (as
    `verify` measures it) is at least this."""
    candidate_threshold: float = Field(CANDIDATE_THRESHOLD, gt=0.0, lt=1.0)
    """The Jaccard similarity bands x rows are chosen for (as datasketch chooses them for
    its threshold); at most `threshold`. Lower finds more of the pairs at `threshold`
    (112 permutations: a pair at J 0.8 becomes a candidate with probability 0.47 when
    bands x rows are chosen for 0.8, 0.98 for 0.6, 0.9998 for 0.5), at the cost of more
    candidates to verify."""
    false_positive_weight: float = Field(0.5, ge=0.0, le=1.0)
    """Weight of false positives when choosing bands x rows (datasketch's default)."""
    false_negative_weight: float = Field(0.5, ge=0.0, le=1.0)
    """Weight of false negatives when choosing bands x rows (datasketch's default)."""
    seed: int = Field(1, ge=0)
    """Seed of the permutations (datasketch's default is 1)."""
    verify: YamlOff[Literal["off", "signatures", "exact"]] = "exact"
    """How candidate pairs, and each removed document against its cluster's kept document,
    are measured against `threshold`: `exact`, the exact shingle Jaccard (the candidates are
    read and shingled again, and their shingle hashes cross a shuffle, about 8 bytes per
    shingle); `signatures`, the share of agreeing signature values (MinHash's estimate:
    cheaper, but with standard error sqrt(J(1-J)/num_perm), 0.038 at J 0.8 and 112
    permutations, it admits pairs below the threshold and misses some above it); or `off`,
    every candidate pair is a near-duplicate and clusters are not checked (pairs and chains
    far below the threshold are removed). Measured (benchmarks/dedup_quality.py, livedoor
    articles, seeds 1-10, J >= 0.8): `exact` with `candidate_threshold` 0.6 recall 0.96-1.00,
    precision 1.00; `signatures` with bands x rows for 0.8 recall 0.79-0.96, precision
    0.69-0.96. Its cost: the stage on benchmarks/dedup_scale.py's 20,000 documents (2
    workers, a shared 2-core machine) took 79 s against 23-37 s with `signatures`."""

    @model_validator(mode="after")
    def _candidates_below_decision(self) -> MinHashConfig:
        if self.candidate_threshold > self.threshold:
            raise ValueError(
                f"candidate_threshold {self.candidate_threshold} is above threshold "
                f"{self.threshold}: pairs between them could never become candidates"
            )
        return self


class DedupConfig(Section):
    """Documents -> one document per cluster of duplicates."""

    url: YamlOff[Literal["off", "newest", "longest"]] = "newest"
    """Documents with the same URL (across dumps): keep the newest capture or the longest
    text; `off` keeps all."""
    exact: bool = True
    """Documents with the same normalised text: keep the earliest dated."""
    minhash: MinHashConfig = MinHashConfig()
    """Near-duplicate documents."""
    previous: list[str] = []  # noqa: RUF012  (a pydantic field: copied per model)
    """Signature files of earlier dedup runs (globs of their `dedup.meta/signatures/*.parquet`): new
    documents that duplicate those runs' documents (by URL, text or MinHash) are removed;
    the earlier documents always win and are not written again. Incremental, cross-dump
    dedup without re-reading the earlier text."""
