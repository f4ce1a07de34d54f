"""fastText quality classifier: reading labelled data, training with a held-out evaluation,
and the FastTextClassifier filter, on the hand-labelled mC4-ja paragraphs of the fixtures."""

from __future__ import annotations

import math
import pickle
import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.cli import main
from corpus.filters.chain import FilterChain
from corpus.filters.classifier import FastTextClassifier, fasttext_tokens, load_model
from corpus.quality.classifier_training import (
    ClassifierReport,
    read_examples,
    split_held_out,
    train_classifier,
)
from corpus.schema import Document, Paragraph

HELD_OUT = 0.2  # 162 of 811 distinct texts: 10% (82 examples) is too few to measure with

GOOD = [
    "今日は家族で近くの公園へ出かけ、子供たちと一緒にお弁当を食べました。",
    "図書館で借りた本を読みながら、静かな午後をゆっくりと過ごしました。",
    "祖母から教わった味噌汁の作り方を、娘にも伝えていきたいと思います。",
    "駅前の桜が満開になり、多くの人が足を止めて写真を撮っていました。",
    "先生の話を聞いて、もう一度基本から勉強し直そうと心に決めました。",
    "週末は友人と山に登り、頂上から見える景色の美しさに感動しました。",
]
BAD = [
    "激安セール開催中!今すぐクリック!送料無料!ポイント10倍!",
    "【最安値】人気商品ランキング★今だけ50%OFF★在庫限り!",
    "無料登録はこちら!!!高収入バイト即日払いOK!稼げる副業!",
    "★★★ 新作入荷 ★★★ クーポン配布中!お得なセット価格!",
    "ランキング1位!激安通販!送料無料!今すぐ購入!クーポン!",
    "高収入!即日OK!無料!今すぐ登録!ポイント還元!最安値!",
]


def at(path: Path, line: int) -> str:
    """The start of an error message about `line` of `path`, as a regular expression."""
    return re.escape(f"{path}:{line}: ")


def document(paragraphs: list[str]) -> Document:
    return Document(
        id="test",
        url="https://example.jp/",
        host="example.jp",
        language="ja",
        paragraphs=[Paragraph(text=t) for t in paragraphs],
    )


@pytest.fixture(scope="module")
def trained(annotations: Path, tmp_path_factory: pytest.TempPathFactory) -> ClassifierReport:
    output = tmp_path_factory.mktemp("classifier") / "quality.bin"
    return train_classifier(annotations, output, held_out=HELD_OUT, seed=0)


@pytest.fixture(scope="module")
def synthetic_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on a handful of made-up lines: polite prose good, shop spam bad."""
    directory = tmp_path_factory.mktemp("synthetic")
    data = directory / "data.txt"
    lines = [f"{text}\tgood" for text in GOOD] + [f"{text}\tbad" for text in BAD]
    data.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    train_classifier(data, directory / "model.bin", held_out=0.25, seed=3, epochs=50)
    return directory / "model.bin"


def test_tokens_are_the_non_space_characters() -> None:
    assert fasttext_tokens("今日は 晴れ\n\nです。\u3000OK") == "今 日 は 晴 れ で す 。 O K"
    assert fasttext_tokens(" \n\t") == ""


def test_reads_every_annotation_record(annotations: Path) -> None:
    examples = read_examples(annotations)
    assert len(examples) == 838
    assert len({e.text for e in examples}) == 811
    assert Counter(e.label for e in examples) == {"good": 431, "bad": 407}
    # Every record is one line; 66 are CSV-quoted, some with tabs and doubled quotes inside,
    # and are unquoted.
    lines = annotations.read_text(encoding="utf-8").split("\n")
    assert [e.line for e in examples] == list(range(1, 839))
    assert lines[838] == ""
    quoted = [e for e in examples if lines[e.line - 1].startswith('"')]
    assert len(quoted) == 66
    for example in examples:
        line = lines[example.line - 1]
        if not line.startswith('"'):
            assert (example.text, example.label) == tuple(line.rsplit("\t", 1))
        else:
            text, label = line.rsplit("\t", 1)
            assert example.label == label
            assert example.text == text[1:-1].replace('""', '"')
    assert "James J. Hurtak\t Ph.D." in examples[277].text
    assert 'We always say ""YES""' in examples[296].text


def test_records_are_lines_and_errors_name_the_line(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text(
        '"引用"から始まる文\tタブ\tgood\n\n"全体が""引用"""\t__label__bad\n"閉じない\tgood\n',
        encoding="utf-8",
    )
    examples = read_examples(data)
    assert [(e.text, e.label, e.line) for e in examples] == [
        ('"引用"から始まる文\tタブ', "good", 1),
        ('全体が"引用"', "bad", 3),
        ('"閉じない', "good", 4),
    ]
    data.write_text("よい文\tbad\nタブのない行\n", encoding="utf-8")
    with pytest.raises(ValueError, match=at(data, 2) + "expected `text<TAB>label`, found no tab"):
        read_examples(data)
    data.write_text("よい文\tbad\n悪い文\tvery bad\n", encoding="utf-8")
    with pytest.raises(ValueError, match=at(data, 2) + "the label 'very bad'"):
        read_examples(data)
    data.write_text("よい文\tbad\n \tgood\n", encoding="utf-8")
    with pytest.raises(ValueError, match=at(data, 2) + "the text is empty"):
        read_examples(data)


