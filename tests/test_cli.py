"""The `corpus` command as a person meets it: its help and version, flags refused with a
suggestion, Beam's output kept off the terminal, the closing summary and its exit status,
the quickstart's whole terminal output, and Ctrl-C."""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from corpus.beam_flags import beam_options
from corpus.cli import main, parser
from tests.support.paths import ROOT, require_shared

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"
SCREENFUL = 30


def corpus_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "corpus.cli", *args]


def without_progress(lines: list[str]) -> list[str]:
    """The lines that are not progress updates (every update gives the time elapsed)."""
    return [line for line in lines if not line.endswith("elapsed") and " elapsed, " not in line]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"corpus {version('corpus')}\n"


def test_help_explains_the_commands_without_loading_beam(tmp_path):
    # Without Beam's GCP extra, importing Beam logs "apitools not found": here it cannot.
    fake = tmp_path / "apitools"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('no apitools')\n")
    script = (
        "import sys\nfrom corpus.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('apache_beam' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.endswith("False\n")
    assert "Beam's pipeline options" in done.stdout and "anything after `--`" in done.stdout
    for command in (
        "run",
        "extract",
        "paragraph-stats",
        "train-tokenizer",
        "train-classifier",
        "teacher",
    ):
        assert f"\n    {command} " in done.stdout


def test_every_flag_has_help_and_its_default():
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        assert [a.dest for a in command._actions if not a.help] == [], name
    classifier = commands.choices["train-classifier"].format_help()
    for default in ("(default: 0.1)", "(default: 25)", "(default: 200000)"):
        assert default in classifier
    # One spelling, the other kept as an alias.
    for spelling in ("paragraph-stats", "paragraph_stats"):
        args, _ = parser().parse_known_args([spelling, "docs.parquet", "--output", "o"])
        assert args.stage == "paragraph_stats"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", str(SAMPLE_WARC), "--output", "OUT", "--oevrwrite",
          "--sett", "extract.method=trafilatura"],
         "extract: unknown flag --oevrwrite; did you mean --overwrite?"),
        (["run", "configs/sample.yaml", "--output", "X"],
         "run: unknown flag --output; did you mean --set output=X?"),
        (["extract", str(SAMPLE_WARC), "--output", "OUT", "--direct_num_worker=2"],
         "did you mean --direct_num_workers?"),
        (["extract", str(SAMPLE_WARC), "--output", "OUT", "--direct_num_workers=two"],
         "Beam option: argument --direct_num_workers: invalid int value: 'two'"),
        (["report", "OUT", "--runner=DataflowRunner"], "report: unknown flag --runner ("),
        (["stats", "OUT", "--runner=DataflowRunner"], "stats: unknown flag --runner ("),
        (["run", "configs/sample.yaml", "configs/other.yaml"],
         "run: unexpected argument 'configs/other.yaml'"),
    ],
)  # fmt: skip
def test_unknown_flags_are_refused_with_a_suggestion(args, message, tmp_path, capsys):
    output = tmp_path / "out"
    args = [str(output) if arg == "OUT" else arg for arg in args]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


def test_beam_options_pass_through(tmp_path, capsys):
    beam = ["--runner", "DataflowRunner", "--s3_region_name=eu-west-1", "--direct_num_workers=2"]
    assert beam_options("extract", beam, ["--set"]) == beam
    # After `--` anything goes to Beam unchecked: here the missing input stops the command.
    nothing = str(tmp_path / "nothing-*.warc.gz")
    args = ["extract", nothing, "--output", str(tmp_path / "o"), "--", "--not_beams=1"]
    assert main(args) == 2
    assert "matches no file" in capsys.readouterr().err


