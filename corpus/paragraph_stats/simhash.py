"""128-bit SimHash of a paragraph over its character 2-, 3- and 4-grams, as Uzushio computes it.

Uzushio's signature is a random-hyperplane SimHash: every n-gram occurrence adds a vector
of 128 standard-normal weights drawn from a generator seeded by the n-gram's hash, and bit
`i` is set when component `i` of the sum is positive. Bit `i` of two texts then agrees with
probability 1 - angle/pi, the angle between their n-gram count vectors, which is what its
"at least 76 of 128 bits agree" pre-filter relies on. This module builds the same signature:
the same n-grams (every 2-, 3- and 4-gram of characters that does not span a line break,
counted as often as it occurs), normal weights, 128 bits, bit `i` = component `i` > 0; a
text without any n-gram (shorter than 2 characters) gets 0.

The bits are not Uzushio's bits. Uzushio hashes n-grams with its own 64-bit mix and draws
the weights with dsiutils' xorshift64* and the JDK's ziggurat tables, which are not
reproduced here. Here an n-gram's hash seeds SplitMix64, whose output bytes pick normal
quantiles (256 levels, fixed-point so sums are exact on every machine): the signature has
the same distribution, so the 76-bit threshold means the same. Characters are code points
(Java's are UTF-16 units: the two differ only outside the BMP).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from corpus.text.code_points import code_points

SIMHASH_BITS = 128
MIN_NGRAM = 2
MAX_NGRAM = 4

_U64 = np.uint64
_NGRAM_SEED = _U64(0x2545F4914F6CDD1D)
_NGRAM_MULTIPLIER = _U64(0x100000001B3)
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
# One SplitMix64 counter per 8 bits of the signature: 16 words give 128 weight bytes.
_STREAM_OFFSETS = np.array(
    [(k * _GOLDEN_GAMMA) & _MASK64 for k in range(1, SIMHASH_BITS // 8 + 1)], dtype=_U64
)
# Bounds the weight matrix (640 bytes per n-gram) for very long paragraphs.
_NGRAMS_PER_CHUNK = 4096
# Weight for a uniformly random byte b: the normal quantile at the middle of its 1/256 slice,
# in units of 2**-16 so that sums are exact integers, the same on every machine.
_NORMAL_WEIGHTS = np.array(
    [round(NormalDist().inv_cdf((b + 0.5) / 256) * 2**16) for b in range(256)], dtype=np.int32
)


def _splitmix64(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def ngram_hashes(text: str) -> np.ndarray:
    """64-bit hashes of every 2-, 3- and 4-gram occurrence that does not span a newline."""
    codes = code_points(text)
    if codes.size < MIN_NGRAM:
        return np.zeros(0, dtype=_U64)
    newlines_before = np.concatenate(([0], np.cumsum(codes == ord("\n")))) if "\n" in text else None
    prefix = codes + _NGRAM_SEED
    parts = []
    for n in range(MIN_NGRAM, MAX_NGRAM + 1):
        if codes.size < n:
            break
        prefix = prefix[:-1] * _NGRAM_MULTIPLIER + codes[n - 1 :]
        if newlines_before is None:
            parts.append(prefix)
        else:
            starts = codes.size - n + 1
            parts.append(prefix[newlines_before[n : n + starts] == newlines_before[:starts]])
    return np.concatenate(parts)


def simhash128(text: str) -> int:
    """The 128-bit SimHash of `text`; bit `i` (value `1 << i`) is the sign of projection `i`."""
    hashes = ngram_hashes(text)
    sums = np.zeros(SIMHASH_BITS, dtype=np.int64)
    for start in range(0, hashes.size, _NGRAMS_PER_CHUNK):
        chunk = hashes[start : start + _NGRAMS_PER_CHUNK]
        words = _splitmix64(chunk[:, None] + _STREAM_OFFSETS[None, :])
        # Little-endian bytes whatever the machine, so every worker computes the same bits.
        weight_bytes = words.astype("<u8", copy=False).view(np.uint8)
        sums += _NORMAL_WEIGHTS.take(weight_bytes).sum(axis=0, dtype=np.int64)
    return int.from_bytes(np.packbits(sums > 0, bitorder="little").tobytes(), "little")
