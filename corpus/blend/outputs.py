"""Writes the blend's files through Beam's FileSystems (local, gs://, s3://), each under
a temporary name first and then renamed, so a file is complete or absent."""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Sequence

from corpus.atomic_files import write_text
from corpus.blend.megatron_args import WeightedPrefix, data_path_text, per_split_data_args
from corpus.blend.report import report_dict, report_markdown
from corpus.blend.selection import BlendSelection
from corpus.model_files import is_local

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
    and `per_split_data_args.json` (for `--per-split-data-args-path`) from all three. Local
    prefixes are made absolute, so that Megatron finds them from whatever directory it
    starts in (a relative output directory is relative to where the run started)."""
    train = absolute_prefixes(train)
    valid = None if valid is None else absolute_prefixes(valid)
    test = None if test is None else absolute_prefixes(test)
    return [
        write_text(posixpath.join(directory, DATA_PATH_FILE), data_path_text(train)),
        write_text(
            posixpath.join(directory, PER_SPLIT_FILE),
            _json(per_split_data_args(train, valid, test)),
        ),
    ]


def absolute_prefixes(entries: Sequence[WeightedPrefix]) -> list[WeightedPrefix]:
    """Each local prefix as an absolute path; a remote one (`gs://...`) as it is."""
    return [(w, os.path.abspath(p) if is_local(p) else p) for w, p in entries]


def write_report(directory: str, selection: BlendSelection) -> list[str]:
    """`blend_report.json` and `blend_report.md`."""
    return [
        write_text(posixpath.join(directory, REPORT_JSON), _json(report_dict(selection))),
        write_text(posixpath.join(directory, REPORT_MARKDOWN), report_markdown(selection)),
    ]
