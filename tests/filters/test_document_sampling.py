"""DeduplicateDocumentsPercentile and DuplicateDocumentsLengthWeighted: the measures on real
livedoor articles with frequencies counted in the test, the keep decision at its boundary,
and keep rates over many document ids."""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from corpus.filters.chain import FilterChain
from corpus.filters.document_sampling import (
    DeduplicateDocumentsPercentile,
    DuplicateDocumentsLengthWeighted,
    document_random,
)
from corpus.schema import Paragraph
from tests.support.documents import counted, make_document
from tests.support.livedoor import SMAX, livedoor_articles

# A WARC-Record-ID and its draw, pinned: changing the draw changes which documents a run keeps.
RECORD_ID = "<urn:uuid:00000000-0000-0000-0000-000000000000>"
RECORD_DRAW = 0.7534320897592289
SYNTHETIC_IDS = [f"<urn:uuid:{uuid.UUID(int=i)}>" for i in range(1, 20_001)]
# Keep rates over 20,000 ids: a binomial's standard deviation is at most 0.0035.
RATE_TOLERANCE = 0.015


@pytest.fixture(scope="module")
def livedoor(fixtures: Path) -> tuple[dict[str, list[str]], Counter]:
    articles = livedoor_articles(fixtures)
    return articles, Counter(p for paragraphs in articles.values() for p in paragraphs)


def uniform(near_freq: int, paragraphs: int = 20) -> list[Paragraph]:
    return [Paragraph(f"段落{i}です。", near_freq=near_freq) for i in range(paragraphs)]


def keep_rate(filters: list, paragraphs: list[Paragraph]) -> float:
    chain = FilterChain(filters)
    kept = sum(
        not chain.apply(make_document(paragraphs, doc_id)).removed_by for doc_id in SYNTHETIC_IDS
    )
    return kept / len(SYNTHETIC_IDS)


def test_the_draw_is_fixed_by_the_id() -> None:
    assert document_random(RECORD_ID) == RECORD_DRAW
    assert document_random(RECORD_ID + " ") != RECORD_DRAW
    draws = np.array([document_random(i) for i in SYNTHETIC_IDS])
    assert draws.min() >= 0.0
    assert draws.max() < 1.0
    assert abs(draws.mean() - 0.5) < 0.01
    assert abs((draws < 0.1).mean() - 0.1) < 0.01


@pytest.mark.parametrize(
    ("percentile", "frequency"),
    # The notice's 45 frequencies sorted: 1 1 1 1 2 2 2 13 13 14 ...; position floor(45 p).
    [(0.0, 1), (0.05, 1), (0.0888, 1), (0.0889, 2), (0.1, 2), (0.1555, 2), (0.1556, 13)],
)
def test_frequency_at_percentile_of_a_livedoor_notice(livedoor, percentile, frequency) -> None:
    articles, counts = livedoor
    document = make_document(counted(articles[SMAX], counts))
    assert sorted(counts[p] for p in articles[SMAX])[:9] == [1, 1, 1, 1, 2, 2, 2, 13, 13]
    assert DeduplicateDocumentsPercentile(percentile=percentile).frequency(document) == frequency


def test_frequency_at_percentile_position_is_not_lost_to_rounding() -> None:
    paragraphs = [Paragraph(f"p{i}", near_freq=i + 1) for i in range(100)]
    assert 100 * 0.29 < 29  # binary floating point
    filter_ = DeduplicateDocumentsPercentile(percentile=0.29)
    assert filter_.frequency(make_document(paragraphs)) == 30  # position 29


def test_frequency_at_percentile_reads_live_paragraphs_only() -> None:
    paragraphs = [*uniform(1, 5), *uniform(40, 15)]
    for i in range(5):
        paragraphs[i] = Paragraph("x", near_freq=1, removed_by="NoContentDOM()")
    filter_ = DeduplicateDocumentsPercentile(expected=5)
    assert filter_.frequency(make_document(paragraphs)) == 40
    assert filter_.keep_probability(make_document(paragraphs)) == 5 / 40


