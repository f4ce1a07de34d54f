"""The Wikipedia dump reader: the real jawiki dump head (cut off mid-page) and small dumps
the tests write, plain and compressed."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus.schema import Document, Paragraph
from corpus.sources.records import ReadResult, Skipped, Unreadable
from corpus.sources.wikipedia import DROPPED_SECTIONS, WikipediaReader, article_paragraphs
from corpus.sources.wikitext import Section
from tests.support.source_files import DUMP

MARKUP = ("{{", "}}", "[[", "]]", "<ref", "</", "<!--", "{|", "|}", "__TOC__", "thumb|")


def outcomes(results: list[ReadResult]) -> Counter:
    return Counter("kept" if isinstance(r, Document) else r.reason for r in results)


def by_title(results: list[ReadResult]) -> dict[str, Document]:
    prefix = "https://ja.wikipedia.org/wiki/"
    return {r.url.removeprefix(prefix): r for r in results if isinstance(r, Document)}


@pytest.fixture(scope="module")
def jawiki(fixtures) -> list[ReadResult]:
    return list(WikipediaReader().read(str(fixtures / DUMP)))


def test_every_complete_page_is_accounted_for_and_the_cut_reported(jawiki, fixtures):
    # 239 pages start in the file, 238 end: 189 articles, 15 article redirects, 34 pages
    # of other namespaces (32 Wikipedia:, 12 of them redirects; 2 Help:), and the cut one.
    assert outcomes(jawiki) == {"kept": 189, "namespace": 34, "redirect": 15, "truncated_file": 1}
    cut = jawiki[-1]
    assert isinstance(cut, Unreadable)
    assert (cut.file, cut.position, cut.reason) == (str(fixtures / DUMP), 238, "truncated_file")
    assert "after 238 complete pages" in cut.error


def test_document_fields(jawiki):
    articles = by_title(jawiki)
    ampersand = articles["%E3%82%A2%E3%83%B3%E3%83%91%E3%82%B5%E3%83%B3%E3%83%89"]
    assert ampersand.id == "jawiki:5"
    assert ampersand.date == datetime(2022, 4, 23, 2, 25, 36, tzinfo=UTC)
    assert (ampersand.source, ampersand.language, ampersand.host) == (
        "jawiki",
        "ja",
        "ja.wikipedia.org",
    )
    # the dump names its language; no model measured it, no charset was decoded
    assert (ampersand.language_score, ampersand.charset, ampersand.source_language) == (
        None,
        None,
        None,
    )
    assert ampersand.text.startswith(
        "アンパサンド（&, ampersand）は、並立助詞「…と…」を意味する記号"
    )
    # Wikipedia's own spelling of the address: spaces as _, parentheses left as they are
    disambiguation = articles["EU_(%E6%9B%96%E6%98%A7%E3%81%95%E5%9B%9E%E9%81%BF)"]
    assert disambiguation.id == "jawiki:14"
    assert len({d.id for d in articles.values()}) == 189
    assert all(0 < d.hiragana_ratio < 1 for d in articles.values() if d.id != "jawiki:14")


def test_known_articles_read_as_plain_text(jawiki):
    articles = by_title(jawiki)
    paris = articles["%E3%83%91%E3%83%AA"]
    assert paris.id == "jawiki:31"
    assert paris.paragraphs[0].text.startswith(
        "パリ（Paris、巴里）は、フランスの首都。イル＝ド＝フランス地域圏の首府。"
    )
    assert (
        "ルーヴル美術館を含む1区を中心として時計回りに20の行政区が並び、エスカルゴと形容される。"
        in (paris.text)
    )
    assert paris.paragraphs[1] == Paragraph("概要", path="h2")
    headings = [p.text for p in paris.paragraphs if p.path]
    assert headings[:4] == ["概要", "標語", "地名の語源", "地理"]
    for gone in ("Cite web", "Communefra", "Flag of Paris", "ファイル:", "Category:", "paʁi"):
        assert gone not in paris.text
    japanese = articles["%E6%97%A5%E6%9C%AC%E8%AA%9E"]
    assert japanese.paragraphs[0].text.startswith(
        "日本語（にほんご、にっぽんご、Japanese）は、日本国内や、かつての日本領だった国"
    )


def test_no_markup_is_left_and_apparatus_sections_are_gone(jawiki):
    dropped = set(DROPPED_SECTIONS)
    for document in by_title(jawiki).values():
        for mark in MARKUP:
            assert mark not in document.text, (document.url, mark)
        headings = {p.text for p in document.paragraphs if p.path}
        assert not headings & dropped, document.url
        assert all(p.path in ("", "h2", "h3", "h4", "h5", "h6") for p in document.paragraphs)


def test_sections_kept_and_dropped():
    sections = [
        Section(0, "", "導入。"),
        Section(2, "概要", "本文。\n\n次の段落。"),
        Section(2, "脚注", ""),
        Section(3, "注釈", "注の本文"),
        Section(2, "空の節", ""),
        Section(3, "下位", "下位の本文"),
        Section(2, "中身のない節", ""),
        Section(3, "中身のない下位", ""),
        Section(2, "出典・脚注", "出典"),
        Section(2, "see also", "リンク"),
        Section(2, "最後", "終わり"),
    ]
    dropped = frozenset(title.lower() for title in DROPPED_SECTIONS)
    assert article_paragraphs(sections, dropped) == [
        Paragraph("導入。"),
        Paragraph("概要", path="h2"),
        Paragraph("本文。"),
        Paragraph("次の段落。"),
        Paragraph("空の節", path="h2"),
        Paragraph("下位", path="h3"),
        Paragraph("下位の本文"),
        Paragraph("最後", path="h2"),
        Paragraph("終わり"),
    ]


SITEINFO = """<siteinfo><sitename>Wikipedia</sitename><dbname>jawiki</dbname>
<base>https://ja.wikipedia.org/wiki/メインページ</base></siteinfo>"""


