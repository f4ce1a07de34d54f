"""`--overwrite` removes what a run of this project wrote and nothing else: a user's files
beside a run's output survive it, an output directory holding the run's inputs or its config
is refused before anything is written, and a rerun still replaces its own earlier results."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from corpus.cli import main
from corpus.errors import ConfigError
from corpus.layout import COMPLETE_FILE, LOGS_DIR, RUN_FILE
from corpus.pipelines.output_ownership import is_owned, refuse_holding_inputs, summary
from tests.support.outputs import output_digests
from tests.support.paths import ROOT

SAMPLE_WARC = ROOT / "corpus/sample/sample.warc.gz"
ENCYCLOPEDIA = ROOT / "corpus/sample/encyclopedia.jsonl"
ONE_WORKER = "--direct_num_workers=1"


def tree(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


def results(directory: Path) -> dict[str, str]:
    """The digests of the files under `directory`, the run's log aside (it differs by run)."""
    return {
        path: digest
        for path, digest in output_digests(directory).items()
        if not path.startswith(f"{LOGS_DIR}/")
    }


def users_files(directory: Path) -> dict[str, bytes]:
    """Files a user keeps where a run writes, one named like a stage's output directory."""
    files = {
        "notes.txt": b"mine",
        "data/important.csv": b"a,b\n1,2\n",
        "documents.parquet.txt": b"not a shard",
        "filter/mine.txt": b"inside a directory a stage could write",
    }
    for name, data in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def survives(directory: Path, files: dict[str, bytes]) -> bool:
    return all((directory / name).read_bytes() == data for name, data in files.items())


def test_what_a_run_owns_by_its_run_json():
    run = {
        "command": "run",
        "config": {
            "sources": {
                "web": {"stages": ["extract", "tokenize"]},
                "wiki": {"reader": "jsonl", "stages": ["tokenize"]},
            },
        },
    }
    owned = [
        RUN_FILE,
        ".tmp-run.json",
        "report.html",
        "logs/beam.log",
        "web/extract/documents-00000-of-00001.parquet",
        "web/extract.meta/.tmp-stats.json",
        "web/extract.meta/dead_letters/dead_letters-00000-of-00001.parquet",
        "wiki/read.meta/stats.json",
        "wiki/tokenize.meta/tokens/tokens-00000-of-00001.parquet",
        "wiki/tokenize/manifest.json",
        "tokenizer/tokenizer.model",
        "blend/data_path.txt",
        "blend/web/tokens-00000-of-00001_text_document.bin",
    ]
    not_owned = [
        "corpus.yaml",
        "data/a.csv",
        "web/notes.txt",
        "web/extract/notes.txt",  # a user's file, even in a step's directory
        "web/filter.meta/stats.json",  # not a step of this run
        "web/extract/stats.json",  # not a name a step writes in its directory
        "blend/other/manifest.json",
        "extract",
    ]
    assert [p for p in owned if not is_owned(p, run)] == []
    assert [p for p in not_owned if is_owned(p, run)] == []
    single = {"command": "extract", "config": {"inputs": ["x.warc.gz"]}}
    owned = [
        RUN_FILE,
        f"extract.meta/{COMPLETE_FILE}",
        "extract.meta/stats.json",
        "extract.meta/.tmp-stats.json",
        "extract/documents-00003-of-00010.parquet",
        "extract.meta/dead_letters/dead_letters-00000-of-00001.parquet",
    ]
    not_owned = [
        "crawl.warc.gz",
        "documents-00000-of-00001.parquet",
        "report.html",
        "data/stats.json",
        "filter.meta/stats.json",
    ]
    assert [p for p in owned if not is_owned(p, single)] == []
    assert [p for p in not_owned if is_owned(p, single)] == []
    # A run.json that is not the project's claims nothing but itself.
    assert not is_owned("extract/stats.json", {"something": "else"})


def test_the_list_of_what_is_removed_is_short():
    paths = [f"web/extract/documents-{i:05d}-of-00100.parquet" for i in range(100)]
    paths += ["run.json", "report.html", "blend/data_path.txt"]
    assert summary(paths) == "blend/ (1 file), report.html, run.json, web/ (100 files)"
    many = [f"documents-{i:05d}-of-00020.parquet" for i in range(20)]
    assert summary(many).endswith(", and 8 more")


def test_inputs_and_config_inside_the_output_are_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.warc.gz").write_bytes(b"")
    (tmp_path / "link").symlink_to(tmp_path / "in")
    identity = {"inputs": [{"path": "link/a.warc.gz", "bytes": 0}]}
    with pytest.raises(ConfigError, match=r"^output: in holds its input link/a\.warc\.gz;"):
        refuse_holding_inputs("in", identity, None)
    with pytest.raises(ConfigError, match=r"holds its config c\.yaml and its input"):
        refuse_holding_inputs(".", identity, "c.yaml")
    refuse_holding_inputs("out", identity, "c.yaml")
    refuse_holding_inputs("gs://bucket/out", identity, "c.yaml")


