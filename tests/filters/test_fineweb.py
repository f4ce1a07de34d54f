"""FineWeb-2's Japanese filters: measures by hand on real excerpts, every threshold at its
boundary, FineWeb-2's numbers in the config, and what they do to real Japanese documents."""

from __future__ import annotations

import math
import pickle
import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.filters.chain import FilterChain
from corpus.filters.config import load_chain_file
from corpus.filters.fineweb import FineWebQuality, GopherQuality, GopherRepetition, measured_lines
from corpus.schema import Document, Paragraph
from corpus.text.segmenter import WordSegmenter
from tests.support.paths import ROOT

LIVEDOOR = "ja_text/livedoor-news-corpus/text"
DOCOMO = "extraction/uzushio/dedup_docomo.txt"
# a sentence of topic-news-5953164
SENTENCE = "野田首相は、日韓通貨スワップ問題を発端に「韓国寄りの姿勢が目立つ」と批判を受けていた。"


def document(text: str) -> Document:
    """A document whose paragraphs are the blocks of `text` between blank lines."""
    paragraphs = [Paragraph(block) for block in text.split("\n\n") if block.strip()]
    return Document(
        id="test",
        language="ja",
        paragraphs=paragraphs,
    )


def article(fixtures: Path, name: str) -> Document:
    """A livedoor article: its title and body (the URL and date lines are metadata)."""
    text = (fixtures / LIVEDOOR / name).read_text(encoding="utf-8")
    return document(text.split("\n", 2)[2])


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sudachi() -> WordSegmenter:
    return WordSegmenter("sudachi", "A")


@pytest.fixture(scope="module")
def docomo(fixtures: Path) -> Document:
    return document((fixtures / DOCOMO).read_text(encoding="utf-8"))


# --- FineWeb-2's numbers ------------------------------------------------------------------


def test_config_holds_fineweb2_japanese_thresholds_which_are_the_defaults():
    entries = load_chain_file(ROOT / "configs/filters/fineweb2-ja.yaml")
    chain = FilterChain.from_entries(entries)
    assert [type(f) for f in chain.filters] == [GopherRepetition, FineWebQuality, GopherQuality]
    assert chain.filters == [GopherRepetition(), FineWebQuality(), GopherQuality()]
    repetition, quality, gopher = chain.filters
    # huggingface/fineweb-2 configs/jpn_Jpan.yml at d331bee; fineweb-2-pipeline.py step 5.
    assert repetition.segmenter == "sudachi"
    assert repetition.dup_line_frac == 0.328
    assert repetition.top_n_grams == {2: 0.239, 3: 0.196, 4: 0.172}
    assert repetition.dup_n_grams == {5: 0.243, 6: 0.225, 7: 0.207, 8: 0.19, 9: 0.175, 10: 0.159}
    assert (quality.line_punct_ratio, quality.char_dup_ratio, quality.new_line_ratio) == (
        0.096,
        0.1,
        0.13,
    )
    assert (gopher.min_avg_word_length, gopher.max_avg_word_length) == (1, 6)
    assert gopher.min_alpha_word_ratio == 0.759
    assert gopher.stop_words == tuple("のにをはたてがとで年し・月れさ")
    assert gopher.min_stop_words == 2
    # datatrove's defaults, which FineWeb-2 left on
    assert (gopher.min_doc_words, gopher.max_doc_words) == (50, 100_000)
    assert gopher.max_symbol_word_ratio == 0.1
    assert (gopher.max_bullet_lines_ratio, gopher.max_ellipsis_lines_ratio) == (0.9, 0.3)


def test_filters_pickle_as_their_parameters_alone(fixtures):
    doc = article(fixtures, "peachy/peachy-4632337.txt")
    filters = [GopherRepetition(), FineWebQuality(), GopherQuality()]
    reasons = [f.removal(doc) for f in filters]  # a tagger is loaded now
    for f in filters:
        assert pickle.loads(pickle.dumps(f)) == f
    assert [pickle.loads(pickle.dumps(f)).removal(doc) for f in filters] == reasons


# --- Measures by hand on small real excerpts ----------------------------------------------


def test_lines_are_the_paragraphs_lines_stripped_and_never_blank(fixtures):
    doc = article(fixtures, "dokujo-tsushin/dokujo-tsushin-4880091.txt")
    lines = measured_lines(doc)
    # the paragraph 「　しかし、軽い気持ちで…」 is indented by an ideographic space; the fifth
    # paragraph's second line holds only 「　」; the last paragraph ends with a newline
    assert doc.paragraphs[1].text.startswith("　しかし、軽い気持ちで")
    assert lines[2].startswith("しかし、軽い気持ちで")
    assert doc.paragraphs[4].text.split("\n")[1] == "　"
    assert doc.paragraphs[8].text.endswith("\n")
    per_paragraph = [2, 1, 1, 3, 4 - 1, 2, 1, 1, 1]
    assert len(doc.paragraphs) == 9 and len(lines) == sum(per_paragraph) == 15
    assert all(line == line.strip() and line for line in lines)


