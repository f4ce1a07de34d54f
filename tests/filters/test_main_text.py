"""MainText: the shipped model, its features, and what it marks on real Japanese pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.config import validate
from corpus.errors import ConfigError
from corpus.extract.main_content_share import with_main_content
from corpus.extract.paragraphs import html_to_paragraphs
from corpus.filters.chain import FilterChain
from corpus.filters.config import FilterConfig
from corpus.filters.main_text import DEFAULT_MODEL, FEATURES, MainText, load_model, page_features
from corpus.schema import Paragraph
from tests.support.documents import make_document
from tests.support.gold_text import bigram_recall, gold_pages

ARTICLE = "html>body>div.page>div.entry>p"
PROSE = "海津市海津町の国営木曽三川公園で、チューリップが見頃を迎えている。" * 3


def column(features: np.ndarray, name: str) -> list[float]:
    return [round(v, 3) for v in features[:, list(FEATURES).index(name)]]


def test_the_shipped_model_says_how_it_was_made_and_fits_the_features() -> None:
    header = DEFAULT_MODEL.read_text(encoding="utf-8").split("\nintercept:")[0]
    assert "benchmarks/train_main_text.py" in header
    assert "gold-text pages" in header and "cross-validation" in header
    assert "out_of_fold_models" in header  # where the honest estimate comes from
    model = load_model(str(DEFAULT_MODEL))
    assert model.weights.shape == model.mean.shape == model.scale.shape == (len(FEATURES),)
    assert 0 < model.cut < 1
    assert {"filter": "MainText"} in FilterConfig().chain


def test_a_file_that_is_not_a_model_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text("intercept: 1\nfeatures: {log_chars: {weight: 1, mean: 0, scale: 1}}\n")
    chain = [{"filter": "MainText", "model": str(bad)}]
    with pytest.raises(ConfigError, match="is not a main-text model"):
        validate({"inputs": ["a.warc.gz"], "output": "out", "filter": {"chain": chain}})


def test_features_read_the_place_relative_to_the_main_block() -> None:
    live = [
        Paragraph("ホーム", path="html>body>div.top>p"),
        Paragraph(PROSE, path=ARTICLE),
        Paragraph("写真はイメージです", path="html>body>div.page>div.entry>div.photo>p"),
        Paragraph(PROSE, path=ARTICLE),
        Paragraph("Copyright © 2024 Example Inc.", path="html>body>div.bottom>p"),
    ]
    features = page_features(live)
    assert column(features, "on_main_path") == [0, 1, 0, 1, 0]
    assert column(features, "before_main") == [1, 0, 0, 0, 0]
    assert column(features, "after_main") == [0, 0, 0, 0, 1]
    assert column(features, "gap_to_main") == [0.05, 0, 0, 0, 0.05]
    # Up to the element shared with the main block's path (body; div.entry for the photo's
    # caption), then down to the main block: 2 and 3 segments of 6 for the page's top.
    assert column(features, "up_from_main") == [0.333, 0, 0.333, 0, 0.333]
    assert column(features, "down_to_main") == [0.5, 0, 0.167, 0, 0.5]
    assert column(features, "boilerplate_word") == [0, 0, 0, 0, 1]
    assert column(features, "sentence_end") == [0, 1, 0, 1, 1]


def test_features_read_the_page_around_a_paragraph() -> None:
    body = "html>body>article>p"
    live = [
        Paragraph("# 見出し", path="html>body>article>h2"),
        Paragraph(PROSE, path=body),
        Paragraph("コメントを書く", path="html>body>div.comments>p"),
        Paragraph(PROSE, path=body),
    ]
    features = page_features(live)
    assert column(features, "path_prose_share") == [0.025, 1, 0.035, 1]
    assert column(features, "previous_on_main") == [0, 0, 1, 0]
    assert column(features, "next_on_main") == [1, 0, 1, 0]
    assert column(features, "heading_before_main") == [1, 0, 0, 0]
    assert column(features, "in_article") == [1, 1, 0, 1]
    assert column(features, "comment_word") == [0, 0, 1, 0]
    assert column(features, "position") == [0, 0.333, 0.667, 1]
    assert column(features, "share_of_longest") == [0.051, 1, 0.071, 1]
    # The mean log prose length of the paragraph and its two neighbours on each side.
    assert column(features, "window_prose") == [2.825, 3.27, 3.27, 3.763]


def test_the_main_content_feature_reads_what_extraction_measured() -> None:
    live = [
        Paragraph(PROSE, path=ARTICLE, main_content=1.0),
        Paragraph(PROSE, path=ARTICLE, main_content=0.25),
        Paragraph(PROSE, path=ARTICLE),  # not measured (not the paragraphs method)
    ]
    assert column(page_features(live), "main_content") == [1, 0.25, 0]


def test_a_page_the_model_would_empty_keeps_its_main_block() -> None:
    recipe = "html>body>div.recipe>p"
    document = make_document(
        [
            Paragraph("ホーム", path="html>body>div.top>p"),
            Paragraph("卵 2個", path=recipe),
            Paragraph("砂糖 大さじ1", path=recipe),
            Paragraph("小麦粉 100g", path=recipe),
        ]
    )
    strict = MainText(cut=0.99, keep_main_below=0.0).apply(document)
    assert all(not p.live for p in strict.paragraphs)
    kept = MainText(cut=0.99).apply(document)
    assert [p.live for p in kept.paragraphs] == [False, True, True, True]


def test_a_boilerplate_word_counts_in_short_paragraphs_only() -> None:
    notice = "この記事の無断転載を禁じます。"
    long_text = notice + PROSE * 3
    features = page_features([Paragraph(notice, path=ARTICLE), Paragraph(long_text, path=ARTICLE)])
    assert column(features, "boilerplate_word") == [1, 0]


def test_main_text_marks_live_paragraphs_only_and_follows_its_cut() -> None:
    document = make_document(
        [
            Paragraph("メニュー", path="html>body>nav>p", removed_by="FurnitureDOM()"),
            Paragraph(PROSE, path=ARTICLE),
            Paragraph(PROSE, path=ARTICLE),
            Paragraph("Copyright © 2024 Example Inc.", path="html>body>div.bottom>p"),
        ]
    )
    marks = [p.removed_by for p in MainText().apply(document).paragraphs]
    assert marks == ["FurnitureDOM()", "", "", "MainText()"]
    notice = load_model(str(DEFAULT_MODEL)).probabilities(page_features(document.paragraphs[1:]))
    lenient = MainText(cut=notice[-1] / 2).apply(document)
    assert [p.removed_by for p in lenient.paragraphs] == ["FurnitureDOM()", "", "", ""]
    empty = make_document([Paragraph("x", removed_by="DocLength()")])
    assert MainText().apply(empty) is empty
    plain = make_document([Paragraph(PROSE), Paragraph("Copyright © 2024 Example Inc.")])
    assert MainText().apply(plain) is plain  # no DOM paths: not a page the model knows


@pytest.mark.parametrize(
    ("name", "marked"),
    [
        ("lhpat-tm.com", ["by ライトハウス国際特許事務所 ／ 2016.12.01"]),
        (
            "note100yen.com",
            ["2018-08-16", "スポンサードリンク", "このブログの更新情報を配信しています！"],
        ),
        ("yahoo-4", ["【関連記事】"]),
    ],
)
def test_real_pages_lose_their_bylines_and_notices_and_keep_the_article(
    fixtures: Path, name: str, marked: list[str]
) -> None:
    html, gold = gold_pages(fixtures)[name]
    entries = FilterConfig().chain
    at = [e["filter"] for e in entries].index("MainText")
    paragraphs = with_main_content(html, html_to_paragraphs(html))
    before = FilterChain.from_entries(entries[:at]).apply(make_document(paragraphs))
    after = MainText().apply(before)
    # Measured recall 1.000, 0.997, 1.000 (the same before MainText); precision 1.000, 0.951,
    # 0.983 (before 0.950, 0.920, 0.946).
    assert bigram_recall(gold, after.text) >= bigram_recall(gold, before.text) - 0.03
    precision = bigram_recall(after.text, gold)  # the kept text's bigrams in the gold
    assert bigram_recall(before.text, gold) < 0.96
    assert precision >= 0.95 and precision > bigram_recall(before.text, gold)
    gone = [p.text for p in after.paragraphs if p.removed_by == "MainText()"]
    assert all(any(text.startswith(start) for text in gone) for start in marked)
