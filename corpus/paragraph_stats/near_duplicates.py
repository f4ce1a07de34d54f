"""Near-duplicate paragraphs, Uzushio's rules: when two paragraphs count as one, and how
candidate pairs are found without comparing all pairs.

Acceptance (Uzushio's `CandidateRowProcessor.checkTextSimilarity`), all of:

- the 128-bit SimHashes agree on at least 76 bits (`int(128 * 0.6)`);
- the lengths differ by at most min(ceil(30% of the longer), 50) characters;
- with `avg = (len(a) + len(b)) // 2`: when avg > 30, the Jaccard similarity of the sets of
  character 3- and 4-grams (none spanning a line break) is at least 0.7; otherwise the
  Jaccard similarity of the character sets, plus the bigram sets when both texts are longer
  than 16 characters, is at least 0.6, and Levenshtein distance / avg < 0.3.

Where this differs from Uzushio, it is exact where Uzushio approximates: Uzushio hashes the
n-grams into bitsets (8,192 bits for 3-4-grams, 256 + 512 for characters and bigrams) and
compares bits, so collisions can only raise its ratios; here the sets themselves are
compared. Uzushio's length window is coarser (10-character length buckets around the
incoming row's length) and asymmetric; here it is one symmetric rule. Lengths count code
points (Java counts UTF-16 units).

Candidates (sorted neighbourhoods, as Uzushio): no pair is compared unless the two sort
next to each other. Uzushio sorts the rows by their signature rotated by a few random
shifts, range-partitioned, and compares each row with a buffer of the rows before it. Here
there are `ORDERS` orders: the signature rotated by 0, 16, ..., 112 bits, the text, and the
reversed text (templated boilerplate that differs only at the end or only at the start
sorts together by text even when its short signatures disagree). A paragraph's bucket in
an order is its range between split points taken from a sample (`range_splits`, as Spark's
`repartitionByRange`); `bucket_pairs` sorts a bucket and compares each member with the
`WINDOW` members after it. A distinct paragraph is one member however often it occurs, and
a bucket holds about (distinct paragraphs / ranges) members whatever the key skew, so the
work is at most ORDERS * WINDOW comparisons per distinct paragraph.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TypeVar

from corpus.paragraph_stats.simhash import SIMHASH_BITS, simhash128

Id = TypeVar("Id", bound=Hashable)

MIN_MATCHING_BITS = 76
MAX_LENGTH_DIFFERENCE = 50
MAX_LENGTH_DIFFERENCE_RATIO = 0.3
LONG_TEXT_AVERAGE_LENGTH = 30  # above this average length, 3-4-gram Jaccard decides
NGRAM_JACCARD = 0.7
SHORT_TEXT_BIGRAMS_FROM = 17  # the short-text overlap counts bigrams when both are this long
SHORT_TEXT_OVERLAP = 0.6
SHORT_TEXT_EDIT_RATIO = 0.3
# Two distinct texts whose average length is 3 or less are at least 1/3 apart in Levenshtein
# ratio, so a text shorter than this never has a near-duplicate.
MIN_NEAR_DUPLICATE_LENGTH = 4

SIMHASH_ORDERS = 8
ORDERS = SIMHASH_ORDERS + 2
WINDOW = 16
SPLIT_CHARS = 64
_SIGNATURE_MASK = (1 << SIMHASH_BITS) - 1

Bucket = tuple[int, int]  # (order, range)
RangeSplits = tuple[tuple[int | str, ...], ...]
NO_SPLITS: RangeSplits = ((),) * ORDERS


def matching_bits(a: int, b: int) -> int:
    return SIMHASH_BITS - (a ^ b).bit_count()


def lengths_compatible(a: int, b: int) -> bool:
    longer, shorter = max(a, b), min(a, b)
    allowed = min(math.ceil(longer * MAX_LENGTH_DIFFERENCE_RATIO), MAX_LENGTH_DIFFERENCE)
    return longer - shorter <= allowed


@functools.lru_cache(maxsize=4 * WINDOW)
def _long_text_grams(text: str) -> frozenset[str]:
    # Cached: in a bucket window each text is compared with up to 2 * WINDOW neighbours.
    return frozenset(
        line[i : i + n]
        for line in text.split("\n")
        for n in (3, 4)
        for i in range(len(line) - n + 1)
    )


def ngram_jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the character 3- and 4-gram sets (no gram spans a newline)."""
    grams_a, grams_b = _long_text_grams(a), _long_text_grams(b)
    shared = len(grams_a & grams_b)
    union = len(grams_a) + len(grams_b) - shared
    return shared / union if union else 0.0


