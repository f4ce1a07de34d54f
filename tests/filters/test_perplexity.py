"""KenLM perplexity filters, checked against a bigram model this test trains on livedoor news
articles, writes as ARPA and evaluates itself (its own lookups, log10 sums and averaging)."""

from __future__ import annotations

import heapq
import json
import math
import pickle
import random
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import fugashi
import pytest
from sudachipy import Dictionary, SplitMode

from corpus.filters.chain import FilterChain, build_filter
from corpus.filters.perplexity import (
    KenLMDocAvgPerplexity,
    KenLMParagraphPerplexity,
    mean_log10_prob,
)
from corpus.schema import Document, Paragraph

LIVEDOOR = Path("ja_text/livedoor-news-corpus")
ENGLISH = Path("langid/lingua-py/language-testdata/sentences/en.txt")
KEYWORD_SPAM = "激安 送料無料 最安値 ブランド 通販 人気 おすすめ 格安 セール 即日発送 " * 4
DISCOUNT = 0.75
"""Absolute discount of the test's bigram model."""


def article_paragraphs(path: Path) -> list[str]:
    """A livedoor article's body (after the URL, date and title lines) split on blank lines."""
    body = "\n".join(path.read_text(encoding="utf-8").splitlines()[3:])
    return [block.strip() for block in body.split("\n\n") if block.strip()]


def make_document(paragraphs: list[str | Paragraph]) -> Document:
    return Document(
        id="test",
        language="ja",
        paragraphs=[p if isinstance(p, Paragraph) else Paragraph(p) for p in paragraphs],
    )


class ReferenceTokenizer:
    """The tokens a paragraph should be scored on, from SudachiPy or MeCab called directly:
    surfaces line by line, whitespace tokens dropped, split on spaces as kenlm splits."""

    def __init__(self, kind: str, mode: str) -> None:
        if kind == "sudachi":
            tokenizer = Dictionary(dict="core").tokenizer(getattr(SplitMode, mode))
            self.surfaces = lambda line: [m.surface() for m in tokenizer.tokenize(line)]
        else:
            tagger = fugashi.Tagger()
            self.surfaces = lambda line: [w.surface for w in tagger(line)]

    def tokens(self, text: str) -> list[str]:
        return [
            token
            for line in text.split("\n")
            for surface in self.surfaces(line)
            for token in surface.split(" ")
            if token.strip()
        ]


@dataclass
class BigramModel:
    """Bigram model: add-one unigrams, absolutely discounted bigrams backing off to them."""

    unigram: dict[str, float]
    backoff: dict[str, float]
    bigram: dict[tuple[str, str], float]

    @classmethod
    def train(cls, sentences: list[list[str]]) -> BigramModel:
        counts = Counter(token for sentence in sentences for token in sentence)
        counts["</s>"] = len(sentences)
        counts["<unk>"] = 0
        total, vocabulary = sum(counts.values()), len(counts)
        unigram = {w: math.log10((c + 1) / (total + vocabulary)) for w, c in counts.items()}
        pairs = Counter(
            pair
            for sentence in sentences
            for pair in zip(["<s>", *sentence], [*sentence, "</s>"], strict=True)
        )
        history, followers, covered = Counter(), Counter(), defaultdict(float)
        for (first, second), c in pairs.items():
            history[first] += c
            followers[first] += 1
            covered[first] += 10 ** unigram[second]
        bigram = {(a, b): math.log10((c - DISCOUNT) / history[a]) for (a, b), c in pairs.items()}
        backoff = {
            a: math.log10(DISCOUNT * followers[a] / history[a] / (1 - covered[a])) for a in history
        }
        return cls(unigram, backoff, bigram)

    def token_log10_probs(self, tokens: list[str]) -> list[float]:
        """log10 P of each token then of </s>, given the previous token (<s> first)."""
        probs = []
        previous = "<s>"
        for token in [*tokens, "</s>"]:
            word = token if token in self.unigram else "<unk>"
            pair = self.bigram.get((previous, word))
            probs.append(
                pair if pair is not None else self.backoff.get(previous, 0.0) + self.unigram[word]
            )
            previous = word
        return probs

    def write_arpa(self, path: Path) -> None:
        lines = ["\\data\\", f"ngram 1={len(self.unigram) + 1}", f"ngram 2={len(self.bigram)}"]
        lines += ["", "\\1-grams:", f"-99\t<s>\t{self.backoff['<s>']!r}"]
        lines += [f"{p!r}\t{w}\t{self.backoff.get(w, 0.0)!r}" for w, p in self.unigram.items()]
        lines += ["", "\\2-grams:"]
        lines += [f"{p!r}\t{a} {b}" for (a, b), p in self.bigram.items()]
        lines += ["", "\\end\\", ""]
        path.write_text("\n".join(lines), encoding="utf-8")


