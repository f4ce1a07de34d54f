"""PII masking throughput on one core: documents/s of MaskPII, in plain Python, beside the
default filter chain's on the same documents as an anchor.

Documents: filter_throughput's (every livedoor news article of the fixtures plus the
Japanese fixture pages through the extraction stage). Each figure is the median of
--repeat runs of CPU time of this process (one core), so other work on the machine slows
it less than it would wall time; the items masked per type are printed too.

    python benchmarks/safety_throughput.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from filter_throughput import livedoor_documents, page_documents
from fixture_warc import DEFAULT_FIXTURES

from corpus.filters.chain import FilterChain
from corpus.filters.config import DEFAULT_CHAIN, FilterConfig
from corpus.schema import Document


def documents_per_second(chain: FilterChain, documents: list[Document], repeat: int) -> float:
    chain.setup()
    seconds = []
    for _ in range(repeat):
        start = time.process_time()
        for document in documents:
            chain.apply(document)
        seconds.append(time.process_time() - start)
    return len(documents) / statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    documents = livedoor_documents(args.fixtures) + page_documents(args.fixtures)
    characters = sum(len(d.text) for d in documents)
    print(f"{len(documents)} documents, {characters / 1e6:.2f} M characters")
    masking = FilterChain.from_entries([{"filter": "MaskPII"}])
    rate = documents_per_second(masking, documents, args.repeat)
    masked: Counter[str] = Counter()
    for counts in masking.take_counts():
        masked.update({name: n // args.repeat for (_, name), n in counts.events.items()})
    print(
        f"MaskPII: {rate:.0f} documents/s per core, {rate * characters / len(documents) / 1e6:.2f}"
        f" M chars/s; masked per run: {dict(sorted(masked.items()))}"
    )
    default = FilterChain.from_entries(FilterConfig(chain=str(DEFAULT_CHAIN)).chain)
    anchor = documents_per_second(default, documents, args.repeat)
    print(
        f"default chain ({len(default.filters)} filters, anchor): {anchor:.0f} documents/s per core"
    )


if __name__ == "__main__":
    main()
