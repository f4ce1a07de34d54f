"""Keyword-list filters (WordTypes, WordInstances) and keyword-list loading, on real text."""

from __future__ import annotations

import dataclasses
import math
import pickle
import re
from pathlib import Path

import hojichar
import pytest

from corpus.filters.chain import FilterChain
from corpus.filters.keywords import (
    BUILTIN_LISTS,
    KeywordMatcher,
    WordInstances,
    WordTypes,
    keyword_list_path,
    read_keywords,
)
from corpus.schema import Document, Paragraph

HOJICHAR_DICT = Path(hojichar.__file__).parent / "dict"

# Annotated mC4-ja paragraphs (annotations-dev.txt line numbers; text<TAB>label).
ADULT_PORTAL = 510  # "bad": a sex-industry portal blurb
ADULT_JOBS = 562  # "bad": a sex-industry job ad
MIXED_SPAM = 775  # "bad": an adult teaser glued to fashion notes
SCHOOL_NEWS = 444  # "good": news about a pupil's suicide


def document(paragraphs: list[str], url: str = "https://example.jp/") -> Document:
    return Document(
        id="test",
        url=url,
        host="example.jp",
        language="ja",
        paragraphs=[Paragraph(text=t) for t in paragraphs],
    )


@pytest.fixture(scope="module")
def annotations(fixtures: Path) -> dict[int, tuple[str, str]]:
    """Line number -> (paragraph, label)."""
    path = fixtures / "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"
    rows = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if "\t" in line:
            text, label = line.rsplit("\t", 1)
            rows[number] = (text, label)
    return rows


@pytest.fixture(scope="module")
def livedoor(fixtures: Path) -> dict[str, Document]:
    """Article name -> document of its title and body paragraphs."""
    docs = {}
    for path in sorted((fixtures / "ja_text/livedoor-news-corpus/text").glob("*/*-*.txt")):
        url, _date, *rest = path.read_text(encoding="utf-8").split("\n")
        body = "\n".join(rest)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        docs[path.stem] = document(paragraphs, url=url)
    return docs


def naive_hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    """Uzushio's scan written out: longest keyword at each position, else step one."""
    lengths = sorted({len(k) for k in keywords}, reverse=True)
    wanted = set(keywords)
    hits, i = [], 0
    while i < len(text):
        for n in lengths:
            if text[i : i + n] in wanted:
                hits.append(text[i : i + n])
                i += n
                break
        else:
            i += 1
    return hits


def test_builtin_lists_come_from_the_installed_hojichar_package() -> None:
    sizes = {}
    for name, file_name in BUILTIN_LISTS.items():
        path = keyword_list_path(name)
        assert Path(path) == HOJICHAR_DICT / file_name
        lines = (HOJICHAR_DICT / file_name).read_text(encoding="utf-8").split("\n")
        distinct = list(dict.fromkeys(w.strip() for w in lines if w.strip()))
        assert list(read_keywords(name)) == distinct
        sizes[name] = len(distinct)
    # discrimination_keywords_ja.txt has 151 lines, 9 of them repeats.
    assert sizes == {
        "adult": 1472,
        "discrimination": 142,
        "violence": 76,
        "advertisement": 31,
        "header_footer": 41,
    }


