"""Every config in examples/ is valid: `corpus run EXAMPLE --dry-run` exits 0 without a
network connection, writes nothing, and plans the steps the example is about."""

from __future__ import annotations

import pytest
import yaml

from tests.support.dry_run import dry_run
from tests.support.paths import ROOT

EXAMPLES = ROOT / "examples"
LLM_JP_3_SOURCES = [
    source["name"]
    for source in yaml.safe_load((ROOT / "configs/blends/llm-jp-3.yaml").read_text())["sources"]
]
DOCUMENT_STAGES = ["extract", "paragraph_stats", "filter", "dedup"]
TOKENIZER = "models/llm-jp-tokenizer-100k.ver3.0b1.model"
EXPECTED = {
    "crawl.yaml": (
        [*DOCUMENT_STAGES, "tokenize"],
        [f"tokenize.model: {TOKENIZER}"],
    ),
    "crawl-and-wikipedia-blend.yaml": (
        [f"web/{stage}" for stage in DOCUMENT_STAGES]
        + ["wikipedia/read", "wikipedia/dedup", "tokenizer"]
        + ["web/tokenize", "wikipedia/tokenize", "blend"],
        ["sources.wikipedia.inputs: data/jawiki-latest-pages-articles.xml.bz2"],
    ),
    "llm-jp-3-blend.yaml": (
        [f"{name}/read" for name in LLM_JP_3_SOURCES]
        + [f"{name}/tokenize" for name in LLM_JP_3_SOURCES]
        + ["blend"],
        [f"sources.{name}.inputs: data/llm-jp-3/{name}/*.jsonl.gz" for name in LLM_JP_3_SOURCES]
        + [f"tokenize.model: {TOKENIZER}"],
    ),
    "incremental-dedup.yaml": (
        DOCUMENT_STAGES,
        [
            "paragraph_stats.previous: out/crawl/paragraph_stats.meta/paragraphs/*.parquet",
            "dedup.previous: out/crawl/dedup.meta/signatures/*.parquet",
        ],
    ),
}


def test_every_example_is_tested():
    assert sorted(path.name for path in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)
    assert len(LLM_JP_3_SOURCES) == 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_dry_run_plans_its_steps_and_writes_nothing(name, tmp_path, capsys, monkeypatch):
    output = tmp_path / "out"
    result = dry_run(EXAMPLES / name, capsys, monkeypatch, "--set", f"output={output}")
    steps, missing = EXPECTED[name]
    assert (result.code, result.err, result.connections) == (0, "", [])
    assert result.steps == steps
    assert result.to_be_provided == missing
    assert result.out.splitlines()[0] == (
        f"corpus run {EXAMPLES / name}: {len(steps)} steps into {output}, in this order:"
    )
    assert result.out.endswith("dry run: nothing written, no remote file contacted\n")
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_starts_with_what_it_does_and_how_to_run_it(name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    commands = [
        line.lstrip("# ").split("  #")[0].strip()
        for line in text.splitlines()
        if line.startswith("#")
    ]
    assert text.startswith("# ")
    assert f"corpus run examples/{name} --dry-run" in commands
    assert f"corpus run examples/{name}" in commands


def test_examples_name_crawls_without_contacting_them(capsys, monkeypatch, tmp_path):
    result = dry_run(
        EXAMPLES / "crawl-and-wikipedia-blend.yaml",
        capsys,
        monkeypatch,
        "--set",
        f"output={tmp_path / 'out'}",
    )
    assert (
        "       sources.web.inputs: crawl CC-MAIN-2024-22, warc files 0-99 (100) from "
        "https://data.commoncrawl.org/ (listed, not contacted)"
    ) in result.out.splitlines()
    assert result.connections == []
