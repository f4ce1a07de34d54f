"""The `filter` section of the run's configuration, and the chain files it names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, model_validator

from corpus.config_section import Section
from corpus.filters.chain import FilterChain

DEFAULT_CHAIN = Path(__file__).parent / "default_chain.yaml"


def load_chain_file(path: str | Path) -> list[Any]:
    """A chain file is YAML with a top-level `chain:` list of `{filter: Name, ...}` entries.

    `${VAR}` in a string value is replaced by the environment variable VAR, so a chain file
    can name user-provided models (KenLM, classifiers) without editing it.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read filter chain {path}: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("chain"), list):
        raise ValueError(f"{path}: expected a top-level `chain:` list")
    return [
        {k: os.path.expandvars(v) if isinstance(v, str) else v for k, v in entry.items()}
        if isinstance(entry, dict)
        else entry
        for entry in raw["chain"]
    ]


class FilterConfig(Section):
    """Documents -> the documents worth training on."""

    chain: list[dict[str, Any]] | str = Field(str(DEFAULT_CHAIN), validate_default=True)
    """The filter chain: a list of `{filter: Name, param: value}` entries, or the path of a
    YAML file holding one under `chain:` (configs/filters/). Default: the chain in
    corpus/filters/default_chain.yaml, which needs no external model."""
    skip: list[str] = Field(default_factory=list)
    """Names of filters to leave out of the chain, e.g. `[KenLMDocAvgPerplexity,
    KenLMParagraphPerplexity]` to run configs/filters/llm-jp-v2.yaml without a KenLM model."""
    debug: bool = False
    """Also write the removed documents, partitioned by removal reason, under `removed/`."""

    @model_validator(mode="after")
    def _valid_chain(self) -> FilterConfig:
        entries = load_chain_file(self.chain) if isinstance(self.chain, str) else self.chain
        entries = [e for e in entries if not (isinstance(e, dict) and e.get("filter") in self.skip)]
        FilterChain.from_entries(entries)
        object.__setattr__(self, "chain", entries)  # resolved once, here: the model is frozen
        return self
