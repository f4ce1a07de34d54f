"""Quality training paths on the fixtures: cross-validated training on the hand-labelled
mC4-ja paragraphs, a teacher's scores, Wikipedia's head against web paragraphs (the mC4
paragraphs; from a config file, the paragraphs extraction gives for the fixture web pages);
the `evaluate-filter` command; the QualityClassifier filter and its paragraph aggregation."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.extract.charset import decode_body
from corpus.extract.paragraphs import html_to_paragraphs
from corpus.filters.chain import FilterChain
from corpus.filters.classifier import label_probabilities, load_model
from corpus.filters.quality_classifier import QualityClassifier
from corpus.quality.evaluation import Outcome, best_threshold, grouped_folds
from corpus.quality.labelled import read_labelled, sha256
from corpus.quality.reference import MIN_CHARACTERS
from corpus.schema import Document, Paragraph
from tests.support.fixture_warc import fixture_pages

WIKIPEDIA = "ja_text/jawiki-truncated/jawiki-truncated-100k.xml.xz"
WEB_TEXTS, REFERENCE_TEXTS = 1003, 4012
ANNOTATIONS_SHA256 = "4b061e5c9f41a07c093a4bf60aa6ac77347dca9e13a718091cdfaf9a83ad32c3"


@pytest.fixture(scope="module")
def cross_validated(annotations: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`corpus train-classifier` on every annotation, 10-fold cross-validated."""
    model = tmp_path_factory.mktemp("quality") / "quality.bin"
    args = ["train-classifier", str(annotations), "--output", str(model)]
    assert main([*args, "--held-out", "0", "--folds", "10"]) == 0
    return model


def document(paragraphs: list[str]) -> Document:
    return Document(id="t", language="ja", paragraphs=[Paragraph(t) for t in paragraphs])


def test_folds_group_copies_and_thresholds_are_chosen_on_scores() -> None:
    texts = ["a b", "a  b", "c", "d", "e\n", "e", "f"]
    folds = grouped_folds(texts, 3, seed=0)
    assert folds[0] == folds[1] and folds[4] == folds[5]
    assert grouped_folds(texts, 3, seed=0) == folds
    assert sorted(set(folds)) == [0, 1, 2]
    with pytest.raises(ValueError, match="between 2 and 5 distinct texts"):
        grouped_folds(texts, 6, seed=0)
    labels = ["bad", "bad", "good", "good"]
    assert best_threshold([0.1, 0.2, 0.6, 0.9], labels) == pytest.approx(0.4)
    outcome = Outcome.of(["good", "good", "bad", "bad"], [True, False, False, False])
    assert (outcome.balanced_accuracy, outcome.good_precision) == (0.75, 1.0)
    assert outcome.bad_precision == pytest.approx(2 / 3)


def test_cross_validated_training_writes_its_record(
    cross_validated: Path, annotations: Path
) -> None:
    record = json.loads(cross_validated.with_name("quality.bin.json").read_text())
    assert record["data"] == [{"path": str(annotations), "sha256": ANNOTATIONS_SHA256}]
    assert sha256(annotations) == ANNOTATIONS_SHA256
    assert record["command"]["folds"] == 10 and record["command"]["held_out"] == 0.0
    assert record["train_counts"] == {"bad": 407, "good": 431}
    assert "held_out" not in record
    cv = record["cross_validation"]
    # Balanced accuracy 0.727 at 10 folds (fastText with thread=1 is deterministic).
    assert cv["balanced_accuracy"] == pytest.approx(0.7274266462201497, abs=1e-9)
    assert cv["threshold"] == pytest.approx(0.5342664420604706, abs=1e-9)
    assert set(cv["precision"]) == set(cv["recall"]) == {"good", "bad"}


