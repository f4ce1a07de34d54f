"""The filter chain: document filters judge live paragraphs only; the default chain keeps a
real article whole and marks its menus with the rule that marked them."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.extract.charset import decode_body
from corpus.extract.paragraphs import html_to_paragraphs
from corpus.filters.base import DocumentFilter
from corpus.filters.chain import FilterChain, live_view
from corpus.filters.characters import LinkCharRatio
from corpus.filters.config import FilterConfig
from corpus.schema import Document, Paragraph
from tests.support.documents import make_document

PROSE = "海津市海津町の国営木曽三川公園で、チューリップが見頃を迎えている。"
MENU_TEXT = "ホーム\n社会\nスポーツ\n政治\n国際\n経済\n科学\n地域\n環境\n特集\n写真\n動画"
MENU = Paragraph(MENU_TEXT, link_chars=len(MENU_TEXT) - 11, path="html>body>nav>ul")


def test_live_view_holds_the_live_paragraphs_only() -> None:
    document = make_document([MENU, Paragraph(PROSE)])
    assert live_view(document) is document
    marked = make_document([Paragraph("x", removed_by="DocLength()"), Paragraph(PROSE)])
    assert live_view(marked).paragraphs == [Paragraph(PROSE)]
    assert len(marked.paragraphs) == 2  # the document itself is untouched


def test_document_filters_measure_what_paragraph_filters_left() -> None:
    document = make_document([MENU, Paragraph("チューリップが見頃を迎えている。")])
    link_ratio = {"filter": "LinkCharRatio", "high": 0.4}
    assert LinkCharRatio(high=0.4).removal(document) == "LinkCharRatio(high=0.4)"
    # Alone, the menu's links decide the page; after FurnitureDOM has marked the menu, the
    # article's own link share (0) does, and the menu stays in the output, marked.
    assert FilterChain.from_entries([link_ratio]).apply(document).removed_by
    result = FilterChain.from_entries([{"filter": "FurnitureDOM"}, link_ratio]).apply(document)
    assert result.removed_by is None
    assert [p.removed_by for p in result.paragraphs] == ["FurnitureDOM()", ""]


class _Seen(DocumentFilter):
    """Records the paragraphs it was handed (a test double)."""

    def removal(self, document: Document) -> str | None:
        seen.append([p.text for p in document.paragraphs])
        return None


seen: list[list[str]] = []


def test_the_chain_counts_what_each_filter_was_handed_and_removed() -> None:
    chain = FilterChain.from_entries(
        [{"filter": "LinkDensity"}, {"filter": "DocLength", "low": 20}]
    )
    documents = [[MENU, Paragraph(PROSE)], [MENU], [Paragraph("短い")]]
    reasons = [chain.apply(make_document(paragraphs)).removed_by for paragraphs in documents]
    assert reasons == [None, "LinkDensity()", "DocLength(low=20)"]
    counts = chain.take_counts()
    # LinkDensity marks both menus, the second the page's only paragraph: it removes that
    # page; DocLength is handed the two others with their live paragraphs only.
    assert [(c.documents_in, c.documents_removed) for c in counts] == [(3, 1), (2, 1)]
    assert [(c.paragraphs_in, c.paragraphs_removed) for c in counts] == [(4, 2), (2, 0)]
    assert all(c.seconds > 0 for c in counts)
    assert [c.documents_in for c in chain.counts] == [0, 0]  # taken: counting from zero


def test_every_document_filter_gets_the_live_view() -> None:
    seen.clear()
    furniture = FilterChain.from_entries([{"filter": "FurnitureDOM"}]).filters
    chain = FilterChain([_Seen(), *furniture, _Seen()])
    chain.apply(make_document([MENU, Paragraph(PROSE)]))
    assert seen == [[MENU.text, PROSE], [PROSE]]


YOMIURI_ARTICLE = [PROSE + "２０日までは「チューリップ祭」が開", "大花壇を中心に植えられているのは"]
"""The article's body, its two `<p>`s: the benchmark's gold (benchmarks/gold_pages.py), as
scrapinghub's `articleBody` holds the body without headline, caption or date line."""
YOMIURI_AROUND = {
    "# 色とりどりのチューリップ": "MainText()",
    "## 木曽三川公園で見頃": "MainText()",
    "咲き誇るチューリップ": "MainText()",  # the photo's caption
    "（2011年4月10日 読売新聞）": "FurnitureDOM()",  # div.date-def
}


@pytest.fixture(scope="module")
def yomiuri(fixtures: Path) -> tuple[Document, Document]:
    """snacktory's yomiuri.html (real Shift_JIS, 2011) before and after the default chain."""
    body = (fixtures / "extraction" / "snacktory" / "yomiuri.html").read_bytes()
    decoded = decode_body(body, None)
    assert decoded is not None
    document = Document(id="yomiuri", language="ja", paragraphs=html_to_paragraphs(decoded.text))
    chain = FilterChain.from_entries(FilterConfig().chain)
    chain.setup()
    return document, chain.apply(document)


def test_default_chain_keeps_a_menu_heavy_article_whole(yomiuri) -> None:
    document, result = yomiuri
    # The whole page is 55% link text: LinkCharRatio(high=0.4) on it would drop the article.
    assert LinkCharRatio(high=0.4).removal(document) == "LinkCharRatio(high=0.4)"
    assert result.removed_by is None
    live = [p.text for p in result.live_paragraphs]
    assert len(live) == len(YOMIURI_ARTICLE)
    assert all(text.startswith(start) for text, start in zip(live, YOMIURI_ARTICLE, strict=True))


def test_default_chain_marks_the_menus_with_the_rule_that_marked_them(yomiuri) -> None:
    document, result = yomiuri
    assert len(result.paragraphs) == len(document.paragraphs) == 35
    gone = [p for p in result.paragraphs if not p.live]
    assert len(gone) == 35 - len(YOMIURI_ARTICLE)
    assert {p.removed_by for p in gone} == {"FurnitureDOM()", "LinkDensity()", "MainText()"}
    marked = {p.text: p.removed_by for p in gone}
    assert {text: marked[text] for text in YOMIURI_AROUND} == YOMIURI_AROUND
    rules = [type(f).__name__ for f in FilterChain.from_entries(FilterConfig().chain).filters]
    assert rules.index("LinkDensity") < rules.index("MainText") < rules.index("LinkCharRatio")
    # The breadcrumb sits in div.nav-bread; the side column's lists in td.nav-r.
    assert marked["ホーム>地域>岐阜"] == "FurnitureDOM()"
    prefectures = next(t for t in marked if t.startswith("北海道\n青森\n岩手"))
    assert marked[prefectures] == "FurnitureDOM()"
    # The article's "latest news" list: 61% link text, under td.main with the article.
    latest = next(t for t in marked if t.startswith("トヨタ 多治見・工業団地に人材育成拠点新設"))
    assert marked[latest] == "LinkDensity()"
    assert marked["### 一覧"] == "LinkDensity()"