def test_repetition_measures_by_hand_on_a_two_line_article(fixtures, sudachi):
    doc = article(fixtures, "peachy/peachy-5869154.txt")
    title = "【スナップレポート】東京ガールズコレクション 2011 佐々木希編"
    assert [p.text for p in doc.paragraphs] == [f"{title}\n{title}をもっと見る\n"]
    words = sudachi.words(doc.text)
    assert words == [
        *("【", "スナップ", "レポート", "】", "東京", "ガールズ", "コレクション", "2011"),
        *("佐々木", "希", "編"),
        *("【", "スナップ", "レポート", "】", "東京", "ガールズ", "コレクション", "2011"),
        *("佐々木", "希", "編", "を", "もっと", "見る"),
    ]
    text_chars = 33 + 1 + 39  # title, one newline, title + をもっと見る
    measures = GopherRepetition().measures(doc)
    assert measures["dup_line_frac"] == 0
    # every n-gram of the title occurs twice; the first one seen wins, spelled with spaces
    assert measures["top_2_gram"] == len("【 スナップ") * 2 / text_chars
    assert measures["top_3_gram"] == len("【 スナップ レポート") * 2 / text_chars
    assert measures["top_4_gram"] == len("【 スナップ レポート 】") * 2 / text_chars
    # 5-grams: the one at word 11 repeats word 0's (12 chars), jump to 16, which repeats
    # word 5's ガールズコレクション2011佐々木希 (18 chars); then fewer than 5 words are left
    assert measures["dup_5_gram"] == (12 + 18) / text_chars
    # 12/73 = 0.164 passes top_2 (0.239); 20/73 = 0.274 fails top_3 (0.196)
    assert GopherRepetition().removal(doc) == "GopherRepetition(top_3_gram=0.196)"


def test_line_measures_by_hand_on_a_docomo_thread(fixtures, sudachi):
    text = (fixtures / DOCOMO).read_text(encoding="utf-8")
    start = text.index("自動時刻補正\n\ndocomo")
    end = text.index("スレッドの先頭へ", start) + len("スレッドの先頭へ")
    doc = document(text[start:end])
    lines = lines_of(text[start:end])
    assert len(lines) == 23
    # two lines end in sentence-final punctuation: 「…のでしょうか？」 and 「…と思われます。」
    assert [line for line in lines if line[-1] in "。？"] == [lines[5], lines[12]]
    # repeats: 0点 (twice more), さとやま0303さん, クチコミ投稿数：8件
    assert [line for i, line in enumerate(lines) if line in lines[:i]] == [
        "0点",
        "さとやま0303さん",
        "クチコミ投稿数：8件",
        "0点",
    ]
    quality = FineWebQuality().measures(doc)
    assert quality["line_punct_ratio"] == 2 / 23
    assert quality["char_dup_ratio"] == (2 + 10 + 10 + 2) / sum(map(len, lines))
    assert quality["new_line_ratio"] == 22 / len(sudachi.words(text[start:end]))
    assert GopherRepetition().measures(doc)["dup_line_frac"] == 4 / 23
    # 2/23 = 0.087 of lines end a sentence: under FineWeb-2's 0.096, a forum page goes
    assert FineWebQuality().removal(doc) == "FineWebQuality(line_punct_ratio=0.096)"


def test_gopher_measures_by_hand_on_one_sentence(fixtures):
    assert SENTENCE in (fixtures / LIVEDOOR / "topic-news/topic-news-5953164.txt").read_text()
    # Sudachi A: 野田 首相 は 、 日韓 通貨 スワップ 問題 を 発端 に 「 韓国 寄り の 姿勢 が
    # 目立つ 」 と 批判 を 受け て い た 。 -> 27 words, 4 of them punctuation
    measures = GopherQuality().measures(document(SENTENCE))
    assert measures["doc_words"] == 23
    assert measures["avg_word_length"] == 39 / 23
    assert measures["alpha_word_ratio"] == 23 / 27
    assert measures["stop_words"] == 9  # は を に の が と を て た
    assert GopherQuality().removal(document(SENTENCE)) == "GopherQuality(min_doc_words=50)"


