"""Paragraph near-duplicates: the SimHash, Uzushio's acceptance rules at their boundaries,
the groups they form on real pages, and candidate recall against comparing all pairs."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from corpus.paragraph_stats.near_duplicates import (
    MIN_MATCHING_BITS,
    ORDERS,
    WINDOW,
    bucket_pairs,
    candidate_keys,
    is_near_duplicate,
    lengths_compatible,
    levenshtein,
    matching_bits,
    near_duplicate_groups,
    near_frequencies,
    ngram_jaccard,
    paragraph_key,
    range_splits,
    short_text_overlap,
    texts_overlap,
)
from corpus.paragraph_stats.simhash import ngram_hashes, simhash128

LIVEDOOR = "ja_text/livedoor-news-corpus/text"
DOCOMO = "extraction/uzushio/dedup_docomo.txt"
MC4 = "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"


def article_lines(path: Path) -> list[str]:
    """A livedoor article's title and body lines (the file starts with its URL and date)."""
    lines = path.read_text(encoding="utf-8").split("\n")[2:]
    return [line.strip() for line in lines if line.strip()]


@pytest.fixture(scope="module")
def docomo(fixtures: Path) -> list[str]:
    text = (fixtures / DOCOMO).read_text(encoding="utf-8")
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


@pytest.fixture(scope="module")
def real_paragraphs(fixtures: Path, docomo: list[str]) -> list[str]:
    """Distinct lines of the livedoor articles, the docomo page and the mc4-ja annotations."""
    livedoor = [
        line
        for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt"))
        for line in article_lines(path)
    ]
    mc4 = [
        line.rsplit("\t", 1)[0]
        for line in (fixtures / MC4).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return sorted(set(livedoor) | set(docomo) | set(mc4))


def all_near_duplicate_pairs(texts: list[str], signatures: list[int]) -> set[tuple[int, int]]:
    """Every accepted pair, by brute force (the bit and length tests vectorised first)."""
    low = np.array([s & (2**64 - 1) for s in signatures], dtype=np.uint64)
    high = np.array([s >> 64 for s in signatures], dtype=np.uint64)
    lengths = np.array([len(t) for t in texts])
    pairs = set()
    for i in range(len(texts)):
        rest = slice(i + 1, None)
        agree = 128 - np.bitwise_count(low[i] ^ low[rest]) - np.bitwise_count(high[i] ^ high[rest])
        longer = np.maximum(lengths[i], lengths[rest])
        allowed = np.minimum(np.ceil(longer * 0.3), 50)
        close = (agree >= MIN_MATCHING_BITS) & (np.abs(lengths[i] - lengths[rest]) <= allowed)
        for j in np.nonzero(close)[0] + i + 1:
            if texts_overlap(texts[i], texts[j]):
                pairs.add((i, int(j)))
    return pairs


def components(pairs: set[tuple[int, int]], size: int) -> list[int]:
    parent = list(range(size))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    return [root(x) for x in range(size)]


# --- SimHash ---------------------------------------------------------------------------


def test_ngrams_are_2_to_4_characters_and_never_span_a_newline():
    assert len(ngram_hashes("abcd")) == 3 + 2 + 1
    assert len(ngram_hashes("らくらくホン")) == 5 + 4 + 3
    assert len(ngram_hashes("ab\ncd")) == 2  # "ab" and "cd" only
    assert len(ngram_hashes("a")) == 0
    # The same n-grams, however the lines are separated, give the same signature.
    assert simhash128("ab\ncd") == simhash128("ab\n\ncd") != simhash128("ab cd")


def test_simhash_is_fixed():
    # Pinned: a change here changes every group and every stored statistic.
    assert simhash128("らくらくホン ベーシック3 [ホワイト]") == 0x2F304ED9B9A518A8F8F7D489A7F769FF
    assert simhash128("スレッドの先頭へ") == 0xA2C18A6EFD834E1885AA6D538062E91A
    assert simhash128("") == simhash128("字") == 0
    assert simhash128("ab") != 0


def ngram_counts(text: str) -> Counter[str]:
    return Counter(
        line[i : i + n]
        for line in text.split("\n")
        for n in (2, 3, 4)
        for i in range(len(line))
        if i + n <= len(line)
    )


def test_bits_agree_as_random_hyperplanes_predict(real_paragraphs: list[str]):
    """Bit agreement of two texts ~ 128 * (1 - angle / pi) between their n-gram count
    vectors: what the 76-bit threshold assumes of Uzushio's Gaussian SimHash."""
    rng = random.Random(7)
    texts = [t for t in real_paragraphs if len(t) >= 10]
    pairs = [tuple(rng.sample(texts, 2)) for _ in range(200)]
    # Similar pairs too: a text and the same text with a few characters cut off.
    pairs += [(t, t[len(t) // 8 :]) for t in rng.sample(texts, 200)]
    errors = []
    for a, b in pairs:
        ca, cb = ngram_counts(a), ngram_counts(b)
        dot = sum(ca[g] * cb[g] for g in ca)
        norm = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
        expected = 128 * (1 - math.acos(min(1.0, dot / norm)) / math.pi)
        errors.append(matching_bits(simhash128(a), simhash128(b)) - expected)
    assert abs(np.mean(errors)) < 1.0  # unbiased
    assert np.std(errors) < 7.0  # binomial noise is about 5.7 bits at p = 1/2


# --- Acceptance rules at their boundaries -----------------------------------------------


def test_simhash_rule_needs_76_matching_bits():
    # A real short pair that passes the text rules (overlap 0.6, 2 edits in 8).
    a, b = "スレッドの先頭へ", "スレッドの最後へ"
    assert is_near_duplicate(a, b)
    assert matching_bits(simhash128(a), simhash128(b)) == 77
    assert is_near_duplicate(a, b, signatures=(0, (1 << 52) - 1))  # 76 agree
    assert not is_near_duplicate(a, b, signatures=(0, (1 << 53) - 1))  # 75 agree


def test_length_rule_allows_30_percent_of_the_longer_at_most_50():
    assert lengths_compatible(10, 15)  # ceil(4.5) = 5
    assert not lengths_compatible(10, 16)  # ceil(4.8) = 5 < 6
    assert lengths_compatible(13, 10) and lengths_compatible(4, 5)
    assert lengths_compatible(200, 250)  # min(75, 50) = 50
    assert not lengths_compatible(200, 251)
    # Every other rule passes, the lengths do not: 16 vs 21 characters, 5 > ceil(6.3) - 1.
    a = "らくらくホンベーシック3白色"
    assert not is_near_duplicate(a, a + "です。です", signatures=(0, 0))


def test_short_texts_need_overlap_06():
    a, b = "スレッドの先頭へ", "スレッドの最後へ"
    assert short_text_overlap(a, b) == 6 / 10
    assert texts_overlap(a, b)
    # Four of fourteen characters replaced: edit ratio 4/14 < 0.3 passes, but the
    # character overlap is 10/18 < 0.6.
    a, b = "あいうえおかきくけこさしすせ", "あいうえおかきくけこたちつて"
    assert levenshtein(a, b) / 14 < 0.3
    assert short_text_overlap(a, b) == 10 / 18
    assert not texts_overlap(a, b)


def test_short_text_overlap_counts_bigrams_when_both_have_17_characters():
    a16, b16 = "abcdefghijklmnop", "abcdefghijklmnoq"
    assert short_text_overlap(a16, b16) == 15 / 17
    a17, b17 = a16 + "r", b16 + "r"
    # 16 of 18 characters shared, 14 of 18 bigrams ("op"/"pr" vs "oq"/"qr").
    assert short_text_overlap(a17, b17) == (16 + 14) / (18 + 18)


def test_short_texts_need_edit_ratio_below_03():
    # Same characters, so only the edit ratio decides: 2 / 10, then 3 / 10.
    assert texts_overlap("abcdefghij", "bacdefghij")
    assert levenshtein("abcdefghij", "bacdefghii") == 3
    assert not texts_overlap("abcdefghij", "bacdefghii")
    # Real variants of a count: 1 edit in an average of 10 characters.
    assert is_near_duplicate("クチコミ投稿数：4件", "クチコミ投稿数：45件")


def test_long_texts_need_3_4_gram_jaccard_07():
    # Real boilerplate variants from the livedoor articles, either side of 0.7.
    a = "・MEDIAS PP N-01Dの製品アップデート情報 | お客様サポート | NTTドコモ"
    at_threshold = "・MEDIAS X N-07Dの製品アップデート情報 | お客様サポート | NTTドコモ"
    below = "・MEDIAS ES N-05Dの製品アップデート情報 | お客様サポート | NTTドコモ"
    assert ngram_jaccard(a, at_threshold) == 0.7
    assert is_near_duplicate(a, at_threshold)
    assert ngram_jaccard(a, below) == pytest.approx(0.6863, abs=1e-4)
    assert not is_near_duplicate(a, below)


def test_average_length_30_is_short_31_is_long(real_paragraphs: list[str]):
    """Halves swapped: nearly the same n-grams but far apart in edits, so the Jaccard rule
    accepts and the short-text rule rejects."""
    sentence = next(t for t in real_paragraphs if len(t) >= 40 and "\n" not in t)
    for length, long_rule in ((30, False), (31, True)):
        text = sentence[:length]
        swapped = text[15:] + text[:15]
        assert (len(text) + len(swapped)) // 2 == length
        assert texts_overlap(text, swapped) is long_rule


def test_levenshtein_matches_the_textbook_table():
    def table(a: str, b: str) -> int:
        previous = list(range(len(b) + 1))
        for i, x in enumerate(a, 1):
            current = [i]
            for j, y in enumerate(b, 1):
                current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
            previous = current
        return previous[-1]

    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "らくらく") == 4 and levenshtein("らく", "") == 2
    rng = random.Random(0)
    for _ in range(2000):
        a = "".join(rng.choice("abあい件") for _ in range(rng.randint(0, 80)))
        b = "".join(rng.choice("abあい件") for _ in range(rng.randint(0, 80)))
        assert levenshtein(a, b) == table(a, b)


# --- Groups on real pages ---------------------------------------------------------------


def test_uzushio_candidate_row_processor_cases():
    """Uzushio's own test cases (CandidateRowProcessorSpec): one group, then two."""
    styles = [
        "docomo STYLE series N-01C",
        "docomo STYLE series SH-03E",
        "4位docomo STYLE series N-01E",
        "5位docomo STYLE series N-03D",
    ]
    assert near_duplicate_groups(styles) == [set(styles)]
    colours = [
        "らくらくホン ベーシック3 [ゴールド]",
        "らくらくホン ベーシック3 [ネイビー]",
        "らくらくホン ベーシック3 [ピンク]",
        "> らくらくホン ベーシック3 [ホワイト]",
        "らくらくホン ベーシック3 [ホワイト]",
    ]
    board = "らくらくホン ベーシック3 [ホワイト] のクチコミ掲示板"  # 8 edits in 26: alone
    assert near_duplicate_groups([*colours, board]) == [set(colours)]


def test_docomo_page_groups(docomo: list[str]):
    distinct = sorted(set(docomo))
    groups = near_duplicate_groups(distinct)
    assert len(distinct) == 223 and len(groups) == 11
    # Checked by hand: counts, ratings and thread navigation that differ in a few characters.
    assert {
        "クチコミ投稿数：1件",
        "クチコミ投稿数：4件",
        "クチコミ投稿数：8件",
        "クチコミ投稿数：45件",
        "クチコミ投稿数：219件",
        "クチコミ投稿数：1685件",
        "クチコミ投稿数：5005件",
        "クチコミ投稿数：7245件",
        "クチコミ投稿数：8617件",
        "クチコミ投稿数：13件\n4",
    } in groups
    assert {"満足度4.33", "満足度4.35", "満足度4.53", "満足度4.91"} in groups
    assert {"ナイスクチコミ0", "ナイスクチコミ1", "ナイスクチコミ13"} in groups
    assert {"スレッドの先頭へ", "スレッドの最後へ"} in groups
    assert {"すべてのカテゴリ", "すべてのサブカテゴリ"} in groups
    # The candidate buckets find exactly the groups that comparing all pairs finds.
    signatures = [simhash128(t) for t in distinct]
    roots = components(all_near_duplicate_pairs(distinct, signatures), len(distinct))
    by_root: dict[int, set[str]] = {}
    for text, root in zip(distinct, roots, strict=True):
        by_root.setdefault(root, set()).add(text)
    assert sorted(map(sorted, groups)) == sorted(sorted(g) for g in by_root.values() if len(g) > 1)

    near = near_frequencies(Counter(docomo))
    assert near["スレッドの先頭へ"] == near["スレッドの最後へ"] == 6 + 3
    assert near["クチコミ投稿数：4件"] == 16
    assert near["0点"] == 10  # exact copies only: "1点", "2点" are 2 characters
    assert near["お気に入りに追加"] == 6


LIVEDOOR_ARTICLES = [
    "dokujo-tsushin/dokujo-tsushin-4880091.txt",
    "it-life-hack/it-life-hack-6319492.txt",
    "livedoor-homme/livedoor-homme-4883137.txt",
    "movie-enter/movie-enter-5910270.txt",
    "peachy/peachy-4468400.txt",
    "sports-watch/sports-watch-4764440.txt",
]


def test_pages_sharing_a_template(fixtures: Path):
    """Six pages: a real livedoor article each, between a real kakaku.com header and a real
    yomiuri.co.jp footer whose counts and dates change from page to page."""
    pages = []
    for n, name in enumerate(LIVEDOOR_ARTICLES):
        header = f"新しいスレッド{6 + n}件｜古いスレッド{6 + n // 2}件"
        footer = f"（2011年4月{10 + n}日 読売新聞）"
        pages.append([header, *article_lines(fixtures / LIVEDOOR / name), footer])
    headers = {page[0] for page in pages}
    footers = {page[-1] for page in pages}
    counts = Counter(paragraph for page in pages for paragraph in page)
    article_paragraphs = set(counts) - headers - footers
    assert len(article_paragraphs) == 137

    # The template adds its two groups and changes nothing in the articles' own groups
    # (one article lists prices and sale dates that are near-duplicates of each other).
    article_groups = near_duplicate_groups(article_paragraphs)
    groups = near_duplicate_groups(counts)
    assert sorted(map(sorted, groups)) == sorted(
        [sorted(headers), sorted(footers), *map(sorted, article_groups)]
    )
    near = near_frequencies(counts)
    assert all(near[text] == 6 for text in headers | footers)
    grouped = set().union(*article_groups)
    assert all(near[text] == counts[text] == 1 for text in article_paragraphs - grouped)


# --- Candidates -------------------------------------------------------------------------


def test_candidate_keys():
    signature = simhash128("クチコミ投稿数：45件")
    keys = candidate_keys("クチコミ投稿数：45件", signature)
    assert keys == [(order, 0) for order in range(ORDERS)]
    assert candidate_keys("0点", simhash128("0点")) == []  # 3 characters: never a near-dup
    assert len(paragraph_key("0点")) == 16
    assert paragraph_key("0点") == paragraph_key("0点") != paragraph_key("1点")


def test_candidates_find_what_all_pairs_find(real_paragraphs: list[str]):
    """Recall of the sorted-neighbourhood buckets against comparing every pair."""
    texts = real_paragraphs
    signatures = [simhash128(t) for t in texts]
    truth = all_near_duplicate_pairs(texts, signatures)
    assert len(texts) == 4100 and len(truth) == 390

    for ranges, expected_found in ((1, 388), (32, 387)):
        splits = range_splits(zip(texts, signatures, strict=True), ranges)
        buckets: dict[tuple[int, int], list[tuple[int, str, int]]] = {}
        for i, (text, signature) in enumerate(zip(texts, signatures, strict=True)):
            for key in candidate_keys(text, signature, splits):
                buckets.setdefault(key, []).append((i, text, signature))
        found = {
            (min(a, b), max(a, b))
            for key, members in buckets.items()
            for a, b in bucket_pairs(key, members)
        }
        assert found <= truth
        assert len(found) == expected_found
        # Pairs missed are still joined through other pairs, but for one or two.
        roots = components(found, len(texts))
        joined = sum(roots[a] == roots[b] for a, b in truth)
        assert joined >= 388
        assert max(len(m) for m in buckets.values()) <= 2 * len(texts) / ranges
        comparisons = sum(
            min(WINDOW, len(m) - 1 - i) for m in buckets.values() for i in range(len(m))
        )
        assert comparisons <= ORDERS * WINDOW * len(texts)


def test_bucket_pairs_compares_only_a_window_of_sorted_neighbours():
    texts = [f"クチコミ投稿数：{n}件" for n in range(100, 300)]
    members = [(text, text, simhash128(text)) for text in texts]
    text_order = (ORDERS - 2, 0)
    pairs = list(bucket_pairs(text_order, members, window=1))
    # Neighbours in text order only: 199 pairs, and all of them near-duplicates.
    assert len(pairs) == 199
    assert all(a < b for a, b in pairs)
    assert len(list(bucket_pairs(text_order, members[:2], window=1))) == 1
    assert list(itertools.islice(bucket_pairs(text_order, members, window=0), 1)) == []
