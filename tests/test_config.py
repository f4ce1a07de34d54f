import re
from pathlib import Path

import pytest

from corpus.config import RunConfig, load_config, validate
from corpus.errors import ConfigError
from tests.support.paths import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_documented_and_applied():
    config = validate({"inputs": ["a.warc.gz"], "output": "out"})
    assert config.stages == ["extract", "paragraph_stats", "filter", "dedup"]
    assert config.filter.chain[0] == {"filter": "MergeListTag"}
    assert config.extract.method == "paragraphs"
    assert config.extract.max_record_bytes == 16 * 2**20
    assert config.extract.languages == ["ja"]
    sections = [RunConfig, *(type(getattr(config, s)) for s in ("extract", "filter", "parquet"))]
    sections += [type(config.dedup), type(config.dedup.minhash)]
    for section in sections:
        assert [n for n, f in section.model_fields.items() if not f.description] == []


def test_unknown_key_is_named(tmp_path):
    path = write(tmp_path, "inputs: [a]\noutput: o\nextract:\n  methd: paragraphs\n")
    with pytest.raises(ConfigError, match=r"extract\.methd: Extra inputs are not permitted"):
        load_config(path)


def test_wrong_type_and_range_are_named(tmp_path):
    path = write(tmp_path, "inputs: [a]\noutput: o\nextract:\n  min_language_score: 1.5\n")
    with pytest.raises(
        ConfigError, match=r"extract\.min_language_score: .*less than or equal to 1"
    ):
        load_config(path)
    path = write(tmp_path, "inputs: [a]\noutput: o\nextract:\n  max_depth: deep\n")
    with pytest.raises(ConfigError, match=r"extract\.max_depth: .*integer"):
        load_config(path)


def test_bad_choice_and_missing_key(tmp_path):
    with pytest.raises(ConfigError, match=r"extract\.method: Input should be 'paragraphs' or"):
        validate({"inputs": ["a"], "output": "o", "extract": {"method": "regex"}})
    with pytest.raises(ConfigError, match=r"output: Field required"):
        validate({"inputs": ["a"]})


def test_overrides_apply_before_validation(tmp_path):
    path = write(tmp_path, "inputs: [a]\noutput: o\n")
    config = load_config(path, ["extract.method=trafilatura", "extract.min_language_score=0.8"])
    assert config.extract.method == "trafilatura"
    assert config.extract.min_language_score == 0.8
    with pytest.raises(ConfigError, match=r"extract\.time_limit_seconds"):
        load_config(path, ["extract.time_limit_seconds=-1"])
    with pytest.raises(ConfigError, match=r"expected KEY\.PATH=VALUE"):
        load_config(path, ["extract.method"])


OFF_KEYS = {
    "dedup.url": "dedup:\n  url: {}\n",
    "dedup.minhash.verify": "dedup:\n  minhash:\n    verify: {}\n",
    "tokenize.text_jsonl": "tokenize:\n  text_jsonl: {}\n",
    "tokenize.parquet": "tokenize:\n  parquet: {}\n",
}
"""The keys whose choices include `off`, and where they stand in a YAML file."""


def _value(config: RunConfig, key: str) -> object:
    for part in key.split("."):
        config = getattr(config, part)
    return config


@pytest.mark.parametrize("key", list(OFF_KEYS))
@pytest.mark.parametrize("word", ["off", "Off", "OFF", "no", "false", "'off'"])
def test_off_is_off_in_yaml_and_overrides(tmp_path, key, word):
    # YAML 1.1 reads a bare off (and no, false) as false: where `off` is a choice, it is `off`
    section = OFF_KEYS[key].format(word)
    assert _value(load_config(write(tmp_path, "inputs: [a]\noutput: o\n" + section)), key) == "off"
    path = write(tmp_path, "inputs: [a]\noutput: o\n")
    assert _value(load_config(path, [f"{key}={word}"]), key) == "off"


@pytest.mark.parametrize("key", list(OFF_KEYS))
@pytest.mark.parametrize("word", ["true", "on", "yes"])
def test_true_names_no_choice(tmp_path, key, word):
    section = OFF_KEYS[key].format(word)
    message = rf"{re.escape(key)}: Input should be .*'off'"
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, "inputs: [a]\noutput: o\n" + section))
    path = write(tmp_path, "inputs: [a]\noutput: o\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path, [f"{key}={word}"])


def test_shipped_configs_validate():
    configs = sorted((ROOT / "configs").glob("*.yaml"))
    assert configs
    for path in configs:
        load_config(path)


def test_filter_chain_errors_name_the_entry(tmp_path):
    chain = [{"filter": "DocLength", "low": 50}, {"filter": "HiraganaRatio", "lowest": 0.1}]
    with pytest.raises(
        ConfigError, match=r"filter: chain\[1\] \(HiraganaRatio\): lowest: Extra inputs"
    ):
        validate({"inputs": ["a"], "output": "o", "filter": {"chain": chain}})
    with pytest.raises(ConfigError, match=r"chain\[0\]: unknown filter 'Hiragana'"):
        validate({"inputs": ["a"], "output": "o", "filter": {"chain": [{"filter": "Hiragana"}]}})
    with pytest.raises(ConfigError, match="cannot read filter chain"):
        validate({"inputs": ["a"], "output": "o", "filter": {"chain": str(tmp_path / "no.yaml")}})


KENLM_FILTERS = ["KenLMParagraphPerplexity", "KenLMDocAvgPerplexity"]


def test_shipped_filter_chains_validate():
    for path in sorted((ROOT / "configs" / "filters").glob("*.yaml")):
        filters = {"chain": str(path), "skip": KENLM_FILTERS}
        validate({"inputs": ["a"], "output": "o", "filter": filters})


def test_llm_jp_v2_chain_needs_a_kenlm_model_or_skips_it(tmp_path, monkeypatch):
    chain = str(ROOT / "configs/filters/llm-jp-v2.yaml")
    monkeypatch.delenv("LLMJP_KENLM_MODEL", raising=False)
    with pytest.raises(ConfigError, match=r"chain\[5\] \(KenLMParagraphPerplexity\): model"):
        validate({"inputs": ["a"], "output": "o", "filter": {"chain": chain}})
    skipped = validate(
        {"inputs": ["a"], "output": "o", "filter": {"chain": chain, "skip": KENLM_FILTERS}}
    )
    assert len(skipped.filter.chain) == 20
    model = tmp_path / "ja.arpa"
    model.write_text(
        "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t<unk>\t0\n0\t<s>\t0\n-1.0\t</s>\t0\n\n\\end\\\n"
    )
    monkeypatch.setenv("LLMJP_KENLM_MODEL", str(model))
    full = validate({"inputs": ["a"], "output": "o", "filter": {"chain": chain}})
    assert len(full.filter.chain) == 24
    assert full.filter.chain[5]["model"] == str(model)
