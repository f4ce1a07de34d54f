"""Token shards: the Megatron indexed dataset (checked by megatron-core's own reader), the
Parquet token table, JSONL text, atomic hashed files and the manifest."""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import zstandard
from megatron.core.datasets.indexed_dataset import IndexedDataset

from corpus.atomic_files import write_atomically
from corpus.tokenize.config import TokenizerTrainingConfig
from corpus.tokenize.manifest import TokenizerRecord, manifest, write_manifest
from corpus.tokenize.megatron import (
    index_bytes,
    parse_index,
    read_indexed_dataset,
    token_dtype,
)
from corpus.tokenize.token_shards import (
    TokenizedDocument,
    megatron_prefix,
    order_key,
    write_token_shard,
)
from corpus.tokenize.tokenizer import Tokenizer, read_model
from corpus.tokenize.training import train_tokenizer
from tests.support.paths import TOKENIZERS, require_shared

LLM_JP_MODEL = TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
LIVEDOOR = "ja_text/livedoor-news-corpus/text"


@pytest.fixture(scope="module")
def articles(fixtures: Path) -> dict[str, str]:
    """Article name -> its text, for 41 livedoor articles (every fifth)."""
    paths = sorted((fixtures / LIVEDOOR).glob("*/*-*.txt"))[::5]
    return {p.stem: p.read_text(encoding="utf-8") for p in paths}


@pytest.fixture(scope="module")
def llm_jp() -> Tokenizer:
    return Tokenizer(read_model(str(require_shared(LLM_JP_MODEL))))


def tokenized(tokenizer: Tokenizer, articles: dict[str, str]) -> list[TokenizedDocument]:
    encoded = tokenizer.encode(list(articles.values()))
    return [
        TokenizedDocument(f"key-{name}", name, "livedoor", ids, text)
        for (name, text), ids in zip(articles.items(), encoded, strict=True)
    ]


def test_index_layout_byte_by_byte() -> None:
    data = index_bytes(np.array([3, 1, 2], dtype=np.int32), np.dtype(np.uint16))
    expected = (
        b"MMIDIDX\x00\x00"
        + struct.pack("<Q", 1)  # version
        + bytes([8])  # uint16
        + struct.pack("<QQ", 3, 4)  # N sequences, N + 1 document indices
        + struct.pack("<3i", 3, 1, 2)  # lengths
        + struct.pack("<3q", 0, 6, 8)  # byte offsets: 2 bytes per token
        + struct.pack("<4q", 0, 1, 2, 3)  # document indices
    )
    assert data == expected
    index = parse_index(data)
    assert index.dtype == np.uint16
    assert index.lengths.tolist() == [3, 1, 2]
    assert index.pointers.tolist() == [0, 6, 8]
    assert index.document_indices.tolist() == [0, 1, 2, 3]
    int32 = index_bytes(np.array([3, 1, 2], dtype=np.int32), np.dtype(np.int32))
    assert int32[17] == 4
    assert parse_index(int32).pointers.tolist() == [0, 12, 16]


def test_token_dtype_follows_megatron_vocabulary_rule() -> None:
    assert token_dtype(65_499) == np.uint16
    assert token_dtype(65_500) == np.int32
    assert token_dtype(99_574) == np.int32


def test_bad_indexes_are_refused(tmp_path: Path) -> None:
    good = index_bytes(np.array([2, 2], dtype=np.int32), np.dtype(np.uint16))
    with pytest.raises(ValueError, match="shorter than its header"):
        parse_index(good[:20])
    with pytest.raises(ValueError, match="not a version 1 Megatron index"):
        parse_index(b"XXIDIDX\x00\x00" + good[9:])
    with pytest.raises(ValueError, match="expected 82"):
        parse_index(good + b"\x00")
    (tmp_path / "x.idx").write_bytes(good)
    (tmp_path / "x.bin").write_bytes(b"\x00" * 6)  # the index describes 4 tokens, 8 bytes
    with pytest.raises(ValueError, match="6 bytes, the index describes another size"):
        read_indexed_dataset(str(tmp_path / "x"))


