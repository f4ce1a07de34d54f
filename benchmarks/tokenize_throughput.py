"""Tokenize-and-write throughput on one core, beside SentencePiece's batched encoding alone.

Documents: every livedoor news article in the fixtures and 吾輩は猫である (Aozora) cut into
documents of 100 lines, about 2 MB of Japanese, one shard. Paths over the same documents:
- bare: `SentencePieceProcessor.encode(texts, num_threads=1)`, the ids as Python lists;
- ours, encode: `Tokenizer.encode`, the ids framed by BOS and EOS as int32 arrays;
- ours, encode + Megatron: then the shard's `.bin`/`.idx`, written atomically with sha256
  (the stage's core with `tokenize.parquet: off`);
- ours, + Parquet: the stage's core (`write_token_shard`) with the Parquet token table
  `uncompressed`, and with `zstd` (the default).
Runs alternate between the paths; the figures are medians of --repeat runs. Each run writes
to a new directory, as a real run does (on ext4, renaming onto an existing file first
flushes it to disk, which rewriting one directory would measure instead). Tokens are the
encoder's (without BOS and EOS); MB/s is UTF-8 input per second.

    python benchmarks/tokenize_throughput.py [--model M.model] [--repeat 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from fixture_warc import DEFAULT_FIXTURES

from corpus.tokenize.megatron import token_dtype, write_indexed_dataset
from corpus.tokenize.token_shards import (
    TokenizedDocument,
    megatron_prefix,
    token_arrays,
    write_token_shard,
)
from corpus.tokenize.tokenizer import Tokenizer, read_model

DEFAULT_MODEL = (
    DEFAULT_FIXTURES.parent / "tokenizers/llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
)
AOZORA_LINES_PER_DOCUMENT = 100


def japanese_documents(fixtures: Path) -> list[str]:
    articles = sorted((fixtures / "ja_text/livedoor-news-corpus/text").glob("*/*-*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in articles]
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text(
        encoding="utf-8"
    )
    lines = novel.splitlines()
    step = AOZORA_LINES_PER_DOCUMENT
    return texts + ["\n".join(lines[i : i + step]) for i in range(0, len(lines), step)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    texts = japanese_documents(args.fixtures)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    tokenizer = Tokenizer(read_model(args.model))
    processor = tokenizer.processor
    dtype = token_dtype(tokenizer.vocab_size)
    tokens = sum(len(ids) for ids in processor.encode(texts, num_threads=1))

    def documents() -> list[TokenizedDocument]:
        encoded = tokenizer.encode(texts)
        return [TokenizedDocument(f"{i:06d}", f"{i}", "bench", a) for i, a in enumerate(encoded)]

    def bare(_: str) -> None:
        processor.encode(texts, num_threads=1)

    def encode(_: str) -> None:
        documents()

    def megatron(directory: str) -> None:
        lengths, values = token_arrays(documents())
        write_indexed_dataset(directory, megatron_prefix(0, 1), lengths, values, dtype)

    def uncompressed(directory: str) -> None:
        write_token_shard(documents(), directory, 0, 1, dtype, "uncompressed")

    def zstd(directory: str) -> None:
        record = write_token_shard(documents(), directory, 0, 1, dtype, "zstd")
        assert record.tokens == tokens + 2 * len(texts)

    paths = {
        "bare SentencePiece encode": bare,
        "ours: encode": encode,
        "ours: + Megatron .bin/.idx": megatron,
        "ours: + Parquet uncompressed": uncompressed,
        "ours: + Parquet zstd": zstd,
    }
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    with tempfile.TemporaryDirectory(prefix="tokenize-bench-") as base:
        for run in range(args.repeat):
            for number, (name, path) in enumerate(paths.items()):
                directory = os.path.join(base, f"{run}-{number}")
                os.mkdir(directory)
                start = time.perf_counter()
                path(directory)
                seconds[name].append(time.perf_counter() - start)

    print(f"{len(texts)} documents, {megabytes:.2f} MB, {tokens:,} tokens; median of {args.repeat}")
    bare_median = statistics.median(seconds["bare SentencePiece encode"])
    for name, times in seconds.items():
        median = statistics.median(times)
        print(
            f"{name:<29} {tokens / median / 1e6:5.2f} M tokens/s {megabytes / median:5.1f} MB/s"
            f" {median * 1000:6.1f} ms  {bare_median / median:6.1%} of bare"
        )


if __name__ == "__main__":
    main()
