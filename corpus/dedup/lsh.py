"""Locality-sensitive hashing of MinHash signatures: bands x rows, bucket keys, Jaccard.

Two documents become a candidate pair when all `rows` values of at least one of the
`bands` bands of their signatures are equal; with Jaccard similarity s that happens with
probability 1 - (1 - s**rows)**bands. `optimal_params` chooses bands and rows exactly as
datasketch's `MinHashLSH` does: the pair with the smallest weighted sum of the areas
under that curve below the threshold (false positives) and above it (false negatives).
datasketch integrates with scipy's adaptive quadrature; here Gauss-Legendre quadrature
with enough nodes integrates the same polynomials exactly, without scipy.
"""

from __future__ import annotations

import hashlib

import numpy as np

BAND_INDEX_BYTES = 2
BAND_HASH_BYTES = 8
BAND_KEY_BYTES = BAND_INDEX_BYTES + BAND_HASH_BYTES
SIGNATURE = np.dtype("<u4")
"""A signature's values as bytes (signature files, verification payloads)."""
SHINGLE_ID = np.dtype("<u8")
"""A shingle id (`sha1_hash64`) as bytes (verification payloads)."""


def optimal_params(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm minimising the weighted error; ties go
    to the fewest bands, then the fewest rows (datasketch's search order)."""
    bands, rows = np.array(
        [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    ).T
    # The integrands are polynomials of degree bands * rows <= num_perm, which n-point
    # Gauss-Legendre quadrature integrates exactly for degree <= 2n - 1.
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def area(low: float, high: float, candidate: bool) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2
        missed = (1 - s[None, :] ** rows[:, None]) ** bands[:, None]
        probability = 1 - missed if candidate else missed
        return (high - low) / 2 * (probability @ weights)

    false_positives = area(0.0, threshold, candidate=True)
    false_negatives = area(threshold, 1.0, candidate=False)
    error = false_positives * false_positive_weight + false_negatives * false_negative_weight
    best = int(np.argmin(error))
    return int(bands[best]), int(rows[best])


def band_keys(signature: np.ndarray, bands: int, rows: int) -> tuple[bytes, ...]:
    """One bucket key per band: the band's index (2 bytes, big-endian), so equal bands
    collide only under the same index, then a 64-bit BLAKE2b of its `rows` values
    (little-endian uint32). Hashing keeps a key at 10 bytes whatever `rows` is; two
    different bands share a key with probability 2**-64. Values past bands * rows are not
    used, as in datasketch."""
    if bands * rows > len(signature):
        raise ValueError(f"{bands} bands x {rows} rows exceed a signature of {len(signature)}")
    data = signature.astype("<u4", copy=False).tobytes()
    width = rows * 4
    return tuple(
        band.to_bytes(BAND_INDEX_BYTES, "big")
        + hashlib.blake2b(
            data[band * width : (band + 1) * width], digest_size=BAND_HASH_BYTES
        ).digest()
        for band in range(bands)
    )


def signature_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The share of permutations on which two signatures agree: MinHash's estimate of
    the Jaccard similarity of the sets behind them (standard error sqrt(J(1-J)/num_perm))."""
    return float(np.count_nonzero(a == b)) / len(a)


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity |a & b| / |a | b|; 1.0 for two empty sets (they are equal)."""
    if not a and not b:
        return 1.0
    intersection = len(a & b)
    return intersection / (len(a) + len(b) - intersection)


def hashed_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """`jaccard` of two sets given as arrays of distinct shingle hashes (`sha1_hash64`)."""
    if not len(a) and not len(b):
        return 1.0
    intersection = len(np.intersect1d(a, b, assume_unique=True))
    return intersection / (len(a) + len(b) - intersection)
