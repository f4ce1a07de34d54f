"""How filter chains split hand-labelled good from bad Japanese web text.

Each paragraph of mc4-ja-quality-annotations/annotations-dev.txt (good/bad labels by
hand) becomes a one-paragraph document and goes through each chain; prints, per chain,
the share of good paragraphs kept and of bad ones removed, and what removed them.

    python benchmarks/filter_mc4_annotations.py [--fixtures DIR]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from fixture_warc import DEFAULT_FIXTURES

from corpus.config import DEFAULT_CHAIN, FilterConfig
from corpus.filters.chain import FilterChain
from corpus.filters.training import read_examples
from corpus.schema import Document, Paragraph

REPO = Path(__file__).resolve().parents[1]
KENLM = ["KenLMParagraphPerplexity", "KenLMDocAvgPerplexity"]
LLM_JP_V2 = REPO / "configs/filters/llm-jp-v2.yaml"
# The annotations are single paragraphs, most under 200 characters: the chains' length
# and compression filters (made for whole documents) decide most of them, so the chains
# are also shown without those, to see what the content filters do.
LENGTH_DEPENDENT = ["DocLength", "CompressionRate"]
CHAINS = {
    "default": (DEFAULT_CHAIN, []),
    "default, no length/compr.": (DEFAULT_CHAIN, LENGTH_DEPENDENT),
    "llm-jp-v2 without KenLM": (LLM_JP_V2, KENLM),
    "llm-jp-v2, no length/compr.": (LLM_JP_V2, KENLM + LENGTH_DEPENDENT),
    "fineweb2-ja": (REPO / "configs/filters/fineweb2-ja.yaml", []),
}


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
    print(f"{'chain':<30}{'good kept':>11}{'bad removed':>13}")
    for name, (chain_path, skip) in CHAINS.items():
        chain = FilterChain.from_entries(FilterConfig(chain=str(chain_path), skip=skip).chain)
        chain.setup()
        reasons: dict[str, Counter] = {"good": Counter(), "bad": Counter()}
        for example in examples:
            result = chain.apply(as_document(example.text, example.line))
            reasons[example.label][result.removed_by or "kept"] += 1
        good_kept = reasons["good"]["kept"] / labels["good"]
        bad_removed = 1 - reasons["bad"]["kept"] / labels["bad"]
        print(f"{name:<30}{good_kept:>11.1%}{bad_removed:>13.1%}")
        for label in ("good", "bad"):
            top = ", ".join(f"{r} {n}" for r, n in reasons[label].most_common(4) if r != "kept")
            print(f"    {label} removed by: {top}")


if __name__ == "__main__":
    main()