def test_held_out_split_is_whole_texts_and_deterministic(annotations: Path) -> None:
    examples = read_examples(annotations)
    train, held = split_held_out(examples, HELD_OUT, seed=0)
    assert (len(train), len(held)) == (672, 166)
    assert len({e.text for e in held}) == round(HELD_OUT * 811) == 162
    assert not {e.text for e in train} & {e.text for e in held}
    assert sorted(train + held, key=lambda e: e.line) == examples
    assert split_held_out(examples, HELD_OUT, seed=0) == (train, held)
    assert split_held_out(examples, HELD_OUT, seed=1)[1] != held
    with pytest.raises(ValueError, match="leaves no example"):
        split_held_out(examples, 0.0001, seed=0)


def test_report_is_consistent_and_beats_the_majority_class(
    trained: ClassifierReport, annotations: Path
) -> None:
    _, held = split_held_out(read_examples(annotations), HELD_OUT, seed=0)
    assert (trained.examples, trained.distinct_texts) == (838, 811)
    assert trained.train_counts == {"bad": 324, "good": 348}
    assert trained.train_examples + trained.held_out_examples == 838
    assert {label: s.actual for label, s in trained.held_out.items()} == Counter(
        e.label for e in held
    )
    for scores in trained.held_out.values():
        assert 0 <= scores.correct <= min(scores.predicted, scores.actual)
        # Measured: bad 0.671 / 0.663, good 0.667 / 0.675.
        assert 0.6 <= scores.precision <= 1 and 0.6 <= scores.recall <= 1
    assert sum(s.predicted for s in trained.held_out.values()) == len(held)
    # Measured: accuracy 0.669; the majority training label (good) is 0.500 of the held out.
    assert trained.majority_baseline == 83 / 166
    assert trained.accuracy >= 0.62
    assert trained.accuracy >= trained.majority_baseline + 0.1
    text = str(trained)
    assert "838 (811 distinct texts), 672 for training, 166 held out" in text
    assert f"held-out accuracy {trained.accuracy:.3f}" in text


def test_filter_decisions_agree_with_the_report(
    trained: ClassifierReport, annotations: Path
) -> None:
    _, held = split_held_out(read_examples(annotations), HELD_OUT, seed=0)
    for label, other in (("bad", "good"), ("__label__good", "bad")):
        classifier = FastTextClassifier(model=trained.model, label=label, threshold=0.5)
        name = label.removeprefix("__label__")
        reasons = [classifier.removal(document([e.text])) for e in held]
        removed = [e for e, reason in zip(held, reasons, strict=True) if reason]
        assert set(reasons) == {None, f"FastTextClassifier(label={name},threshold=0.5)"}
        assert len(removed) == trained.held_out[name].predicted
        assert sum(e.label == name for e in removed) == trained.held_out[name].correct
        assert len(held) - len(removed) == trained.held_out[other].predicted


def test_training_is_deterministic(annotations: Path, trained: ClassifierReport) -> None:
    again = train_classifier(annotations, trained.model.with_name("again.bin"), held_out=HELD_OUT)
    assert again.model.read_bytes() == trained.model.read_bytes()
    assert again == ClassifierReport(
        again.model, trained.examples, 811, trained.train_counts, trained.held_out
    )