def test_bullet_lines_by_hand_on_the_livedoor_readme_list(fixtures):
    readme = (fixtures / LIVEDOOR / "README.txt").read_text(encoding="utf-8")
    excerpt = readme[readme.index("- トピックニュース") : readme.index("収集時期")]
    measures = GopherQuality().measures(document(excerpt))
    assert measures["bullet_lines_ratio"] == 9 / 18  # nine "- カテゴリ" lines, nine URLs


def test_voicing_marks_are_never_folded():
    line = SENTENCE
    unvoiced = line.replace("が", "か")
    assert unvoiced != line
    assert FineWebQuality().measures(document(f"{line}\n{unvoiced}"))["char_dup_ratio"] == 0
    assert GopherRepetition().measures(document(f"{line}\n{unvoiced}"))["dup_line_frac"] == 0
    assert GopherRepetition().measures(document(f"{line}\n{line}"))["dup_line_frac"] == 1 / 2
    # が is a stop word, か is not
    assert GopherQuality().measures(document(line))["stop_words"] == 9
    assert GopherQuality().measures(document(unvoiced))["stop_words"] == 8


def test_words_come_from_the_chosen_segmenter_not_from_spaces(fixtures):
    doc = article(fixtures, "dokujo-tsushin/dokujo-tsushin-4880091.txt")
    counts = {}
    for kind in ("sudachi", "fugashi"):
        words = WordSegmenter(kind, "A").words(doc.text)
        content_words = sum(1 for w in words if re.search(r"[^\W_]", w))
        counts[kind] = GopherQuality(segmenter=kind).measures(doc)["doc_words"]
        assert counts[kind] == content_words
    assert counts["sudachi"] != counts["fugashi"]
    assert min(counts.values()) > 20 * len(doc.text.split())


def test_a_line_over_sudachis_input_limit_is_measured(fixtures):
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text()
    line = "".join(novel.split())[:40_000]  # 120 KB of UTF-8 in one line
    measures = GopherQuality().measures(document(line))
    assert measures["doc_words"] > 20_000


# --- Every threshold at its boundary ------------------------------------------------------

OFF_REPETITION = {"dup_line_frac": 1.0, "top_n_grams": {}, "dup_n_grams": {}}
OFF_QUALITY = {"line_punct_ratio": 0.0, "char_dup_ratio": 1.0, "new_line_ratio": math.inf}
OFF_GOPHER = dict.fromkeys(
    (
        "min_doc_words",
        "max_doc_words",
        "min_avg_word_length",
        "max_avg_word_length",
        "max_symbol_word_ratio",
        "max_bullet_lines_ratio",
        "max_ellipsis_lines_ratio",
        "min_alpha_word_ratio",
        "min_stop_words",
    )
)


def repetition(**threshold) -> GopherRepetition:
    """GopherRepetition with only the given check on."""
    return GopherRepetition(**(OFF_REPETITION | threshold))


def quality(**threshold) -> FineWebQuality:
    return FineWebQuality(**(OFF_QUALITY | threshold))


def gopher(**threshold) -> GopherQuality:
    return GopherQuality(**(OFF_GOPHER | threshold))


ARTICLE = "peachy/peachy-4632337.txt"  # ends a line with …, has … in the text
HASH_ARTICLE = "livedoor-homme/livedoor-homme-5049812.txt"  # 「オデッセイ #9」
README_LIST = "README.txt"  # the livedoor README's "- category" list

# (document, the check, the filter with only that check on, at a given threshold); the check
# names the reason and the measure (less its min_/max_), min_ checks and line_punct_ratio are
# lower bounds
BOUNDARIES = [
    (DOCOMO, "dup_line_frac", lambda t: repetition(dup_line_frac=t)),
    *((ARTICLE, f"top_{n}_gram", lambda t, n=n: repetition(top_n_grams={n: t})) for n in (2, 3, 4)),
    *(
        (DOCOMO, f"dup_{n}_gram", lambda t, n=n: repetition(dup_n_grams={n: t}))
        for n in range(5, 11)
    ),
    (ARTICLE, "line_punct_ratio", lambda t: quality(line_punct_ratio=t)),
    (DOCOMO, "char_dup_ratio", lambda t: quality(char_dup_ratio=t)),
    (ARTICLE, "new_line_ratio", lambda t: quality(new_line_ratio=t)),
    *(
        (ARTICLE, check, lambda t, check=check: gopher(**{check: t}))
        for check in (
            "min_doc_words",
            "max_doc_words",
            "min_avg_word_length",
            "max_avg_word_length",
            "max_ellipsis_lines_ratio",
            "min_alpha_word_ratio",
            "min_stop_words",
        )
    ),
    (HASH_ARTICLE, "max_hash_word_ratio", lambda t: gopher(max_symbol_word_ratio=t)),
    (ARTICLE, "max_ellipsis_word_ratio", lambda t: gopher(max_symbol_word_ratio=t)),
    (README_LIST, "max_bullet_lines_ratio", lambda t: gopher(max_bullet_lines_ratio=t)),
]


