"""NoContentDOM, MergeListTag and MarkdownizeHeading on the paths html_to_paragraphs gives real
pages (perldoc.jp, the Japanese benchmark pages), and their exact matching rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.extract.paragraphs import html_to_paragraphs
from corpus.filters.chain import FilterChain
from corpus.filters.dom import (
    FurnitureDOM,
    MarkdownizeHeading,
    MergeListTag,
    NoContentDOM,
    PathSegment,
    main_path,
    name_words,
    parse_path,
    prose_length,
)
from corpus.schema import Document, Paragraph
from tests.support.documents import make_document
from tests.support.gold_text import bigram_recall, gold_pages

PERLDOC = Path("extraction/uzushio/perldoc_ja.html")


@pytest.fixture(scope="module")
def perldoc(fixtures: Path) -> Document:
    return make_document(html_to_paragraphs((fixtures / PERLDOC).read_text("utf-8")))


@pytest.fixture(scope="module")
def benchmark_pages(fixtures: Path) -> dict[str, tuple[Document, str]]:
    """Japanese pages with gold article text: name -> (document, gold text)."""
    return {
        name: (make_document(html_to_paragraphs(html)), gold)
        for name, (html, gold) in gold_pages(fixtures).items()
    }


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


# --- paths ---------------------------------------------------------------------------------


def test_parse_path() -> None:
    assert parse_path("html>body>div.container.main#content>p") == (
        PathSegment("html", (), None),
        PathSegment("body", (), None),
        PathSegment("div", ("container", "main"), "content"),
        PathSegment("p", (), None),
    )
    # perldoc.jp's heading ids hold dots; Uzushio's parser would read them as classes.
    assert parse_path("div>h2#Why32is32eg4419.9499") == (
        PathSegment("div", (), None),
        PathSegment("h2", (), "Why32is32eg4419.9499"),
    )
    assert parse_path("") == ()


# --- NoContentDOM --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "no_content"),
    [
        ("html>body>div#main>article>p", False),
        ("html>body>header>p", True),
        ("html>body>footer", True),
        ("html>body>aside>div>p", True),
        ("html>body>nav>ul", True),
        ("html>body>noscript>p", True),
        ("html>body>form#aspnetForm>div#main>p", True),  # every paragraph of such a page
        ("html>body>div.header>p", True),
        ("html>body>div#footer>p", True),
        ("html>body>div.site-header>p", True),  # a -/_ separated part
        ("html>body>div#global_navi>p", True),
        ("html>body>div.siteHeader>p", True),  # a capitalized part
        ("html>body>div.SideBar>p", True),
        ("html>body>div.menuList>p", True),
        ("html>body>div.navy-blue>p", True),  # "Navy-blue" holds "Nav": the rule is lexical
        ("html>body>div.subheader>p", False),  # neither a part nor capitalized
        ("html>body>div.inside>p", False),
        ("html>body>div.gmenu>p", False),
        ("html>body>div.HEADER>p", False),  # case-sensitive past the first letter
        ("html>body>div.btn>p", False),
        ("html>body>ul.breadcrumbs", True),
        ("html>body>h1.logo", True),
        ("html>body>h2.logo", False),  # only div, p, ul and h1 are read for names
        ("html>body>section.sidebar>p", False),
        ("html>body>ol.breadcrumb", False),
        ("html>body>div.content>p.banner", True),
        ("html>body>div#blog-name", True),  # blog-template names, exact only
        ("html>body>div#blogName", True),
        ("html>body>div.head-block1", True),
        ("html>body>div.leftBox", True),
        ("html>body>div.blog-name-x", False),
        ("html>body>div.LeftBox", False),
        ("", False),
    ],
)
def test_no_content_paths(path: str, no_content: bool) -> None:
    assert NoContentDOM.is_no_content(path) is no_content


def test_no_content_dom_on_perldoc(perldoc: Document) -> None:
    result = NoContentDOM().apply(perldoc)
    gone = [p for p in result.paragraphs if not p.live]
    # The site header, the navigation bar and the five <option>s of the version <form>.
    assert [p.text for p in gone] == [
        "perldoc.jp",
        "トップ\n本体\n関数\n変数\nモジュール\nカテゴリ別\nその他の翻訳\n翻訳者\n翻訳の作法\nこのサイトについて",
        "5.0150039",
        "5.14.1",
        "5.12.1",
        "5.10.0",
        "5.6.1",
    ]
    assert {p.removed_by for p in gone} == {"NoContentDOM()"}
    assert len(result.live_paragraphs) == 915 - 7


@pytest.mark.parametrize(
    ("name", "paragraphs", "removed_count", "removed_chars"),
    [
        ("lhpat-tm.com", 38, 16, 538),
        ("note100yen.com", 165, 132, 2515),
        ("hukumusume", 10, 0, 0),
        ("yahoo-4", 78, 65, 10748),
    ],
)
def test_no_content_dom_keeps_the_article(
    benchmark_pages, name, paragraphs, removed_count, removed_chars
) -> None:
    document, gold = benchmark_pages[name]
    result = NoContentDOM().apply(document)
    assert len(document.paragraphs) == paragraphs
    assert sum(not p.live for p in result.paragraphs) == removed_count
    assert len(document.text) - len(result.text) == removed_chars
    # Every character bigram of the human gold article text survives.
    assert bigram_recall(gold, result.text) == 1.0


def test_no_content_dom_leaves_removed_paragraphs_alone() -> None:
    document = make_document([Paragraph("x", path="html>body>nav", removed_by="DocLength()")])
    assert NoContentDOM().apply(document).paragraphs[0].removed_by == "DocLength()"


# --- FurnitureDOM --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("globalNavi", {"global", "navi"}),
        ("article__header", {"article", "header"}),
        ("rightside-column", {"rightside", "column"}),
        ("SideBar", {"side", "bar"}),
        ("HEADER", {"header"}),
        ("header___ivcmX", {"header", "ivcm", "x"}),
        ("menu-item-17768", {"menu", "item"}),
        ("inside", {"inside"}),
    ],
)
def test_name_words(name: str, words: set[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("path", "furniture"),
    [
        ("html>body>div#main>article>p", False),
        ("html>body>header>p", True),
        ("html>body>footer", True),
        ("html>body>nav>ul", True),
        ("html>body>aside>div>p", True),
        ("html>body>div.subheader>p", False),  # whole words only
        ("html>body>div.inside>p", False),
        ("html>body>div.navy-blue>p", False),
        ("html>body>div.HEADER>p", True),  # any case
        ("html>body>div#global_navi>p", True),
        ("html>body>ol.breadcrumb", True),  # any tag's names are read
        ("html>body>section.sidebar>p", True),
        ("html>body>div.rightside-column>p", True),
        ("html>body>div.related-posts>ul", True),
        ("html>body>div.story-ad.nocontent>p", True),
        ("html>body>div.ranking>ul", True),
        ("html>body>div.cookie-consent>p", True),
        ("html>body.has-sidebar>div#main>p", False),  # body's classes are not read
        # the article's own header, a pull-quote: not the page's
        ("html>body>article>header.entry-header>h1", False),
        ("html>body>main>aside.pullquote>p", False),
        ("html>body>div.post>header.article__header>h1", False),
        ("html>body>div.post>div.entry-header>h1", False),
        ("html>body>article>footer.entry-footer>p", True),
        # captions, galleries, metadata, legal text, promo boxes, forms' choices
        ("html>body>article>figure>figcaption", True),
        ("html>body>article>div.image-caption>p", True),
        ("html>body>div.gallery--slider>figure>p", True),
        ("html>body>article>div.byline-section>div.publish-date", True),
        ("html>body>div.legal>div.policy>p", True),
        ("html>body>div.copyright__CopyrightContainer-f3mp1a-2>p", True),
        ("html>body>div.PromoXSmall-category", True),
        ("html>body>div.kanren-kiji>ul", True),
        ("html>body>div>select#ComboCategorias>option", True),
        # a heading's id is an anchor made from its text, not a name
        ("html>body>div.pod>h2#How32do32I32find32yesterdays32date63", False),
        ("html>body>div.pod>h2.entry-date", True),
        ("", False),
    ],
)
def test_furniture_paths(path: str, furniture: bool) -> None:
    assert FurnitureDOM.is_no_content(path) is furniture


def test_prose_length() -> None:
    assert prose_length(Paragraph("a" * 80, link_chars=20)) == 60
    # A long list of short lines is no prose: its longest line counts.
    assert prose_length(Paragraph("\n".join(["- October 2019"] * 90))) == 14
    assert prose_length(Paragraph("")) == 0
    assert prose_length(Paragraph("<img src=x>" * 40, path="html>body>div>noscript")) == 0


def test_furniture_dom_spares_the_wrappers_of_the_main_block() -> None:
    blog = "html>body>div.sidebar-layout>div.widget.Blog#Blog1>div.post-body"
    document = make_document(
        [
            Paragraph("メニュー", path="html>body>div.sidebar-layout>div.widget#Menu>ul"),
            Paragraph("本文の段落です。" * 10, path=f"{blog}>p"),
            Paragraph("二つ目の段落です。", path=f"{blog}>p"),
            Paragraph("関連記事", path=f"{blog}>div.related>ul"),
            Paragraph("削除済み", path=f"{blog}>nav", removed_by="DocLength()"),
        ]
    )
    result = FurnitureDOM().apply(document)
    assert [p.removed_by for p in result.paragraphs] == [
        "FurnitureDOM()", "", "", "FurnitureDOM()", "DocLength()",
    ]  # fmt: skip


def test_the_main_block_is_the_element_with_the_most_prose() -> None:
    body = "html>body>div.post>div.entry-content>p"
    comment = "html>body>div.comments>div.comment>div.content>p"
    live = [
        Paragraph("記事の段落です。" * 20, path=body),
        Paragraph("記事の二つ目の段落です。" * 20, path=body),
        Paragraph("とても長いコメントです。" * 30, path=comment),  # the longest paragraph
    ]
    assert main_path(live) == body
    result = FurnitureDOM().apply(make_document(live))
    assert [p.removed_by for p in result.paragraphs] == ["", "", "FurnitureDOM()"]


def test_furniture_dom_keeps_a_form_wrapped_page() -> None:
    form = "html>body>form#aspnetForm"
    document = make_document(
        [
            Paragraph("本文の段落です。" * 10, path=f"{form}>div#main>p"),
            Paragraph("検索", path=f"{form}>div#search>p"),
        ]
    )
    result = FurnitureDOM().apply(document)
    assert [p.removed_by for p in result.paragraphs] == ["", "FurnitureDOM()"]


def test_furniture_dom_on_perldoc(perldoc: Document) -> None:
    result = FurnitureDOM().apply(perldoc)
    gone = [p for p in result.paragraphs if not p.live]
    # The same seven as NoContentDOM: the site header, the navigation bar and the five
    # <option>s of the version <form>.
    assert {p.removed_by for p in gone} == {"FurnitureDOM()"}
    assert [p.text for p in gone] == [
        p.text for p in NoContentDOM().apply(perldoc).paragraphs if not p.live
    ]


@pytest.mark.parametrize("name", ["lhpat-tm.com", "note100yen.com", "hukumusume", "yahoo-4"])
def test_furniture_dom_keeps_the_article(benchmark_pages, name) -> None:
    document, gold = benchmark_pages[name]
    result = FurnitureDOM().apply(document)
    assert bigram_recall(gold, result.text) == 1.0


# --- MergeListTag --------------------------------------------------------------------------


def test_merge_list_tag_on_perldoc(perldoc: Document) -> None:
    result = MergeListTag().apply(perldoc)
    # The five <option>s become one list; so do the 11 paragraphs of the table of contents
    # (each <li> holds a nested <ul>, one paragraph per line of questions).
    assert len(result.paragraphs) == 915 - 4 - 10
    merged = [p for p in result.paragraphs if p.text.startswith("- ")]
    assert len(merged) == 2
    assert merged[0].text == "- 5.0150039\n- 5.14.1\n- 5.12.1\n- 5.10.0\n- 5.6.1"
    assert merged[0].path.endswith("div.PodInfo>form>select>option")
    toc = merged[1].text.split("\n")
    assert toc[0].startswith("- なぜ 19.95 のような数字ではなく、19.9499999999999 のような")
    assert sum(line.startswith("- ") for line in toc) == 11
    assert "- データ: 配列" in toc
    assert merged[1].path.endswith("ul.pod_toc>li>ul")
    items = [p for p in perldoc.paragraphs if ">li>" in p.path or p.path.endswith(">option")]
    assert len(items) == 16
    unmarked = [line.removeprefix("- ") for p in merged for line in p.text.split("\n")]
    assert unmarked == [line for p in items for line in p.text.split("\n")]


def test_merge_list_tag_on_a_related_posts_list(benchmark_pages) -> None:
    document, _ = benchmark_pages["lhpat-tm.com"]
    result = MergeListTag().apply(document)
    assert len(result.paragraphs) == 38 - 5
    related = next(p for p in result.paragraphs if p.text.startswith("- "))
    assert related.text.split("\n") == [
        "- 2013年04月09日",
        "- 「あずきバー」事件 －商標の判決シリーズ",
        "- 2016年08月03日",
        "- フランク ミュラー　v.s.　フランク三浦 －商標の判決シリーズ",
        "- 2016年08月05日",
        "- 「体脂肪測定器」と「体重計」は類似する？－商標の判決シリーズ",
    ]


def item(text: str, path: str, **fields) -> Paragraph:
    return Paragraph(text, path=f"html>body>{path}", **fields)


def test_merge_list_tag_rules() -> None:
    document = make_document(
        [
            item("本文", "p.text"),
            item("一", "ul>li.a>div", exact_freq=3, near_freq=9, link_chars=1, main_content=1.0),
            # below li differs
            item("二", "ul>li.a>p", exact_freq=2, near_freq=7, link_chars=1, main_content=0.5),
            # already a list item
            item("- 三", "ul>li.a>div", exact_freq=5, near_freq=5, main_content=0.0),
            item("四", "ul>li.b>div"),  # another li class: a run of its own, left alone
            item("甲", "select>option"),
            item("乙", "select>option"),
            item("末尾", "p.text"),
        ]
    )
    result = MergeListTag().apply(document)
    assert texts(result) == ["本文", "- 一\n- 二\n- 三", "四", "- 甲\n- 乙", "末尾"]
    first = result.paragraphs[1]
    assert (first.exact_freq, first.near_freq, first.link_chars) == (2, 5, 2)
    assert first.path == "html>body>ul>li.a>div"
    assert first.main_content == (1 * 1.0 + 1 * 0.5 + 3 * 0.0) / 5  # by characters
    assert result.paragraphs[3].near_freq is None  # unknown counts as 1, the least
    assert result.paragraphs[3].main_content is None  # not measured
    assert all(p.live for p in result.paragraphs)


def test_merge_list_tag_skips_removed_paragraphs() -> None:
    document = make_document(
        [
            item("一", "ol>li>p"),
            item("広告", "ol>li>div.ad", removed_by="NoContentDOM()"),
            item("二", "ol>li>p"),
            item("三", "ol>li>p", removed_by="DocLength()"),
        ]
    )
    result = MergeListTag().apply(document)
    assert texts(result) == ["- 一\n- 二", "広告", "三"]
    assert [p.removed_by for p in result.paragraphs] == ["", "NoContentDOM()", "DocLength()"]


def test_merge_list_tag_needs_the_same_parents() -> None:
    document = make_document([item("一", "ul.x>li>p"), item("二", "ul.y>li>p")])
    assert MergeListTag().apply(document) is document


# --- MarkdownizeHeading --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("h1", "# 見出し"),
        ("h2.title", "## 見出し"),
        ("div>h3#x", "### 見出し"),
        ("h4>div", "#### 見出し"),
        ("h5", "##### 見出し"),
        ("h6", "###### 見出し"),
        ("h2>div>h3>div", "### 見出し"),  # the innermost heading
        ("header>p", "見出し"),
        ("hgroup>p", "見出し"),
        ("div.h1", "見出し"),
        ("p", "見出し"),
    ],
)
def test_markdownize_heading_levels(path: str, text: str) -> None:
    result = MarkdownizeHeading().apply(make_document([item("見出し", path)]))
    assert texts(result) == [text]


def test_markdownize_heading_on_perldoc(perldoc: Document) -> None:
    result = MarkdownizeHeading().apply(perldoc)
    changed = [
        (a.text, b.text)
        for a, b in zip(perldoc.paragraphs, result.paragraphs, strict=True)
        if a != b
    ]
    assert len(changed) == 73  # 7 h1 and 66 h2
    assert sum(new.startswith("# ") for _, new in changed) == 7
    assert sum(new.startswith("## ") for _, new in changed) == 66
    assert all(new in (f"# {old}", f"## {old}") for old, new in changed)
    assert changed[0][1] == "# 名前¶"
    # An h2 whose id holds a dot (19.949...) is still an h2.
    assert changed[3][1].startswith("## なぜ 19.95 のような数字ではなく")


def test_markdownize_heading_leaves_removed_paragraphs_alone() -> None:
    document = make_document([item("見出し", "h2", removed_by="NoContentDOM()")])
    assert texts(MarkdownizeHeading().apply(document)) == ["見出し"]


# --- the LLM-jp order ----------------------------------------------------------------------


def test_llm_jp_dom_filters_on_perldoc(perldoc: Document) -> None:
    chain = FilterChain.from_entries(
        [{"filter": "MergeListTag"}, {"filter": "MarkdownizeHeading"}, {"filter": "NoContentDOM"}]
    )
    result = chain.apply(perldoc)
    assert result.removed_by is None
    assert len(result.paragraphs) == 901
    # The merged <option>s go as one paragraph, with the header and the navigation bar.
    assert [p.text[:12] for p in result.paragraphs if not p.live] == [
        "perldoc.jp",
        "トップ\n本体\n関数\n変数",
        "- 5.0150039\n",
    ]
    assert len(result.live_paragraphs) == 898
    # 73 headings, and 6 Perl code blocks that open with a comment.
    assert sum(p.text.startswith(("# ", "## ")) for p in result.live_paragraphs) == 73 + 6
