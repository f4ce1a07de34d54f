"""Models and word lists named by a non-local Beam FileSystems path (as gs:// is on Dataflow).

A FileSystem registered here for a made-up scheme serves files from the test's directory;
Beam picks a file system by its scheme, so the code under test reaches it exactly as it
would reach GCS or S3.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import ClassVar

import pytest
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.localfilesystem import LocalFileSystem

from corpus import model_files
from corpus.cli import main
from corpus.config import validate
from corpus.errors import ConfigError
from corpus.extract.langid import LanguageIdentifier, bundled_model_path
from corpus.filters.chain import FilterChain
from corpus.filters.classifier import FastTextClassifier
from corpus.filters.keywords import WordTypes, read_keywords
from corpus.filters.perplexity import KenLMDocAvgPerplexity
from corpus.model_files import is_file, local_path
from corpus.quality.classifier_training import train_classifier
from corpus.schema import Document, Paragraph

SCHEME = "corpustest"
PREFIX = f"{SCHEME}://"
MISSING = f"{PREFIX}models/missing.bin"
SENTENCES = "langid/lingua-py/language-testdata/sentences"
WARC = "warc/commoncrawl-whirlwind/whirlwind.warc.gz"

# A bigram model over the words fugashi finds in 今日は晴れ; see test_kenlm_model.
ARPA = """\\data\\
ngram 1=6
ngram 2=3

\\1-grams:
-1.0\t<unk>\t0
-99\t<s>\t-0.3
-0.7\t</s>\t0
-0.8\t今日\t-0.2
-0.9\tは\t-0.2
-1.1\t晴れ\t-0.2

\\2-grams:
-0.3\t<s> 今日
-0.2\t今日 は
-0.4\tは 晴れ

\\end\\
"""


class ServedFileSystem(LocalFileSystem):
    """`corpustest://NAME` is the file NAME under `root`; opens are recorded. Like an object
    store, only files exist (no directories)."""

    root: ClassVar[Path]
    opened: ClassVar[list[str]]

    @classmethod
    def scheme(cls) -> str:
        return SCHEME

    def _served(self, path: str) -> Path:
        return self.root / path.removeprefix(PREFIX)

    def exists(self, path: str) -> bool:
        return self._served(path).is_file()

    def metadata(self, path: str) -> FileMetadata:
        stat = self._served(path).stat()
        return FileMetadata(path, stat.st_size, stat.st_mtime)

    def open(self, path: str, mime_type: str = "", compression_type: str = "auto"):
        self.opened.append(path)
        return super().open(str(self._served(path)), compression_type=compression_type)


@pytest.fixture
def bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory `corpustest://` serves; the machine's cache and the process's memo are
    the test's own."""
    root = tmp_path / "bucket"
    root.mkdir()
    monkeypatch.setattr(ServedFileSystem, "root", root, raising=False)
    monkeypatch.setattr(ServedFileSystem, "opened", [], raising=False)
    monkeypatch.setattr(model_files, "CACHE_DIRECTORY", tmp_path / "cache")
    monkeypatch.setattr(model_files, "_local_paths", {})
    return root


def serve(bucket: Path, name: str, source: Path | bytes) -> str:
    """Puts `source` (a file or bytes) in the bucket as `name`; its remote path."""
    target = bucket / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        target.write_bytes(source)
    return PREFIX + name


def document(texts: list[str]) -> Document:
    return Document(id="test", language="ja", paragraphs=[Paragraph(text=t) for t in texts])


def test_local_paths_are_used_as_they_are(tmp_path: Path, bucket: Path) -> None:
    local = tmp_path / "lid.bin"
    local.write_bytes(b"model")
    assert local_path(str(local)) == str(local)
    assert is_file(str(local))
    assert not is_file(str(tmp_path))  # a directory is not a model
    assert not model_files.CACHE_DIRECTORY.exists()


def test_a_remote_file_is_fetched_once_per_machine(bucket: Path) -> None:
    remote = serve(bucket, "models/lm.arpa.gz", b"\x1f\x8b not really gzip")
    assert is_file(remote)
    assert not is_file(PREFIX + "models")  # only files exist in an object store
    copy = Path(local_path(remote))
    assert copy.parent == model_files.CACHE_DIRECTORY
    assert copy.name.endswith("-lm.arpa.gz")
    assert copy.read_bytes() == b"\x1f\x8b not really gzip"  # as stored, not decompressed
    assert local_path(remote) == str(copy)
    model_files._local_paths.clear()  # another process of the same machine
    assert local_path(remote) == str(copy)
    assert ServedFileSystem.opened == [remote]
    assert sorted(p.name for p in model_files.CACHE_DIRECTORY.iterdir()) == [
        f".{copy.name}.lock",
        copy.name,
    ]

    (bucket / "models/lm.arpa.gz").write_bytes(b"a newer model")
    model_files._local_paths.clear()
    newer = Path(local_path(remote))
    assert newer != copy
    assert newer.read_bytes() == b"a newer model"
    assert ServedFileSystem.opened == [remote, remote]


