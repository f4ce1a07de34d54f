"""The hashed linear quality model: its n-gram buckets, its file and its probabilities."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from corpus.filters.hashed_linear import (
    BITS,
    HashedLinearModel,
    is_hashed_linear,
    load_hashed_linear,
    ngram_buckets,
)


def test_a_text_has_its_character_one_to_three_grams() -> None:
    buckets, counts = ngram_buckets("本を読む本")
    # 5 + 4 + 3 n-grams; 本 twice, the rest once.
    assert counts.sum() == 12 and sorted(counts.tolist()) == [1] * 10 + [2]
    assert buckets.tolist() == sorted(set(buckets.tolist()))
    assert ((buckets >= 0) & (buckets < 2**BITS)).all()
    # Lower case, whitespace runs as one space, ends stripped.
    same = ngram_buckets(" Ab\n\t c ")
    assert np.array_equal(same[0], ngram_buckets("ab c")[0])
    assert ngram_buckets("ab")[1].sum() == 3 and ngram_buckets("a")[1].sum() == 1
    assert len(ngram_buckets("")[0]) == 0


def model(bias: float = -0.5) -> HashedLinearModel:
    weights = np.zeros(2**BITS)
    idf = np.full(2**BITS, 3.0)
    good, _ = ngram_buckets("本")
    weights[good] = 2.0
    idf[good] = 1.5
    return HashedLinearModel(weights, idf, 3.0, bias, ("bad", "good"))


def test_probability_is_the_sigmoid_of_the_unit_tfidf_vector() -> None:
    text = "本本x"
    buckets, counts = ngram_buckets(text)
    idf = np.where(np.isin(buckets, ngram_buckets("本")[0]), 1.5, 3.0)
    values = (1 + np.log(counts)) * idf
    share = (1 + math.log(2)) * 1.5 / math.sqrt(values @ values)
    expected = 1 / (1 + math.exp(-(2.0 * share - 0.5)))
    assert model().probabilities([text], "good") == [pytest.approx(expected, abs=1e-12)]
    assert model().probabilities([text], "bad") == [pytest.approx(1 - expected, abs=1e-12)]
    # No n-gram at all: the bias alone.
    assert model().probabilities([""], "good") == [pytest.approx(1 / (1 + math.exp(0.5)))]


def test_the_file_holds_the_seen_buckets_and_reads_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "quality.npz"
    model().save(path)
    again = tmp_path / "again.npz"
    model().save(again)
    assert path.read_bytes() == again.read_bytes()
    assert is_hashed_linear(str(path))
    with np.load(path) as archive:
        assert archive["buckets"].tolist() == ngram_buckets("本")[0].tolist()
    read = load_hashed_linear(str(path))
    assert read is load_hashed_linear(str(path))
    assert read.labels == ("bad", "good") and read.unseen_idf == 3.0
    texts = ["本を読む", "ホーム | 会社概要", "x"]
    assert read.probabilities(texts, "good") == model().probabilities(texts, "good")


def test_other_files_are_not_taken_for_a_model(tmp_path: Path) -> None:
    other = tmp_path / "fasttext.bin"
    other.write_bytes(b"\xba\x16O/" + bytes(60))  # fastText's magic number first
    assert not is_hashed_linear(str(other))
    with pytest.raises(ValueError, match=r"fasttext\.bin is not a hashed linear model"):
        HashedLinearModel.read(str(other))
    archive = tmp_path / "arrays.npz"
    np.savez(archive, weights=np.zeros(3))
    with pytest.raises(ValueError, match=r"arrays\.npz is not a hashed linear model"):
        HashedLinearModel.read(str(archive))
