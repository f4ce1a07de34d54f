"""The tokenizer (LLM-jp's model and ones trained here) and tokenizer training."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import sentencepiece as spm

from corpus.config import validate
from corpus.errors import ConfigError
from corpus.tokenize.config import TokenizerTrainingConfig
from corpus.tokenize.tokenizer import Tokenizer, read_model
from corpus.tokenize.training import train_tokenizer, training_sentences
from tests.support.paths import TOKENIZERS, require_shared

LLM_JP_MODEL = TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
LLM_JP_SHA256 = "9f1ece69671e1f73f850981304c26698a7c8e1853a5d87368bd16e536fb69cfa"
LIVEDOOR = "ja_text/livedoor-news-corpus/text"


@pytest.fixture(scope="module")
def llm_jp() -> bytes:
    return read_model(str(require_shared(LLM_JP_MODEL)))


@pytest.fixture(scope="module")
def japanese_texts(fixtures: Path) -> list[str]:
    """Every livedoor article, 吾輩は猫である whole, and the lingua Japanese sentences."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt"))]
    novel = fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt"
    sentences = fixtures / "langid/lingua-py/language-testdata/sentences/ja.txt"
    texts.append(novel.read_text(encoding="utf-8"))
    texts += sentences.read_text(encoding="utf-8").splitlines()
    assert len(texts) == 203 + 1 + 412
    return texts


@pytest.fixture(scope="module")
def trained(japanese_texts: list[str]) -> bytes:
    return train_tokenizer(japanese_texts[:60], TokenizerTrainingConfig(vocab_size=3000))


def test_llm_jp_model_gives_its_published_ids_framed_by_bos_and_eos(llm_jp: bytes) -> None:
    tokenizer = Tokenizer(llm_jp)
    assert (tokenizer.vocab_size, tokenizer.bos_id, tokenizer.eos_id) == (99_574, 1, 2)
    assert tokenizer.sha256 == LLM_JP_SHA256
    (ids,) = tokenizer.encode(["自然言語処理とは何か"])
    assert ids.dtype == np.int32
    assert ids.tolist() == [1, 52757, 75849, 66692, 78455, 99244, 2]
    (bare,) = Tokenizer(llm_jp, add_bos=False, add_eos=False).encode(["自然言語処理とは何か"])
    assert bare.tolist() == [52757, 75849, 66692, 78455, 99244]
    (eos_only,) = Tokenizer(llm_jp, add_bos=False).encode(["自然言語処理とは何か"])
    assert eos_only.tolist() == [52757, 75849, 66692, 78455, 99244, 2]
    (custom,) = Tokenizer(llm_jp, bos_id=7, eos_id=7).encode(["自然言語処理とは何か"])
    assert custom.tolist() == [7, 52757, 75849, 66692, 78455, 99244, 7]


def test_special_tokens_in_text_are_ordinary_text(llm_jp: bytes) -> None:
    tokenizer = Tokenizer(llm_jp)
    text = "文末は</s>、文頭は<s>、区切りは<EOD>と書く"
    (ids,) = tokenizer.encode([text])
    inner = ids[1:-1].tolist()
    assert not {0, 1, 2, 3, 4, 5, 6, 7} & set(inner)  # no control piece from the text
    assert tokenizer.processor.encode("</s>") == [1878, 28718, 28772]  # "▁</", "s", ">"
    assert tokenizer.processor.encode("<s>") == [538, 28718, 28772]  # "▁<", "s", ">"
    assert tokenizer.decode(ids) == text


def test_decode_encode_round_trips_the_japanese_fixtures(
    llm_jp: bytes, trained: bytes, japanese_texts: list[str]
) -> None:
    texts = [*japanese_texts, " 先頭の空白", "末尾の空白  ", "　全角空白　", "ＡＢＣ１２３", "😀"]
    for model in (llm_jp, trained):
        tokenizer = Tokenizer(model)
        encoded = tokenizer.encode(texts)
        assert all(ids[0] == 1 and ids[-1] == 2 for ids in encoded)
        assert [tokenizer.decode(ids) for ids in encoded] == texts


