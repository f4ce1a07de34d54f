"""What `run.json` records of the inputs: a resume refuses an input changed within the
same size; a file matched by two patterns is one input, read once."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from apache_beam.io.filesystem import FileMetadata

from corpus.cli import main
from corpus.config import validate
from corpus.errors import ConfigError
from corpus.layout import RUN_FILE
from corpus.pipelines.input_fingerprints import (
    SAMPLE_BYTES,
    changed_input,
    distinct_files,
    input_record,
    local_fingerprint,
)
from corpus.pipelines.output_ownership import claim_output
from corpus.pipelines.run_identity import run_identity
from tests.support.outputs import stats_of
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"
ENCYCLOPEDIA = ROOT / "corpus/sample/encyclopedia.jsonl"


def flip(path: Path, offset: int) -> None:
    """Changes one byte of `path` in place, keeping its size and modification time."""
    times = path.stat()
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_the_fingerprint_reads_three_stretches(tmp_path):
    path = tmp_path / "big"
    size = 5 * SAMPLE_BYTES
    path.write_bytes(bytes(size))
    fingerprint = local_fingerprint(str(path))
    assert fingerprint.startswith("sha256:") and len(fingerprint) == 7 + 64
    # A byte changed in the first, middle or last stretch changes it; one between does not.
    for offset, changes in [
        (0, True),
        (SAMPLE_BYTES + 10, False),
        (2 * SAMPLE_BYTES + 10, True),
        (size - 1, True),
    ]:
        flip(path, offset)
        assert (local_fingerprint(str(path)) != fingerprint) == changes, offset
        flip(path, offset)
    assert local_fingerprint(str(path)) == fingerprint


def test_a_local_inputs_record(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "x"}\n')
    os.utime(path, (1_700_000_000.5, 1_700_000_000.5))
    record = input_record(FileMetadata(str(path), 14, 1_700_000_000.5))
    assert record == {
        "path": str(path),
        "bytes": 14,
        "modified": 1_700_000_000.5,
        "fingerprint": local_fingerprint(str(path)),
    }


def test_remote_inputs_get_the_stores_checksum(monkeypatch):
    from apache_beam.io.filesystems import FileSystems

    monkeypatch.setattr(FileSystems, "checksum", staticmethod(lambda path: f"md5-of-{path}"))
    record = input_record(FileMetadata("gs://bucket/a.warc.gz", 7, 1.0))
    assert record == {
        "path": "gs://bucket/a.warc.gz",
        "bytes": 7,
        "modified": 1.0,
        "checksum": "md5-of-gs://bucket/a.warc.gz",
    }
    assert input_record(FileMetadata("https://host/a.warc.gz", 7, 0.0)) == {
        "path": "https://host/a.warc.gz",
        "bytes": 7,
        "modified": None,
    }


def test_repeated_files_are_dropped_in_match_order():
    files = [FileMetadata(p, 1) for p in ["b", "a", "b", "c", "a", "b"]]
    distinct, repeats = distinct_files(files)
    assert [m.path for m in distinct] == ["b", "a", "c"] and repeats == 3


def test_what_changed_is_named():
    identity = {"command": "run", "config": {}, "inputs": [{"path": "a", "bytes": 1}]}
    moved = {**identity, "inputs": [{"path": "a", "bytes": 1, "modified": 2.0}]}
    assert changed_input(identity, moved) == "a changed: modified"
    assert changed_input(identity, {**identity, "inputs": []}) == "a is no longer an input"
    assert changed_input({**identity, "inputs": []}, identity) == "a is a new input"
    assert changed_input(identity, {**identity, "config": {"x": 1}, "inputs": []}) is None
    assert changed_input(identity, identity) is None


def test_a_same_size_change_refuses_the_resume(tmp_path):
    source = tmp_path / "encyclopedia.jsonl"
    shutil.copyfile(ENCYCLOPEDIA, source)
    output = tmp_path / "out"
    config = validate(
        {
            "output": str(output),
            "sources": {"encyclopedia": {"inputs": [str(source)], "reader": "jsonl", "stages": []}},
        }
    )
    claim_output(str(output), run_identity(config, "run"), overwrite=False)
    recorded = json.loads((output / RUN_FILE).read_text())["inputs"]
    assert [sorted(r) for r in recorded] == [["bytes", "fingerprint", "modified", "path"]]
    assert recorded[0]["bytes"] == source.stat().st_size
    claim_output(str(output), run_identity(config, "run"), overwrite=False)  # unchanged: resumes
    flip(source, source.stat().st_size // 2)
    refusal = (
        f"output: {output} holds results of other inputs: {source} changed: fingerprint; "
        "restore the input to resume, or pass --overwrite to start again"
    )
    with pytest.raises(ConfigError) as raised:
        claim_output(str(output), run_identity(config, "run"), overwrite=False)
    assert str(raised.value) == refusal
    # Touched, unchanged: the modification time differs.
    flip(source, source.stat().st_size // 2)
    os.utime(source, (1_600_000_000, 1_600_000_000))
    with pytest.raises(ConfigError, match="changed: modified; restore the input"):
        claim_output(str(output), run_identity(config, "run"), overwrite=False)


@pytest.mark.slow
def test_the_stage_command_refuses_a_changed_warc(tmp_path, capsys):
    warc = tmp_path / "sample.warc.gz"
    shutil.copyfile(SAMPLE_WARC, warc)
    output = tmp_path / "out"
    args = ["extract", str(warc), "--output", str(output), "--direct_num_workers=1"]
    assert main(args) == 0
    flip(warc, warc.stat().st_size - 100)
    capsys.readouterr()
    assert main(args) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"corpus: output: {output} holds results of other inputs: {warc} changed: "
        "fingerprint; restore the input to resume, or pass --overwrite to start again"
    )


@pytest.mark.slow
def test_a_file_under_two_patterns_is_read_once(tmp_path, capsys):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    warc = crawl / "sample.warc.gz"
    shutil.copyfile(SAMPLE_WARC, warc)
    once, twice = tmp_path / "once", tmp_path / "twice"
    flags = ["--direct_num_workers=2", "--direct_running_mode=multi_threading"]
    assert main(["extract", str(warc), "--output", str(once), *flags]) == 0
    capsys.readouterr()
    patterns = [str(warc), f"{crawl}/*.warc.gz", f"{crawl}/sample.*"]
    assert main(["extract", *patterns, "--output", str(twice), *flags]) == 0
    assert (
        "inputs: 2 of the files matched are matched by another pattern too; each file is "
        "read once" in capsys.readouterr().err
    )
    claimed = json.loads((twice / RUN_FILE).read_text())
    assert [f["path"] for f in claimed["inputs"]] == [str(warc)]
    assert claimed["repeated_inputs"] == 2
    stats = stats_of(twice / "extract")
    assert stats == stats_of(once / "extract")
    assert stats["records_read"] > 0