def test_shard_reads_back_exactly_through_ours_megatron_core_and_pyarrow(
    tmp_path: Path, llm_jp: Tokenizer, articles: dict[str, str]
) -> None:
    documents = tokenized(llm_jp, articles)
    directory = tmp_path / "tokenize"
    record = write_token_shard(documents, str(directory), 2, 5, token_dtype(llm_jp.vocab_size))
    prefix = megatron_prefix(2, 5)
    assert prefix == "tokens-00002-of-00005_text_document"
    assert sorted(p.name for p in directory.iterdir()) == [f"{prefix}.bin", f"{prefix}.idx"]
    table_path = tmp_path / "tokenize.meta" / "tokens" / "tokens-00002-of-00005.parquet"
    assert sorted(tmp_path.glob("tokenize.meta/**/*.*")) == [table_path]
    expected = [d.input_ids.tolist() for d in documents]
    assert [s.tolist() for s in read_indexed_dataset(str(directory / prefix))] == expected

    dataset = IndexedDataset(str(directory / prefix))
    assert len(dataset) == len(documents) == 41
    assert dataset.index.dtype == np.int32
    assert [dataset[i].tolist() for i in range(len(dataset))] == expected
    assert dataset.document_indices.tolist() == list(range(42))
    assert dataset.sequence_lengths.tolist() == [len(ids) for ids in expected]

    table = pq.read_table(table_path)
    assert str(table.schema.field("input_ids").type) == "list<element: int32 not null>"
    assert pq.ParquetFile(table_path).metadata.row_group(0).column(3).compression == "ZSTD"
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == list(articles)
    assert [r["input_ids"] for r in rows] == expected
    assert [r["num_tokens"] for r in rows] == [len(ids) for ids in expected]
    assert {r["source"] for r in rows} == {"livedoor"}
    assert [llm_jp.decode(r["input_ids"]) for r in rows] == list(articles.values())

    assert (record.index, record.documents) == (2, 41)
    assert record.tokens == sum(len(ids) for ids in expected)
    assert (directory / f"{prefix}.bin").stat().st_size == record.tokens * 4
    for written in record.files:
        place = table_path.parent if written.name.endswith(".parquet") else directory
        data = (place / written.name).read_bytes()
        assert (written.bytes, written.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_small_vocabulary_is_uint16_and_text_jsonl_is_megatrons_input(
    tmp_path: Path, articles: dict[str, str]
) -> None:
    model = train_tokenizer(list(articles.values()), TokenizerTrainingConfig(vocab_size=3000))
    tokenizer = Tokenizer(model)
    documents = tokenized(tokenizer, articles)
    dtype = token_dtype(tokenizer.vocab_size)
    assert dtype == np.uint16
    texts = [{"text": text} for text in articles.values()]
    for extension, decompress in (
        ("jsonl", bytes),
        ("jsonl.gz", gzip.decompress),
        ("jsonl.zst", zstandard.ZstdDecompressor().decompressobj().decompress),
    ):
        directory = tmp_path / extension
        record = write_token_shard(documents, str(directory), 0, 1, dtype, text_jsonl=extension)
        name = f"text-00000-of-00001.{extension}"
        assert record.files[-1].name == name
        text_file = tmp_path / f"{extension}.meta" / "text" / name
        lines = decompress(text_file.read_bytes()).decode("utf-8").splitlines()
        assert [json.loads(line) for line in lines] == texts
    prefix = str(tmp_path / "jsonl" / megatron_prefix(0, 1))
    assert IndexedDataset(prefix).index.dtype == np.uint16
    assert (tmp_path / "jsonl" / f"{megatron_prefix(0, 1)}.bin").stat().st_size == (
        2 * record.tokens
    )
    sequences = read_indexed_dataset(prefix)
    assert [s.tolist() for s in sequences] == [d.input_ids.tolist() for d in documents]
    # gzip without a file name (flags 0) or a time (0) in its header: reproducible bytes.
    header = (tmp_path / "jsonl.gz.meta/text/text-00000-of-00001.jsonl.gz").read_bytes()[:8]
    assert header == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"


def test_parquet_table_uncompressed_or_off(tmp_path: Path, llm_jp: Tokenizer, articles) -> None:
    documents = tokenized(llm_jp, articles)
    dtype = token_dtype(llm_jp.vocab_size)
    plain = write_token_shard(documents, str(tmp_path / "plain"), 0, 1, dtype, "uncompressed")
    path = tmp_path / "plain.meta" / "tokens" / "tokens-00000-of-00001.parquet"
    metadata = pq.ParquetFile(path).metadata
    assert metadata.row_group(0).column(3).compression == "UNCOMPRESSED"
    rows = pq.read_table(path).to_pylist()
    assert [r["input_ids"] for r in rows] == [d.input_ids.tolist() for d in documents]
    off = write_token_shard(documents, str(tmp_path / "off"), 0, 1, dtype, "off")
    assert [f.name for f in off.files] == [f.name for f in plain.files[:2]]
    assert off.files == plain.files[:2]  # the Megatron files do not depend on the Parquet
    assert sorted(p.name for p in (tmp_path / "off").iterdir()) == [f.name for f in off.files]
    assert not (tmp_path / "off.meta").exists()


def test_atomic_write_leaves_only_the_final_file(tmp_path: Path) -> None:
    written = write_atomically(str(tmp_path), "a.bin", lambda h: h.write(b"abc"))
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]
    assert (written.name, written.bytes) == ("a.bin", 3)
    assert written.sha256 == hashlib.sha256(b"abc").hexdigest()

    def fail(handle) -> None:
        handle.write(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(tmp_path), "b.bin", fail)
    assert not (tmp_path / "b.bin").exists()  # never a partial file under the final name


