"""How filter chains split hand-labelled good from bad Japanese web text.

Each paragraph of mc4-ja-quality-annotations/annotations-dev.txt (good/bad labels by
hand) becomes a one-paragraph document and goes through each chain; prints, per chain,
the share of good paragraphs kept and of bad ones removed, their mean (balanced accuracy:
0.5 is chance), and what removed them. Then each document rule of the default chain and
the rules it leaves out (DocLength(200), the CompressionRate tiers) alone: how many good
and bad paragraphs it removes, to show which rules tell the labels apart.

    python benchmarks/filter_mc4_annotations.py [--fixtures DIR]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from fixture_warc import DEFAULT_FIXTURES

from corpus.filters.chain import FilterChain
from corpus.filters.config import DEFAULT_CHAIN, FilterConfig
from corpus.quality.classifier_training import read_examples
from corpus.schema import Document, Paragraph

REPO = Path(__file__).resolve().parents[1]
KENLM = ["KenLMParagraphPerplexity", "KenLMDocAvgPerplexity"]
LLM_JP_V2 = REPO / "configs/filters/llm-jp-v2.yaml"
# The annotations are single paragraphs, most under 200 characters: the chains' length
# and compression filters (made for whole documents) decide most of them, so the chains
# are also shown without those, to see what the content filters do.
LENGTH_DEPENDENT = ["DocLength", "CompressionRate"]
PARAGRAPH_RULES = ("MergeListTag", "MarkdownizeHeading", "LargeFreqParagraphs", "FurnitureDOM")
PARAGRAPH_RULES += ("LinkDensity", "MainText")  # they need DOM paths or crawl statistics
CHAINS = {
    "default": (DEFAULT_CHAIN, []),
    "default, no length/compr.": (DEFAULT_CHAIN, LENGTH_DEPENDENT),
    "llm-jp-v2 without KenLM": (LLM_JP_V2, KENLM),
    "llm-jp-v2, no length/compr.": (LLM_JP_V2, KENLM + LENGTH_DEPENDENT),
    "fineweb2-ja": (REPO / "configs/filters/fineweb2-ja.yaml", []),
}
LEFT_OUT = [
    {"filter": "DocLength", "low": 200},
    {"filter": "CompressionRate", "low": 0.25, "high": 5.0},
    {"filter": "CompressionRate", "low": 0.4, "high": 0.75},
    {"filter": "CompressionRate", "low": 0.5, "high": 0.75},
]


def as_document(text: str, line: int) -> Document:
    return Document(id=f"annotation-{line}", language="ja", paragraphs=[Paragraph(text)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    args = parser.parse_args()
    path = args.fixtures / "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"
    examples = read_examples(path)
    labels = Counter(e.label for e in examples)
    print(f"{len(examples)} paragraphs: {dict(labels)}")
    print(f"{'chain':<30}{'good kept':>11}{'bad removed':>13}{'balanced':>10}")
    for name, (chain_path, skip) in CHAINS.items():
        chain = FilterChain.from_entries(FilterConfig(chain=str(chain_path), skip=skip).chain)
        chain.setup()
        reasons: dict[str, Counter] = {"good": Counter(), "bad": Counter()}
        for example in examples:
            result = chain.apply(as_document(example.text, example.line))
            reasons[example.label][result.removed_by or "kept"] += 1
        good_kept = reasons["good"]["kept"] / labels["good"]
        bad_removed = 1 - reasons["bad"]["kept"] / labels["bad"]
        balanced = (good_kept + bad_removed) / 2
        print(f"{name:<30}{good_kept:>11.1%}{bad_removed:>13.1%}{balanced:>10.3f}")
        for label in ("good", "bad"):
            top = ", ".join(f"{r} {n}" for r, n in reasons[label].most_common(4) if r != "kept")
            print(f"    {label} removed by: {top}")
    print(f"\n{'rule alone':<60}{'good removed':>13}{'bad removed':>12}")
    document_rules = [e for e in FilterConfig().chain if e["filter"] not in PARAGRAPH_RULES]
    for entry in [*document_rules, *LEFT_OUT]:
        chain = FilterChain.from_entries([entry])
        chain.setup()
        removed = Counter(
            e.label for e in examples if chain.apply(as_document(e.text, e.line)).removed_by
        )
        left_out = "  (not in the default chain)" if entry in LEFT_OUT else ""
        print(f"{chain.filters[0].label:<60}{removed['good']:>13}{removed['bad']:>12}{left_out}")


if __name__ == "__main__":
    main()