@pytest.mark.slow
def test_beams_output_goes_to_the_log(tmp_path):
    # Beam logs "apitools not found" as it loads without its GCP extra, in this process and
    # in every worker process, which print it before their logging reaches the runner.
    fake = tmp_path / "fake" / "apitools"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no apitools')\n")
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    output = tmp_path / "docs"
    command = corpus_command("extract", str(SAMPLE_WARC), "--output", str(output))
    done = subprocess.run(
        [*command, "--direct_num_workers=2"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    log = output / "logs" / "corpus.log"
    first, last = without_progress(done.stderr.splitlines())
    assert first == f"Beam's log: {log}"
    assert re.fullmatch(
        rf"{re.escape(str(output))}/extract: 82 records read, 19 kept \(\d+\.\d s\)", last
    )
    assert done.stdout.splitlines()[0] == "Summary:"
    logged = log.read_text()
    assert "apitools not found" in logged
    assert "WARNING:root:apitools not found" in logged  # a worker's, through its stderr
    assert "Worker: " in logged


@pytest.mark.slow
def test_a_warc_without_japanese_ends_empty_and_fails(fixtures, tmp_path, capsys):
    chinese = require_shared(fixtures / "warc/resiliparse/warcfile.warc.gz")
    args = ["extract", str(chinese), "--direct_num_workers=1", "--output"]
    assert main([*args, str(tmp_path / "one")]) == 1
    printed = capsys.readouterr().out
    assert re.search(r"inputs: no document left after extract \(50 records read, 0 kept;", printed)
    assert "corpus: failed: a source ended with no document" in printed
    accepting = [*args, str(tmp_path / "two"), "--set", "allow_empty_sources=true"]
    assert main(accepting) == 0
    printed = capsys.readouterr().out
    assert "inputs: no document left after extract" in printed and "failed" not in printed


@pytest.mark.slow
def test_a_source_of_empty_texts_fails_the_run(tmp_path, capsys):
    texts = tmp_path / "empty.jsonl"
    texts.write_text('{"text": ""}\n{"text": "  "}\n{"text": "\\n"}\n')
    config = tmp_path / "run.yaml"
    config.write_text(
        f"output: {tmp_path / 'out'}\n"
        f"sources:\n  blank: {{inputs: [{texts}], reader: jsonl, stages: [tokenize]}}\n"
    )
    assert main(["run", str(config), "--direct_num_workers=1"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert "  blank/read: 3 records read, 0 kept; dropped: empty 3" in printed
    assert (
        "  - blank: no document left after blank/read (3 records read, 0 kept; dropped: "
        "empty 3); the steps after it did not run"
    ) in printed
    assert printed[-1] == (
        "corpus: failed: a source ended with no document (`allow_empty_sources: true` accepts that)"
    )


@pytest.mark.slow
def test_the_quickstart_fits_a_screen(tmp_path):
    output = tmp_path / "sample"
    command = corpus_command("run", "configs/sample.yaml", "--set", f"output={output}")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = without_progress(done.stderr.splitlines()) + done.stdout.splitlines()
    assert len(lines) <= SCREENFUL, "\n".join(lines)
    assert not [line for line in lines if re.search(r"WARNING|INFO|Worker|Traceback", line)]
    steps = [line for line in done.stderr.splitlines() if re.search(r"\(\d+\.\d s\)$", line)]
    assert len(steps) == 10  # 8 pipelines' steps, the tokenizer's and the report's
    assert done.stdout.splitlines()[0] == "Summary:"
    assert f"Report: {output}/report.html" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1] == "No warnings."


def wait_for_file(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not path.exists():
        assert process.poll() is None, "the run ended before it was interrupted"
        assert time.monotonic() < deadline, f"no {path} in 5 minutes"
        time.sleep(0.05)


@pytest.mark.slow
def test_ctrl_c_stops_the_run_with_one_line(tmp_path):
    output = tmp_path / "sample"
    command = corpus_command("run", "configs/sample.yaml", "--set", f"output={output}")
    log = tmp_path / "printed.txt"
    with log.open("w") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # A shell that started the tests in the background may ignore SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        wait_for_file(output / "web/paragraph_stats.meta/_SUCCESS", process)
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group
        assert process.wait(timeout=60) == 130
    printed = log.read_text()
    assert "Traceback" not in printed and "KeyboardInterrupt" not in printed
    last = printed.splitlines()[-1]
    assert re.fullmatch(
        rf"corpus: stopped; complete in {output}: web/extract, web/paragraph_stats(, [a-z/_]+)*\. "
        r"The same command resumes from there, keeping them",
        last,
    ), last
