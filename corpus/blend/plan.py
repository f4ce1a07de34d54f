"""A source's plan: how many times each of its documents is used to meet its target.

Given the tokens a source has after processing (`available`) and its target, the rate
is target / available. The plan uses every document `whole_repeats` = floor(rate) times
and then takes `remainder_tokens` more from one further partial pass (selection.py picks
which documents, by hash). Below 1 that is a subsample; above 1 whole epochs plus a
fractional one. The cap on repeats bounds the rate: a target that needs more is cut to
`floor(max_repeats * available)` tokens, and the difference is the shortfall, logged as
a warning and recorded in the report. All arithmetic is on integers: nothing here
depends on floating-point rounding.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from fractions import Fraction

from corpus.blend.blend_file import BlendFile

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourcePlan:
    name: str
    in_blend: bool
    """False for a source the documents name but the blend does not (target 0)."""
    target_tokens: int
    available_tokens: int
    available_documents: int
    max_repeats: float
    whole_repeats: int
    """Every document of the source is used this many times..."""
    remainder_tokens: int
    """...and then documents of this many more tokens, from a partial pass."""

    @property
    def planned_tokens(self) -> int:
        return self.whole_repeats * self.available_tokens + self.remainder_tokens

    @property
    def shortfall_tokens(self) -> int:
        """Target tokens the cap on repeats (or missing data) does not allow."""
        return self.target_tokens - self.planned_tokens

    @property
    def rate(self) -> float:
        """target / available: the repeats the target asks for (inf with no data)."""
        if self.available_tokens:
            return self.target_tokens / self.available_tokens
        return math.inf if self.target_tokens else 0.0

    @property
    def warning(self) -> str | None:
        if not self.in_blend:
            return (
                f"source {self.name} has {self.available_tokens:,} tokens but is not in the "
                "blend: none of them is used"
            )
        if not self.shortfall_tokens:
            return None
        if not self.available_tokens:
            return (
                f"source {self.name} has no documents: its {self.target_tokens:,} tokens "
                "are missing"
            )
        return (
            f"source {self.name}: its target of {self.target_tokens:,} tokens needs "
            f"{self.rate:.3g} repeats of its {self.available_tokens:,} tokens, over its cap of "
            f"{self.max_repeats:g}; it gets {self.planned_tokens:,} tokens, "
            f"{self.shortfall_tokens:,} short"
        )


def plan_source(
    blend: BlendFile, name: str, available_tokens: int, available_documents: int
) -> SourcePlan:
    """The plan of source `name`; logs a warning when it cannot meet its target."""
    targets = blend.targets()
    target = targets.get(name, 0)
    cap = blend.cap(name)
    planned = min(target, math.floor(Fraction(cap) * available_tokens))
    whole, remainder = divmod(planned, available_tokens) if available_tokens else (0, 0)
    plan = SourcePlan(
        name=name,
        in_blend=name in targets,
        target_tokens=target,
        available_tokens=available_tokens,
        available_documents=available_documents,
        max_repeats=cap,
        whole_repeats=whole,
        remainder_tokens=remainder,
    )
    if plan.warning:
        logger.warning("blend: %s", plan.warning)
    return plan
