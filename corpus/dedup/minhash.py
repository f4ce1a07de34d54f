"""MinHash signatures, bit-identical to datasketch 2.0's `MinHash`.

datasketch 2.0 (scheme "affine32", its default) hashes each shingle to 32 bits with its
`hashfunc`, mixes that with MurmurHash3's 32-bit finalizer, and maps it through
`num_perm` permutations h -> a * h + b mod 2**32 (a odd, so each is a bijection); the
signature is the minimum of each permutation over the shingles, uint32, 2**32 - 1 for an
empty set. a and b are drawn from `np.random.RandomState(seed)` in datasketch's order.
Two shingle hashes are offered, each giving datasketch's signatures exactly:

- `sha1`, datasketch's default `hashfunc` (the first 4 bytes of the shingle's SHA-1,
  little-endian): `MinHasher(num_perm, seed).signature(shingles)` equals
  `datasketch.MinHash(num_perm, seed)` updated with the same shingles. One hashlib call
  per shingle is most of the cost (about 0.5 us), whatever follows is vectorised.
- `polynomial` (`polynomial_hash32`): the shingle's code points c_1..c_k as the
  polynomial c_1 M^(k-1) + ... + c_k mod 2**32. Character n-grams of a text are hashed
  all at once in numpy (`char_shingle_hashes`, n vector steps over the text's code
  points), with no per-shingle Python call; the signatures equal
  `datasketch.MinHash(num_perm, seed, hashfunc=polynomial_hash32)` updated with the
  shingles as strings. A polynomial hash with an odd multiplier is universal enough
  here: the finalizer and the permutations that follow spread its values.

datasketch's pre-2.0 scheme (still `scheme="legacy"` there: (a * h + b) mod 2**61 - 1,
truncated to 32 bits, stored as uint64) is not reproduced; datasketch documents it as
biased on large sets.

Speed: the SHA-1 (one hashlib call per shingle) is most of the cost; what follows runs
in numpy over 2048 shingles x all permutations at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from operator import methodcaller

import numpy as np

MAX_HASH = np.uint32(0xFFFF_FFFF)
"""A permutation's value before any shingle: the whole signature of an empty set."""

CHUNK_SHINGLES = 2048
"""Shingles permuted at once: bounds the shingles x permutations temporary (~1 MB)."""

_digest = methodcaller("digest")
_SHA1_BYTES = 20


def fmix32(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection), element-wise; uint32 arithmetic wraps."""
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes *= np.uint32(0x85EB_CA6B)
    hashes ^= hashes >> np.uint32(13)
    hashes *= np.uint32(0xC2B2_AE35)
    hashes ^= hashes >> np.uint32(16)
    return hashes


POLYNOMIAL_MULTIPLIER = 0x9E37_79B1
"""M of `polynomial_hash32`: odd, from the golden ratio (2**32 / phi)."""
_MASK32 = 0xFFFF_FFFF


def polynomial_hash32(shingle: str | bytes) -> int:
    """A shingle's polynomial hash (the `hashfunc` to give datasketch for the same values);
    bytes are read as UTF-8."""
    text = shingle.decode("utf-8") if isinstance(shingle, bytes) else shingle
    value = 0
    for character in text:
        value = (value * POLYNOMIAL_MULTIPLIER + ord(character)) & _MASK32
    return value


def char_shingle_hashes(text: str, n: int) -> np.ndarray:
    """`polynomial_hash32` of every character n-gram of `text` (whitespace already removed),
    in text order, repeats included (a minimum does not care); a text shorter than n is one
    shingle."""
    if len(text) <= n:
        return np.array([polynomial_hash32(text)] if text else [], dtype=np.uint32)
    code_points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    count = len(text) - n + 1
    hashes = np.zeros(count, dtype=np.uint32)
    for offset in range(n):
        hashes *= np.uint32(POLYNOMIAL_MULTIPLIER)
        hashes += code_points[offset : offset + count]
    return hashes


def sha1_digests(shingles: Collection[bytes]) -> np.ndarray:
    """uint8[len(shingles), 20]: each shingle's SHA-1 digest, in iteration order."""
    digests = b"".join(map(_digest, map(hashlib.sha1, shingles)))
    return np.frombuffer(digests, dtype=np.uint8).reshape(-1, _SHA1_BYTES)


def sha1_hash32(digests: np.ndarray) -> np.ndarray:
    """The first 4 bytes of each SHA-1 digest as a little-endian uint32 (datasketch's
    `sha1_hash32`)."""
    return np.ascontiguousarray(digests[:, :4]).view("<u4").ravel()


def sha1_hash64(digests: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each SHA-1 digest as a little-endian uint64: a shingle's
    identity for exact Jaccard (two of a document's shingles collide with probability
    about n**2 / 2**65)."""
    return np.ascontiguousarray(digests[:, :8]).view("<u8").ravel()


class MinHasher:
    """Signatures over `num_perm` permutations drawn from `seed`; pickles to about 1 KB."""

    def __init__(self, num_perm: int = 112, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        random = np.random.RandomState(seed)
        self.a = random.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + 1
        self.b = random.randint(0, 1 << 32, num_perm, dtype=np.uint32)

    def signature(self, shingles: Collection[bytes]) -> np.ndarray:
        """uint32[num_perm]: for each permutation, its minimum over the shingles (`sha1`)."""
        return self.signature_of_hashes(sha1_hash32(sha1_digests(shingles)))

    def signature_of_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """The signature of shingles given as their 32-bit `hashfunc` values."""
        signature = np.full(self.num_perm, MAX_HASH)
        hashes = fmix32(hashes)
        for start in range(0, len(hashes), CHUNK_SHINGLES):
            permuted = hashes[start : start + CHUNK_SHINGLES, None] * self.a
            permuted += self.b
            np.minimum(signature, permuted.min(axis=0), out=signature)
        return signature