@pytest.mark.slow
def test_overwrite_beside_a_users_files_keeps_them(tmp_path, capsys):
    """A user's files in a single-stage command's output survive --overwrite, an unfinished
    attempt's clean-up, and a rerun that replaces the results."""
    output = tmp_path / "docs"
    mine = users_files(output)
    args = ["extract", str(SAMPLE_WARC), "--output", str(output), ONE_WORKER]
    assert main(args) == 2  # files no run.json claims: refused without --overwrite
    assert "pass --overwrite to write there" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0
    assert survives(output, mine)
    written = {p for p in tree(output) if p not in mine}
    assert {
        RUN_FILE,
        f"extract.meta/{COMPLETE_FILE}",
        "extract.meta/stats.json",
        "extract/documents-00000-of-00001.parquet",
    } <= written
    first = results(output)
    # An attempt killed while writing, resumed: only the stage's own leftovers are cleared.
    (output / "extract.meta" / COMPLETE_FILE).unlink()
    (output / "extract/documents-00001-of-00002.parquet").write_bytes(b"PAR1")
    assert main(args) == 0
    assert survives(output, mine)
    assert results(output) == first
    # Another config, with --overwrite: the earlier results are replaced, the user's kept.
    capsys.readouterr()
    assert main([*args, "--overwrite", "--set", "extract.method=trafilatura"]) == 0
    printed = capsys.readouterr().err
    removed = len(written)
    assert re.search(
        rf"output: {output}: --overwrite removes {removed} files an earlier run wrote: "
        rf"extract\.meta/ \(3 files\), extract/ \(1 file\), logs/ \(1 file\), run\.json; "
        rf"keeps {len(mine)} files it did not write",
        printed,
    )
    assert survives(output, mine)
    claimed = json.loads((output / RUN_FILE).read_text())
    assert claimed["config"]["extract"]["method"] == "trafilatura"
    again = results(output)
    assert again.keys() == first.keys()
    shard = "extract/documents-00000-of-00001.parquet"
    assert again[shard] != first[shard]


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_an_output_holding_the_input_is_refused(overwrite, tmp_path, monkeypatch, capsys):
    shutil.copy(SAMPLE_WARC, tmp_path / "crawl.warc.gz")
    mine = users_files(tmp_path)
    before = output_digests(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "crawl.warc.gz", "--output", ".", *overwrite, ONE_WORKER]) == 2
    error = capsys.readouterr().err
    assert error == (
        "corpus: output: . holds its input crawl.warc.gz; give an output directory that "
        "holds neither the run's inputs nor its config\n"
    )
    assert output_digests(tmp_path) == before
    assert survives(tmp_path, mine)


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_an_output_holding_the_config_is_refused(overwrite, tmp_path, monkeypatch, capsys):
    """`corpus run corpus.yaml --overwrite` with `output: .`: nothing is removed."""
    config = {"output": ".", "inputs": [str(SAMPLE_WARC)], "stages": ["extract"]}
    (tmp_path / "corpus.yaml").write_text(yaml.safe_dump(config))
    mine = users_files(tmp_path)
    before = output_digests(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "corpus.yaml", *overwrite, ONE_WORKER]) == 2
    assert capsys.readouterr().err == (
        "corpus: output: . holds its config corpus.yaml; give an output directory that holds "
        "neither the run's inputs nor its config\n"
    )
    assert output_digests(tmp_path) == before
    assert survives(tmp_path, mine)


@pytest.mark.slow
def test_a_rerun_with_overwrite_replaces_its_own_results(tmp_path, capsys):
    """A run into a directory of the user's: the second run, with other stages, removes the
    first run's stage directories, report and run.json, and nothing of the user's."""
    output = tmp_path / "out"
    mine = users_files(output)
    config = tmp_path / "corpus.yaml"
    config.write_text(
        yaml.safe_dump(
            {"output": str(output), "inputs": [str(SAMPLE_WARC)], "stages": ["extract", "filter"]}
        )
    )
    assert main(["run", str(config), "--overwrite", ONE_WORKER]) == 0
    assert survives(output, mine)
    first = tree(output)
    assert {"extract.meta/_SUCCESS", "filter.meta/_SUCCESS", "report.json", RUN_FILE} <= set(first)
    filter_files = [p for p in first if p.startswith("filter/") and p != "filter/mine.txt"]
    filter_side = [p for p in first if p.startswith("filter.meta/")]
    capsys.readouterr()
    assert main(["run", str(config), "--set", "stages=[extract]", ONE_WORKER]) == 2
    assert "run.json differs in config.stages" in capsys.readouterr().err
    assert main(["run", str(config), "--set", "stages=[extract]", "--overwrite", ONE_WORKER]) == 0
    printed = capsys.readouterr().err
    assert f"filter/ ({len(filter_files)} file" in printed
    assert f"filter.meta/ ({len(filter_side)} files)" in printed
    assert "report.html, report.json, report.md, run.json" in printed
    assert survives(output, mine)
    second = tree(output)
    assert [p for p in second if p.startswith("filter")] == ["filter/mine.txt"]
    assert {"extract.meta/_SUCCESS", "report.json", RUN_FILE} <= set(second)
    report = json.loads((output / "report.json").read_text())
    assert [s["label"] for s in report["funnel"]["stages"]] == ["extract"]
