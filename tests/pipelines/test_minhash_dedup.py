"""LSH buckets in groups: each bucket's smallest member linked to every other member."""

from __future__ import annotations

import random

from corpus.dedup.lsh import BAND_KEY_BYTES
from corpus.pipelines.minhash_dedup import BUCKET_GROUP_BITS, bucket_group, star_edges


def key(band: int, hash_prefix: bytes) -> bytes:
    return band.to_bytes(2, "big") + hash_prefix.ljust(BAND_KEY_BYTES - 2, b"\x00")


def test_a_group_yields_a_star_per_bucket_whatever_the_order() -> None:
    hot, pair, single = key(0, b"\xab\xcd\xe1"), key(1, b"\xab\xcd\xe2"), key(2, b"\xab\xcd\xe3")
    assert len({bucket_group(k) for k in (hot, pair, single)}) == 1  # one group, 3 buckets
    hot_refs = [f"000001:{row:09d}" for row in range(1000)] + ["p000000:000000005"]
    members = (
        [hot + ref.encode() for ref in hot_refs]
        + [pair + b"000002:000000007", pair + b"000000:000000009"]
        + [single + b"000003:000000000"]
    )
    random.Random(1).shuffle(members)
    edges = list(star_edges((bucket_group(hot), members)))
    # An earlier run's references ("p...") sort after this run's, as they do as strings.
    hub = "000001:000000000"
    assert sorted(edges) == sorted(
        [(hub, ref) for ref in hot_refs if ref != hub] + [("000000:000000009", "000002:000000007")]
    )


def test_groups_take_the_first_bits_of_the_hash_not_the_band() -> None:
    assert bucket_group(key(0, b"\xff\xff\xff")) == 2**BUCKET_GROUP_BITS - 1
    assert bucket_group(key(7, b"\x00\x00\x0f")) == 0
    assert bucket_group(key(3, b"\x80")) == bucket_group(key(4, b"\x80"))