def page(page_id: int, title: str, text: str, ns: int = 0, redirect: bool = False) -> str:
    redirect_element = f'<redirect title="{title}先" />' if redirect else ""
    return (
        f"<page><title>{title}</title><ns>{ns}</ns><id>{page_id}</id>{redirect_element}"
        f"<revision><id>{page_id * 10}</id>"
        f"<timestamp>2024-01-01T00:00:{page_id % 60:02d}Z</timestamp>"
        f'<text bytes="1" xml:space="preserve">{text}</text></revision></page>\n'
    )


PAGES = [
    page(
        1, "記事 A", "'''A'''は[[B|び]]である。&lt;ref&gt;出典&lt;/ref&gt;\n== 脚注 ==\n{{Reflist}}"
    ),
    page(2, "転送", "#REDIRECT [[記事 A]]", redirect=True),
    page(3, "転送2", "#転送 [[記事 A]]"),
    page(4, "ノート:記事 A", "議論", ns=1),
    page(5, "テンプレートだけ", "{{Infobox}}\n[[Category:空]]"),
    page(6, "記事 C？", "本文C"),
]


def dump(pages: list[str]) -> bytes:
    head = '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xml:lang="ja">'
    return (head + SITEINFO + "".join(pages) + "</mediawiki>\n").encode()


@pytest.mark.parametrize(
    ("suffix", "compress"), [("", bytes), (".bz2", bz2.compress), (".gz", gzip.compress)]
)
def test_a_small_dump(tmp_path: Path, suffix, compress):
    path = tmp_path / f"jawiki-pages-articles.xml{suffix}"
    path.write_bytes(compress(dump(PAGES)))
    results = list(WikipediaReader(source="ja_wiki").read(str(path)))
    assert results[1:5] == [
        Skipped("redirect"),
        Skipped("redirect"),
        Skipped("namespace"),
        Skipped("empty"),
    ]
    first, last = results[0], results[5]
    assert (first.id, first.url, first.source, first.text) == (
        "jawiki:1",
        "https://ja.wikipedia.org/wiki/%E8%A8%98%E4%BA%8B_A",
        "ja_wiki",
        "Aはびである。",
    )
    assert first.date == datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert last.url == "https://ja.wikipedia.org/wiki/%E8%A8%98%E4%BA%8B_C%EF%BC%9F"