def short_text_overlap(a: str, b: str) -> float:
    """Jaccard over characters, and over bigrams too when both texts are 17+ characters:
    (shared characters + shared bigrams) / (all characters + all bigrams)."""
    chars_a, chars_b = set(a), set(b)
    shared, total = len(chars_a & chars_b), len(chars_a | chars_b)
    if min(len(a), len(b)) >= SHORT_TEXT_BIGRAMS_FROM:
        bigrams_a = {a[i : i + 2] for i in range(len(a) - 1)}
        bigrams_b = {b[i : i + 2] for i in range(len(b) - 1)}
        shared += len(bigrams_a & bigrams_b)
        total += len(bigrams_a | bigrams_b)
    return shared / total if total else 0.0


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions of one character each), computed
    with Myers' bit-parallel algorithm: one column of the table per character of `b`."""
    if not a or not b:
        return len(a) + len(b)
    positions: dict[str, int] = {}
    for i, char in enumerate(a):
        positions[char] = positions.get(char, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    plus, minus, distance = mask, 0, len(a)
    for char in b:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        horizontal_plus = minus | ~(horizontal | plus)
        horizontal_minus = plus & horizontal
        if horizontal_plus & last:
            distance += 1
        elif horizontal_minus & last:
            distance -= 1
        horizontal_plus = (horizontal_plus << 1) | 1
        horizontal_minus <<= 1
        plus = (horizontal_minus | ~(vertical | horizontal_plus)) & mask
        minus = horizontal_plus & vertical & mask
    return distance


def texts_overlap(a: str, b: str) -> bool:
    """Uzushio's text test, applied after the SimHash and length tests."""
    average = (len(a) + len(b)) // 2
    if average > LONG_TEXT_AVERAGE_LENGTH:
        return ngram_jaccard(a, b) >= NGRAM_JACCARD
    if average == 0 or short_text_overlap(a, b) < SHORT_TEXT_OVERLAP:
        return False
    return levenshtein(a, b) / average < SHORT_TEXT_EDIT_RATIO


def is_near_duplicate(a: str, b: str, signatures: tuple[int, int] | None = None) -> bool:
    """Whether Uzushio would put `a` and `b` in one group; pass their `simhash128` values as
    `signatures` when they are already known."""
    signature_a, signature_b = signatures or (simhash128(a), simhash128(b))
    return (
        matching_bits(signature_a, signature_b) >= MIN_MATCHING_BITS
        and lengths_compatible(len(a), len(b))
        and texts_overlap(a, b)
    )


def paragraph_key(text: str) -> bytes:
    """What exact paragraph frequencies are counted by: a 128-bit hash of the text as is."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def sort_value(order: int, text: str, signature: int) -> int | str:
    """Where a paragraph stands in one of the `ORDERS` orders: orders 0-7 sort by the
    signature rotated right by 16 * order bits (as Uzushio sorts its shifted signatures),
    order 8 by the text, order 9 by the reversed text (so near-duplicates that differ only
    at the start or only at the end sort next to each other)."""
    if order < SIMHASH_ORDERS:
        shift = order * (SIMHASH_BITS // SIMHASH_ORDERS)
        return ((signature >> shift) | (signature << (SIMHASH_BITS - shift))) & _SIGNATURE_MASK
    return text if order == SIMHASH_ORDERS else text[::-1]


def range_splits(sample: Iterable[tuple[str, int]], ranges: int) -> RangeSplits:
    """Per order, the `ranges` - 1 values that cut a sample of distinct paragraphs (text,
    signature) into equal parts: what Spark's `repartitionByRange` computes for Uzushio."""
    sample = list(sample)
    if not sample:
        return NO_SPLITS
    splits = []
    for order in range(ORDERS):
        ordered = sorted(sort_value(order, text, signature) for text, signature in sample)
        cuts = (ordered[len(ordered) * i // ranges] for i in range(1, ranges))
        # A split only has to sort between its neighbours: long texts are cut short.
        splits.append(tuple(c[:SPLIT_CHARS] if isinstance(c, str) else c for c in cuts))
    return tuple(splits)


def candidate_keys(text: str, signature: int, splits: RangeSplits = NO_SPLITS) -> list[Bucket]:
    """The buckets a distinct paragraph goes to: (order, range) for each order.

    A text shorter than `MIN_NEAR_DUPLICATE_LENGTH` goes to none.
    """
    if len(text) < MIN_NEAR_DUPLICATE_LENGTH:
        return []
    return [
        (order, bisect.bisect_right(splits[order], sort_value(order, text, signature)))
        for order in range(ORDERS)
    ]


def bucket_pairs(
    bucket: Bucket, members: Iterable[tuple[Id, str, int]], window: int = WINDOW
) -> Iterator[tuple[Id, Id]]:
    """Near-duplicate pairs among a bucket's distinct paragraphs, given as (id, text, signature).

    Members are sorted in the bucket's order and each is compared with the `window` members
    after it (Uzushio's sorted rows and candidate buffer), so a bucket of n members costs at
    most n * window comparisons; a bucket of up to window + 1 members is compared all pairs.
    """
    order = bucket[0]
    ordered = sorted(members, key=lambda m: (sort_value(order, m[1], m[2]), m[1]))
    for i, (id_a, text_a, signature_a) in enumerate(ordered):
        for id_b, text_b, signature_b in ordered[i + 1 : i + 1 + window]:
            if is_near_duplicate(text_a, text_b, (signature_a, signature_b)):
                yield id_a, id_b


def near_duplicate_groups(texts: Iterable[str], ranges: int = 1) -> list[set[str]]:
    """Groups of two or more distinct texts joined by near-duplicate pairs (transitively),
    found in memory the way the pipeline finds them: `ranges` ranges per order (split on all
    the texts), `bucket_pairs` in each bucket, connected components."""
    signatures = {text: simhash128(text) for text in set(texts)}
    splits = range_splits(signatures.items(), ranges)
    buckets: defaultdict[Bucket, list[tuple[str, str, int]]] = defaultdict(list)
    for text, signature in signatures.items():
        for key in candidate_keys(text, signature, splits):
            buckets[key].append((text, text, signature))
    parent = {text: text for text in signatures}

    def root(text: str) -> str:
        while parent[text] != text:
            parent[text] = parent[parent[text]]
            text = parent[text]
        return text

    for key, members in buckets.items():
        for a, b in bucket_pairs(key, members):
            parent[root(a)] = root(b)
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for text in signatures:
        groups[root(text)].add(text)
    return [group for group in groups.values() if len(group) > 1]


def near_frequencies(exact_freq: Mapping[str, int]) -> dict[str, int]:
    """Each distinct paragraph's near_freq: the summed exact frequency of its group (its own
    exact frequency when it has no near-duplicate)."""
    near_freq = dict(exact_freq)
    for group in near_duplicate_groups(exact_freq):
        total = sum(exact_freq[text] for text in group)
        near_freq.update(dict.fromkeys(group, total))
    return near_freq