def test_user_list_file_skips_comments_blanks_and_repeats(
    tmp_path: Path, annotations: dict[int, tuple[str, str]]
) -> None:
    path = tmp_path / "ng words.txt"
    path.write_text("# industry words\n\n 風俗 \nヘルス\n風俗\n", encoding="utf-8")
    assert read_keywords(str(path)) == ("風俗", "ヘルス")

    text, _ = annotations[ADULT_JOBS]
    doc = document([text])
    # 風俗 once, ヘルス once: ホテヘル is not in this list, and ヘルス is not inside it.
    two = WordTypes(list=str(path), threshold=2)
    assert two.score(doc) == 2
    assert two.removal(doc) == "WordTypes(list=ng_words,threshold=2)"
    assert WordTypes(list=str(path), threshold=3).removal(doc) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"filter": "WordTypes", "list": "adlut"}, "'adlut' is neither a built-in list"),
        ({"filter": "WordInstances", "list": "/no/such/words.txt"}, "'/no/such/words.txt'"),
        ({"filter": "WordTypes", "list": "adult", "kind": "mean"}, "kind"),
        ({"filter": "WordTypes"}, "list: Field required"),
    ],
)
def test_bad_lists_are_config_errors_naming_them(entry: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        FilterChain.from_entries([{"filter": "DocLength", "low": 50}, entry])
    assert str(error.value).startswith("chain[1]")


def test_empty_user_list_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no keywords"):
        FilterChain.from_entries([{"filter": "WordTypes", "list": str(path)}])


def test_matches_are_longest_first_and_never_overlap(
    annotations: dict[int, tuple[str, str]],
) -> None:
    adult = KeywordMatcher(read_keywords("adult"))
    # ファッションヘルス is taken whole although ヘルス is a keyword too.
    assert adult.find(annotations[ADULT_PORTAL][0]) == [
        "ソープランド",
        "デリヘル",
        "ホテヘル",
        "ファッションヘルス",
        "風俗",
        "風俗",
        "風俗",
        "風俗",
        "風俗",
    ]
    # デリヘル at its position; デリ alone later in デリ料金.
    assert adult.find(annotations[MIXED_SPAM][0]) == ["デリヘル", "デリ", "エッチ"]
    # 自殺した: 殺した (violence) starts inside 自殺 (adult); each list scans on its own.
    school = annotations[SCHOOL_NEWS][0]
    assert adult.find(school) == ["自殺"]
    assert KeywordMatcher(read_keywords("violence")).find(school) == ["死", "いじめ", "殺した"]


def test_matcher_agrees_with_a_plain_scan_on_real_text(
    fixtures: Path, annotations: dict[int, tuple[str, str]]
) -> None:
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text(
        encoding="utf-8"
    )[:60_000]
    texts = [novel] + [text for text, _ in annotations.values()]
    for name in ("adult", "violence", "discrimination"):
        keywords = read_keywords(name)
        matcher = KeywordMatcher(keywords)
        total = 0
        for text in texts:
            hits = matcher.find(text)
            assert hits == naive_hits(text, keywords)
            total += len(hits)
        assert total > 20


def test_katakana_boundary_ignores_keywords_inside_longer_katakana_words(
    annotations: dict[int, tuple[str, str]], livedoor: dict[str, Document]
) -> None:
    plain, guarded = (
        WordInstances(list="adult"),
        WordInstances(list="adult", katakana_boundary=True),
    )
    # HojiChar's own example of a false positive: アス in アスパラガス.
    asparagus = document(["アスパラガス"])
    assert (plain.score(asparagus), guarded.score(asparagus)) == (1, 0)
    # A fashion article: イク inside レディライク (twice) and メンズライク (twice).
    fashion = livedoor["peachy-6903604"]
    assert plain.keyword_hits(fashion) == ["イク"] * 4
    assert guarded.keyword_hits(fashion) == []
    # Beside punctuation or kanji a katakana keyword still counts: 、デリヘル、 and 風俗.
    portal = document([annotations[ADULT_PORTAL][0]])
    assert guarded.keyword_hits(portal) == plain.keyword_hits(portal)
    assert guarded.label == "WordInstances(list=adult,katakana_boundary=True)"


def test_word_types_counts_distinct_keywords_at_its_threshold(
    annotations: dict[int, tuple[str, str]],
) -> None:
    doc = document([annotations[ADULT_PORTAL][0]])
    # Distinct: ソープランド, デリヘル, ホテヘル, ファッションヘルス, 風俗 (x5) = 5.
    assert WordTypes(list="adult").score(doc) == 5
    assert WordTypes(list="adult", threshold=5).removal(doc) == "WordTypes(list=adult,threshold=5)"
    assert WordTypes(list="adult", threshold=5.5).removal(doc) is None
    assert WordTypes(list="adult", threshold=6).removal(doc) is None


def test_word_types_sqrt_and_log10_scores(annotations: dict[int, tuple[str, str]]) -> None:
    doc = document([annotations[ADULT_PORTAL][0]])
    # Four keywords once, 風俗 five times.
    assert WordTypes(list="adult", kind="sqrt").score(doc) == pytest.approx(4 + math.sqrt(5))
    assert WordTypes(list="adult", kind="log10").score(doc) == pytest.approx(5 + math.log10(5))
    at = WordTypes(list="adult", kind="sqrt", threshold=6.23)
    assert at.removal(doc) == "WordTypes(list=adult,threshold=6.23,kind=sqrt)"
    assert WordTypes(list="adult", kind="sqrt", threshold=6.24).removal(doc) is None


def test_word_instances_counts_every_occurrence(annotations: dict[int, tuple[str, str]]) -> None:
    doc = document([annotations[ADULT_PORTAL][0]])
    assert WordInstances(list="adult").score(doc) == 9
    assert WordInstances(list="adult", threshold=9).removal(doc) == (
        "WordInstances(list=adult,threshold=9)"
    )
    assert WordInstances(list="adult", threshold=10).removal(doc) is None


def test_removed_paragraphs_are_not_counted(annotations: dict[int, tuple[str, str]]) -> None:
    portal, jobs = annotations[ADULT_PORTAL][0], annotations[ADULT_JOBS][0]
    doc = document([portal, jobs])
    instances = WordInstances(list="adult")
    assert instances.score(doc) == 9 + 4
    doc.paragraphs[0] = dataclasses.replace(doc.paragraphs[0], removed_by="NoContentDOM")
    assert instances.score(doc) == 4


def test_llmjp_v2_keyword_tiers_on_annotated_paragraphs(
    annotations: dict[int, tuple[str, str]], livedoor: dict[str, Document]
) -> None:
    chain = FilterChain.from_entries(
        [
            {"filter": "WordTypes", "list": "adult", "threshold": 9},
            {"filter": "WordTypes", "list": "adult", "threshold": 6},
            {"filter": "WordTypes", "list": "discrimination", "threshold": 9},
        ]
    )
    removed = {}
    for number, (text, label) in annotations.items():
        reason = chain.apply(document([text])).removed_by
        if reason:
            removed[number] = (label, reason)
    nine, six = "WordTypes(list=adult,threshold=9)", "WordTypes(list=adult,threshold=6)"
    # Distinct adult keywords: 284: 17, 309: 11, 338: 10, 267 and 485: 8, 355 and 492: 7,
    # 339 and 619: 6.
    assert removed == {
        267: ("bad", six),
        284: ("bad", nine),
        309: ("bad", nine),
        338: ("bad", nine),
        339: ("bad", six),
        355: ("bad", six),
        485: ("bad", six),
        492: ("bad", six),
        619: ("bad", six),
    }
    assert len(livedoor) == 203
    assert not [name for name, doc in livedoor.items() if chain.apply(doc).removed_by]


def test_filter_survives_pickling_without_its_list_file(
    annotations: dict[int, tuple[str, str]], tmp_path: Path
) -> None:
    path = tmp_path / "words.txt"
    path.write_text("風俗\n", encoding="utf-8")
    doc = document([annotations[ADULT_PORTAL][0]])
    filters = [WordTypes(list="adult", threshold=5), WordInstances(list=str(path), threshold=5)]
    pickled = [pickle.dumps(f) for f in filters]
    path.unlink()  # a remote worker does not see the launcher's files
    for f, data in zip(filters, pickled, strict=True):
        clone = pickle.loads(data)
        assert clone.model_dump() == f.model_dump()
        assert clone.removal(doc) == f.removal(doc) == f.label
