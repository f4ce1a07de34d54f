"""URL blocklist and decontamination throughput on one core, with the default chain as anchor.

Documents: the filter benchmark's (every livedoor article of the fixtures and the Japanese
fixture pages run through extraction). Blocklist: a generated list of --entries entries
(random host names, one in ten a URL prefix) plus the URLs of one document in ten, so
some lookups hit. Evaluation set: --examples examples built from the
Aozora text of the fixtures (a 20-60 character question and a 200-600 character context
each), plus three livedoor articles planted as contexts so that some documents match.
Figures: load time and memory of the sets, documents/s per core (CPU time, median of
--repeat runs) of each filter alone, and of the default chain on the same documents.

    python benchmarks/blocklist_decontam_throughput.py [--entries 1000000] [--examples 5000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from filter_throughput import livedoor_documents, page_documents
from fixture_warc import DEFAULT_FIXTURES

from corpus.filters.blocklist import Blocklist, UrlBlocklist
from corpus.filters.chain import FilterChain
from corpus.filters.config import DEFAULT_CHAIN, FilterConfig
from corpus.filters.decontamination import Decontaminate, eval_ngrams
from corpus.schema import Document

AOZORA = "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt"
TLDS = ["com", "net", "org", "jp", "co.jp", "ne.jp", "info", "ru", "de", "cn"]


def write_blocklist(path: Path, entries: int, documents: list[Document]) -> None:
    rng = random.Random(7)
    letters = string.ascii_lowercase + string.digits
    with path.open("w", encoding="utf-8") as out:
        for i in range(entries):
            name = "".join(rng.choices(letters, k=rng.randint(5, 14)))
            line = f"{name}.{rng.choice(TLDS)}"
            if i % 10 == 0:
                line += "/" + "".join(rng.choices(letters, k=8))
            out.write(line + "\n")
        for document in documents[::10]:
            out.write(f"{document.url}\n")


def write_eval_set(path: Path, fixtures: Path, examples: int, planted: list[Document]) -> None:
    lines = [
        line.strip()
        for line in (fixtures / AOZORA).read_text(encoding="utf-8").splitlines()
        if len(line.strip()) >= 20
    ]
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for i in range(examples):
            line = rng.choice(lines)
            start = rng.randrange(max(1, len(line) - 20))
            question = line[start : start + rng.randint(20, 60)]
            context = "".join(rng.choices(lines, k=3))[: rng.randint(200, 600)]
            out.write(json.dumps({"id": str(i), "question": question, "context": context}) + "\n")
        for document in planted:
            row = {"id": document.id, "question": "", "context": document.text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def measured(load: Callable[[], object]) -> tuple[object, float, float, int]:
    """(result, wall seconds, CPU seconds, peak bytes allocated while loading)."""
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    result = load()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, wall, cpu, peak


def documents_per_second(
    apply: Callable[[Document], object], documents: list[Document], repeat: int
) -> float:
    """Median over `repeat` runs of documents per CPU second (one core)."""
    rates = []
    for _ in range(repeat):
        start = time.process_time()
        for document in documents:
            apply(document)
        rates.append(len(documents) / (time.process_time() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--examples", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    documents = livedoor_documents(args.fixtures) + page_documents(args.fixtures)
    print(f"{len(documents)} documents, {sum(len(d.text) for d in documents) / 1e6:.2f} M chars")
    with tempfile.TemporaryDirectory() as directory:
        lists = Path(directory) / "generated.txt"
        write_blocklist(lists, args.entries, documents)
        size = lists.stat().st_size
        blocklist, wall, cpu, peak = measured(lambda: Blocklist.read("generated", [str(lists)]))
        held = blocklist.domains.nbytes + blocklist.urls.nbytes
        print(
            f"blocklist: {len(blocklist):,} distinct entries ({size / 1e6:.1f} MB file): loaded "
            f"in {wall:.2f} s ({cpu:.2f} s CPU); {held / 1e6:.1f} MB held, {peak / 1e6:.0f} MB "
            "peak while loading"
        )
        strings, _, _, set_peak = measured(
            lambda: {line for line in lists.read_text(encoding="utf-8").splitlines()}
        )
        print(f"  (the same lines as a Python set of str: {set_peak / 1e6:.0f} MB peak)")
        del strings
        url_filter = UrlBlocklist(name="generated", paths=[str(lists)])
        url_filter.setup()
        blocked = sum(url_filter.removal(d) is not None for d in documents)
        rate = documents_per_second(url_filter.removal, documents, args.repeat)
        print(f"UrlBlocklist: {rate:,.0f} documents/s per core ({blocked} of the documents listed)")

        evaluation = Path(directory) / "eval.jsonl"
        planted = documents[:3]
        write_eval_set(evaluation, args.fixtures, args.examples, planted)
        key = ((str(evaluation),), ("question", "context"), "id", 50, 20)
        ngrams, wall, cpu, peak = measured(lambda: eval_ngrams(*key))
        per_thousand = ngrams.nbytes / (len(ngrams.ids) / 1000)
        print(
            f"eval set: {len(ngrams.ids):,} examples, {len(ngrams.hashes):,} distinct n-grams "
            f"({len(ngrams.short_lengths):,} short texts): built in {wall:.2f} s ({cpu:.2f} s "
            f"CPU); {ngrams.nbytes / 1e6:.1f} MB held ({per_thousand / 1e6:.2f} MB per 1,000 "
            f"examples), {peak / 1e6:.0f} MB peak while building"
        )
        for scope in ("document", "paragraph"):
            decontaminate = Decontaminate(
                eval="bench",
                paths=[str(evaluation)],
                fields=["question", "context"],
                id_field="id",
                scope=scope,
            )
            decontaminate.setup()
            chain = FilterChain([decontaminate])
            results = [chain.apply(d) for d in documents]
            removed = sum(r.removed_by is not None for r in results)
            marked = sum(not p.live for r in results for p in r.paragraphs)
            rate = documents_per_second(decontaminate.apply, documents, args.repeat)
            print(
                f"Decontaminate scope={scope}: {rate:,.0f} documents/s per core ({removed} "
                f"documents removed, {marked} paragraphs marked)"
            )

    chain = FilterChain.from_entries(FilterConfig(chain=str(DEFAULT_CHAIN)).chain)
    chain.setup()
    rate = documents_per_second(chain.apply, documents, args.repeat)
    filters = len(chain.filters)
    print(f"anchor, the default chain ({filters} filters): {rate:,.0f} documents/s per core")


if __name__ == "__main__":
    main()
