"""MinHash-LSH core: shingles, signatures equal to datasketch's, LSH parameters and recall
on the livedoor near-duplicate pairs."""

from __future__ import annotations

import hashlib
import itertools
import json
import pickle
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from datasketch.lsh import _optimal_param

from corpus.dedup.config import DedupConfig, MinHashConfig
from corpus.dedup.fingerprint import Fingerprinter
from corpus.dedup.lsh import band_keys, jaccard, optimal_params
from corpus.dedup.minhash import (
    MAX_HASH,
    POLYNOMIAL_MULTIPLIER,
    MinHasher,
    char_shingle_hashes,
    polynomial_hash32,
)
from corpus.dedup.shingles import char_shingles, document_shingles, word_shingles
from corpus.schema import Document, Paragraph
from corpus.text.segmenter import WordSegmenter

LIVEDOOR = "ja_text/livedoor-news-corpus"


def livedoor_document(path: Path) -> Document:
    """An article's body as a document: the lines after the URL, date and title lines (the
    text the near-duplicate file's Jaccard values were computed on)."""
    _url, _date, _title, *body = path.read_text(encoding="utf-8").splitlines()
    paragraphs = [Paragraph(line) for line in body if line.strip()]
    return Document(id=f"{path.parent.name}/{path.name}", paragraphs=paragraphs)


@pytest.fixture(scope="module")
def articles(fixtures: Path) -> dict[str, Document]:
    paths = sorted((fixtures / LIVEDOOR / "text").glob("*/*-*.txt"))
    return {d.id: d for d in map(livedoor_document, paths)}


@pytest.fixture(scope="module")
def article_shingles(articles: dict[str, Document]) -> dict[str, set[bytes]]:
    return {name: document_shingles(d.text) for name, d in articles.items()}


@pytest.fixture(scope="module")
def neardup_pairs(fixtures: Path) -> list[dict]:
    return json.loads((fixtures / LIVEDOOR / "neardup_pairs_subset.json").read_text())["pairs"]


def datasketch_hashvalues(shingles: set[bytes], num_perm: int, seed: int) -> np.ndarray:
    minhash = MinHash(num_perm, seed)
    minhash.update_batch(shingles)
    return minhash.hashvalues


# Shingles


def test_char_shingles_remove_whitespace_and_nothing_else():
    assert char_shingles("が か\u3000ぱ\nﾊﾞ", n=3) == {
        s.encode() for s in ("がかぱ", "かぱﾊ", "ぱﾊﾞ")
    }
    assert char_shingles("がか", n=2) != char_shingles("かか", n=2)
    # A combining voiced mark is a character of its own; it is kept, not folded.
    assert char_shingles("か\u3099き", n=2) == {"か\u3099".encode(), "\u3099き".encode()}


def test_char_shingles_short_and_empty_texts():
    assert char_shingles("ab c", n=5) == {b"abc"}
    assert char_shingles("abcde", n=5) == {b"abcde"}
    assert char_shingles(" \n\u3000", n=5) == set()
    assert char_shingles("abcabcab", n=3) == {b"abc", b"bca", b"cab"}


def test_word_shingles_join_words_with_a_space():
    assert word_shingles(["吾輩", "は", "猫"], 2) == {"吾輩 は".encode(), "は 猫".encode()}
    assert word_shingles(["吾輩", "は"], 3) == {"吾輩 は".encode()}
    assert word_shingles([], 3) == set()


def test_document_shingles_with_a_segmenter_are_word_ngrams():
    text = "吾輩は猫である。\n名前は　まだ無い。"
    assert document_shingles(text, 2, WordSegmenter("fugashi")) == word_shingles(
        ["吾輩", "は", "猫", "で", "ある", "。", "名前", "は", "まだ", "無い", "。"], 2
    )
    assert document_shingles(text) == char_shingles(text, 5)


# Signatures


