"""The tokenization stage in Beam: documents -> Megatron and Parquet token shards.

    documents -> (no model configured) the first `train.sample_documents` in a seeded order
                   -> train a SentencePiece model, written as `tokenizer.model`
              -> batches -> encode (one tokenizer per worker) -> tokenized documents
                                                             -> counts: kept / empty, tokens
              -> total tokens -> number of shards (`tokens_per_shard`)
              -> shard by a stable hash of the document key -> order in the shard -> write
              -> manifest.json

A shard's documents and order depend only on the input and the configuration, so the same
input gives byte-identical files whatever the runner or the number of workers.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable

import apache_beam as beam

from corpus.atomic_files import write_atomically
from corpus.errors import ConfigError
from corpus.io.shards import stable_shard
from corpus.layout import MODEL_FILE
from corpus.pipelines.document_io import CountRecordsRead, ReadDocuments, document_key
from corpus.pipelines.stage import Stage, StageResult
from corpus.pipelines.stage_stats import COUNTS, Tally
from corpus.schema import Document
from corpus.tokenize.config import TokenizeConfig, TokenizerTrainingConfig
from corpus.tokenize.manifest import TokenizerRecord, write_manifest
from corpus.tokenize.megatron import token_dtype
from corpus.tokenize.token_shards import (
    ShardRecord,
    TokenizedDocument,
    order_key,
    write_token_shard,
)
from corpus.tokenize.tokenizer import Tokenizer, read_model
from corpus.tokenize.training import train_tokenizer

DOCUMENTS_PER_BATCH = 64


def configured_tokenizer(model: bytes, config: TokenizeConfig) -> Tokenizer:
    return Tokenizer(model, config.add_bos, config.add_eos, config.bos_id, config.eos_id)


class SampleTexts(beam.PTransform):
    """Documents -> one list: the texts of the first `size` documents in the order shuffled
    by `seed` (a combiner: no worker holds more than `size` texts)."""

    def __init__(self, size: int, seed: int) -> None:
        super().__init__()
        self.size = size
        self.seed = seed

    def expand(self, documents: beam.PCollection) -> beam.PCollection:
        seed = self.seed
        return (
            documents
            | "Prioritise"
            >> beam.Map(lambda d: (order_key(document_key(d), "shuffle", seed), d.text))
            | "First" >> beam.combiners.Top.Smallest(self.size)
            | "Texts" >> beam.Map(lambda sample: [text for _, text in sample])
        )


def _write_model(model: bytes, path: str) -> bytes:
    directory, name = posixpath.split(path)
    write_atomically(directory, name, lambda handle: handle.write(model))
    return model


class TrainTokenizer(beam.PTransform):
    """Documents -> one element, the trained model's bytes, also written to `path`."""

    def __init__(self, config: TokenizerTrainingConfig, path: str) -> None:
        super().__init__()
        self.config = config
        self.path = path

    def expand(self, documents: beam.PCollection) -> beam.PCollection:
        return (
            documents
            | "Sample" >> SampleTexts(self.config.sample_documents, self.config.seed)
            | "Train" >> beam.Map(train_tokenizer, self.config)
            | "Write" >> beam.Map(_write_model, self.path)
        )


class _Encode(beam.DoFn):
    def __init__(self, config: TokenizeConfig) -> None:
        self.config = config
        self.keep_text = config.text_jsonl != "off"
        self.tally = Tally("tokenize")
        self.tokenizer: Tokenizer | None = None

    def process(self, batch: list[Document], model: bytes) -> Iterable:
        # Loaded on first use, once per DoFn instance: the model is a side input (it may be
        # trained in this same pipeline), and side inputs do not reach setup().
        if self.tokenizer is None:
            self.tokenizer = configured_tokenizer(model, self.config)
        texts = [document.text for document in batch]
        for document, text, ids in zip(batch, texts, self.tokenizer.encode(texts), strict=True):
            if not ids.size:
                yield beam.pvalue.TaggedOutput(COUNTS, self.tally("outcome", "empty"))
                continue
            yield beam.pvalue.TaggedOutput(COUNTS, self.tally("outcome", "kept"))
            yield beam.pvalue.TaggedOutput(COUNTS, (("tokens", "written"), int(ids.size)))
            yield TokenizedDocument(
                document_key(document),
                document.id,
                document.source,
                ids,
                text if self.keep_text else "",
            )


