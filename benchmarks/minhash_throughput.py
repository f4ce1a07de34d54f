"""MinHash signature throughput on one core: ours against datasketch's, from text to signature.

Documents: every livedoor news article in the fixtures (the body: the lines after URL,
date and title), about 1,400 characters each; character 5-grams, 112 permutations.
- datasketch update loop: one `MinHash.update(shingle)` call per shingle, datasketch's
  default `hashfunc` (SHA-1), the reference the issue names;
- datasketch update loop, polynomial: the same loop with
  `hashfunc=polynomial_hash32`, which gives the same signatures as ours with
  `shingle_hash: polynomial`;
- datasketch legacy loop: the default loop under datasketch's pre-2.0 scheme
  (`scheme="legacy"`), for speed only (its signatures differ);
- datasketch `update_batch`: one `MinHash.update_batch(shingles)` per document (SHA-1);
- ours, sha1 / polynomial: `Fingerprinter.signature(text)`, the dedup stage's own
  path from a document's text to its signature, under `shingle_hash: sha1` / `polynomial`.
datasketch's MinHash reuses one set of permutations (passing `permutations=`), so its
per-document cost is the hashing alone. Runs alternate between methods; the figures are
medians of --repeat passes over all documents. Ours with `sha1` must equal datasketch's
default signatures and ours with `polynomial` the polynomial loop's, or the script stops.

    python benchmarks/minhash_throughput.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from datasketch import MinHash

from corpus.dedup.config import DedupConfig, MinHashConfig
from corpus.dedup.fingerprint import Fingerprinter
from corpus.dedup.minhash import polynomial_hash32
from corpus.dedup.shingles import char_shingles

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
NUM_PERM = 112
N = 5


def livedoor_bodies(fixtures: Path) -> list[str]:
    paths = sorted((fixtures / "ja_text/livedoor-news-corpus/text").glob("*/*-*.txt"))
    return ["\n".join(p.read_text(encoding="utf-8").splitlines()[3:]) for p in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    texts = livedoor_bodies(args.fixtures)
    characters = sum(map(len, texts))
    default, legacy = MinHash(NUM_PERM, seed=1), MinHash(NUM_PERM, seed=1, scheme="legacy")

    def datasketch_loop(permutations, scheme: str, hashfunc=None, decode: bool = False):
        def signature(text: str) -> np.ndarray:
            extra = {"hashfunc": hashfunc} if hashfunc else {}
            minhash = MinHash(NUM_PERM, seed=1, permutations=permutations, scheme=scheme, **extra)
            for shingle in char_shingles(text, N):
                minhash.update(shingle.decode() if decode else shingle)
            return minhash.hashvalues

        return signature

    def update_batch(text: str) -> np.ndarray:
        minhash = MinHash(NUM_PERM, seed=1, permutations=default.permutations, scheme="affine32")
        minhash.update_batch(char_shingles(text, N))
        return minhash.hashvalues

    def ours(shingle_hash: str) -> Callable[[str], np.ndarray]:
        minhash = MinHashConfig(num_perm=NUM_PERM, n=N, shingle_hash=shingle_hash)
        fingerprinter = Fingerprinter(DedupConfig(minhash=minhash))
        return fingerprinter.signature

    methods: dict[str, Callable[[str], np.ndarray]] = {
        "datasketch update loop": datasketch_loop(default.permutations, "affine32"),
        "datasketch loop, polynomial": datasketch_loop(
            default.permutations, "affine32", polynomial_hash32, decode=True
        ),
        "datasketch legacy loop": datasketch_loop(legacy.permutations, "legacy"),
        "datasketch update_batch": update_batch,
        "ours, sha1": ours("sha1"),
        "ours, polynomial": ours("polynomial"),
    }
    equal = {
        "ours, sha1": "datasketch update loop",
        "datasketch update_batch": "datasketch update loop",
        "ours, polynomial": "datasketch loop, polynomial",
    }
    for name, reference in equal.items():
        for text in texts:
            assert np.array_equal(methods[name](text), methods[reference](text)), name

    seconds: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.repeat):
        for name, method in methods.items():
            start = time.perf_counter()
            for text in texts:
                method(text)
            seconds[name].append(time.perf_counter() - start)

    print(
        f"{len(texts)} livedoor articles, {characters / len(texts):.0f} characters each, "
        f"character {N}-grams, {NUM_PERM} permutations, median of {args.repeat} alternated passes"
    )
    medians = {name: statistics.median(runs) for name, runs in seconds.items()}
    print(f"{'method':28} {'documents/s':>12} {'M chars/s':>10} {'x update loop':>14}")
    for name, median in medians.items():
        ratio = medians["datasketch update loop"] / median
        print(
            f"{name:28} {len(texts) / median:12,.0f} {characters / median / 1e6:10.2f}"
            f" {ratio:14.1f}"
        )


if __name__ == "__main__":
    main()
