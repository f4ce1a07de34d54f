"""MinHash signature throughput on one core: ours against datasketch's, from text to signature.

Documents: every livedoor news article in the fixtures (the body: the lines after URL,
date and title), about 1,400 characters each. Each method shingles the text the same way
(`char_shingles`, character 5-grams) and then computes 112-permutation signatures:
- datasketch `update`: one `MinHash.update(shingle)` call per shingle;
- datasketch `update_batch`: one `MinHash.update_batch(shingles)` per document;
- ours: `MinHasher.signature(shingles)`.
datasketch's MinHash reuses one set of permutations (passing `permutations=`), so its
per-document cost is the hashing alone. Runs alternate between methods; the figures are
medians of --repeat passes over all documents, and every method's signatures must agree.

    python benchmarks/minhash_throughput.py [--repeat 7] [--num-perm 112] [--n 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from datasketch import MinHash

from corpus.dedup.minhash import MinHasher
from corpus.dedup.shingles import char_shingles

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def livedoor_bodies(fixtures: Path) -> list[str]:
    paths = sorted((fixtures / "ja_text/livedoor-news-corpus/text").glob("*/*-*.txt"))
    return ["\n".join(p.read_text(encoding="utf-8").splitlines()[3:]) for p in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--num-perm", type=int, default=112)
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()

    texts = livedoor_bodies(args.fixtures)
    characters = sum(map(len, texts))
    template = MinHash(args.num_perm, seed=1)
    hasher = MinHasher(args.num_perm, seed=1)

    def datasketch_minhash() -> MinHash:
        return MinHash(args.num_perm, seed=1, permutations=template.permutations, scheme="affine32")

    def update_loop(text: str) -> np.ndarray:
        minhash = datasketch_minhash()
        for shingle in char_shingles(text, args.n):
            minhash.update(shingle)
        return minhash.hashvalues

    def update_batch(text: str) -> np.ndarray:
        minhash = datasketch_minhash()
        minhash.update_batch(char_shingles(text, args.n))
        return minhash.hashvalues

    def ours(text: str) -> np.ndarray:
        return hasher.signature(char_shingles(text, args.n))

    def shingling_only(text: str) -> set[bytes]:
        return char_shingles(text, args.n)

    methods: dict[str, Callable[[str], object]] = {
        "datasketch update loop": update_loop,
        "datasketch update_batch": update_batch,
        "ours (MinHasher)": ours,
        "shingling alone": shingling_only,
    }
    reference = [update_loop(t) for t in texts]
    for name in ("datasketch update_batch", "ours (MinHasher)"):
        assert all(map(np.array_equal, map(methods[name], texts), reference)), name

    seconds: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.repeat):
        for name, method in methods.items():
            start = time.perf_counter()
            for text in texts:
                method(text)
            seconds[name].append(time.perf_counter() - start)

    print(
        f"{len(texts)} livedoor articles, {characters / len(texts):.0f} characters each, "
        f"character {args.n}-grams, {args.num_perm} permutations, "
        f"median of {args.repeat} alternated passes"
    )
    ours_median = statistics.median(seconds["ours (MinHasher)"])
    print(f"{'method':26} {'documents/s':>12} {'M characters/s':>15} {'ours is x faster':>17}")
    for name, runs in seconds.items():
        median = statistics.median(runs)
        ratio = f"{median / ours_median:.1f}" if name.startswith("datasketch") else ""
        print(
            f"{name:26} {len(texts) / median:12,.0f} {characters / median / 1e6:15.2f} {ratio:>17}"
        )


if __name__ == "__main__":
    main()