@dataclass
class Articles:
    train: list[Path]
    held_out: list[Path]


@pytest.fixture(scope="module")
def articles(fixtures: Path) -> Articles:
    """Held out: the first article of each category that has no near-duplicate anywhere."""
    root = fixtures / LIVEDOOR
    pairs = json.loads((root / "neardup_pairs_subset.json").read_text())["pairs"]
    duplicated = {pair[side] for pair in pairs for side in ("a", "b")}
    paths = sorted((root / "text").glob("*/*-*.txt"))
    held_out: dict[str, Path] = {}
    for path in paths:
        if f"{path.parent.name}/{path.name}" not in duplicated:
            held_out.setdefault(path.parent.name, path)
    assert len(held_out) == 9
    return Articles([p for p in paths if p not in held_out.values()], list(held_out.values()))


@pytest.fixture(scope="module")
def bigram(articles: Articles) -> BigramModel:
    tokenizer = ReferenceTokenizer("sudachi", "C")
    sentences = [
        tokenizer.tokens(line)
        for path in articles.train
        for paragraph in article_paragraphs(path)
        for line in paragraph.split("\n")
    ]
    return BigramModel.train([s for s in sentences if s])


@pytest.fixture(scope="module")
def arpa(tmp_path_factory: pytest.TempPathFactory, bigram: BigramModel) -> Path:
    path = tmp_path_factory.mktemp("kenlm") / "livedoor-bigram.arpa"
    bigram.write_arpa(path)
    return path


def reference_score(probs: list[float], outliers: float) -> float:
    """Uzushio's paragraph score written differently: the highest n+1-k values averaged."""
    words = len(probs) - 1
    if outliers < 1e-3:
        return sum(probs) / words
    kept = heapq.nlargest(len(probs) - min(int(outliers * words), 1024), probs)
    return sum(kept) / len(kept)


def reference_doc_perplexity(
    paragraphs: list[str], model: BigramModel, tokenizer: ReferenceTokenizer, outliers: float
) -> float:
    perplexities = [
        10 ** -reference_score(model.token_log10_probs(tokenizer.tokens(p)), outliers)
        for p in paragraphs
    ]
    return sum(x * len(p) for x, p in zip(perplexities, paragraphs, strict=True)) / sum(
        len(p) for p in paragraphs
    )


def test_mean_log10_prob_by_hand() -> None:
    scores = [-1.0, -2.0, -3.0, -10.0, -0.5]  # four words, then </s>
    assert mean_log10_prob(scores, 0.25) == -6.5 / 4  # floor(0.25 x 4) = 1 outlier: -10 goes
    assert mean_log10_prob(scores, 0.1) == -16.5 / 5  # floor(0.4) = 0: nothing goes
    assert mean_log10_prob(scores, 0.5) == -3.5 / 3  # -10 and -3 go
    assert mean_log10_prob(scores, 0.0) == -16.5 / 4  # Uzushio's plain mean: / words
    assert mean_log10_prob([-0.5], 0.1) == -0.5  # no word: </s> alone
    assert mean_log10_prob([-0.5], 0.0) == -math.inf


@pytest.mark.parametrize(
    ("segmenter", "split_mode"), [("sudachi", "C"), ("sudachi", "A"), ("fugashi", "C")]
)
@pytest.mark.parametrize("outliers", [0.1, 0.0])
def test_document_perplexity_equals_own_computation(
    articles: Articles,
    bigram: BigramModel,
    arpa: Path,
    segmenter: str,
    split_mode: str,
    outliers: float,
) -> None:
    tokenizer = ReferenceTokenizer(segmenter, split_mode)
    doc_filter = KenLMDocAvgPerplexity(
        model=arpa, segmenter=segmenter, split_mode=split_mode, outliers=outliers
    )
    for path in articles.held_out:
        paragraphs = article_paragraphs(path)
        expected = reference_doc_perplexity(paragraphs, bigram, tokenizer, outliers)
        # kenlm stores probabilities as float32: about 1e-7 relative per token.
        assert doc_filter.measure(make_document(paragraphs)) == pytest.approx(expected, rel=1e-6)


def test_only_the_first_64_kib_of_words_is_scored(bigram: BigramModel, arpa: Path) -> None:
    """32,768 one-byte words each followed by a space fill Uzushio's buffer exactly; 10% of
    them would be 3,276 outliers, but at most 1,024 are set aside."""
    paragraph_filter = KenLMParagraphPerplexity(model=arpa, outliers=0.1)
    filling = "x " * 32768
    expected = 10 ** -reference_score(bigram.token_log10_probs(["x"] * 32768), 0.1)
    assert paragraph_filter.paragraph_perplexity(filling) == pytest.approx(expected, rel=1e-6)
    longer = filling + "日本語の文章が続く。" * 2000  # also past SudachiPy's 49,149-byte limit
    assert paragraph_filter.paragraph_perplexity(longer) == paragraph_filter.paragraph_perplexity(
        filling
    )