def load(fixtures: Path, source: str) -> Document:
    if source == DOCOMO:
        return document((fixtures / DOCOMO).read_text(encoding="utf-8"))
    if source == README_LIST:
        readme = (fixtures / LIVEDOOR / README_LIST).read_text(encoding="utf-8")
        return document(readme[readme.index("- トピックニュース") : readme.index("収集時期")])
    return article(fixtures, source)


@pytest.mark.parametrize(
    ("source", "check", "with_threshold"), BOUNDARIES, ids=[b[1] for b in BOUNDARIES]
)
def test_a_measure_at_its_threshold_keeps_and_just_past_it_removes(
    fixtures, source, check, with_threshold
):
    doc = load(fixtures, source)
    lower_bound = check.startswith("min_") or check == "line_punct_ratio"
    measure = check.removeprefix("min_").removeprefix("max_")
    value = with_threshold(0).measures(doc)[measure]  # the measures ignore the thresholds
    assert value > 0
    if isinstance(value, int):
        past = value + 1 if lower_bound else value - 1
    else:
        past = math.nextafter(value, math.inf if lower_bound else -math.inf)
    assert with_threshold(value).removal(doc) is None
    removing = with_threshold(past)
    assert removing.removal(doc) == f"{type(removing).__name__}({check}={past})"


def test_real_articles_either_side_of_the_default_alpha_threshold(fixtures):
    below = article(fixtures, "livedoor-homme/livedoor-homme-5271597.txt")
    above = article(fixtures, "smax/smax-6751259.txt")
    assert GopherQuality().measures(below)["alpha_word_ratio"] == 121 / 160  # 0.75625
    assert GopherQuality().measures(above)["alpha_word_ratio"] == 455 / 599  # 0.75960
    assert GopherQuality().removal(below) == "GopherQuality(min_alpha_word_ratio=0.759)"
    assert GopherQuality().removal(above) is None


# --- Real documents -----------------------------------------------------------------------


def test_livedoor_articles_mostly_pass_the_fineweb2_japanese_chain(fixtures):
    chain = FilterChain.from_entries(load_chain_file(ROOT / "configs/filters/fineweb2-ja.yaml"))
    paths = sorted((fixtures / LIVEDOOR).glob("*/*-*.txt"))
    reasons = Counter(
        chain.apply(article(fixtures, str(p.relative_to(fixtures / LIVEDOOR)))).removed_by
        for p in paths
    )
    assert reasons == {
        None: 182,
        "GopherQuality(min_alpha_word_ratio=0.759)": 15,
        "FineWebQuality(line_punct_ratio=0.096)": 3,
        "GopherRepetition(top_3_gram=0.196)": 2,
        "GopherRepetition(dup_10_gram=0.159)": 1,
    }
    assert all("/" not in r and " " not in r for r in reasons if r)


def test_docomo_boilerplate_passes_fineweb2_repetition_but_not_gophers_english(fixtures, docomo):
    lines = lines_of((fixtures / DOCOMO).read_text(encoding="utf-8"))
    repeats = len(lines) - len(set(lines))
    assert (repeats, len(lines)) == (55, 387)
    assert GopherRepetition().measures(docomo)["dup_line_frac"] == 55 / 387
    assert GopherRepetition().removal(docomo) is None
    gopher_english = GopherRepetition(
        dup_line_frac=0.30,
        top_n_grams={2: 0.20, 3: 0.18, 4: 0.16},
        dup_n_grams={5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10},
    )
    assert gopher_english.removal(docomo) == "GopherRepetition(dup_5_gram=0.15)"
    # FineWeb-2 raised FineWeb's duplicated-line characters threshold from 0.01 to 0.1
    assert FineWebQuality().removal(docomo) is None
    assert (
        FineWebQuality(char_dup_ratio=0.01).removal(docomo) == "FineWebQuality(char_dup_ratio=0.01)"
    )
    chain = FilterChain([GopherRepetition(), FineWebQuality(), GopherQuality()])
    assert chain.apply(docomo).removed_by == "GopherQuality(min_alpha_word_ratio=0.759)"


def test_an_empty_document():
    empty = document("")
    assert GopherRepetition().removal(empty) is None
    assert FineWebQuality().removal(empty) == "FineWebQuality(empty)"
    assert GopherQuality().removal(empty) == "GopherQuality(min_doc_words=50)"