def test_document_order_kept_or_shuffled_by_seed() -> None:
    keys = [f"doc-{i:03d}" for i in range(50)]
    assert sorted(reversed(keys), key=lambda k: order_key(k, "keep", 0)) == keys
    shuffled = sorted(keys, key=lambda k: order_key(k, "shuffle", 0))
    assert shuffled != keys
    assert sorted(reversed(keys), key=lambda k: order_key(k, "shuffle", 0)) == shuffled
    assert sorted(keys, key=lambda k: order_key(k, "shuffle", 1)) != shuffled
    # Pinned: the order must not change between processes or releases.
    assert shuffled[:3] == ["doc-012", "doc-032", "doc-019"]


def test_manifest_lists_shards_in_order_with_totals(tmp_path: Path, llm_jp: Tokenizer) -> None:
    documents = [TokenizedDocument("k", "a", "s", np.array([1, 5, 2], dtype=np.int32))]
    shards = [write_token_shard(documents, str(tmp_path), i, 2, np.dtype(np.int32)) for i in (1, 0)]
    record = TokenizerRecord.of(llm_jp, "models/llm-jp.model")
    written = write_manifest(str(tmp_path), shards, record, {"tokenize": {"seed": 0}})
    data = (tmp_path / "manifest.json").read_bytes()
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    content = json.loads(data)
    assert content == manifest(shards, record, {"tokenize": {"seed": 0}})
    assert [s["index"] for s in content["shards"]] == [0, 1]
    assert (content["documents"], content["tokens"]) == (2, 6)
    assert content["tokenizer"] == {
        "model": "models/llm-jp.model",
        "sha256": llm_jp.sha256,
        "vocab_size": 99_574,
        "bos_id": 1,
        "eos_id": 2,
        "megatron_dtype": "int32",
    }
    assert content["shards"][0]["files"][0] == {
        "name": "tokens-00000-of-00002_text_document.bin",
        "bytes": 12,
        "sha256": hashlib.sha256(np.array([1, 5, 2], "<i4").tobytes()).hexdigest(),
    }
