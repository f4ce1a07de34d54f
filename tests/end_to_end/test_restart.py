"""Restarting a run: the quickstart (`corpus run configs/sample.yaml`) killed with SIGKILL,
its whole process group at once, while a stage is writing its files, leaves only whole files
under their final names, and the same command run again resumes: it keeps the complete
steps and ends with the same bytes as an uninterrupted run. An output directory holding
another run's results is refused unless --overwrite; config errors stop a run before it
writes anything; a single-stage command owns its output as a run does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard

from corpus.atomic_files import is_temporary
from corpus.cli import main
from corpus.config import RunConfig, validate
from corpus.errors import ConfigError
from corpus.layout import COMPLETE_FILE, RUN_FILE
from corpus.pipelines.input_fingerprints import local_fingerprint
from corpus.pipelines.run import run
from corpus.tokenize.megatron import read_indexed_dataset
from corpus.tokenize.tokenizer import Tokenizer, read_model
from tests.support.outputs import differences, output_digests
from tests.support.paths import ROOT
from tests.support.quickstart import (
    QUICKSTART_STEPS,
    local_workers,
    quickstart_command,
    reference_digests,
    run_place,
    run_to_end,
)

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"
ENCYCLOPEDIA = {
    "inputs": [str(ROOT / "corpus/sample/encyclopedia.jsonl")],
    "reader": "jsonl",
    "options": {"id_field": "id"},
    "stages": [],
}
KILL_POINTS = {
    # The first step of the run: nothing is complete yet.
    "web/extract": [],
    # The shared tokenizer and every document stage are complete; the blend is to come.
    "web/tokenize": QUICKSTART_STEPS[: QUICKSTART_STEPS.index("web/tokenize")],
}
"""Where the run is killed (as soon as the step's first file appears), and the steps
complete by then."""


def final_files(directory: Path) -> list[Path]:
    return [p for p in sorted(directory.rglob("*")) if p.is_file() and not is_temporary(str(p))]


def check_whole(path: Path) -> None:
    """Raises unless the file reads back whole, as its kind says."""
    name = path.name
    if name.endswith(".parquet"):
        pq.read_table(path)
    elif name.endswith(".json"):
        json.loads(path.read_text(encoding="utf-8"))
    elif name.endswith((".jsonl", ".jsonl.zst")):
        data = path.read_bytes()
        if name.endswith(".zst"):
            data = zstandard.ZstdDecompressor().stream_reader(data).read()
        assert data.endswith(b"\n"), "the last line is cut"
        for line in data.decode("utf-8").splitlines():
            json.loads(line)
    elif name.endswith(".idx"):
        read_indexed_dataset(str(path.with_suffix("")))  # checks it against its .bin
    elif name.endswith(".model"):
        Tokenizer(read_model(str(path)), add_bos=False, add_eos=False)
    elif name == COMPLETE_FILE:
        times = json.loads(path.read_text(encoding="utf-8"))
        assert times.keys() - {"filters"} == {"started", "finished", "seconds"}
    elif not name.endswith(".bin"):  # a .bin is checked with its .idx
        path.read_text(encoding="utf-8")


def broken_files(directory: Path) -> list[str]:
    """The files under their final names that do not read back whole, with the error."""
    broken = []
    for path in final_files(directory):
        try:
            check_whole(path)
        except Exception as error:
            broken.append(f"{path.relative_to(directory)}: {error!r}")
    return broken


def kill_when_writing(process: subprocess.Popen, directory: Path) -> None:
    """SIGKILLs the process group of `process` as soon as a file appears in `directory`,
    and waits until every process of the group is gone."""
    deadline = time.monotonic() + 600
    while not (directory.is_dir() and final_files(directory)):
        assert process.poll() is None, f"the run ended before writing {directory}"
        assert time.monotonic() < deadline, f"nothing written in {directory} in 10 minutes"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while True:  # Beam's worker processes, reaped by init
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "the killed run's processes are still there"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, str]:
    return reference_digests(tmp_path_factory)


@pytest.fixture(scope="module", params=list(KILL_POINTS))
def killed(request, tmp_path_factory, reference) -> dict:
    """The quickstart killed while writing the step `request.param`, then run again."""
    output = run_place(tmp_path_factory)
    assert not output.exists()
    command = quickstart_command(output, local_workers(1))
    log = output.parent / f"killed-{request.param.replace('/', '-')}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        kill_when_writing(process, output / request.param)
    at_kill = {
        "broken": broken_files(output),
        "complete": sorted(
            str(p.parent.relative_to(output)).removesuffix(".meta")
            for p in output.rglob(COMPLETE_FILE)
        ),
    }
    # The killed run left its lock: its pid is gone, which the restart is told to accept.
    printed = run_to_end([*command, "--take-over-lock"], log.with_suffix(".restart.log"))
    restarted = output_digests(output)
    shutil.rmtree(output)
    return {
        "step": request.param,
        "output": output,
        "printed": printed,
        "digests": restarted,
        **at_kill,
    }


@pytest.mark.slow
def test_at_the_kill_every_file_under_its_final_name_is_whole(killed):
    assert killed["broken"] == []


@pytest.mark.slow
def test_the_kill_came_while_the_step_was_running(killed):
    assert killed["complete"] == sorted(KILL_POINTS[killed["step"]])


@pytest.mark.slow
def test_the_restart_keeps_complete_steps_and_writes_what_an_uninterrupted_run_does(
    killed, reference
):
    assert f"output: {killed['output']}: taking over the lock of " in killed["printed"]
    for step in KILL_POINTS[killed["step"]]:
        assert f"{killed['output']}/{step}: complete, kept" in killed["printed"]
    assert f"{killed['output']}/{killed['step']}: complete, kept" not in killed["printed"]
    assert differences(reference, killed["digests"]) == []


def encyclopedia_run(output: Path, **changes) -> RunConfig:
    return validate({"output": str(output), "sources": {"encyclopedia": ENCYCLOPEDIA}, **changes})


@pytest.mark.slow
def test_another_runs_directory_is_refused_unless_overwrite(tmp_path, capsys):
    output = tmp_path / "run"
    output.mkdir()
    (output / ".tmp-run.json").write_text("{")  # a run killed while claiming the directory
    first = encyclopedia_run(output)
    stats = run(first, ["--direct_num_workers=1"], overwrite=False)
    written = output_digests(output)
    assert ".tmp-run.json" not in written
    assert "encyclopedia/read/documents-00000-of-00001.parquet" in written
    claimed = json.loads((output / RUN_FILE).read_text())
    assert claimed["command"] == "run" and "output" not in claimed["config"]
    source = Path(ENCYCLOPEDIA["inputs"][0])
    assert claimed["inputs"] == [
        {
            "path": str(source),
            "bytes": source.stat().st_size,
            "modified": source.stat().st_mtime,
            "fingerprint": local_fingerprint(str(source)),
        }
    ]
    assert claimed["repeated_inputs"] == 0
    # The same run again: its complete step is kept, its report written again.
    capsys.readouterr()
    assert run(first, ["--direct_num_workers=1"], overwrite=False) == stats
    assert f"{output}/encyclopedia/read: complete, kept" in capsys.readouterr().err
    assert output_digests(output) == written
    # Another run (smaller shards) is refused, naming what differs, and changes nothing.
    second = encyclopedia_run(output, parquet={"documents_per_shard": 4})
    refusal = (
        rf"output: {output} already holds another run's results "
        r"\(run\.json differs in config\.parquet\); pass --overwrite to replace them"
    )
    with pytest.raises(ConfigError, match=refusal):
        run(second, ["--direct_num_workers=1"], overwrite=False)
    assert output_digests(output) == written
    # With --overwrite it replaces them: nothing of the first run is left.
    run(second, ["--direct_num_workers=1"], overwrite=True)
    shards = sorted(p.name for p in (output / "encyclopedia/read").glob("documents-*"))
    assert shards == ["documents-00000-of-00002.parquet", "documents-00001-of-00002.parquet"]
    assert (
        json.loads((output / RUN_FILE).read_text())["config"]["parquet"]["documents_per_shard"] == 4
    )


def test_results_no_run_json_claims_are_refused(tmp_path):
    output = tmp_path / "run"
    output.mkdir()
    (output / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"already holds files that no run\.json claims"):
        run(encyclopedia_run(output), [], overwrite=False)
    assert [p.name for p in output.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("extract.min_language_score=2", r"extract\.min_language_score: Input should be less"),
        ("sources.web.inputs=[no/such.warc]", r"sources\.web\.inputs: 'no/such\.warc' matches"),
    ],
)
def test_config_errors_name_the_key_before_any_output_is_written(
    override, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(ROOT)
    output = tmp_path / "sample"
    args = ["run", "configs/sample.yaml", "--set", f"output={output}", "--set", override]
    assert main(args) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not output.exists()


@pytest.mark.slow
def test_a_stage_command_resumes_its_own_output(tmp_path, capsys):
    output = tmp_path / "docs"
    args = ["extract", str(SAMPLE_WARC), "--output", str(output), "--direct_num_workers=1"]
    assert main(args) == 0
    written = output_digests(output)
    assert {
        RUN_FILE,
        f"extract.meta/{COMPLETE_FILE}",
        "extract.meta/stats.json",
        "extract/documents-00000-of-00001.parquet",
    } <= written.keys()
    # An attempt killed while writing: no completion mark, a stray shard, a temporary file.
    (output / "extract.meta" / COMPLETE_FILE).unlink()
    (output / "extract/documents-00001-of-00002.parquet").write_bytes(b"PAR1")
    (output / "extract.meta/.tmp-stats.json").write_text("{")
    assert main(args) == 0
    assert output_digests(output) == written
    capsys.readouterr()
    assert main(args) == 0
    assert f"{output}/extract: complete, kept" in capsys.readouterr().err
    assert main([*args, "--set", "extract.method=trafilatura"]) == 2
    assert "run.json differs in config.extract" in capsys.readouterr().err
    assert output_digests(output) == written