@pytest.mark.parametrize("seed", [1, 7, 2**31 + 5])
@pytest.mark.parametrize("num_perm", [1, 16, 112, 256])
def test_signatures_equal_datasketch_on_livedoor(article_shingles, num_perm, seed):
    hasher = MinHasher(num_perm, seed)
    for name in list(article_shingles)[::40]:
        signature = hasher.signature(article_shingles[name])
        expected = datasketch_hashvalues(article_shingles[name], num_perm, seed)
        assert signature.dtype == expected.dtype == np.uint32
        assert np.array_equal(signature, expected), name


def test_long_document_signature_spans_chunks(articles):
    text = "".join(d.text for d in articles.values())
    shingles = char_shingles(text)
    assert len(shingles) > 100_000
    assert np.array_equal(MinHasher().signature(shingles), datasketch_hashvalues(shingles, 112, 1))


@pytest.mark.parametrize(
    "shingles",
    [set(), {b"a"}, {"がぎぐげご".encode()}, {"😀🍣".encode(), b"", "ｶﾞｲﾄﾞ".encode()}, {b"x" * 200}],
)
def test_signature_edge_cases_equal_datasketch(shingles):
    signature = MinHasher(112, 1).signature(shingles)
    assert np.array_equal(signature, datasketch_hashvalues(shingles, 112, 1))


def test_empty_set_signature_is_all_max_hash():
    assert MAX_HASH == 2**32 - 1
    assert MinHasher(16).signature(set()).tolist() == [2**32 - 1] * 16


def test_signature_is_order_and_duplicate_independent():
    shingles = [s.encode() for s in ("あいうえお", "いうえおか", "うえおかき")]
    hasher = MinHasher()
    assert np.array_equal(hasher.signature(shingles), hasher.signature(shingles[::-1] * 2))


def test_minhasher_pickles_small_and_equal():
    hasher = MinHasher(112, 3)
    data = pickle.dumps(hasher)
    assert len(data) < 2_000
    clone = pickle.loads(data)
    assert np.array_equal(clone.signature({b"abc"}), hasher.signature({b"abc"}))


# The polynomial shingle hash


def polynomial_datasketch(shingles: set[bytes], num_perm: int, seed: int) -> np.ndarray:
    minhash = MinHash(num_perm, seed, hashfunc=polynomial_hash32)
    for shingle in shingles:
        minhash.update(shingle.decode("utf-8"))
    return minhash.hashvalues


def fingerprinter(**minhash) -> Fingerprinter:
    return Fingerprinter(DedupConfig(minhash=MinHashConfig(**minhash)))


def test_polynomial_hash_by_hand():
    m = POLYNOMIAL_MULTIPLIER
    assert polynomial_hash32("") == 0
    assert polynomial_hash32("a") == 97
    assert polynomial_hash32("あい") == (0x3042 * m + 0x3044) % 2**32
    assert polynomial_hash32("あい".encode()) == polynomial_hash32("あい")
    assert polynomial_hash32("ab") != polynomial_hash32("ba")


@pytest.mark.parametrize(
    "text", ["", "abc", "abcde", "がぎぐげご😀🍣ｶﾞｲﾄﾞ", "ab" * 50, "か\u3099きく𠮷野家です"]
)
def test_vectorised_char_shingle_hashes_equal_the_per_shingle_hash(text):
    n = 5
    expected = (
        [polynomial_hash32(text[i : i + n]) for i in range(len(text) - n + 1)]
        if len(text) > n
        else [polynomial_hash32(text)] * bool(text)
    )
    assert char_shingle_hashes(text, n).tolist() == expected


@pytest.mark.parametrize("num_perm,seed", [(112, 1), (16, 7)])
def test_polynomial_signatures_equal_datasketch_given_the_hashfunc(articles, num_perm, seed):
    hashing = fingerprinter(num_perm=num_perm, seed=seed, shingle_hash="polynomial")
    for name, document in list(articles.items())[::10]:
        expected = polynomial_datasketch(document_shingles(document.text), num_perm, seed)
        assert np.array_equal(hashing.signature(document.text), expected), name
    empty = Document(id="empty", paragraphs=[Paragraph(" \u3000")])
    assert hashing.signature(empty.text).tolist() == [2**32 - 1] * num_perm


def test_sha1_fingerprints_equal_plain_datasketch(articles):
    hashing = fingerprinter(shingle_hash="sha1")
    for document in list(articles.values())[::25]:
        expected = datasketch_hashvalues(document_shingles(document.text), 112, 1)
        assert np.array_equal(hashing.signature(document.text), expected)


