"""A document's fingerprint: the little the deduplication decisions need, instead of the
document itself.

The dedup stage never moves documents through a shuffle: it reads each input file, turns
every document into a `Fingerprint` of a few hundred bytes (where it is, how to order it,
its URL and text keys, its LSH bucket keys), decides on fingerprints alone, and then
re-reads each file to write the documents it kept. A runner that holds shuffled data in
memory (Beam's local FnApiRunner) thus holds fingerprints, not the corpus.

Which copy of a set of duplicates is kept is decided by an order, a total order on
fingerprints, so the choice does not depend on the order fingerprints arrive in and can be
made pairwise by a combiner. Documents of an earlier run (incremental dedup) always come
first: they are already published, so it is the new copy that goes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

import numpy as np

from corpus.dedup.config import DedupConfig
from corpus.dedup.exact import text_hash, url_key
from corpus.dedup.lsh import band_keys, optimal_params
from corpus.dedup.minhash import (
    MinHasher,
    char_shingle_hashes,
    polynomial_hash32,
    sha1_digests,
    sha1_hash64,
)
from corpus.dedup.shingles import document_shingles, without_whitespace
from corpus.schema import Document, document_key
from corpus.text.segmenter import WordSegmenter


class Fingerprint(NamedTuple):
    """One document, as the deduplication steps see it (a tuple: compact when pickled)."""

    ref: str
    """Where the document is: `FFFFFF:RRRRRRRRR`, its file's index among the stage's inputs
    and its row in that file (`pFFFFFF:...` for an earlier run's signature files)."""
    id: str
    warc_file: str
    warc_offset: int
    date: int | None
    """Seconds since the epoch: as an int a date costs 5 bytes in a shuffle, as a datetime
    (pickled with its time zone) 129, a quarter of the fingerprint."""
    text_length: int
    url_key: str
    text_key: str
    band_keys: tuple[bytes, ...]
    cluster_size: int = 1
    """How many input documents this one stands for, itself included."""
    previous: bool = False
    """From an earlier run's signatures: never removed, never written again."""


def epoch_seconds(date: datetime | None) -> int | None:
    return None if date is None else math.floor(date.timestamp())


def make_ref(file_index: int, row: int, previous: bool = False) -> str:
    return f"{'p' if previous else ''}{file_index:06d}:{row:09d}"


def parse_ref(ref: str) -> tuple[int, int]:
    """(file index, row) of a current-run reference."""
    file_index, row = ref.split(":")
    return int(file_index), int(row)


def cluster_id(kept: Fingerprint) -> str:
    """The id of the cluster a kept document stands for: a hash of that document's key."""
    return hashlib.blake2b(document_key(kept).encode("utf-8"), digest_size=8).hexdigest()


def _identity(fingerprint: Fingerprint) -> tuple[bool, str, str, int]:
    return (
        not fingerprint.previous,
        fingerprint.id,
        fingerprint.warc_file,
        fingerprint.warc_offset,
    )


def earliest_first(fingerprint: Fingerprint) -> tuple:
    """Text copies: keep the earliest dated (the likely original), then the smallest id."""
    date = math.inf if fingerprint.date is None else fingerprint.date
    return (not fingerprint.previous, date, *_identity(fingerprint))


def newest_first(fingerprint: Fingerprint) -> tuple:
    """URL copies across dumps, `newest`: the latest capture, then the smallest id."""
    newest = math.inf if fingerprint.date is None else -fingerprint.date
    return (not fingerprint.previous, newest, *_identity(fingerprint))


def longest_first(fingerprint: Fingerprint) -> tuple:
    """URL copies across dumps, `longest`: the longest text, then the smallest id."""
    return (not fingerprint.previous, -fingerprint.text_length, *_identity(fingerprint))


Order = Callable[[Fingerprint], tuple]
URL_ORDER: dict[str, Order] = {"newest": newest_first, "longest": longest_first}


def merge_copies(a: Fingerprint, b: Fingerprint, order: Order) -> Fingerprint:
    """The copy `order` prefers, standing for both: cluster sizes add up."""
    kept = a if order(a) <= order(b) else b
    return kept._replace(cluster_size=a.cluster_size + b.cluster_size)


class Fingerprinter:
    """Document -> (fingerprint, MinHash signature) under one dedup configuration.

    Picklable and small (the word segmenter, when words are the shingles, loads lazily)."""

    def __init__(self, config: DedupConfig) -> None:
        minhash = config.minhash
        self.minhash = minhash.enabled
        self.n = minhash.n
        self.polynomial = minhash.shingle_hash == "polynomial"
        self.segmenter = WordSegmenter("sudachi") if minhash.shingles == "words" else None
        self.hasher = MinHasher(minhash.num_perm, minhash.seed)
        self.bands, self.rows = optimal_params(
            minhash.candidate_threshold,
            minhash.num_perm,
            minhash.false_positive_weight,
            minhash.false_negative_weight,
        )

    def shingles(self, text: str) -> set[bytes]:
        return document_shingles(text, self.n, self.segmenter)

    def signature(self, text: str) -> np.ndarray:
        if not self.polynomial:
            return self.hasher.signature(self.shingles(text))
        if self.segmenter is None:
            hashes = char_shingle_hashes(without_whitespace(text), self.n)
        else:
            hashes = np.array(list(map(polynomial_hash32, self.shingles(text))), np.uint32)
        return self.hasher.signature_of_hashes(hashes)

    def shingle_ids(self, text: str) -> np.ndarray:
        """The text's distinct shingles as 64-bit ids, sorted: for exact Jaccard."""
        return np.unique(sha1_hash64(sha1_digests(self.shingles(text))))

    def __call__(self, document: Document, ref: str) -> tuple[Fingerprint, np.ndarray | None]:
        text = document.text  # joined once: every key below reads it
        signature = self.signature(text) if self.minhash else None
        fingerprint = Fingerprint(
            ref=ref,
            id=document.id,
            warc_file=document.warc_file,
            warc_offset=document.warc_offset,
            date=epoch_seconds(document.date),
            text_length=len(text),
            url_key=url_key(document),
            text_key=text_hash(text),
            band_keys=self.band_keys(signature) if signature is not None else (),
        )
        return fingerprint, signature

    def band_keys(self, signature: np.ndarray) -> tuple[bytes, ...]:
        return band_keys(signature, self.bands, self.rows)
