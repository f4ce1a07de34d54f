"""The tokenization stage in Beam: shards read back exactly, by megatron-core too; the same
bytes with one or two workers; a model trained from the input when none is configured."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from megatron.core.datasets.indexed_dataset import IndexedDataset

from corpus.cli import main
from corpus.config import validate
from corpus.errors import ConfigError
from corpus.pipelines.document_io import document_key
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph
from corpus.tokenize.megatron import read_indexed_dataset
from corpus.tokenize.token_shards import order_key
from corpus.tokenize.tokenizer import Tokenizer, read_model
from tests.support.outputs import side, stats_of
from tests.support.paths import TOKENIZERS, require_shared
from tests.support.stages import run_stage_into

LLM_JP_MODEL = TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
LIVEDOOR = "ja_text/livedoor-news-corpus/text"

pytestmark = pytest.mark.slow


def livedoor_documents(fixtures: Path) -> list[Document]:
    documents = []
    for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt")):
        url, _date, *body = path.read_text(encoding="utf-8").splitlines()
        paragraphs = [Paragraph(line) for line in body if line.strip()]
        category = path.parent.name
        documents.append(Document(id=path.stem, url=url, source=category, paragraphs=paragraphs))
    return documents


def write_input(documents: list[Document], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [d.to_row() for d in documents]
    pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), path)
    return str(path)


def tokenize(inputs: list[str], out: Path, workers: int, **tokenize_config) -> dict:
    config = validate({"inputs": inputs, "output": "run", "tokenize": tokenize_config})
    return run_stage_into("tokenize", inputs, str(out), config, [f"--direct_num_workers={workers}"])


def files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def runs(fixtures: Path, tmp_path_factory) -> dict:
    model = str(require_shared(LLM_JP_MODEL))
    documents = livedoor_documents(fixtures)
    # One empty document: it has no token to train on and is counted, not written.
    documents.append(Document(id="empty", source="test"))
    base = tmp_path_factory.mktemp("tokenize")
    inputs = [
        write_input(documents[0::2], base / "input" / "documents-00000-of-00002.parquet"),
        write_input(documents[1::2], base / "input" / "documents-00001-of-00002.parquet"),
    ]
    llm_jp = {"model": model, "tokens_per_shard": 30_000, "text_jsonl": "jsonl.zst"}
    stats = {w: tokenize(inputs, base / f"w{w}", w, **llm_jp) for w in (1, 2)}
    # No model: the `corpus tokenize` command trains one from the input first.
    settings = ["train.vocab_size=4000", "train.sample_documents=80", "order=keep"]
    overrides = [arg for setting in settings for arg in ("--set", f"tokenize.{setting}")]
    output = ["--output", str(base / "trained"), "--direct_num_workers=2"]
    assert main(["tokenize", *inputs, *output, *overrides]) == 0
    return {"documents": documents, "inputs": inputs, "model": model, "stats": stats, "base": base}


def test_one_and_two_workers_write_the_same_bytes(runs: dict) -> None:
    one, two = files(runs["base"] / "w1"), files(runs["base"] / "w2")
    assert one == two
    assert files(side(runs["base"] / "w1")) == files(side(runs["base"] / "w2"))
    assert runs["stats"][1] == runs["stats"][2]


def test_stats_count_every_document_and_token(runs: dict) -> None:
    stats = runs["stats"][1]
    manifest = json.loads((runs["base"] / "w1" / "manifest.json").read_text())
    assert stats["records_read"] == 204
    assert stats["outcome"] == {"kept": 203, "empty": 1}
    assert stats["tokens"]["written"] == manifest["tokens"]
    assert manifest["documents"] == 203


def test_shards_hold_every_document_exactly_in_every_format(runs: dict) -> None:
    directory = runs["base"] / "w1"
    manifest = json.loads((directory / "manifest.json").read_text())
    tokenizer = Tokenizer(read_model(runs["model"]))
    by_id = {d.id: d for d in runs["documents"] if d.text}
    expected = dict(zip(by_id, tokenizer.encode([d.text for d in by_id.values()]), strict=True))
    total = sum(ids.size for ids in expected.values())
    assert manifest["tokens"] == total
    count = len(manifest["shards"])
    assert count == -(-total // 30_000) == 5  # ceil: shards of about 30,000 tokens
    seen = []
    # The Megatron files beside the manifest, the Parquet table and the texts in the side
    # directory.
    place = {".parquet": side(directory) / "tokens", ".zst": side(directory) / "text"}
    for shard in manifest["shards"]:
        stem = f"tokens-{shard['index']:05d}-of-{count:05d}"
        names = [f["name"] for f in shard["files"]]
        assert names == [
            f"{stem}_text_document.bin",
            f"{stem}_text_document.idx",
            f"{stem}.parquet",
            f"text-{shard['index']:05d}-of-{count:05d}.jsonl.zst",
        ]
        for written in shard["files"]:
            where = place.get(Path(written["name"]).suffix, directory)
            data = (where / written["name"]).read_bytes()
            assert written["bytes"] == len(data)
            assert written["sha256"] == hashlib.sha256(data).hexdigest()
        rows = pq.read_table(place[".parquet"] / f"{stem}.parquet").to_pylist()
        ids = [row["id"] for row in rows]
        sequences = [row["input_ids"] for row in rows]
        assert sequences == [expected[i].tolist() for i in ids]
        assert [
            s.tolist() for s in read_indexed_dataset(str(directory / f"{stem}_text_document"))
        ] == sequences
        dataset = IndexedDataset(str(directory / f"{stem}_text_document"))
        assert [dataset[i].tolist() for i in range(len(dataset))] == sequences
        assert (shard["documents"], shard["tokens"]) == (len(rows), sum(map(len, sequences)))
        # Shuffled in the shard by the seed, the same order on any runner.
        keys = [document_key(by_id[i]) for i in ids]
        assert keys == sorted(keys, key=lambda k: order_key(k, "shuffle", 0))
        seen += ids
    assert sorted(seen) == sorted(by_id)
    assert [s["tokens"] for s in manifest["shards"]] == [34_141, 25_488, 24_014, 29_044, 28_470]
    assert (
        manifest["tokenizer"]["sha256"]
        == hashlib.sha256(Path(runs["model"]).read_bytes()).hexdigest()
    )
    assert manifest["tokenizer"]["megatron_dtype"] == "int32"
    assert manifest["config"]["tokenize"]["tokens_per_shard"] == 30_000
    assert manifest["config"]["inputs"] == runs["inputs"]


def test_without_a_model_one_is_trained_from_the_input_and_recorded(runs: dict) -> None:
    directory = runs["base"] / "trained" / "tokenize"
    manifest = json.loads((directory / "manifest.json").read_text())
    model = (directory / "tokenizer.model").read_bytes()
    tokenizer = Tokenizer(model)
    assert manifest["tokenizer"]["model"] == "tokenizer.model"
    assert manifest["tokenizer"]["sha256"] == hashlib.sha256(model).hexdigest()
    assert manifest["tokenizer"]["vocab_size"] == tokenizer.vocab_size <= 4000
    assert manifest["tokenizer"]["megatron_dtype"] == "uint16"
    assert len(manifest["shards"]) == 1  # the default shard size holds everything
    stem = "tokens-00000-of-00001"
    dataset = IndexedDataset(str(directory / f"{stem}_text_document"))
    assert dataset.index.dtype == np.uint16
    rows = pq.read_table(side(directory) / "tokens" / f"{stem}.parquet").to_pylist()
    by_id = {d.id: d for d in runs["documents"]}
    # order: keep puts documents in key order; every one decodes back to its text.
    keys = [document_key(by_id[row["id"]]) for row in rows]
    assert keys == sorted(keys)
    assert [tokenizer.decode(dataset[i]) for i in range(len(dataset))] == [
        by_id[row["id"]].text for row in rows
    ]
    stats = stats_of(directory)
    assert stats["outcome"] == {"kept": 203, "empty": 1}


def test_train_tokenizer_command_matches_the_stage_training(runs: dict, capsys) -> None:
    output = runs["base"] / "cli" / "ja.model"
    settings = [
        "--set",
        "tokenize.train.vocab_size=4000",
        "--set",
        "tokenize.train.sample_documents=80",
    ]
    args = ["train-tokenizer", *runs["inputs"], "--output", str(output), *settings]
    assert main([*args, "--direct_num_workers=1"]) == 0
    model = output.read_bytes()
    assert model == (runs["base"] / "trained" / "tokenize" / "tokenizer.model").read_bytes()
    assert f"sha256 {hashlib.sha256(model).hexdigest()}" in capsys.readouterr().out
    assert main([*args, "--direct_num_workers=1"]) == 2  # refuses to overwrite
    assert "exists; pass --overwrite" in capsys.readouterr().err


def test_a_model_without_bos_or_a_missing_model_stops_before_any_work(runs: dict, tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"tokenize\.model: .*missing\.model"):
        tokenize(runs["inputs"], tmp_path / "a", 1, model=str(tmp_path / "missing.model"))
    with pytest.raises(ConfigError, match=r"bos_id 99574 is outside the vocabulary"):
        tokenize(runs["inputs"], tmp_path / "b", 1, model=runs["model"], bos_id=99_574)
