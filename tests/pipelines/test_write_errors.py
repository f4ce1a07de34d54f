"""An output that cannot be written (read-only, full disk): one `corpus:` line naming the
path and the cause, and the resume hint, instead of a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from apache_beam.io.filesystem import BeamIOError
from apache_beam.io.filesystems import FileSystems

from corpus.cli import main
from corpus.layout import COMPLETE_FILE, LOCK_FILE
from corpus.pipelines import run_lock
from corpus.pipelines.write_errors import WriteFailure, resume_hint, write_failure
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"


def extract_args(output: Path) -> list[str]:
    return [
        "extract",
        str(SAMPLE_WARC),
        "--output",
        str(output),
        "--direct_num_workers=1",
        "--direct_running_mode=in_memory",
    ]


def last_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_the_cause_is_found_in_wrapped_errors_and_in_a_pipelines_text():
    full = OSError(errno.ENOSPC, "No space left on device", "/out/a.parquet")
    assert write_failure(full) == WriteFailure(28, "No space left on device", "/out/a.parquet")
    wrapped = BeamIOError("rename failed", {("/out/.tmp-a", "/out/a"): full})
    assert write_failure(wrapped) == write_failure(full)
    try:
        try:
            raise full
        except OSError as cause:
            raise RuntimeError("pipeline failed") from cause
    except RuntimeError as error:
        assert write_failure(error) == write_failure(full)
    text = RuntimeError(
        "Traceback (most recent call last):\n  ...\n"
        "OSError: [Errno 30] Read-only file system: '/out/documents-00000-of-00001.parquet'\n"
    )
    assert write_failure(text) == WriteFailure(
        30, "Read-only file system", "/out/documents-00000-of-00001.parquet"
    )
    assert write_failure(RuntimeError("OSError: [Errno 28] No space left on device")) == (
        WriteFailure(28, "No space left on device", None)
    )
    assert write_failure(ValueError("[Errno 2] No such file or directory: '/x'")) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_a_read_only_output_directory(tmp_path, capsys):
    output = tmp_path / "out"
    output.mkdir()
    output.chmod(0o555)
    try:
        assert main(extract_args(output)) == 2
    finally:
        output.chmod(0o755)
    assert last_line(capsys) == (
        f"corpus: output: cannot write {output}/{LOCK_FILE}: Permission denied (Errno 13, "
        "EACCES); once it can be written, the same command starts the run again"
    )


def test_a_read_only_file_system(tmp_path, capsys, monkeypatch):
    output = tmp_path / "out"

    def read_only(path: str, data: bytes) -> bool:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)

    monkeypatch.setattr(run_lock, "_create_exclusively", read_only)
    assert main(extract_args(output)) == 2
    assert last_line(capsys) == (
        f"corpus: output: cannot write {output}/{LOCK_FILE}: Read-only file system (Errno 30, "
        "EROFS); once it can be written, the same command starts the run again"
    )


@pytest.mark.slow
def test_a_full_disk_while_the_stage_writes(tmp_path, capsys, monkeypatch):
    output = tmp_path / "out"
    create = FileSystems.create

    def full_for_documents(path: str, *args, **kwargs):
        if "documents-" in path:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return create(path, *args, **kwargs)

    monkeypatch.setattr(FileSystems, "create", staticmethod(full_for_documents))
    assert main(extract_args(output)) == 2
    assert last_line(capsys) == (
        f"corpus: output: cannot write {output}/extract/.tmp-documents-00000-of-00001.parquet: "
        "No space "
        "left on device (Errno 28, ENOSPC); once it can be written, the same command starts "
        "the run again"
    )
    assert not (output / LOCK_FILE).exists()
    # Space again: the same command runs the stage to its end.
    monkeypatch.setattr(FileSystems, "create", staticmethod(create))
    assert main(extract_args(output)) == 0
    assert (output / "extract.meta" / COMPLETE_FILE).exists()


def test_the_hint_names_the_complete_steps(tmp_path):
    for seconds, step in enumerate(("web/extract", "web/filter")):
        mark = tmp_path / f"{step}.meta" / COMPLETE_FILE
        mark.parent.mkdir(parents=True)
        mark.write_text("{}")
        os.utime(mark, (1_700_000_000 + seconds,) * 2)
    assert resume_hint(str(tmp_path)) == (
        f"complete in {tmp_path}: web/extract, web/filter; once it can be written, the same "
        "command resumes from there, keeping them"
    )
    assert resume_hint(str(tmp_path / "empty")) == (
        "once it can be written, the same command starts the run again"
    )
