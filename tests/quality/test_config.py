"""The quality commands' config files: keys named like the flags, a flag given overriding
the file's value, one-line errors naming the key (exit status 2) before any work, and
their keys in the configuration reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.cli import main
from corpus.config_reference import reference
from corpus.errors import ConfigError
from corpus.quality.config import TeacherConfig, TrainClassifierConfig, settings


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "labels.txt"
    path.write_text("良い文章です。\tgood\n", encoding="utf-8")
    return path


def test_flags_override_the_file(data: Path, tmp_path: Path) -> None:
    config = tmp_path / "train.yaml"
    config.write_text(f"data: [{data}]\noutput: m.bin\nfolds: 3\nlr: 0.5\n", encoding="utf-8")
    from_file = settings(TrainClassifierConfig, str(config), {})
    assert (from_file.data, from_file.folds, from_file.lr, from_file.epochs) == (
        [str(data)],
        3,
        0.5,
        25,
    )
    overridden = settings(TrainClassifierConfig, str(config), {"folds": 0, "output": "n.bin"})
    assert (overridden.folds, overridden.output, overridden.lr) == (0, "n.bin", 0.5)
    teacher = settings(
        TeacherConfig,
        None,
        {"labelled": str(data), "sample": str(data), "reference": [str(data)], "output": "s"},
    )
    assert teacher.reference == [str(data)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("folds: 1\n", "folds: 0 (no cross-validation) or 2 or more folds"),
        ("word_ngrams: 1\n", "word_ngrams: Input should be greater than or equal to 2"),
        ("input: teacher\n", "input: Input should be 'labels', 'scores' or 'reference'"),
        ("web: [MISSING.txt]\n", "web.0: MISSING.txt does not exist or is not a file"),
        ("- data\n", "expected a mapping of keys at the top level"),
    ],
)
def test_invalid_values_name_their_key(data: Path, tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "train.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        settings(TrainClassifierConfig, str(config), {"data": [str(data)], "output": "m.bin"})
    assert str(error.value) == f"{config}: {message}"


@pytest.mark.parametrize("command", ["train-classifier", "teacher"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("epoch: 3\n", "epoch: Extra inputs are not permitted"),
        ("output: o.bin\n", None),
    ],
)
def test_config_errors_are_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    text: str,
    message: str | None,
) -> None:
    config = tmp_path / "c.yaml"
    missing = tmp_path / "missing.txt"
    key = "data" if command == "train-classifier" else "labelled"
    value = f"[{missing}]" if key == "data" else str(missing)
    config.write_text(f"{key}: {value}\n{text}", encoding="utf-8")
    assert main([command, "--config", str(config)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"corpus: {config}: {key}")
    assert f"{missing} does not exist or is not a file" in line
    if message:
        assert line.endswith(message)
    assert not (tmp_path / "o.bin").exists()


def test_the_configuration_reference_documents_every_key() -> None:
    text = reference()
    for command, model in (("train-classifier", TrainClassifierConfig), ("teacher", TeacherConfig)):
        assert f"## corpus {command} --config" in text
        assert [key for key in model.model_fields if f"| `{key}` |" not in text] == []
    assert "| `held_out` | float, >= 0.0, < 1.0 | `0.1` |" in text
    assert "| `reference` | list[str], not empty | required |" in text