def test_namespaces_and_sections_are_options(tmp_path: Path):
    path = tmp_path / "dump.xml"
    path.write_bytes(dump(PAGES))
    reader = WikipediaReader(namespaces=(0, 1), dropped_sections=())
    documents = [r for r in reader.read(str(path)) if isinstance(r, Document)]
    assert [d.id for d in documents] == ["jawiki:1", "jawiki:4", "jawiki:6"]
    assert documents[0].paragraphs[-1] == Paragraph("Aはびである。")  # 脚注 has no text left


def test_a_compressed_dump_cut_short(tmp_path: Path):
    noise = random.Random(0)
    pages = [page(n, f"記事{n}", noise.randbytes(500).hex()) for n in range(1, 1000)]
    data = lzma.compress(dump(pages))
    path = tmp_path / "cut.xml.xz"
    path.write_bytes(data[: len(data) // 2])
    results = list(WikipediaReader().read(str(path)))
    cut = results[-1]
    assert isinstance(cut, Unreadable) and cut.reason == "truncated_file"
    assert cut.position == len(results) - 1 > 0
    assert all(not isinstance(r, Unreadable) for r in results[:-1])


def test_malformed_xml_before_the_end(tmp_path: Path):
    path = tmp_path / "broken.xml"
    path.write_bytes(dump([*PAGES[:2], "<page><title>x</titel></page>", *PAGES[2:] * 5000]))
    results = list(WikipediaReader().read(str(path)))
    assert outcomes(results) == {"kept": 1, "redirect": 1, "xml_error": 1}
    assert results[-1].position == 2


def test_many_unclosed_refs_convert_in_linear_time(tmp_path: Path):
    """80,000 `<ref>` never closed: each is dropped as a tag, the text between them kept,
    in a small fraction of the time limit (a lazy regex per tag scanned to the page's end
    from each of them)."""
    wikitext = "前文" + "&lt;ref&gt;注" * 80_000
    path = tmp_path / "refs.xml"
    path.write_bytes(dump([page(1, "参照だらけ", wikitext), PAGES[-1]]))
    started = time.process_time()
    results = list(WikipediaReader().read(str(path)))
    assert time.process_time() - started < 2.0
    assert outcomes(results) == {"kept": 2}
    assert results[0].text == "前文" + "注" * 80_000


def test_a_page_over_the_time_limit_is_a_counted_dead_letter(tmp_path: Path):
    """The conversion stops at the limit, not at the page's end; the next page is read."""
    slow = "本文の[[リンク|段落]]です{{lang|en|x}}。\n\n" * 150_000
    path = tmp_path / "slow.xml"
    path.write_bytes(dump([page(1, "長い記事", slow), PAGES[-1]]))
    started = time.monotonic()
    results = list(WikipediaReader(time_limit_seconds=0.05).read(str(path)))
    limited = time.monotonic() - started
    assert outcomes(results) == {"timeout": 1, "kept": 1}
    letter = results[0]
    assert (letter.file, letter.position, letter.reason) == (str(path), 0, "timeout")
    assert letter.error == "the conversion took over 0.05 s"
    assert results[1].text == "本文C"
    # Under the default limit the page converts whole, in about a second: the limited
    # read stopped long before (what is left is parsing the XML).
    started = time.monotonic()
    assert outcomes(WikipediaReader().read(str(path))) == {"kept": 2}
    assert limited < (time.monotonic() - started) / 2


def test_the_time_limit_is_checked():
    with pytest.raises(ValueError, match="time_limit_seconds: 0 is not positive"):
        WikipediaReader(time_limit_seconds=0)
