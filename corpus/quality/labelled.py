"""Labelled lines: one example per line, `text<TAB>label` (or `text<TAB>score`).

Read line by line: the label is what follows the line's last tab, the text everything
before it, so a text may hold tabs and may begin with a quote. A text that is wholly a
CSV-quoted field (`"..."` with every inner quote doubled) is unquoted; any other text is
taken as it is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

LABEL_PREFIX = "__label__"
"""fastText's label prefix, accepted (and dropped) in front of a label."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    line: int
    """Line of the input file (from 1)."""


def _unquoted(text: str) -> str:
    inner = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return text


def read_labelled(path: Path) -> list[Example]:
    """The examples of a `text<TAB>label` file (blank lines skipped); ValueError naming the
    line of a record without a tab, with an empty text, or a label holding spaces."""
    examples = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            where = f"{path}:{number}"
            if "\t" not in line:
                raise ValueError(f"{where}: expected `text<TAB>label`, found no tab")
            text, field = line.rsplit("\t", 1)
            text = _unquoted(text)
            label = field.strip().removeprefix(LABEL_PREFIX)
            if not label or any(char.isspace() for char in label):
                raise ValueError(f"{where}: the label {field!r} is empty or holds whitespace")
            if not text.strip():
                raise ValueError(f"{where}: the text is empty")
            examples.append(Example(text, label, number))
    return examples


def scores_as_labels(examples: list[Example], threshold: float, path: Path) -> list[Example]:
    """Examples whose label field is a score in [0, 1] (a teacher's), as `good` (score >=
    threshold) or `bad`; ValueError naming the line of a field that is not such a score."""
    labelled = []
    for example in examples:
        try:
            score = float(example.label)
        except ValueError:
            score = -1.0
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"{path}:{example.line}: {example.label!r} is not a score in [0, 1]")
        label = "good" if score >= threshold else "bad"
        labelled.append(Example(example.text, label, example.line))
    return labelled


def normalised(text: str) -> str:
    """The text with runs of whitespace as one space: the identity used to group copies."""
    return " ".join(text.split())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
