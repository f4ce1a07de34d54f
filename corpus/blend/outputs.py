"""Writes the blend's files through Beam's FileSystems (local, gs://, s3://), each under
a temporary name first and then renamed, so a file is complete or absent."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence

from corpus.atomic_files import write_text
from corpus.blend.megatron_args import WeightedPrefix, data_path_text, per_split_data_args
from corpus.blend.report import report_dict, report_markdown
from corpus.blend.selection import BlendSelection

DATA_PATH_FILE = "data_path.txt"
PER_SPLIT_FILE = "per_split_data_args.json"
REPORT_JSON = "blend_report.json"
REPORT_MARKDOWN = "blend_report.md"


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_megatron_args(
    directory: str,
    train: Sequence[WeightedPrefix],
    valid: Sequence[WeightedPrefix] | None = None,
    test: Sequence[WeightedPrefix] | None = None,
) -> list[str]:
    """`data_path.txt` (for `--data-args-path`, or `--data-path $(cat ...)`) from `train`,
    and `per_split_data_args.json` (for `--per-split-data-args-path`) from all three."""
    return [
        write_text(posixpath.join(directory, DATA_PATH_FILE), data_path_text(train)),
        write_text(
            posixpath.join(directory, PER_SPLIT_FILE),
            _json(per_split_data_args(train, valid, test)),
        ),
    ]


def write_report(directory: str, selection: BlendSelection) -> list[str]:
    """`blend_report.json` and `blend_report.md`."""
    return [
        write_text(posixpath.join(directory, REPORT_JSON), _json(report_dict(selection))),
        write_text(posixpath.join(directory, REPORT_MARKDOWN), report_markdown(selection)),
    ]