def test_duplicated_livedoor_articles_are_the_ones_sampled(fixtures: Path, livedoor) -> None:
    articles, counts = livedoor
    filter_ = DeduplicateDocumentsPercentile()
    sampled = {
        name: filter_.keep_probability(make_document(counted(paragraphs, counts)))
        for name, paragraphs in articles.items()
    }
    sampled = {name: p for name, p in sampled.items() if p < 1}
    # Seven articles were published twice: each copy is kept with probability 1/2 ...
    assert sorted(sampled.values()) == [0.5] * 14
    # ... and each pair is among the near-duplicates found independently by MinHash.
    pairs = json.loads(
        (fixtures / "ja_text/livedoor-news-corpus/neardup_pairs_subset.json").read_text()
    )["pairs"]
    known = {frozenset(Path(p[k]).stem for k in ("a", "b")): p["jaccard_char5"] for p in pairs}
    found = {frozenset(pair) for pair in known if pair <= sampled.keys()}
    assert len(found) == 7
    assert set().union(*found) == sampled.keys()
    assert min(known[pair] for pair in found) > 0.95
    # With expected 2 (LLM-jp keeps 5, then 2.5) a pair is always kept.
    assert all(
        DeduplicateDocumentsPercentile(expected=2).keep_probability(
            make_document(counted(paragraphs, counts))
        )
        >= 1
        for paragraphs in articles.values()
    )


def test_documents_without_statistics_are_kept(livedoor) -> None:
    articles, _ = livedoor
    filters = [
        DeduplicateDocumentsPercentile(percentile=0.05, expected=5),
        DeduplicateDocumentsPercentile(percentile=0.05, expected=2.5),
        DeduplicateDocumentsPercentile(percentile=0.1, expected=1.5),
        DeduplicateDocumentsPercentile(),
        DuplicateDocumentsLengthWeighted(),
    ]
    for name, paragraphs in articles.items():
        document = make_document([Paragraph(t) for t in paragraphs], name)
        assert all(f.removal(document) is None for f in filters)


def test_documents_without_live_text_are_kept() -> None:
    empty = make_document([Paragraph("x", near_freq=1000, removed_by="DocLength()")])
    assert DeduplicateDocumentsPercentile().keep_probability(empty) == math.inf
    assert DuplicateDocumentsLengthWeighted().keep_probability(empty) == math.inf
    assert DeduplicateDocumentsPercentile().removal(make_document([])) is None


def test_length_weighted_measure() -> None:
    # 10 characters seen 100 times (weight 3) and 30 characters unique (weight 1).
    paragraphs = [Paragraph("あ" * 10, near_freq=100), Paragraph("い" * 30, near_freq=1)]
    assert DuplicateDocumentsLengthWeighted().weight(make_document(paragraphs)) == 1.5
    assert DuplicateDocumentsLengthWeighted(expected=1.2).keep_probability(
        make_document(paragraphs)
    ) == pytest.approx(0.8)


def test_length_weighted_measure_of_a_livedoor_notice(livedoor) -> None:
    articles, counts = livedoor
    texts = articles[SMAX]
    expected = np.average(1 + np.log10([counts[t] for t in texts]), weights=[len(t) for t in texts])
    weight = DuplicateDocumentsLengthWeighted().weight(make_document(counted(texts, counts)))
    assert weight == pytest.approx(expected, rel=1e-12)
    # Template lines seen 13-27 times (2.1-2.4) pulled down by the long unique paragraphs.
    assert round(weight, 4) == 1.9162


def test_keep_decision_at_the_boundary() -> None:
    # The draw is kept when it is at most the probability: expected / 16 is exact in binary.
    assert RECORD_DRAW * 16 >= 1
    at = make_document(uniform(16), RECORD_ID)
    assert DeduplicateDocumentsPercentile(expected=RECORD_DRAW * 16).removal(at) is None
    below = DeduplicateDocumentsPercentile(expected=math.nextafter(RECORD_DRAW * 16, 0))
    assert below.removal(at) == below.label
    assert below.label == f"DeduplicateDocumentsPercentile(expected={below.expected})"
    # All paragraphs seen 10 times weigh 2.
    weighted = make_document(uniform(10), RECORD_ID)
    assert DuplicateDocumentsLengthWeighted(expected=RECORD_DRAW * 2).removal(weighted) is None
    tighter = DuplicateDocumentsLengthWeighted(expected=math.nextafter(RECORD_DRAW * 2, 0))
    assert tighter.removal(weighted) == tighter.label