def garbled_documents(fixtures: Path, held_out: list[Path]) -> dict[str, list[str]]:
    rng = random.Random(7)
    garbled = {}
    for path in held_out:
        shuffled = []
        for paragraph in article_paragraphs(path):
            characters = list(paragraph)
            rng.shuffle(characters)
            shuffled.append("".join(characters))
        garbled[f"shuffled {path.name}"] = shuffled
    garbled["keyword spam"] = [KEYWORD_SPAM, KEYWORD_SPAM]
    english = (fixtures / ENGLISH).read_text(encoding="utf-8").splitlines()
    garbled["english"] = english[:20]
    return garbled


def test_held_out_articles_are_more_likely_than_garbled_text(
    fixtures: Path, articles: Articles, arpa: Path
) -> None:
    doc_filter = KenLMDocAvgPerplexity(model=arpa, outliers=0.1)
    held_out = {
        p.name: doc_filter.measure(make_document(article_paragraphs(p))) for p in articles.held_out
    }
    garbled = {
        name: doc_filter.measure(make_document(paragraphs))
        for name, paragraphs in garbled_documents(fixtures, articles.held_out).items()
    }
    assert max(held_out.values()) < 1000
    assert min(garbled.values()) > 3 * max(held_out.values()), (held_out, garbled)


@pytest.mark.parametrize("bound", ["high", "low"])
def test_doc_average_threshold_boundary(articles: Articles, arpa: Path, bound: str) -> None:
    document = make_document(article_paragraphs(articles.held_out[0]))
    value = KenLMDocAvgPerplexity(model=arpa, outliers=0.1).measure(document)
    inside = value * (1 + 1e-9) if bound == "high" else value * (1 - 1e-9)
    outside = value * (1 - 1e-9) if bound == "high" else value * (1 + 1e-9)
    assert (
        KenLMDocAvgPerplexity(model=arpa, outliers=0.1, **{bound: inside}).removal(document) is None
    )
    assert (
        KenLMDocAvgPerplexity(model=arpa, outliers=0.1, **{bound: outside}).removal(document)
        == f"KenLMDocAvgPerplexity({bound}={outside})"
    )


def test_document_without_live_text_is_kept(articles: Articles, arpa: Path) -> None:
    removed = [Paragraph(p, removed_by="Earlier") for p in article_paragraphs(articles.held_out[0])]
    doc_filter = KenLMDocAvgPerplexity(model=arpa, low=5)
    assert math.isnan(doc_filter.measure(make_document(removed)))
    assert doc_filter.removal(make_document(removed)) is None


@pytest.fixture(scope="module")
def good_and_bad(
    fixtures: Path, articles: Articles, arpa: Path
) -> tuple[list[str], list[str], float]:
    """Real paragraphs, shuffled ones, and a threshold between their perplexities."""
    scorer = KenLMParagraphPerplexity(model=arpa, outliers=0.1)
    good = [article_paragraphs(p)[0] for p in articles.held_out[:7]]
    bad = [g[0] for g in list(garbled_documents(fixtures, articles.held_out).values())[:7]]
    highest_good = max(scorer.paragraph_perplexity(p) for p in good)
    lowest_bad = min(scorer.paragraph_perplexity(p) for p in bad)
    assert highest_good < lowest_bad
    return good, bad, math.sqrt(highest_good * lowest_bad)


@pytest.mark.parametrize(
    ("pattern", "count", "expected"),
    [
        ("GBBGGG", 3, "......"),
        ("GBBGGG", 2, ".XX..."),
        ("GGBBBGG", 3, "..XXX.."),
        # Windows are cut at the ends of the document: bad edge runs go whatever their length.
        ("BGGGGB", 3, "X....X"),
        # Removing paragraph 4 removes the bad ones among the 3 before it, run or not.
        ("GBBGBBBGG", 3, ".XX.XXX.."),
        # Paragraphs removed earlier are scored and count in the runs, but keep their mark.
        ("GGBbBGG", 3, "..X-X.."),
        ("GGBgBGG", 3, "...-..."),
    ],
)
def test_paragraph_runs(
    good_and_bad: tuple[list[str], list[str], float],
    arpa: Path,
    pattern: str,
    count: int,
    expected: str,
) -> None:
    """G/B good/bad live paragraph, g/b removed earlier; X removed by this filter, - earlier."""
    good, bad, threshold = good_and_bad
    texts = {"G": iter(good), "B": iter(bad), "g": iter(good[::-1]), "b": iter(bad[::-1])}
    document = make_document(
        [
            Paragraph(next(texts[kind]), removed_by="" if kind.isupper() else "Earlier")
            for kind in pattern
        ]
    )
    paragraph_filter = KenLMParagraphPerplexity(
        model=arpa, outliers=0.1, count=count, threshold=threshold
    )
    marks = {"": ".", "Earlier": "-", paragraph_filter.label: "X"}
    result = paragraph_filter.apply(document)
    assert "".join(marks[p.removed_by] for p in result.paragraphs) == expected
    assert [p.text for p in result.paragraphs] == [p.text for p in document.paragraphs]


