"""What a filter is.

A filter is a small pydantic model: its fields are its parameters, so the YAML entry
`{filter: HiraganaRatio, low: 0.15}` is validated by constructing `HiraganaRatio(low=0.15)`,
and a wrong name, key, type or value is a config error before any work. Every concrete
subclass registers itself under its class name: adding a filter means adding one class.

- `DocumentFilter.removal(document)` says why a document goes (a reason string) or None;
  the chain hands it the document's live paragraphs only (corpus.filters.chain).
- `HighLowFilter` is the common case: a measure of the document outside [low, high].
- `ParagraphFilter.apply(document)` returns the document with paragraphs marked removed
  (`Paragraph.removed_by`) or rewritten; it never drops a document itself.
- Any filter may `count_event` named events beside its removals (MaskPII counts what it
  masked, per type).

Reasons name the filter and the threshold tier that fired (`HiraganaRatio(low=0.15)`), so
the same filter can stand in the chain several times with tightening thresholds and the
output still says which tier removed what. Reasons are also directory names in the debug
output: no `/`, no spaces.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, PrivateAttr, model_validator

from corpus.schema import Document

_REASON_NAME = re.compile(r"[\w.-]+")


def _reason_name(name: str) -> str:
    if not _REASON_NAME.fullmatch(name):
        raise ValueError(f"name {name!r}: use letters, digits, `_`, `.` and `-` only")
    return name


ReasonName = Annotated[str, AfterValidator(_reason_name)]
"""A name a filter writes into its removal reasons (a blocklist's, an evaluation set's),
which are directory names in the debug output."""


class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    registry: ClassVar[dict[str, type[Filter]]] = {}
    abstract: ClassVar[bool] = True
    _events: Counter[tuple[str, str]] = PrivateAttr(default_factory=Counter)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "abstract" not in cls.__dict__:
            cls.abstract = False
            if Filter.registry.setdefault(cls.__name__, cls) is not cls:
                raise TypeError(f"two filters are named {cls.__name__}: names must be unique")

    @property
    def label(self) -> str:
        """The filter with the parameters that differ from their defaults."""
        params = ",".join(f"{k}={v}" for k, v in self.model_dump(exclude_defaults=True).items())
        return f"{type(self).__name__}({params})"

    def setup(self) -> None:
        """Load what the filter needs (models, word lists); called once per worker."""

    def count_event(self, event: str, name: str, n: int = 1) -> None:
        """Counts `n` named events (`count_event("masked", "email")`): the chain moves them to
        the filter's counts, and stats.json shows them in its entry (`masked: {email: N}`)."""
        self._events[event, name] += n

    @property
    def events(self) -> Counter[tuple[str, str]]:
        """The events counted since the chain last took them."""
        return self._events


class DocumentFilter(Filter):
    abstract = True

    def removal(self, document: Document) -> str | None:
        """Why `document` must go, or None to keep it."""
        raise NotImplementedError


class HighLowFilter(DocumentFilter):
    """Removes a document whose `measure` is below `low` or above `high` (Uzushio's
    HighLowDocFilter); the reason names the bound that was crossed."""

    abstract = True
    low: float = 0.0
    high: float = math.inf

    @model_validator(mode="after")
    def _ordered(self) -> HighLowFilter:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self

    def measure(self, document: Document) -> float:
        raise NotImplementedError

    def removal(self, document: Document) -> str | None:
        value = self.measure(document)
        if value < self.low:
            return f"{type(self).__name__}(low={self.low})"
        if value > self.high:
            return f"{type(self).__name__}(high={self.high})"
        return None


class ParagraphFilter(Filter):
    abstract = True

    def apply(self, document: Document) -> Document:
        """The document with paragraphs marked removed (`removed_by=self.label`) or rewritten."""
        raise NotImplementedError