class _WriteShard(beam.DoFn):
    def __init__(self, config: TokenizeConfig, directory: str) -> None:
        self.config = config
        self.directory = directory

    def process(
        self,
        element: tuple[int, Iterable[TokenizedDocument]],
        count: int,
        tokenizer: TokenizerRecord,
    ) -> Iterable[ShardRecord]:
        index, documents = element
        order, seed = self.config.order, self.config.seed
        ordered = sorted(documents, key=lambda d: order_key(d.key, order, seed))
        dtype = token_dtype(tokenizer.vocab_size)
        yield write_token_shard(
            ordered,
            self.directory,
            index,
            count,
            dtype,
            self.config.parquet,
            self.config.text_jsonl,
        )


class TokenizeStage(Stage):
    """The tokenize stage: document files -> token shards (Megatron, and Parquet tokens in
    the side directory), `manifest.json` (which records `provenance`, the run's
    configuration) and, when no model is configured, the model trained here, all under
    `directory`.

    A configured model is read once here, so a missing file or a model without the BOS or
    EOS it needs stops the run before any work (ConfigError).
    """

    def __init__(
        self, inputs: list[str], config: TokenizeConfig, directory: str, provenance: dict
    ) -> None:
        super().__init__(directory)
        self.inputs = inputs
        self.config = config
        self.provenance = provenance
        if config.model is not None:
            try:
                configured_tokenizer(read_model(config.model), config)
            except (OSError, ValueError) as error:
                raise ConfigError(f"tokenize.model: {config.model}: {error}") from None

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
        config, directory = self.config, self.directory
        read = pbegin | "Read" >> ReadDocuments(self.inputs)
        documents = read.documents
        if config.model is None:
            path = posixpath.join(directory, MODEL_FILE)
            model = documents | "TrainTokenizer" >> TrainTokenizer(config.train, path)
            model_name = MODEL_FILE
        else:
            model = (
                documents.pipeline
                | "ModelPath" >> beam.Create([config.model])
                | "ReadModel" >> beam.Map(read_model)
            )
            model_name = config.model
        tokenizer = beam.pvalue.AsSingleton(
            model
            | "DescribeTokenizer"
            >> beam.Map(lambda m: TokenizerRecord.of(configured_tokenizer(m, config), model_name))
        )
        encoded = (
            documents
            | "Batch"
            >> beam.BatchElements(
                min_batch_size=DOCUMENTS_PER_BATCH, max_batch_size=DOCUMENTS_PER_BATCH
            )
            | "Encode"
            >> beam.ParDo(_Encode(config), beam.pvalue.AsSingleton(model)).with_outputs(
                COUNTS, main="documents"
            )
        )
        tokenized = encoded.documents
        per_shard = config.tokens_per_shard
        count = beam.pvalue.AsSingleton(
            tokenized
            | "Tokens" >> beam.Map(lambda d: d.input_ids.size)
            | "Total" >> beam.CombineGlobally(sum)
            | "NumShards" >> beam.Map(lambda total: max(1, math.ceil(total / per_shard)))
        )
        shards = (
            tokenized
            | "KeyByShard" >> beam.Map(lambda d, n: (stable_shard(d.key, n), d), count)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShard" >> beam.ParDo(_WriteShard(config, directory), count, tokenizer)
        )
        provenance = self.provenance
        manifest = (
            shards
            | "Gather" >> beam.combiners.ToList()
            | "WriteManifest"
            >> beam.Map(
                lambda records, t: write_manifest(directory, records, t, provenance).name,
                tokenizer,
            )
            | "ManifestPath" >> beam.Map(lambda name: posixpath.join(directory, name))
        )
        records_read = pbegin | "CountRead" >> CountRecordsRead(self.inputs)
        counts = (encoded[COUNTS], records_read, read.counts) | "Counts" >> beam.Flatten()
        return StageResult(manifest, read.dead_letters, counts)
