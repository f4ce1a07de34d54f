"""`corpus evaluate-filter`: a filter chain or a quality model applied to labelled lines."""

from __future__ import annotations

from pathlib import Path

from corpus.quality.evaluation import GOOD, Outcome
from corpus.quality.labelled import read_labelled
from corpus.schema import Document, Paragraph


def evaluate_filter(
    data: Path,
    chain: str | None,
    skip: list[str],
    model: str | None,
    label: str = GOOD,
    threshold: float | None = None,
) -> Outcome:
    """How the chain (each text a one-paragraph document) or the QualityClassifier of
    `model` keeps the `good` and removes the `bad` texts of `data`."""
    from corpus.filters.chain import FilterChain
    from corpus.filters.config import FilterConfig

    if (chain is None) == (model is None):
        raise ValueError("give either a chain (--chain) or a model (--model)")
    examples = read_labelled(data)
    unknown = sorted({e.label for e in examples} - {GOOD, "bad"})
    if unknown:
        raise ValueError(f"{data}: labels must be good or bad, found {unknown}")
    if chain is not None:
        entries = FilterConfig(chain=chain, skip=skip).chain
    else:
        entries = [{"filter": "QualityClassifier", "model": model, "label": label}]
        if threshold is not None:
            entries[0]["threshold"] = threshold
    filters = FilterChain.from_entries(entries)
    filters.setup()
    kept = [
        not filters.apply(
            Document(id=str(e.line), language="ja", paragraphs=[Paragraph(e.text)])
        ).removed_by
        for e in examples
    ]
    return Outcome.of([e.label for e in examples], kept)
