"""Training a SentencePiece model on sample text: Unigram with byte fallback.

The defaults suit Japanese as LLM-jp's tokenizer does: no normalisation (NFKC would fold
full-width forms the model should see as written), digits split one by one, whitespace
kept as it is. Each line of a text is one training sentence. Training runs on one thread
over the sample in its given order, so the same sample and configuration give the same
model, byte for byte.

The Beam stage trains on the first documents of its input in the seeded shuffle order
(`token_shards.order_key`): the same documents on any runner.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator

import sentencepiece as spm

from corpus.tokenize.config import TokenizerTrainingConfig

# SentencePiece skips longer sentences (its default is 4,192 bytes): a long paragraph of
# Japanese is several thousand bytes.
MAX_SENTENCE_BYTES = 1 << 16


def training_sentences(texts: Iterable[str]) -> Iterator[str]:
    """The non-blank lines of every text, in order."""
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                yield line


def train_tokenizer(texts: Iterable[str], config: TokenizerTrainingConfig) -> bytes:
    """The serialized model trained on `texts`; raises ValueError when there is no text, or
    when SentencePiece cannot train (a vocabulary smaller than the characters to cover).

    The vocabulary holds at most `config.vocab_size` pieces, fewer when the sample has too
    few distinct pieces (the size of the trained model says how many).
    """
    sentences = training_sentences(texts)
    first = next(sentences, None)
    if first is None:
        raise ValueError("no text to train a tokenizer on")
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=itertools.chain([first], sentences),
            model_writer=model,
            model_type="unigram",
            vocab_size=config.vocab_size,
            hard_vocab_limit=False,
            character_coverage=config.character_coverage,
            byte_fallback=True,
            normalization_rule_name=config.normalization,
            split_digits=config.split_digits,
            remove_extra_whitespaces=config.remove_extra_whitespaces,
            max_sentence_length=MAX_SENTENCE_BYTES,
            num_threads=1,
            minloglevel=1,
        )
    except RuntimeError as error:
        raise ValueError(f"SentencePiece training failed: {error}") from None
    return model.getvalue()
