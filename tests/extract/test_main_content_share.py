"""with_main_content: how much of each paragraph resiliparse's main content keeps."""

from __future__ import annotations

import gzip
from pathlib import Path

from corpus.extract.main_content_share import with_main_content
from corpus.extract.paragraphs import html_to_paragraphs
from corpus.schema import Paragraph
from tests.support.gold_text import YOMIURI_BODY, yomiuri_page

PAGE = (
    "<html><body><nav><ul><li><a href='/'>ホーム</a></li><li><a href='/news'>ニュース</a></li>"
    "</ul></nav><main><article><h1>見出し</h1><p>" + YOMIURI_BODY + "</p><p>短い</p>"
    "</article></main><footer><p>Copyright 2024 Example</p></footer></body></html>"
)


def test_each_paragraph_gets_the_share_of_it_that_the_main_content_keeps() -> None:
    paragraphs = html_to_paragraphs(PAGE)
    measured = with_main_content(PAGE, paragraphs)
    shares = {p.text: p.main_content for p in measured}
    assert shares[YOMIURI_BODY] == 1.0
    assert shares["短い"] == 1.0  # too short for a 5-gram: found whole
    assert shares["Copyright 2024 Example"] == 0.0
    # Everything else of a paragraph stays as it was.
    assert [(p.text, p.path, p.link_chars) for p in measured] == [
        (p.text, p.path, p.link_chars) for p in paragraphs
    ]
    assert all(p.main_content is None for p in paragraphs)


def test_a_page_without_main_content_measures_zero() -> None:
    (measured,) = with_main_content("<html><body></body></html>", [Paragraph("本文です。")])
    assert measured.main_content == 0.0


def test_the_article_of_a_real_page_is_in_the_main_content_and_its_furniture_is_not(
    fixtures: Path,
) -> None:
    html = yomiuri_page(fixtures, "yomiuri")
    measured = with_main_content(html, html_to_paragraphs(html))
    (body,) = [p for p in measured if p.text.startswith(YOMIURI_BODY[:20])]
    assert body.main_content == 1.0
    low = [p for p in measured if p.main_content is not None and p.main_content < 0.5]
    assert low and all(p.text != body.text for p in low)


def shares_by_sets(html: str, paragraphs: list[Paragraph]) -> list[float]:
    """The shares as the definition states them, with Python sets of 5-gram strings."""
    from resiliparse.extract.html2text import extract_plain_text

    def grams(text: str) -> set[str]:
        return {text[i : i + 5] for i in range(len(text) - 4)}

    main = "".join(extract_plain_text(html, main_content=True).split())
    kept = grams(main)
    shares = []
    for paragraph in paragraphs:
        text = "".join(paragraph.text.split())
        own = grams(text)
        shares.append(len(own & kept) / len(own) if own else float(bool(text) and text in main))
    return shares


def test_the_hashed_shares_equal_the_shares_of_5_gram_sets_on_real_pages(fixtures: Path) -> None:
    benchmark = fixtures / "extraction/scrapinghub-article-extraction-benchmark/html"
    pages = sorted(benchmark.glob("*.html.gz"))[:40]
    assert len(pages) == 40
    partial = 0
    for page in pages:
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        paragraphs = html_to_paragraphs(html)
        measured = [p.main_content for p in with_main_content(html, paragraphs)]
        assert measured == shares_by_sets(html, paragraphs), page.name
        partial += sum(0 < share < 1 for share in measured)
    assert partial > 0  # the hashed path was taken, not only whole matches
