"""DuplicateParagraphs, LargeFreqParagraphs, AdjacentDuplicateParagraphs on real pages, with
paragraph frequencies counted in the test: over the livedoor news articles (S-MAX's docomo
notices repeat a template and a footer) and within kakaku.com's dedup_docomo page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corpus.filters.chain import FilterChain
from corpus.filters.duplicates import (
    AdjacentDuplicateParagraphs,
    DuplicateParagraphs,
    LargeFreqParagraphs,
    near_frequency,
)
from corpus.schema import Document, Paragraph
from tests.support.documents import counted, make_document
from tests.support.livedoor import SMAX, livedoor_articles

DOCOMO = Path("extraction/uzushio/dedup_docomo.txt")


def frequencies(texts: list[int]) -> list[Paragraph]:
    return [Paragraph(f"p{i}", near_freq=f) for i, f in enumerate(texts)]


def removed(document: Document) -> list[int]:
    return [i for i, p in enumerate(document.paragraphs) if not p.live]


@pytest.fixture(scope="module")
def livedoor(fixtures: Path) -> tuple[dict[str, list[str]], Counter]:
    """The articles, and how often each paragraph occurs across all 203 of them."""
    articles = livedoor_articles(fixtures)
    return articles, Counter(p for paragraphs in articles.values() for p in paragraphs)


@pytest.fixture(scope="module")
def docomo(fixtures: Path) -> list[str]:
    return (fixtures / DOCOMO).read_text("utf-8").split("\n\n")


def test_the_fixtures_hold_what_the_tests_assume(livedoor, docomo) -> None:
    articles, counts = livedoor
    assert len(articles) == 203
    smax = articles[SMAX]
    assert len(smax) == 45
    assert [counts[p] for p in smax[40:]] == [44, 71, 58, 58, 2]
    assert smax[41] == "■関連リンク"
    assert len(docomo) == 276
    assert Counter(docomo)["0点"] == 10


def test_missing_frequency_counts_as_unique(docomo) -> None:
    assert near_frequency(Paragraph("x")) == 1
    assert near_frequency(Paragraph("x", near_freq=7)) == 7
    document = make_document([Paragraph(t) for t in docomo])  # no statistics attached
    for f in (DuplicateParagraphs(), LargeFreqParagraphs(count=1, freq=2)):
        assert f.apply(document) is document


@pytest.mark.parametrize(
    ("limit", "removed_count"),
    [(2, 76), (6, 28), (7, 10), (10, 10), (11, 0)],  # "0点" occurs 10 times, 3 texts 6 times
)
def test_duplicate_paragraphs_on_the_docomo_page(docomo, limit, removed_count) -> None:
    document = make_document(counted(docomo, Counter(docomo)))
    result = DuplicateParagraphs(limit=limit).apply(document)
    assert len(removed(result)) == removed_count
    assert len(result.live_paragraphs) == 276 - removed_count
    assert ("0点" in result.text.split("\n\n")) == (limit > 10)


def test_duplicate_paragraphs_removes_every_copy(livedoor) -> None:
    articles, counts = livedoor
    smax = articles[SMAX]
    result = DuplicateParagraphs().apply(make_document(counted(smax, counts)))
    # Only the title and three paragraphs occur once in the corpus; the subtitle occurs
    # twice (a later notice for the same phone repeats it) and goes in both articles.
    assert [p.text for p in result.live_paragraphs] == [smax[0], smax[2], smax[3], smax[6]]
    assert {p.removed_by for p in result.paragraphs if not p.live} == {"DuplicateParagraphs()"}
    sibling = DuplicateParagraphs().apply(make_document(counted(articles["smax-6702477"], counts)))
    assert smax[1] in articles["smax-6702477"]
    assert smax[1] not in sibling.text


@pytest.mark.parametrize(
    ("count", "freq", "removed_indices"),
    [
        (3, 100, []),  # LLM-jp's last tier: nothing in this small corpus is that frequent
        (3, 72, []),
        (3, 59, []),  # ■関連リンク (71) alone between 44 and 58: a run of one
        (3, 58, [41, 42, 43]),  # ■関連リンク and the two S-MAX links: a run of three
        (4, 58, []),
        (3, 45, [41, 42, 43]),
        (3, 44, [40, 41, 42, 43]),  # 記事執筆 (44) joins the run
        (3, 13, list(range(8, 44))),  # the template list; the two lines before it stay
        (2, 13, [4, 5, *range(8, 44)]),
        (3, 2, list(range(7, 45))),  # a run touching the end goes, the subtitle (2) stays
    ],
)
def test_large_freq_paragraphs_on_a_livedoor_notice(livedoor, count, freq, removed_indices) -> None:
    articles, counts = livedoor
    document = make_document(counted(articles[SMAX], counts))
    result = LargeFreqParagraphs(count=count, freq=freq).apply(document)
    assert removed(result) == removed_indices


def test_large_freq_paragraphs_at_the_ends_of_a_document(livedoor) -> None:
    articles, counts = livedoor
    paragraphs = counted(articles[SMAX], counts)
    run_of_three = LargeFreqParagraphs(count=4, freq=58)
    # Inside the document a run of three is shorter than count=4 and stays ...
    assert removed(run_of_three.apply(make_document(paragraphs))) == []
    # ... but at the end or the start of a document any run of frequent paragraphs goes.
    assert removed(run_of_three.apply(make_document(paragraphs[:44]))) == [41, 42, 43]
    assert removed(run_of_three.apply(make_document(paragraphs[41:]))) == [0, 1, 2]


@pytest.mark.parametrize(
    ("near_freqs", "removed_indices"),
    [
        ([15, 5, 5, 5], [0]),  # a short run at the start
        ([5, 5, 5, 15], [3]),  # a short run at the end
        ([5, 15, 15, 5], []),  # a short run inside
        ([5, 15, 15, 15, 5], [1, 2, 3]),  # a run of count inside
        ([5, 10, 10, 10, 10, 5], [1, 2, 3, 4]),  # freq itself is frequent
        ([5, 9, 10, 10, 5], []),  # 9 is not
        ([15, 15, 5, 15, 15, 5, 15, 15], [0, 1, 6, 7]),
        ([15, 15, 15], [0, 1, 2]),
        ([], []),
    ],
)
def test_large_freq_paragraphs_runs(near_freqs, removed_indices) -> None:
    document = make_document(frequencies(near_freqs))
    assert removed(LargeFreqParagraphs(count=3, freq=10).apply(document)) == removed_indices


def test_large_freq_paragraphs_counts_removed_paragraphs_in_runs() -> None:
    paragraphs = frequencies([1, 200, 200, 200, 1, 200, 1, 200, 1])
    paragraphs[2] = Paragraph("p2", near_freq=200, removed_by="NoContentDOM()")
    paragraphs[6] = Paragraph("p6", near_freq=200, removed_by="NoContentDOM()")
    result = LargeFreqParagraphs(count=3).apply(make_document(paragraphs))
    # 1-3 is a run of three with the removed 2 in it; 5-7 too. Only live ones are marked.
    assert removed(result) == [1, 2, 3, 5, 6, 7]
    assert [result.paragraphs[i].removed_by for i in (1, 2, 3)] == [
        "LargeFreqParagraphs()",
        "NoContentDOM()",
        "LargeFreqParagraphs()",
    ]
    assert result.paragraphs[6].removed_by == "NoContentDOM()"
    # A removed infrequent paragraph still breaks a run.
    broken = frequencies([1, 200, 200, 1, 200, 200, 1])
    broken[3] = Paragraph("p3", near_freq=1, removed_by="DocLength()")
    assert removed(LargeFreqParagraphs(count=3).apply(make_document(broken))) == [3]


def test_adjacent_duplicates_on_the_docomo_page(docomo) -> None:
    result = AdjacentDuplicateParagraphs().apply(make_document([Paragraph(t) for t in docomo]))
    # "―件" stands three times in a row (33-35); no other paragraph repeats its neighbour.
    assert docomo[33:36] == ["―件"] * 3
    assert removed(result) == [34, 35]
    assert result.paragraphs[34].removed_by == "AdjacentDuplicateParagraphs()"
    assert "―件\n\n―件" not in result.text
    assert len(result.live_paragraphs) == 274


def test_adjacent_duplicates_compares_live_neighbours() -> None:
    dropped = Paragraph("間", removed_by="NoContentDOM()")
    document = make_document([Paragraph("同じ"), dropped, Paragraph("同じ"), Paragraph("別")])
    assert removed(AdjacentDuplicateParagraphs().apply(document)) == [1, 2]
    after_removed = make_document([Paragraph("同じ", removed_by="X()"), Paragraph("同じ")])
    assert AdjacentDuplicateParagraphs().apply(after_removed) is after_removed


def test_llm_jp_tiers_from_config() -> None:
    chain = FilterChain.from_entries(
        [
            {"filter": "LargeFreqParagraphs", "count": 3, "freq": 1000},
            {"filter": "LargeFreqParagraphs", "count": 3, "freq": 100},
            {"filter": "DuplicateParagraphs", "limit": 5},
            {"filter": "AdjacentDuplicateParagraphs"},
        ]
    )
    assert [f.label for f in chain.filters] == [
        "LargeFreqParagraphs(freq=1000)",
        "LargeFreqParagraphs()",
        "DuplicateParagraphs(limit=5)",
        "AdjacentDuplicateParagraphs()",
    ]


@pytest.mark.parametrize(
    "entry",
    [
        {"filter": "DuplicateParagraphs", "limit": 1},
        {"filter": "LargeFreqParagraphs", "freq": 1},
        {"filter": "LargeFreqParagraphs", "count": 0},
        {"filter": "AdjacentDuplicateParagraphs", "limit": 2},
    ],
)
def test_thresholds_that_would_remove_unique_paragraphs_are_config_errors(entry) -> None:
    with pytest.raises(ValueError, match=entry["filter"]):
        FilterChain.from_entries([entry])