def test_empty_text_has_no_tokens_and_no_framing(llm_jp: bytes) -> None:
    empty, one = Tokenizer(llm_jp).encode(["", "あ"])
    assert empty.size == 0
    assert one.size == 3


def test_missing_or_bad_framing_ids_are_named(llm_jp: bytes, japanese_texts: list[str]) -> None:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_sentences(japanese_texts[:20])),
        model_writer=model,
        vocab_size=2000,
        bos_id=-1,
        eos_id=-1,
        minloglevel=2,
    )
    without_bos = model.getvalue()
    with pytest.raises(ValueError, match=r"no bos piece: set tokenize\.bos_id"):
        Tokenizer(without_bos)
    with pytest.raises(ValueError, match=r"no eos piece: set tokenize\.eos_id"):
        Tokenizer(without_bos, add_bos=False)
    (ids,) = Tokenizer(without_bos, add_bos=False, add_eos=False).encode(["日本語"])
    assert ids.size > 0
    with pytest.raises(ValueError, match=r"eos_id 99574 is outside the vocabulary \(0\.\.99573\)"):
        Tokenizer(llm_jp, eos_id=99_574)
    with pytest.raises(ValueError, match="not a SentencePiece model"):
        Tokenizer(b"not a model")


def test_training_is_deterministic_and_keeps_japanese_text_as_written(
    trained: bytes, japanese_texts: list[str]
) -> None:
    config = TokenizerTrainingConfig(vocab_size=3000)
    assert train_tokenizer(japanese_texts[:60], config) == trained  # byte for byte
    tokenizer = Tokenizer(trained)
    assert 2000 < tokenizer.vocab_size <= 3000
    processor = tokenizer.processor
    assert (processor.unk_id(), processor.bos_id(), processor.eos_id()) == (0, 1, 2)
    assert processor.id_to_piece(3) == "<0x00>"  # byte fallback: 256 byte pieces
    assert processor.id_to_piece(258) == "<0xFF>"
    # Identity normalisation keeps full-width forms; digits are pieces of their own; runs
    # of spaces are kept.
    assert processor.encode("２０２４", out_type=str) == ["▁", "２", "０", "２", "４"]
    assert processor.encode("10  年", out_type=str) == ["▁", "1", "0", "▁", "▁", "年"]
    nfkc = TokenizerTrainingConfig(vocab_size=3000, normalization="nfkc")
    folded = Tokenizer(train_tokenizer(japanese_texts[:60], nfkc)).processor
    assert folded.encode("ＡＢ", out_type=str) == ["▁", "A", "B"]


def test_an_empty_or_too_varied_sample_fails_clearly(japanese_texts: list[str]) -> None:
    with pytest.raises(ValueError, match="Vocabulary size is smaller than required_chars"):
        train_tokenizer(japanese_texts[:60], TokenizerTrainingConfig(vocab_size=300))
    with pytest.raises(ValueError, match="no text to train a tokenizer on"):
        train_tokenizer(["", " \n\n"], TokenizerTrainingConfig())


def test_training_sentences_are_the_non_blank_lines() -> None:
    assert list(training_sentences(["一行目\n\n  \n二行目", "三行目"])) == [
        "一行目",
        "二行目",
        "三行目",
    ]


def test_tokenize_comes_last_and_defaults_follow_llm_jp() -> None:
    config = validate({"inputs": ["a"], "output": "o", "stages": ["dedup", "tokenize"]})
    tokenize = config.tokenize
    assert (tokenize.model, tokenize.add_bos, tokenize.add_eos) == (None, True, True)
    assert (tokenize.bos_id, tokenize.eos_id, tokenize.parquet) == (None, None, "zstd")
    assert tokenize.train.normalization == "identity"
    assert tokenize.train.split_digits and not tokenize.train.remove_extra_whitespaces
    with pytest.raises(ConfigError, match="tokenize writes no documents for a later stage"):
        validate({"inputs": ["a"], "output": "o", "stages": ["tokenize", "dedup"]})
    with pytest.raises(ConfigError, match=r"tokenize\.text_jsonl: Input should be 'off'"):
        validate({"inputs": ["a"], "output": "o", "tokenize": {"text_jsonl": "gz"}})