def test_decision_depends_on_the_id_only() -> None:
    filter_ = DeduplicateDocumentsPercentile(expected=1.5)
    document = make_document(uniform(2), RECORD_ID)
    assert filter_.keep_probability(document) == 0.75
    assert filter_.removal(document) == filter_.label  # draw 0.753 > 0.75
    reordered = make_document(list(reversed(uniform(2))), RECORD_ID)
    assert filter_.removal(reordered) == filter_.removal(document)
    kept = [make_document(uniform(2), i) for i in SYNTHETIC_IDS[:200]]
    assert [filter_.removal(d) for d in kept] == [filter_.removal(d) for d in kept]


@pytest.mark.parametrize(
    ("filter_", "near_freq", "rate"),
    [
        (DeduplicateDocumentsPercentile(expected=5, percentile=0.05), 10, 0.5),
        (DeduplicateDocumentsPercentile(expected=2.5, percentile=0.05), 10, 0.25),
        (DeduplicateDocumentsPercentile(expected=1.5, percentile=0.1), 10, 0.15),
        (DeduplicateDocumentsPercentile(expected=5), 4, 1.0),
        (DuplicateDocumentsLengthWeighted(), 10, 0.5),
        (DuplicateDocumentsLengthWeighted(), 100, 1 / 3),
        (DuplicateDocumentsLengthWeighted(expected=2), 1000, 0.5),
    ],
)
def test_keep_rate_over_many_documents(filter_, near_freq, rate) -> None:
    assert keep_rate([filter_], uniform(near_freq)) == pytest.approx(rate, abs=RATE_TOLERANCE)


def test_tiers_nest_rather_than_multiply() -> None:
    tiers = [
        DeduplicateDocumentsPercentile(expected=5),
        DeduplicateDocumentsPercentile(expected=2.5),
    ]
    # Kept by both with probability min(0.5, 0.25), not 0.5 * 0.25.
    assert keep_rate(tiers, uniform(10)) == pytest.approx(0.25, abs=RATE_TOLERANCE)
    chain = FilterChain(tiers)
    for doc_id in SYNTHETIC_IDS[:500]:
        reason = chain.apply(make_document(uniform(10), doc_id)).removed_by
        draw = document_random(doc_id)
        if draw > 0.5:
            assert reason == "DeduplicateDocumentsPercentile(expected=5.0)"
        elif draw > 0.25:
            assert reason == "DeduplicateDocumentsPercentile(expected=2.5)"
        else:
            assert reason is None


@pytest.mark.parametrize(
    "entry",
    [
        {"filter": "DeduplicateDocumentsPercentile", "expected": 0.5},
        {"filter": "DeduplicateDocumentsPercentile", "percentile": 1.0},
        {"filter": "DeduplicateDocumentsPercentile", "percentile": -0.05},
        {"filter": "DuplicateDocumentsLengthWeighted", "expected": 0.9},
    ],
)
def test_parameters_that_would_drop_unique_documents_are_config_errors(entry) -> None:
    with pytest.raises(ValueError, match=entry["filter"]):
        FilterChain.from_entries([entry])


def test_llm_jp_tiers_from_config() -> None:
    chain = FilterChain.from_entries(
        [
            {"filter": "DeduplicateDocumentsPercentile", "expected": 5, "percentile": 0.05},
            {"filter": "DeduplicateDocumentsPercentile", "expected": 2.5, "percentile": 0.05},
            {"filter": "DeduplicateDocumentsPercentile", "expected": 1.5, "percentile": 0.1},
        ]
    )
    assert [f.label for f in chain.filters] == [
        "DeduplicateDocumentsPercentile(expected=5.0)",
        "DeduplicateDocumentsPercentile(expected=2.5)",
        "DeduplicateDocumentsPercentile(percentile=0.1,expected=1.5)",
    ]
