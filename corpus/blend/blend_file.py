"""The blend file: which sources make up the training tokens, and how many tokens of each.

A blend file is YAML, validated when it is loaded: an unknown key, a wrong type, a
duplicate source or targets that do not add up raise `ConfigError` naming the key.

```yaml
total_tokens: 1_000_000_000   # optional; required when a source gives a share
max_repeats: 4                # default cap on how often a source may be repeated
seed: 0                       # seeds the document hash that picks subsamples
valid_fraction: 0.001         # optional held-out splits, by the same hash (default 0)
test_fraction: 0.001
paths: relative               # prefixes in the Megatron files (default absolute)
sources:
  - {name: ja_wikipedia, tokens: 100_000_000, max_repeats: 8}
  - {name: ja_cc, share: 0.9}
```
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corpus.config_section import validation_problems
from corpus.errors import ConfigError

PathMode = Literal["absolute", "relative"]
"""How the Megatron argument files name local shards."""

# Rounding slack when shares that should add up to a whole are written as decimals.
_SHARE_TOLERANCE = 1e-6


def round_to_total(exact: Sequence[Fraction], total: int) -> list[int]:
    """`exact` values that add up to `total`, as integers that still do: each rounded down,
    then the shortfall one apiece to the largest remainders (ties to the earlier value)."""
    floors = [math.floor(value) for value in exact]
    order = sorted(range(len(exact)), key=lambda i: -(exact[i] - floors[i]))
    for index in order[: total - sum(floors)]:
        floors[index] += 1
    return floors


class BlendSource(BaseModel):
    """One source of the blend and its target: absolute tokens or a share of the total."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    """The source's name, as the documents' `source` field gives it; it also names the
    source's Megatron shards, hence letters, digits, `.`, `_` and `-` only."""
    tokens: int | None = Field(None, ge=0)
    """Target tokens of this source in the blend (repeats included)."""
    share: float | None = Field(None, gt=0.0, le=1.0)
    """Target as a share of the blend's `total_tokens`, instead of `tokens`."""
    max_repeats: float | None = Field(None, ge=1.0)
    """How many times this source's documents may be used at most (epochs; 2.5 allows
    every document twice and half of them a third time); default: the blend's."""

    @model_validator(mode="after")
    def _one_target(self) -> BlendSource:
        if (self.tokens is None) == (self.share is None):
            raise ValueError(f"source {self.name}: give exactly one of `tokens` and `share`")
        return self


class BlendFile(BaseModel):
    """A token blend: named sources with their targets, a repeat cap and a seed."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    sources: list[BlendSource] = Field(min_length=1)
    """The sources, in the order the Megatron arguments and the report list them."""
    total_tokens: int | None = Field(None, gt=0)
    """Tokens of the whole blend. Required when a source gives a `share`; when given, the
    targets must add up to it exactly (shares are rounded so that they do)."""
    max_repeats: float = Field(4.0, ge=1.0)
    """Default cap on a source's repeats. Up to about 4 epochs, repeated tokens train
    almost as well as new ones (Muennighoff et al. 2023, "Scaling Data-Constrained
    Language Models"); a target that needs more is cut to the cap, with a warning."""
    seed: int = Field(0, ge=0, lt=2**64)
    """Seeds the hash of document ids that decides which documents a subsample takes (and
    which are held out for `valid_fraction` and `test_fraction`)."""
    valid_fraction: float = Field(0.0, ge=0.0, lt=1.0)
    """Fraction of each blend source's documents held out as the validation split, chosen
    by the same hash: written as their own Megatron shards (`blend/valid/SOURCE/`), never
    used for training, and listed in `valid_data_path.txt` and under `"valid"` in
    `per_split_data_args.json`. 0: no validation split."""
    test_fraction: float = Field(0.0, ge=0.0, lt=1.0)
    """Fraction held out as the test split, as `valid_fraction` (`blend/test/SOURCE/`,
    `test_data_path.txt`, `"test"`). 0: no test split."""
    paths: PathMode = "absolute"
    """How `data_path.txt`, the split files and `per_split_data_args.json` name the shards:
    `absolute` local paths (Megatron finds them from any directory), or `relative` to the
    directory holding those files (OUTPUT/blend/, which can then be moved or copied whole;
    start Megatron there). Remote (gs://, s3://) prefixes are written as they are."""

    @model_validator(mode="after")
    def _consistent(self) -> BlendFile:
        names = [source.name for source in self.sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"sources named more than once: {', '.join(duplicates)}")
        held_out = self.valid_fraction + self.test_fraction
        if held_out >= 1:
            raise ValueError(
                f"valid_fraction + test_fraction is {held_out:g}: the held-out splits must "
                "leave documents to train on (their sum below 1)"
            )
        for split, fraction in (("valid", self.valid_fraction), ("test", self.test_fraction)):
            if fraction and split in names:
                raise ValueError(
                    f"source {split}: with {split}_fraction the held-out shards are written "
                    f"to blend/{split}/; rename the source"
                )
        self.targets()
        return self

    def targets(self) -> dict[str, int]:
        """Each source's target tokens, in the blend's order.

        Shares are `share * total_tokens` rounded by largest remainder (ties to the
        earlier source), so that the targets add up to `total_tokens` exactly."""
        absolute = sum(s.tokens for s in self.sources if s.tokens is not None)
        by_share = [s for s in self.sources if s.share is not None]
        targets = {s.name: s.tokens for s in self.sources if s.tokens is not None}
        if self.total_tokens is None:
            if by_share:
                raise ValueError("`total_tokens` is required when a source gives a share")
            return targets
        rest = self.total_tokens - absolute
        if rest < 0 or (rest and not by_share):
            raise ValueError(
                f"the sources' tokens add up to {absolute:,}, not total_tokens "
                f"{self.total_tokens:,}"
            )
        shares = sum(s.share for s in by_share)
        wanted = rest / self.total_tokens
        if by_share and not math.isclose(shares, wanted, abs_tol=_SHARE_TOLERANCE):
            raise ValueError(
                f"the shares add up to {shares:g}; with {absolute:,} tokens given absolutely "
                f"they must add up to {wanted:g} of total_tokens"
            )
        exact = [Fraction(s.share) * rest / Fraction(shares) for s in by_share]
        targets.update(zip((s.name for s in by_share), round_to_total(exact, rest), strict=True))
        return {s.name: targets[s.name] for s in self.sources}

    def cap(self, name: str) -> float:
        """The repeat cap of source `name` (the blend's default for a source not in it)."""
        for source in self.sources:
            if source.name == name and source.max_repeats is not None:
                return source.max_repeats
        return self.max_repeats


def load_blend(path: str | Path) -> BlendFile:
    """Reads and validates a blend file; problems raise `ConfigError` naming the key."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read blend {path}: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    try:
        return BlendFile.model_validate(raw)
    except ValidationError as error:
        problems = [f"  {problem}" for problem in validation_problems(error)]
        raise ConfigError(f"{path} is invalid:\n" + "\n".join(problems)) from None
