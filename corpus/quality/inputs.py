"""What `corpus train-classifier` trains on, and the record of where it came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corpus.quality.labelled import Example, read_labelled, scores_as_labels, sha256
from corpus.quality.reference import reference_examples

INPUTS = ("labels", "scores", "reference")
"""labels: `text<TAB>label` lines; scores: `text<TAB>score` lines (a teacher's P(good));
reference: reference dumps (good) against web texts (bad)."""


def file_records(files: dict[str, list[Path]]) -> dict[str, list[dict[str, str]]]:
    """Each role's files (`{"data": [...]}`) with their sha256; a role with none left out."""
    return {
        role: [{"path": str(path), "sha256": sha256(path)} for path in paths]
        for role, paths in files.items()
        if paths
    }


def write_record(output: Path, record: dict[str, Any]) -> None:
    """Writes `record`, how `output` was made, as `<output>.json` beside it."""
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    output.with_name(output.name + ".json").write_text(text, encoding="utf-8")


def training_examples(
    kind: str, data: list[Path], web: list[Path], score_threshold: float
) -> tuple[list[Example], dict[str, Any]]:
    """The examples and a provenance record (each input file with its sha256)."""
    if kind not in INPUTS:
        raise ValueError(f"unknown input kind {kind!r}; expected one of {', '.join(INPUTS)}")
    if kind != "reference" and web:
        raise ValueError("web files are for reference-vs-web training only (--input reference)")
    if kind == "reference":
        if not web:
            raise ValueError("reference-vs-web training needs web texts (--web FILE)")
        examples = reference_examples([str(path) for path in data], web)
    else:
        examples = []
        for path in data:
            read = read_labelled(path)
            examples += scores_as_labels(read, score_threshold, path) if kind == "scores" else read
    provenance = {"input": kind, **file_records({"data": data, "web": web})}
    if kind == "scores":
        provenance["score_threshold"] = score_threshold
    return examples, provenance
