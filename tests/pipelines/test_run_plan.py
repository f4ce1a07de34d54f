"""`corpus run --dry-run`: the plan of steps is the order a run executes them, the config
is validated as a run validates it, files are looked at only locally, nothing is written."""

from __future__ import annotations

import json

import pytest
import yaml

from corpus.config import CrawlInputs, validate
from corpus.errors import ConfigError
from corpus.pipelines.run_plan import run_plan, to_be_provided
from tests.support.dry_run import dry_run
from tests.support.paths import ROOT
from tests.support.quickstart import QUICKSTART_STEPS

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"


def write_config(path, config: dict):
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_the_quickstart_plan_is_the_order_its_run_completed_its_steps(
    quickstart_output, tmp_path, capsys, monkeypatch
):
    completed = {
        str(mark.parent.relative_to(quickstart_output)).removesuffix(".meta"): json.loads(
            mark.read_text()
        )["started"]
        for mark in quickstart_output.rglob("_SUCCESS")
    }
    output = tmp_path / "sample"
    result = dry_run("configs/sample.yaml", capsys, monkeypatch, "--set", f"output={output}")
    assert result.code == 0
    assert result.steps == sorted(completed, key=completed.get)
    assert result.steps == QUICKSTART_STEPS
    assert "       sources.web.inputs: corpus/sample/sample.warc.gz: 1 file" in result.out
    assert "       reads: web/dedup, encyclopedia/read" in result.out
    assert "       target web: share 0.5" in result.out.splitlines()
    assert result.to_be_provided == []
    assert not output.exists()


@pytest.mark.parametrize(
    "config",
    [
        {"inputs": [str(SAMPLE)], "extract": {"methd": "paragraphs"}},
        {"inputs": [str(SAMPLE)], "stages": ["tokenize", "dedup"]},
        {"inputs": ["hdfs://cluster/crawl/*.warc.gz"]},
        {"inputs": {"crawl": "CC-MAIN-24-22", "files": "0-9"}},
    ],
)
def test_a_config_error_is_the_run_s_error(config, tmp_path, capsys, monkeypatch):
    output = tmp_path / "out"
    path = write_config(tmp_path / "bad.yaml", {**config, "output": str(output)})
    planned = dry_run(path, capsys, monkeypatch)
    monkeypatch.chdir(ROOT)
    from corpus.cli import main

    code = main(["run", str(path)])
    assert (planned.code, code) == (2, 2)
    assert planned.err == capsys.readouterr().err
    assert planned.err.startswith("corpus: ")
    assert planned.out == ""
    assert not output.exists()


def test_local_files_not_there_are_to_be_provided_the_run_refuses_them(
    tmp_path, capsys, monkeypatch
):
    output = tmp_path / "out"
    config = {
        "inputs": [str(SAMPLE), str(tmp_path / "later/*.warc.gz")],
        "output": str(output),
        "stages": ["extract", "dedup", "tokenize"],
        "dedup": {"previous": [str(tmp_path / "earlier/*.parquet")]},
        "tokenize": {"model": str(tmp_path / "ja.model")},
    }
    path = write_config(tmp_path / "later.yaml", config)
    result = dry_run(path, capsys, monkeypatch)
    assert result.code == 0
    assert result.steps == ["extract", "dedup", "tokenize"]
    assert result.to_be_provided == [
        f"inputs: {tmp_path}/later/*.warc.gz",
        f"dedup.previous: {tmp_path}/earlier/*.parquet",
        f"tokenize.model: {tmp_path}/ja.model",
    ]
    assert f"       inputs: {SAMPLE}: 1 file" in result.out.splitlines()
    assert f"       inputs: {tmp_path}/later/*.warc.gz: matches no file (to be provided)" in (
        result.out.splitlines()
    )
    with pytest.raises(ConfigError, match=r"tokenize.model: .*ja.model does not exist"):
        validate(config)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["later.yaml"]