def test_word_shingles_hash_polynomially_too():
    hashing = fingerprinter(shingles="words", n=2, shingle_hash="polynomial")
    document = Document(id="w", paragraphs=[Paragraph("吾輩は猫である。名前はまだ無い。")])
    shingles = hashing.shingles(document.text)
    assert b" " in next(iter(shingles))
    assert np.array_equal(hashing.signature(document.text), polynomial_datasketch(shingles, 112, 1))


# LSH parameters and keys


def test_optimal_params_equal_datasketch():
    grid = [
        (threshold, num_perm, weights)
        for num_perm in (8, 64, 112, 256)
        for threshold in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
        for weights in ([(0.5, 0.5), (0.3, 0.7), (0.9, 0.1)] if num_perm == 112 else [(0.5, 0.5)])
    ]
    for threshold, num_perm, weights in grid:
        expected = _optimal_param(threshold, num_perm, *weights)
        assert optimal_params(threshold, num_perm, *weights) == expected, (threshold, num_perm)
    assert optimal_params(0.8, 112) == (9, 12)


def test_band_keys_separate_bands_and_skip_unused_values():
    signature = np.array([7, 7, 7, 7, 9], dtype=np.uint32)
    keys = band_keys(signature, bands=2, rows=2)
    band = hashlib.blake2b(b"\x07\0\0\0" * 2, digest_size=8).digest()
    assert keys == (b"\x00\x00" + band, b"\x00\x01" + band)
    with pytest.raises(ValueError):
        band_keys(signature, bands=3, rows=2)


def test_jaccard():
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert jaccard({1}, set()) == 0.0
    assert jaccard(set(), set()) == 1.0


# Near-duplicates in livedoor


def test_exact_jaccard_matches_the_neardup_file(article_shingles, neardup_pairs):
    assert len(neardup_pairs) == 53
    for pair in neardup_pairs:
        exact = jaccard(article_shingles[pair["a"]], article_shingles[pair["b"]])
        assert round(exact, 4) == pair["jaccard_char5"], (pair["a"], pair["b"])


def test_lsh_on_livedoor_at_threshold_0_8(article_shingles, neardup_pairs):
    names = sorted(article_shingles)
    assert len(names) == 203
    exact = {
        pair: jaccard(*map(article_shingles.get, pair)) for pair in itertools.combinations(names, 2)
    }
    similar = {pair for pair, j in exact.items() if j >= 0.8}
    listed = {tuple(sorted((p["a"], p["b"]))) for p in neardup_pairs if p["jaccard_char5"] >= 0.8}
    # The file lists every pair of these articles at Jaccard >= 0.8.
    assert similar == listed and len(listed) == 33

    bands, rows = optimal_params(0.8, 112)
    hasher = MinHasher(112, 1)
    buckets = defaultdict(list)
    for name in names:
        for key in band_keys(hasher.signature(article_shingles[name]), bands, rows):
            buckets[key].append(name)
    candidates = {pair for bucket in buckets.values() for pair in itertools.combinations(bucket, 2)}

    # 9 bands x 12 rows finds a pair at Jaccard 0.8 with probability 1 - (1 - 0.8**12)**9 = 0.47.
    assert len(candidates & listed) == 28  # recall 28/33 = 0.85
    assert min(exact[pair] for pair in listed - candidates) > 0.8
    assert len(candidates) == 49  # precision before verification 28/49 = 0.57
    verified = {pair for pair in candidates if exact[pair] >= 0.8}
    assert verified == candidates & listed  # precision after verification 1.0

    lsh = MinHashLSH(threshold=0.8, num_perm=112)
    minhashes = {}
    for name in names:
        minhashes[name] = MinHash(112, 1)
        minhashes[name].update_batch(article_shingles[name])
        lsh.insert(name, minhashes[name])
    datasketch_candidates = {
        tuple(sorted((name, other)))
        for name in names
        for other in lsh.query(minhashes[name])
        if other != name
    }
    assert datasketch_candidates == candidates
