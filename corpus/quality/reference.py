"""Reference-vs-web training data: paragraphs of a reference source (Wikipedia dumps) as
good against web text as bad, as Swallow's Wikipedia-based classifier was trained."""

from __future__ import annotations

from pathlib import Path

from corpus.quality.labelled import Example, read_labelled
from corpus.schema import Document
from corpus.sources.wikipedia import WikipediaReader

MIN_CHARACTERS = 20
"""Shorter reference paragraphs (headings, list items) are left out."""


def reference_paragraphs(dumps: list[str]) -> list[str]:
    """The paragraphs of the articles of MediaWiki XML dumps, in order, of MIN_CHARACTERS or
    more (a dump cut off mid-page yields the pages before the cut)."""
    paragraphs = []
    for dump in dumps:
        for result in WikipediaReader().read(dump):
            if isinstance(result, Document):
                paragraphs += [p.text for p in result.paragraphs if len(p.text) >= MIN_CHARACTERS]
    return paragraphs


def web_texts(path: Path) -> list[str]:
    """The texts of a file of web paragraphs: `text<TAB>label` lines (label ignored) or
    plain lines, one text each."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if all("\t" in line for line in lines):
        return [e.text for e in read_labelled(path)]
    return lines


def reference_examples(dumps: list[str], web: list[Path], per_web: int = 4) -> list[Example]:
    """Reference paragraphs labelled good (at most `per_web` per web text, taken evenly
    through the dumps) and web texts labelled bad."""
    negatives = [text for path in web for text in web_texts(path)]
    positives = reference_paragraphs(dumps)
    if not positives or not negatives:
        raise ValueError(
            f"reference-vs-web training needs both sides: {len(positives)} reference "
            f"paragraphs, {len(negatives)} web texts"
        )
    step = max(1, len(positives) // (per_web * len(negatives)))
    chosen = positives[::step][: per_web * len(negatives)]
    return [Example(t, "good", 0) for t in chosen] + [Example(t, "bad", 0) for t in negatives]