def test_language_identifier(bucket: Path, fixtures: Path) -> None:
    remote = serve(bucket, "models/lid.176.ftz", Path(bundled_model_path()))
    texts = []
    for language in ("ja", "zh", "ko", "en"):
        lines = (fixtures / SENTENCES / f"{language}.txt").read_text(encoding="utf-8")
        texts += lines.splitlines()[:50]
    guesses = LanguageIdentifier(remote).predict(texts)
    assert guesses == LanguageIdentifier().predict(texts)
    assert [g.label for g in guesses].count("ja") == 50


def test_fasttext_classifier(bucket: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    good = ["図書館で本を読みながら静かな午後を過ごしました。", "家族で公園へ出かけました。"]
    bad = ["激安セール開催中!今すぐクリック!送料無料!", "高収入!即日OK!無料登録!"]
    lines = [f"{t}\tgood" for t in good] + [f"{t}\tbad" for t in bad]
    data.write_text("\n".join(lines * 4) + "\n", encoding="utf-8")
    train_classifier(data, tmp_path / "quality.bin", held_out=0.25, seed=3, epochs=50)
    remote = serve(bucket, "models/quality.bin", tmp_path / "quality.bin")
    entry = {"filter": "FastTextClassifier", "label": "bad", "threshold": 0.5}
    (from_bucket,) = FilterChain.from_entries([{**entry, "model": remote}]).filters
    local = FastTextClassifier(model=tmp_path / "quality.bin", label="bad", threshold=0.5)
    assert from_bucket.model == remote
    for text in [*good, *bad, "★クーポン配布中★最安値!"]:
        assert from_bucket.probability(document([text])) == local.probability(document([text]))


def test_kenlm_model(bucket: Path, tmp_path: Path) -> None:
    (tmp_path / "lm.arpa").write_text(ARPA, encoding="utf-8")
    remote = serve(bucket, "models/lm.arpa", tmp_path / "lm.arpa")
    from_bucket = KenLMDocAvgPerplexity(model=remote, segmenter="fugashi")
    from_bucket.setup()
    local = KenLMDocAvgPerplexity(model=tmp_path / "lm.arpa", segmenter="fugashi")
    # <s> 今日 -0.3, 今日 は -0.2, は 晴れ -0.4, 晴れ </s> backs off: -0.2 - 0.7; over 3 words.
    assert from_bucket.paragraph_score("今日は晴れ") == pytest.approx(-0.6)
    doc = document(["今日は晴れ", "明日は雨"])
    assert from_bucket.measure(doc) == local.measure(doc)


def test_keyword_list(bucket: Path) -> None:
    remote = serve(bucket, "lists/ng words.txt", "# industry words\n\n 風俗 \nヘルス\n".encode())
    assert read_keywords(remote) == ("風俗", "ヘルス")
    words = WordTypes(list=remote, threshold=2)
    assert words.label == "WordTypes(list=ng_words,threshold=2)"
    assert words.removal(document(["風俗店とヘルスの求人"])) == words.label


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"extract": {"langid_model": MISSING}}, f"extract.langid_model: {MISSING} does not exist"),
        ({"tokenize": {"model": MISSING}}, f"tokenize.model: {MISSING} does not exist"),
        (
            {"filter": {"chain": [{"filter": "KenLMDocAvgPerplexity", "model": MISSING}]}},
            f"filter: chain[0] (KenLMDocAvgPerplexity): model: Value error, KenLM model {MISSING}"
            " does not exist",
        ),
        (
            {"filter": {"chain": [{"filter": "WordTypes", "list": MISSING}]}},
            f"filter: chain[0] (WordTypes): list: Value error, keyword list '{MISSING}' is neither",
        ),
    ],
)
def test_a_missing_remote_file_is_a_config_error_naming_the_key(
    bucket: Path, section: dict, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        validate({"inputs": ["crawl/*.warc.gz"], "output": "out", **section})
    assert f"\n  {problem}" in str(raised.value)
    assert ServedFileSystem.opened == []


def test_a_scheme_without_a_file_system_is_a_config_error(bucket: Path) -> None:
    raw = {"inputs": ["x"], "output": "out", "extract": {"langid_model": "nosuch://m.bin"}}
    with pytest.raises(ConfigError, match=re.escape("extract.langid_model: Unable to get")):
        validate(raw)


def test_a_remote_model_is_checked_before_any_work(
    bucket: Path, fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    args = ["extract", str(fixtures / WARC), "--output", str(output)]
    assert main([*args, "--set", f"extract.langid_model={MISSING}"]) == 2
    assert f"extract.langid_model: {MISSING} does not exist" in capsys.readouterr().err
    assert not output.exists()
    assert ServedFileSystem.opened == []
    served = serve(bucket, "models/lid.176.ftz", Path(bundled_model_path()))
    assert validate({"inputs": ["x"], "output": "o", "extract": {"langid_model": served}})
