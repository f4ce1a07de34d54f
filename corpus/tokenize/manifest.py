"""The manifest of a tokenized output: what it holds and what produced it.

`manifest.json` beside the Megatron shards: every shard with its documents, tokens and files
(name, bytes, sha256; the Parquet table's in the side directory's `tokens/`, the texts' in
`text/`), the totals, the tokenizer (where it is, its sha256, vocabulary size, BOS and
EOS ids, the Megatron dtype) and the run configuration. The same input and configuration
give the same manifest, byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from corpus.atomic_files import WrittenFile, write_atomically
from corpus.layout import MANIFEST_FILE
from corpus.tokenize.megatron import token_dtype
from corpus.tokenize.token_shards import ShardRecord
from corpus.tokenize.tokenizer import Tokenizer


@dataclass(frozen=True, slots=True)
class TokenizerRecord:
    model: str
    """Where the model is: the configured path, or the name of the one trained beside the shards."""
    sha256: str
    vocab_size: int
    bos_id: int | None
    eos_id: int | None
    megatron_dtype: str
    """The dtype of the `.bin` token ids, chosen by the vocabulary size."""

    @classmethod
    def of(cls, tokenizer: Tokenizer, model: str) -> TokenizerRecord:
        dtype = token_dtype(tokenizer.vocab_size).name
        return cls(
            model, tokenizer.sha256, tokenizer.vocab_size, tokenizer.bos_id, tokenizer.eos_id, dtype
        )


def manifest(shards: list[ShardRecord], tokenizer: TokenizerRecord, config: dict) -> dict:
    ordered = sorted(shards, key=lambda s: s.index)
    return {
        "documents": sum(s.documents for s in ordered),
        "tokens": sum(s.tokens for s in ordered),
        "shards": [dataclasses.asdict(s) for s in ordered],
        "tokenizer": dataclasses.asdict(tokenizer),
        "config": config,
    }


def write_manifest(
    directory: str, shards: list[ShardRecord], tokenizer: TokenizerRecord, config: dict
) -> WrittenFile:
    text = json.dumps(manifest(shards, tokenizer, config), ensure_ascii=False, indent=2)
    return write_atomically(directory, MANIFEST_FILE, lambda h: h.write(text.encode() + b"\n"))
