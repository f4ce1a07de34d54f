"""MainContentExtractor: trafilatura's main text on real Japanese pages, and its time limit."""

from __future__ import annotations

import inspect
import pickle
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.extract.config import ExtractConfig
from corpus.extract.main_content import ExtractionFailed, MainContentExtractor
from corpus.extract.paragraphs import ExtractionTimeout
from tests.support.gold_text import (
    YOMIURI2_BODY,
    YOMIURI_BODY,
    bigram_recall,
    gold_pages,
    nhk_page,
    yomiuri_page,
)

# Thousands of blocks keep trafilatura busy for well over a second (1.7 s measured).
SLOW_PAGE = (
    "<html><body>"
    + "".join(
        f"<div class='c{i % 7}'><p>これは{i}番目の段落です。</p></div>" for i in range(10_000)
    )
    + "</body></html>"
)


@pytest.fixture(scope="module")
def extractor() -> Iterator[MainContentExtractor]:
    # generous time limit: test machines are shared
    extractor = MainContentExtractor(time_limit=30.0, options=ExtractConfig().trafilatura_options)
    yield extractor
    extractor.close()


def compact_length(text: str) -> int:
    return len("".join(text.split()))


@pytest.mark.parametrize(
    ("name", "recall_floor", "size_ceiling"),
    [
        # measured: recall 1.000, 1.000, 0.968, 1.000; size / gold 1.00, 1.04, 1.08, 1.00
        ("lhpat-tm.com", 0.999, 1.1),
        ("note100yen.com", 0.999, 1.1),
        ("hukumusume", 0.95, 1.15),
        ("yahoo-4", 0.999, 1.1),
    ],
)
def test_gold_article_is_recovered_without_the_rest_of_the_page(
    fixtures: Path,
    extractor: MainContentExtractor,
    name: str,
    recall_floor: float,
    size_ceiling: float,
) -> None:
    html, gold = gold_pages(fixtures)[name]
    text = "\n".join(p.text for p in extractor.paragraphs(html))
    assert bigram_recall(gold, text) >= recall_floor
    # the whole page's paragraphs are 1.8x to 9.9x the gold on the same pages
    assert compact_length(text) <= size_ceiling * compact_length(gold)


def test_nhk_keeps_the_article_and_loses_its_boilerplate(
    fixtures: Path, extractor: MainContentExtractor
) -> None:
    html, gold = nhk_page(fixtures)
    paragraphs = extractor.paragraphs(html)
    text = "\n".join(p.text for p in paragraphs)
    assert all(snippet.strip() in text for snippet in gold["with"])
    assert not any(snippet.strip() in text for snippet in gold["without"])
    assert paragraphs[0].text.startswith("子どもへの虐待をなくすための法律ができて")  # no furigana
    assert len(paragraphs) == 4


def test_shift_jis_yomiuri_articles_are_extracted(
    fixtures: Path, extractor: MainContentExtractor
) -> None:
    yomiuri = "\n".join(p.text for p in extractor.paragraphs(yomiuri_page(fixtures, "yomiuri")))
    assert YOMIURI_BODY in yomiuri
    yomiuri2 = extractor.paragraphs(yomiuri_page(fixtures, "yomiuri2"))
    assert yomiuri2[0].text == "海水汚染には猫トイレの砂…セシウム吸着"
    assert any(YOMIURI2_BODY in p.text for p in yomiuri2)
    assert not any("ニュースランキング" in p.text for p in yomiuri2)  # a sidebar heading


def test_paragraphs_are_non_empty_lines_without_dom_information(
    fixtures: Path, extractor: MainContentExtractor
) -> None:
    html, _ = gold_pages(fixtures)["note100yen.com"]
    paragraphs = extractor.paragraphs(html)
    assert len(paragraphs) == 25
    assert all(p.text and "\n" not in p.text and p.text == p.text.strip() for p in paragraphs)
    assert {(p.path, p.link_chars) for p in paragraphs} == {("", 0)}
    assert extractor.paragraphs("<html><body></body></html>") == []


def test_a_page_over_the_time_limit_is_killed_and_the_next_page_works(fixtures: Path) -> None:
    extractor = MainContentExtractor(time_limit=0.1)
    try:
        start = time.monotonic()
        with pytest.raises(ExtractionTimeout):
            extractor.paragraphs(SLOW_PAGE)
        assert time.monotonic() - start < 5.0  # the limit plus starting and killing the child
        extractor.time_limit = 30.0
        html, gold = nhk_page(fixtures)
        text = "\n".join(p.text for p in extractor.paragraphs(html))
        assert all(snippet.strip() in text for snippet in gold["with"])
    finally:
        extractor.close()


def test_a_dead_child_is_reported_and_replaced(extractor: MainContentExtractor) -> None:
    page = "<html><body><article><p>" + "本文の段落です。" * 20 + "</p></article></body></html>"
    before = extractor.paragraphs(page)
    extractor._process.kill()  # as the kernel would on a crash in lxml
    extractor._process.wait()
    with pytest.raises(ExtractionFailed):
        extractor.paragraphs(page)
    assert extractor.paragraphs(page) == before


def test_an_extractor_pickles_as_its_settings_only(extractor: MainContentExtractor) -> None:
    page = "<html><body><article><p>" + "ピクルの確認です。" * 20 + "</p></article></body></html>"
    expected = extractor.paragraphs(page)  # the child process is running now
    clone = pickle.loads(pickle.dumps(extractor))
    try:
        assert clone.time_limit == extractor.time_limit
        assert clone.options == extractor.options
        assert clone.paragraphs(page) == expected
    finally:
        clone.close()


def test_the_configured_options_default_to_trafilaturas_own() -> None:
    trafilatura = pytest.importorskip("trafilatura")
    defaults = inspect.signature(trafilatura.extract).parameters
    options = ExtractConfig().trafilatura_options
    assert set(options) == {"favor_precision", "favor_recall", "include_comments", "include_tables"}
    assert options == {name: defaults[name].default for name in options}


def test_the_configured_options_reach_trafilatura() -> None:
    prose = "".join(f"<p>{'表の前に書かれた本文の段落です。' * 8}{i}</p>" for i in range(4))
    table = "<table><tr><td>東京都の人口</td><td>一千四百万人</td></tr></table>"
    page = f"<html><body><article>{prose}{table}</article></body></html>"
    config = ExtractConfig(method="trafilatura", trafilatura_include_tables=False)
    without_tables = MainContentExtractor(time_limit=30.0, options=config.trafilatura_options)
    default = MainContentExtractor(time_limit=30.0, options=ExtractConfig().trafilatura_options)
    try:
        assert "東京都の人口" in "\n".join(p.text for p in default.paragraphs(page))
        kept = "\n".join(p.text for p in without_tables.paragraphs(page))
        assert "本文の段落です" in kept
        assert "東京都の人口" not in kept
    finally:
        without_tables.close()
        default.close()