def test_paragraph_threshold_boundary(
    good_and_bad: tuple[list[str], list[str], float], arpa: Path
) -> None:
    good, bad, _ = good_and_bad
    document = make_document([good[0], good[1], bad[0], bad[0], bad[0], good[2]])
    value = KenLMParagraphPerplexity(model=arpa, outliers=0.1).paragraph_perplexity(bad[0])
    below = KenLMParagraphPerplexity(model=arpa, outliers=0.1, threshold=value * (1 - 1e-9))
    above = KenLMParagraphPerplexity(model=arpa, outliers=0.1, threshold=value * (1 + 1e-9))
    assert [p.removed_by for p in below.apply(document).paragraphs] == [
        "",
        "",
        *[below.label] * 3,
        "",
    ]
    assert above.apply(document) is document


def test_llm_jp_tiers_from_config(articles: Articles, arpa: Path) -> None:
    entries = [
        {
            "filter": "KenLMParagraphPerplexity",
            "model": str(arpa),
            "outliers": 0.1,
            "count": 3,
            "threshold": 1e6,
        },
        {
            "filter": "KenLMParagraphPerplexity",
            "model": str(arpa),
            "outliers": 0.1,
            "count": 2,
            "threshold": 5e6,
        },
        {
            "filter": "KenLMDocAvgPerplexity",
            "model": str(arpa),
            "outliers": 0.1,
            "high": 1e6,
            "low": 5,
        },
        {
            "filter": "KenLMDocAvgPerplexity",
            "model": str(arpa),
            "outliers": 0.1,
            "high": 5e5,
            "low": 7,
        },
    ]
    chain = FilterChain.from_entries(entries)
    chain.setup()
    assert [f.label for f in chain.filters] == [
        "KenLMParagraphPerplexity(outliers=0.1)",
        "KenLMParagraphPerplexity(outliers=0.1,count=2,threshold=5000000.0)",
        "KenLMDocAvgPerplexity(low=5.0,outliers=0.1)",
        "KenLMDocAvgPerplexity(low=7.0,high=500000.0,outliers=0.1)",
    ]
    for path in articles.held_out:
        document = make_document(article_paragraphs(path))
        assert chain.apply(document) == document


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model.arpa"
    for name in ("KenLMDocAvgPerplexity", "KenLMParagraphPerplexity"):
        with pytest.raises(ValueError, match=f"chain\\[0\\] \\({name}\\): model: .*{missing}"):
            build_filter({"filter": name, "model": str(missing)}, 0)
    with pytest.raises(ValueError, match=str(tmp_path)):
        KenLMDocAvgPerplexity(model=tmp_path)


def test_pickled_filter_does_not_carry_the_model(articles: Articles, arpa: Path) -> None:
    doc_filter = KenLMDocAvgPerplexity(model=arpa, outliers=0.1)
    doc_filter.setup()
    document = make_document(article_paragraphs(articles.held_out[0]))
    value = doc_filter.measure(document)
    data = pickle.dumps(doc_filter)
    assert len(data) < 1000 < arpa.stat().st_size
    restored = pickle.loads(data)
    assert restored == doc_filter
    assert restored.measure(document) == value


def test_filters_share_one_model(arpa: Path) -> None:
    tiers = [
        KenLMParagraphPerplexity(model=arpa, threshold=1e6),
        KenLMDocAvgPerplexity(model=arpa, outliers=0.1),
        KenLMDocAvgPerplexity(model=arpa, segmenter="fugashi"),
    ]
    assert len({id(f._scorer().model) for f in tiers}) == 1


def test_threads_score_alike(articles: Articles, arpa: Path) -> None:
    """Segmenters are not thread-safe: each thread gets its own."""
    doc_filter = KenLMDocAvgPerplexity(model=arpa, outliers=0.1)
    documents = [make_document(article_paragraphs(p)) for p in articles.held_out] * 4
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(doc_filter.measure, documents))
    assert threaded == [doc_filter.measure(d) for d in documents]
