"""Named sources in the run config: validated up front, naming the key; the quickstart's
two sources (the sample WARC and the sample encyclopedia) run end to end into a blend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from megatron.core.datasets.utils import get_blend_from_list

from corpus.cli import main
from corpus.config import load_config, validate
from corpus.errors import ConfigError
from corpus.sample.encyclopedia import DEFAULT_PATH, build_sample_jsonl
from corpus.sources.jsonl import JsonlReader
from tests.support.paths import ROOT

WIKI = {"inputs": ["wiki.jsonl"], "reader": "jsonl", "stages": ["tokenize"]}


def run_config(**changes) -> dict:
    return {"output": "o", "sources": {"wiki": {**WIKI, **changes}}}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (run_config(reader="jsnl"), r"sources\.wiki: reader: unknown reader 'jsnl'; .*warc"),
        (run_config(options={"txt_field": "body"}), r"sources\.wiki: options: .*'txt_field'"),
        (run_config(options={"paragraphs": "pages"}), r"sources\.wiki: options: paragraphs"),
        (run_config(stages=["extract"]), r"sources\.wiki: stages: extract reads WARC"),
        (run_config(stages=["tokenize", "dedup"]), r"sources\.wiki: stages: tokenize writes"),
        ({**run_config(), "inputs": ["a.warc.gz"]}, r"either `inputs` .* or `sources`"),
        ({**run_config(), "stages": ["filter"]}, r"stages: with `sources`, each source"),
        ({"output": "o", "sources": {"blend": WIKI}}, r"sources\.blend: a source name"),
        ({"output": "o", "sources": {"web": {"inputs": ["a"], "options": {"x": 1}, "stages": []}}},
         r"sources\.web: options: `warc` takes none"),
        ({"inputs": ["a"], "output": "o", "blend": {"sources": [{"name": "a", "tokens": 1}]}},
         r"blend: a blend needs named `sources`"),
        ({**run_config(), "blend": {"sources": [{"name": "wikii", "tokens": 1}]}},
         r"blend: wikii not among the run's sources"),
        ({**run_config(), "blend": {"sources": [{"name": "wiki", "tokenz": 1}]}},
         r"blend: sources\.0\.tokenz: Extra inputs"),
        ({**run_config(stages=[]), "blend": {"sources": [{"name": "wiki", "tokens": 1}]}},
         r"sources\.wiki\.stages: the blend reads every source's tokens"),
        ({**run_config(), "blend": "no-such-blend.yaml"}, r"blend: cannot read blend"),
    ],
)  # fmt: skip
def test_config_errors_name_the_key(raw, message):
    with pytest.raises(ConfigError, match=message):
        validate(raw)


def test_sources_and_the_single_source_form():
    single = validate({"inputs": ["a.warc.gz"], "output": "o"})
    assert single.sources is None and single.stages[0] == "extract"
    config = validate(run_config(options={"text_field": "body"}))
    wiki = config.sources["wiki"]
    assert wiki.reader_options("wiki") == {"source": "wiki", "text_field": "body"}
    assert JsonlReader(**wiki.reader_options("wiki")).source == "wiki"
    assert config.blend is None and config.blend_file() is None
    sample = load_config(ROOT / "configs/sample.yaml")
    assert list(sample.sources) == ["web", "encyclopedia"]
    assert [s.name for s in sample.blend_file().sources] == ["web", "encyclopedia"]


def test_the_sample_encyclopedia_is_rebuilt_byte_for_byte(tmp_path):
    build_sample_jsonl(tmp_path / "encyclopedia.jsonl")
    assert (tmp_path / "encyclopedia.jsonl").read_bytes() == DEFAULT_PATH.read_bytes()


@pytest.mark.slow
def test_the_quickstart_runs_both_sources_into_a_blend(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the sample config names its inputs from the repository root
    out = tmp_path / "sample"
    args = ["run", "configs/sample.yaml", "--set", f"output={out}", "--direct_num_workers=2"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "encyclopedia/read: 8 records read, 8 kept" in printed
    assert "blend: " in printed
    for stage in ("extract", "paragraph_stats", "filter", "dedup", "tokenize"):
        assert (out / "web" / f"{stage}.meta" / "stats.json").exists()
    assert (out / "encyclopedia/read/documents-00000-of-00001.parquet").exists()
    # One tokenizer, trained once on both sources, tokenized both.
    model = out / "tokenizer/tokenizer.model"
    manifests = [json.loads((out / s / "tokenize/manifest.json").read_text()) for s in
                 ("web", "encyclopedia")]  # fmt: skip
    assert {m["tokenizer"]["model"] for m in manifests} == {str(model)}
    assert len({m["tokenizer"]["sha256"] for m in manifests}) == 1
    report = json.loads((out / "blend.meta/blend_report.json").read_text())
    rows = {row["name"]: row for row in report["sources"]}
    assert rows["web"]["rate"] < 1 < rows["encyclopedia"]["rate"] < 4
    prefixes, weights = get_blend_from_list((out / "blend/data_path.txt").read_text().split())
    assert [Path(p).parent.name for p in prefixes] == ["web", "encyclopedia"]
    assert weights == [rows["web"]["achieved_tokens"], rows["encyclopedia"]["achieved_tokens"]]
    for prefix in prefixes:
        assert Path(prefix + ".bin").exists() and Path(prefix + ".idx").exists()