def test_tiny_synthetic_model(synthetic_model: Path) -> None:
    classifier = FastTextClassifier(model=synthetic_model, label="bad", threshold=0.5)
    prose = document(["昨日は公園で本を読みました。", "子供たちと写真を撮りました。"])
    spam = document(["激安!今すぐ登録!送料無料!", "★クーポン配布中★最安値!"])
    assert classifier.removal(prose) is None
    assert classifier.removal(spam) == "FastTextClassifier(label=bad,threshold=0.5)"
    model = load_model(str(synthetic_model))
    assert sorted(model.get_labels()) == ["__label__bad", "__label__good"]
    good = FastTextClassifier(model=synthetic_model, label="good", threshold=0.5)
    for doc in (prose, spam):
        total = classifier.probability(doc) + good.probability(doc)
        assert total == pytest.approx(1.0, abs=3e-5)  # fastText adds 1e-5 to each


def test_threshold_boundary(synthetic_model: Path) -> None:
    doc = document(["激安!今すぐ登録!送料無料!", "子供たちと写真を撮りました。"])
    probe = FastTextClassifier(model=synthetic_model, label="bad", threshold=0.5)
    p = probe.probability(doc)
    assert 0 < p < 1
    at = FastTextClassifier(model=synthetic_model, label="bad", threshold=p)
    above = FastTextClassifier(model=synthetic_model, label="bad", threshold=math.nextafter(p, 1))
    assert at.removal(doc) == f"FastTextClassifier(label=bad,threshold={p})"
    assert above.removal(doc) is None
    assert FastTextClassifier(model=synthetic_model, label="bad", threshold=0.0).removal(doc)


def test_config_errors(synthetic_model: Path, tmp_path: Path) -> None:
    def build(**params: object) -> FastTextClassifier:
        entry = {"filter": "FastTextClassifier", "label": "bad", "threshold": 0.5, **params}
        return FilterChain.from_entries([entry]).filters[0]

    assert build(model=str(synthetic_model)).label == "FastTextClassifier(label=bad,threshold=0.5)"
    missing = tmp_path / "missing.bin"
    with pytest.raises(
        ValueError, match="model: .*fastText model " + re.escape(f"{missing} does not exist")
    ):
        build(model=str(missing))
    with pytest.raises(ValueError, match=r"has no label 'spam'; its labels: \["):
        build(model=str(synthetic_model), label="spam")
    not_a_model = tmp_path / "notes.txt"
    not_a_model.write_text("hello\n")
    with pytest.raises(ValueError, match=re.escape(f"{not_a_model} is not a fastText model")):
        build(model=str(not_a_model))
    with pytest.raises(ValueError, match="threshold: Input should be less than or equal to 1"):
        build(model=str(synthetic_model), threshold=1.5)


def test_training_errors(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("".join(f"{t}\tgood\n" for t in GOOD), encoding="utf-8")
    with pytest.raises(ValueError, match="fewer than two labels"):
        train_classifier(data, tmp_path / "m.bin")
    with pytest.raises(ValueError, match="word_ngrams must be 2 or more"):
        train_classifier(data, tmp_path / "m.bin", word_ngrams=1)
    assert not (tmp_path / "m.bin").exists()


def test_pickles_without_the_model(synthetic_model: Path) -> None:
    classifier = FastTextClassifier(model=synthetic_model, label="bad", threshold=0.5)
    data = pickle.dumps(classifier)
    assert len(data) < 1000  # the model file is megabytes
    copy = pickle.loads(data)
    doc = document(["★クーポン配布中★最安値!"])
    assert copy.probability(doc) == classifier.probability(doc)


def test_train_classifier_command(annotations: Path, tmp_path: Path, capsys) -> None:
    model = tmp_path / "quality.bin"
    args = ["train-classifier", str(annotations), "--output", str(model), "--held-out", "0.2"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert model.is_file()
    assert "held-out accuracy" in printed and "precision" in printed
    bad = tmp_path / "bad.txt"
    bad.write_text("no tab on this line\n", encoding="utf-8")
    assert main(["train-classifier", str(bad), "--output", str(tmp_path / "m.bin")]) == 2
    assert f"{bad}:1" in capsys.readouterr().err
