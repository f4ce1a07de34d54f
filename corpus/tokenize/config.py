"""The `tokenize` section of the run's configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corpus.config_section import ExistingFile, Section, YamlOff

DocumentOrder = Literal["shuffle", "keep"]
TextJsonl = Literal["off", "jsonl", "jsonl.gz", "jsonl.zst"]
TokenParquet = Literal["zstd", "uncompressed", "off"]


class TokenizerTrainingConfig(Section):
    """A SentencePiece Unigram model with byte fallback, trained on a sample of documents.
    The defaults suit Japanese, as LLM-jp's tokenizer: no NFKC, digits split, spaces kept."""

    vocab_size: int = Field(32_000, ge=260)
    """Pieces in the vocabulary, at most: a sample too small for this many gives fewer (the
    trained size is recorded). 256 byte pieces and `<unk>`, `<s>`, `</s>` are among them."""
    character_coverage: float = Field(0.9995, gt=0.0, le=1.0)
    """Share of the sample's characters that get pieces of their own; the rarest rest are
    written as UTF-8 bytes (byte fallback). SentencePiece's advice for Japanese: 0.9995."""
    normalization: Literal["identity", "nfkc", "nmt_nfkc", "nfkc_cf", "nmt_nfkc_cf"] = "identity"
    """SentencePiece's normalisation rule; `identity` keeps the text as written (LLM-jp)."""
    split_digits: bool = True
    """Every digit is a piece of its own (LLM-jp)."""
    remove_extra_whitespaces: bool = False
    """Strip leading and trailing spaces and fold runs of spaces (LLM-jp keeps them)."""
    sample_documents: int = Field(20_000, ge=1)
    """Train on this many documents: the first of the input in an order shuffled by `seed`.
    They are held in memory on one worker, with the trainer's own working memory."""
    seed: int = Field(0, ge=0)
    """Seed of the sample's order."""


class TokenizeConfig(Section):
    """Documents -> token ids in Megatron `.bin`/`.idx` and Parquet shards."""

    model: ExistingFile | None = None
    """SentencePiece model file (local, gs://, s3://), e.g. LLM-jp's
    llm-jp-tokenizer-100k.ver3.0b1.model. Unset: a model is trained on a sample of the
    stage's input (`train`) and written as `tokenizer.model` beside the shards."""
    train: TokenizerTrainingConfig = TokenizerTrainingConfig()
    """How a model is trained, here when `model` is unset, or by `corpus train-tokenizer`."""
    add_bos: bool = True
    """Start every document with the BOS id (LLM-jp: `[bos] + ids + [eos]`)."""
    add_eos: bool = True
    """End every document with the EOS id, Megatron's end-of-document token."""
    bos_id: int | None = Field(None, ge=0)
    """BOS id; default: the model's `<s>` (1 in LLM-jp's model). A model without one needs
    this set, or `add_bos: false`."""
    eos_id: int | None = Field(None, ge=0)
    """EOS id; default: the model's `</s>` (2 in LLM-jp's model). A model without one needs
    this set, or `add_eos: false`."""
    tokens_per_shard: int = Field(50_000_000, ge=1, le=1_000_000_000)
    """Shards hold about this many tokens each (documents go to shards by a hash of their
    key). One shard is held in memory while written: about 12 bytes per token."""
    order: DocumentOrder = "shuffle"
    """Order of the documents inside a shard: `shuffle`d by `seed` (training reads shards
    sequentially), or `keep` (the input's document order, by document key)."""
    seed: int = Field(0, ge=0)
    """Seed of the shuffled order."""
    parquet: YamlOff[TokenParquet] = "zstd"
    """The Parquet token table beside the Megatron files: `zstd` (1.6 bytes a token with
    LLM-jp's model), `uncompressed` (4 bytes, written in half the time) or `off`
    (Megatron files only). benchmarks/tokenize_throughput.py measures the difference."""
    text_jsonl: YamlOff[TextJsonl] = "off"
    """Also write each shard's text as `{"text": ...}` lines, the input of Megatron's own
    preprocess tool: `jsonl`, `jsonl.gz` or `jsonl.zst` (the extension says the compression)."""
