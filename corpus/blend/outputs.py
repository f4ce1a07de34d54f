"""Writes the blend's files through Beam's FileSystems (local, gs://, s3://), each under
a temporary name first and then renamed, so a file is complete or absent."""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Sequence

from corpus.atomic_files import write_text
from corpus.blend.blend_file import PathMode
from corpus.blend.megatron_args import WeightedPrefix, data_path_text, per_split_data_args
from corpus.blend.report import report_dict, report_markdown
from corpus.blend.selection import BlendSelection
from corpus.blend.splits import TEST, TRAIN, VALID
from corpus.model_files import is_local

DATA_PATH_FILE = "data_path.txt"
HELD_OUT_DATA_PATH_FILES = {VALID: "valid_data_path.txt", TEST: "test_data_path.txt"}
"""The held-out splits' `--valid-data-path` / `--test-data-path` words, beside `DATA_PATH_FILE`."""
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
    paths: PathMode = "absolute",
) -> list[str]:
    """`data_path.txt` (for `--data-args-path`, or `--data-path $(cat ...)`) from `train`,
    `valid_data_path.txt` / `test_data_path.txt` from a held-out split that is given, and
    `per_split_data_args.json` (for `--per-split-data-args-path`) from all three. Local
    prefixes are written `absolute`, so that Megatron finds them from whatever directory it
    starts in (a relative output directory is relative to where the run started), or
    `relative` to `directory`, so that the directory can be moved whole and Megatron
    started in it. A remote prefix (`gs://...`) is written as it is."""
    splits = {TRAIN: train, VALID: valid, TEST: test}
    written = {
        split: None if entries is None else portable_prefixes(entries, directory, paths)
        for split, entries in splits.items()
    }
    files = [write_text(posixpath.join(directory, DATA_PATH_FILE), data_path_text(written[TRAIN]))]
    for split, name in HELD_OUT_DATA_PATH_FILES.items():
        if written[split] is not None:
            text = data_path_text(written[split])
            files.append(write_text(posixpath.join(directory, name), text))
    per_split = per_split_data_args(written[TRAIN], written[VALID], written[TEST])
    files.append(write_text(posixpath.join(directory, PER_SPLIT_FILE), _json(per_split)))
    return files


def portable_prefixes(
    entries: Sequence[WeightedPrefix], directory: str, paths: PathMode
) -> list[WeightedPrefix]:
    """Each local prefix as an absolute path, or relative to `directory` (a local one);
    a remote one (`gs://...`) as it is."""
    if paths == "relative" and is_local(directory):
        base = os.path.abspath(directory)
        return [(w, os.path.relpath(p, base) if is_local(p) else p) for w, p in entries]
    return [(w, os.path.abspath(p) if is_local(p) else p) for w, p in entries]


def write_report(directory: str, selection: BlendSelection) -> list[str]:
    """`blend_report.json` and `blend_report.md`."""
    return [
        write_text(posixpath.join(directory, REPORT_JSON), _json(report_dict(selection))),
        write_text(posixpath.join(directory, REPORT_MARKDOWN), report_markdown(selection)),
    ]