def test_evaluate_filter_on_the_annotations(
    cross_validated: Path, annotations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate-filter", str(annotations), "--model", str(cross_validated)]) == 0
    printed = capsys.readouterr().out
    # On the data it was trained on (not an estimate of quality: the CV figure is).
    assert "balanced accuracy 0.956" in printed
    assert main(["evaluate-filter", str(annotations), "--chain", "MISSING.yaml"]) == 2
    assert main(["evaluate-filter", str(annotations)]) == 2
    assert "either a chain (--chain) or a model (--model)" in capsys.readouterr().err


def test_quality_classifier_aggregates_live_paragraphs(cross_validated: Path) -> None:
    record = json.loads(cross_validated.with_name("quality.bin.json").read_text())
    classifier = QualityClassifier(model=str(cross_validated))
    threshold = record["cross_validation"]["threshold"]
    assert classifier.label == f"QualityClassifier(label=good,threshold={threshold:.4g})"
    prose = "図書館で借りた本を読みながら、静かな午後をゆっくりと過ごしました。"
    menu = "ホーム | 会社概要 | お問い合わせ"
    probabilities = label_probabilities(load_model(str(cross_validated)), [prose, menu])
    good = [p["__label__good"] for p in probabilities]
    weighted = (good[0] * len(prose) + good[1] * len(menu)) / (len(prose) + len(menu))
    assert classifier.score(document([prose, menu])) == pytest.approx(weighted)
    # A paragraph marked by an earlier filter of the chain does not count.
    assert weighted < good[0]
    at_prose = FilterChain([QualityClassifier(model=str(cross_validated), threshold=good[0])])
    assert at_prose.apply(document([prose, menu])).removed_by
    marked = Document(
        id="t", language="ja", paragraphs=[Paragraph(prose), Paragraph(menu, removed_by="Other")]
    )
    assert not at_prose.apply(marked).removed_by
    assert len(pickle.dumps(classifier)) < 1000
    strict = QualityClassifier(model=str(cross_validated), threshold=1.0)
    assert strict.removal(document([prose])) == "QualityClassifier(label=good,threshold=1)"


def test_quality_classifier_config_errors(cross_validated: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.bin"
    bare.write_bytes(cross_validated.read_bytes())
    with pytest.raises(ValueError, match=r"no threshold given and no .*bare\.bin\.json"):
        FilterChain.from_entries([{"filter": "QualityClassifier", "model": str(bare)}])
    with pytest.raises(ValueError, match="has no label 'spam'"):
        FilterChain.from_entries(
            [{"filter": "QualityClassifier", "model": str(bare), "label": "spam", "threshold": 0.5}]
        )
    assert QualityClassifier(model=str(bare), threshold=0.25).label.endswith("threshold=0.25)")


def test_training_on_a_teachers_scores(annotations: Path, tmp_path: Path) -> None:
    scores = tmp_path / "scores.txt"
    examples = read_labelled(annotations)
    scores.write_text(
        "".join(f"{e.text}\t{0.8 if e.label == 'good' else 0.3}\n" for e in examples),
        encoding="utf-8",
    )
    model = tmp_path / "student.bin"
    args = ["train-classifier", str(scores), "--input", "scores", "--output", str(model)]
    assert main([*args, "--score-threshold", "0.5", "--folds", "0"]) == 0
    record = json.loads(model.with_name("student.bin.json").read_text())
    assert record["input"] == "scores" and record["score_threshold"] == 0.5
    assert record["train_counts"] == {"bad": 365, "good": 391}
    scores.write_text("文\t1.5\n", encoding="utf-8")
    assert main([*args]) == 2


def test_reference_against_web_paragraphs(
    fixtures: Path, annotations: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wikipedia's head as good against the mC4 web paragraphs as bad (labels ignored)."""
    model = tmp_path / "reference.bin"
    args = ["train-classifier", str(fixtures / WIKIPEDIA), "--input", "reference"]
    assert main([*args, "--web", str(annotations), "--output", str(model), "--folds", "5"]) == 0
    record = json.loads(model.with_name("reference.bin.json").read_text())
    assert record["train_counts"] == {"bad": 762, "good": 3019}
    # Measured: 0.979 (Wikipedia prose is easy to tell from web paragraphs).
    assert record["cross_validation"]["balanced_accuracy"] >= 0.95
    capsys.readouterr()
    assert main(["evaluate-filter", str(annotations), "--model", str(model)]) == 0
    assert "balanced accuracy" in capsys.readouterr().out
    assert main([*args, "--output", str(model)]) == 2
    assert "needs web texts (--web FILE)" in capsys.readouterr().err


def extracted_web_texts(fixtures: Path) -> list[str]:
    """The paragraphs (of MIN_CHARACTERS or more, each on one line) that the extraction core
    gives for the Japanese fixture web pages (not the blog feeds of the charset tests)."""
    texts = []
    for page in fixture_pages(fixtures):
        web_page = page.japanese and "/chardet-tests/" not in page.url
        decoded = decode_body(page.body, None) if web_page else None
        if decoded is not None:
            paragraphs = [" ".join(p.text.split()) for p in html_to_paragraphs(decoded.text)]
            texts += [text for text in paragraphs if len(text) >= MIN_CHARACTERS]
    return texts


def test_reference_against_extracted_web_pages_from_a_config(
    fixtures: Path, tmp_path: Path
) -> None:
    web = tmp_path / "web.txt"
    texts = extracted_web_texts(fixtures)
    web.write_text("".join(f"{text}\n" for text in texts), encoding="utf-8")
    model = tmp_path / "reference.bin"
    config = tmp_path / "reference.yaml"
    config.write_text(
        f"data: [{fixtures / WIKIPEDIA}]\ninput: reference\nweb: [{web}]\n"
        f"output: {model}\nheld_out: 0.2\nfolds: 5\n",
        encoding="utf-8",
    )
    # A flag given on the command line overrides the file's value.
    assert main(["train-classifier", "--config", str(config), "--held-out", "0"]) == 0
    assert len(texts) == WEB_TEXTS
    record = json.loads(model.with_name("reference.bin.json").read_text())
    assert record["command"]["held_out"] == 0 and "held_out" not in record
    assert record["web"] == [{"path": str(web), "sha256": sha256(web)}]
    assert record["train_counts"] == {"bad": WEB_TEXTS, "good": REFERENCE_TEXTS}
    cv = record["cross_validation"]
    # Wikipedia prose is easy to tell from web pages' paragraphs (menus and code included):
    # 0.975 by 5-fold CV (fastText with thread=1 is deterministic).
    assert cv["balanced_accuracy"] == pytest.approx(0.9753240279162512, abs=1e-9)
    assert cv["recall"]["bad"] == pytest.approx(979 / 1003)