def test_local_matches_are_counted(tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / f"signatures-{name}.parquet").write_bytes(b"")
    config = validate(
        {
            "inputs": [str(SAMPLE)],
            "output": str(tmp_path / "out"),
            "dedup": {"previous": [str(tmp_path / "signatures-*.parquet")]},
        },
        offline=True,
    )
    dedup = run_plan(config)[-1]
    assert (dedup.directory, dedup.reads) == ("dedup", ("filter",))
    assert [(f.key, f.files) for f in dedup.files] == [("dedup.previous", 3)]
    assert to_be_provided(run_plan(config)) == []


def test_blocklists_are_counted_by_their_list_files(tmp_path):
    (tmp_path / "adult").write_text("example.com\n")
    category = tmp_path / "ut1" / "gambling"
    category.mkdir(parents=True)
    (category / "domains").write_text("example.net\n")
    (category / "urls").write_text("example.org/bets\n")
    blocklists = [
        {"name": "adult", "paths": [str(tmp_path / "adult")]},
        {"paths": [str(category)]},
        {"name": "later", "paths": [str(tmp_path / "later.txt")]},
    ]
    config = validate(
        {
            "inputs": [str(SAMPLE)],
            "output": str(tmp_path / "out"),
            "extract": {"blocklists": blocklists},
        },
        offline=True,
    )
    extract = run_plan(config)[0]
    assert [(f.key, f.files) for f in extract.files][1:] == [
        ("extract.blocklists.adult", 1),
        ("extract.blocklists.gambling", 2),
        ("extract.blocklists.later", 0),
    ]
    assert [f.name for f in to_be_provided(run_plan(config))] == [str(tmp_path / "later.txt")]


def test_a_crawl_is_kept_as_named_offline():
    raw = {"inputs": {"crawl": "CC-MAIN-2024-22", "files": "0-9,20"}, "output": "out/x"}
    config = validate(raw, offline=True)
    assert config.inputs == CrawlInputs(crawl="CC-MAIN-2024-22", files="0-9,20")
    assert config.crawl_inputs == config.inputs
    [extract] = run_plan(config)[:1]
    assert [f.text() for f in extract.files] == [
        "crawl CC-MAIN-2024-22, warc files 0-9,20 (11) from https://data.commoncrawl.org/ "
        "(listed, not contacted)"
    ]


def test_remote_files_are_listed_not_contacted(tmp_path, capsys, monkeypatch):
    config = {
        "output": str(tmp_path / "out"),
        "sources": {
            "code": {
                "inputs": ["https://127.0.0.1:9/code/*.jsonl.gz"],
                "reader": "jsonl",
                "stages": ["tokenize"],
            }
        },
        "tokenize": {"model": "https://127.0.0.1:9/ja.model"},
    }
    result = dry_run(write_config(tmp_path / "remote.yaml", config), capsys, monkeypatch)
    assert (result.code, result.connections) == (0, [])
    assert result.steps == ["code/read", "code/tokenize"]
    lines = result.out.splitlines()
    assert "       tokenize.model: https://127.0.0.1:9/ja.model (listed, not contacted)" in lines
    assert (
        "       sources.code.inputs: https://127.0.0.1:9/code/*.jsonl.gz (listed, not contacted)"
        in lines
    )


def test_the_plan_follows_each_source_s_own_stages_and_filter(tmp_path):
    config = validate(
        {
            "output": str(tmp_path / "out"),
            "sources": {
                "web": {"inputs": [str(SAMPLE)], "stages": ["extract", "filter", "tokenize"]},
                "docs": {
                    "inputs": [str(SAMPLE)],
                    "stages": ["filter"],
                    "filter": {"chain": [{"filter": "HiraganaRatio"}]},
                },
            },
        },
        offline=True,
    )
    steps = run_plan(config)
    assert [(s.directory, s.step, s.reads) for s in steps] == [
        ("web/extract", "extract", ()),
        ("web/filter", "filter", ("web/extract",)),
        ("docs/filter", "filter", ()),
        ("tokenizer", "tokenizer", ("web/filter",)),
        ("web/tokenize", "tokenize", ("web/filter",)),
    ]
    assert steps[2].details == ("chain: 1 filters: HiraganaRatio",)
    assert steps[4].details[0].startswith("model tokenizer/tokenizer.model;")
