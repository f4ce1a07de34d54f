"""The SentencePiece tokenizer, with every document's BOS and EOS stated explicitly.

A document becomes `[bos] + ids + [eos]` (LLM-jp's convention: its Megatron scripts write
`[1] + ids + [2]`, the EOS being the end-of-document id), or without either end as
configured. The ids come from the configuration, else from the model's own `<s>` and
`</s>`; nothing relies on a tokenizer type's implicit behaviour. Text is never searched
for special tokens: a literal `</s>` in a document is ordinary text (SentencePiece encodes
control pieces only when asked to by id).
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import sentencepiece as spm
from apache_beam.io.filesystems import FileSystems


def read_model(path: str) -> bytes:
    """The model file's bytes (local, gs://, s3://), read through Beam FileSystems."""
    with FileSystems.open(path) as handle:
        return handle.read()


class Tokenizer:
    """A SentencePiece model (its serialized bytes) and the ids framing every document.

    `bos_id` / `eos_id` None means the model's own; a model without one is an error unless
    that end is turned off. Raises ValueError for a model that does not load or an id
    outside the vocabulary.
    """

    def __init__(
        self,
        model: bytes,
        add_bos: bool = True,
        add_eos: bool = True,
        bos_id: int | None = None,
        eos_id: int | None = None,
    ) -> None:
        self.processor = spm.SentencePieceProcessor()
        try:
            self.processor.LoadFromSerializedProto(model)
        except (RuntimeError, OSError) as error:
            raise ValueError(f"not a SentencePiece model: {error}") from None
        self.sha256 = hashlib.sha256(model).hexdigest()
        self.vocab_size = self.processor.get_piece_size()
        self.bos_id = self._framing_id("bos", add_bos, bos_id, self.processor.bos_id())
        self.eos_id = self._framing_id("eos", add_eos, eos_id, self.processor.eos_id())
        self._prefix = [] if self.bos_id is None else [self.bos_id]
        self._suffix = [] if self.eos_id is None else [self.eos_id]

    def _framing_id(self, end: str, add: bool, configured: int | None, own: int) -> int | None:
        if not add:
            return None
        chosen = own if configured is None else configured
        if chosen < 0:
            raise ValueError(
                f"the model has no {end} piece: set tokenize.{end}_id, or tokenize.add_{end}: false"
            )
        if chosen >= self.vocab_size:
            raise ValueError(
                f"{end}_id {chosen} is outside the vocabulary (0..{self.vocab_size - 1})"
            )
        return chosen

    def encode(self, texts: list[str]) -> list[np.ndarray]:
        """Token ids of each text, framed, as read-only int32 arrays; a text with no token
        gives an empty array, unframed (it holds nothing to train on)."""
        prefix, suffix = self._prefix, self._suffix
        framing = len(prefix) + len(suffix)
        # struct.pack turns a list of ints into bytes in about half the time np.array takes;
        # this conversion is the largest cost around the encoder.
        return [
            np.frombuffer(struct.pack(f"<{len(ids) + framing}i", *prefix, *ids, *suffix), "<i4")
            if ids
            else np.empty(0, np.int32)
            for ids in self.processor.encode(texts, num_threads=1)
        ]

    def decode(self, ids: np.ndarray | list[int]) -> str:
        """The text of framed ids (the framing ids dropped, whatever pieces they are)."""
        ids = [int(i) for i in ids]
        if self._prefix and ids[:1] == self._prefix:
            ids = ids[1:]
        if self._suffix and ids[-1:] == self._suffix:
            ids = ids[:-1]
        return self.processor.decode(ids)
