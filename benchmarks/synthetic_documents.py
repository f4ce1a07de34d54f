"""Synthetic-but-realistic Japanese web documents with known duplicates, for dedup at scale.

Texts are real: the sentences of the Japanese fixtures (livedoor news bodies, the jawiki
dump head with its wiki markup removed, 吾輩は猫である without its ruby, the mc4-ja
annotation paragraphs, the lingua Japanese sentences), split after 。！？ and at line
breaks into one pool that keeps their order. A document is a page of a site: for most
sites a breadcrumb header and a copyright footer, around paragraphs that are each a run of
1-5 consecutive pool sentences from a random place: at least four, and more until a length
drawn from a log-normal (median 1,100 characters, clipped to 200-8,000) is reached.
Independently drawn documents therefore share next to nothing (character 5-gram Jaccard
about 0.01; at most about 0.3 between short pages of one site, which share its header and
footer).

The mix, of `documents` (DERIVED_SHARES; the rest are drawn independently):
- 70% `unique`, or `original` when other documents derive from it;
- 10% `exact`: an original copied to another site, dated later; half byte-identical, a
  quarter with whitespace changes (U+3000 indentation, trailing spaces, a line break
  before the blank line), a quarter with character-width changes (ASCII to full-width and
  katakana to half-width, or full-width to ASCII), all of which the exact step's NFKC and
  whitespace folding undo;
- 10% `near`: an original edited, dated later, on its own site or (half of them) on
  another one, whose header and footer then replace the original's: sentences inserted,
  deleted or replaced by pool sentences, and character typos, until an estimate of the
  character 5-gram Jaccard reaches a target drawn from U(0.82, 0.97) for 80% of them and
  U(0.55, 0.78) for the rest; the measured Jaccard is in the ground truth (the test checks
  its distribution);
- 10% `url`: the original's URL recaptured in a dump up to four years earlier or later
  (a fifth with a #fragment the URL key drops), half with the same text, half updated
  (the footer's copyright years, a few sentences).
A derived document's original is base document floor(F * u**1.5), F being 60% of the
number of derived documents: most families have two members, the largest about a hundred.

Output, in `output`: `documents-SSSSS-of-NNNNN.parquet` (zstd, the project's
DOCUMENT_SCHEMA, documents in a random order so copies lie in other files than their
originals) and `ground_truth.parquet`: id, family (the original's id), kind, edit and
jaccard (character 5-gram Jaccard to the original's text, the MinHash step's verification
measure; null for unique and original documents). Same seed and sizes, same bytes, with
any number of writer processes.

    python benchmarks/synthetic_documents.py --documents 1000000 --output DIR \
        [--seed 0] [--documents-per-file 20000] [--processes 2] [--overwrite]
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import lzma
import math
import multiprocessing
import re
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from minhash_throughput import DEFAULT_FIXTURES, livedoor_bodies

from corpus.dedup.lsh import jaccard
from corpus.dedup.shingles import char_shingles, without_whitespace
from corpus.extract.scripts import codepoints, script_ratios
from corpus.io.shards import ParquetFormat, shard_name
from corpus.layout import DOCUMENTS_PREFIX
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph, join_paragraphs

DERIVED_SHARES = {"exact": 0.1, "near": 0.1, "url": 0.1}
KINDS = ("unique", "original", *DERIVED_SHARES)
FAMILIES_PER_DERIVED = 0.6
NEAR_ABOVE_SHARE = 0.8
NEAR_TARGETS = {True: (0.82, 0.97), False: (0.55, 0.78)}
"""Target Jaccard ranges of near variants meant to lie above / below 0.8."""
URL_UPDATE_TARGET = (0.85, 0.98)
SHINGLE_N = 5

GROUND_TRUTH_FILE = "ground_truth.parquet"
GROUND_TRUTH_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("edit", pa.string(), nullable=False),
        pa.field("jaccard", pa.float64()),
    ]
)
PARAMETERS_KEY = b"synthetic_documents"
GENERATOR_VERSION = 3
"""Recorded with the parameters: bump it when the same parameters give other documents."""

MEDIAN_CHARACTERS = 1100
LENGTH_SIGMA = 0.7
MIN_CHARACTERS, MAX_CHARACTERS = 200, 8000
MIN_PARAGRAPHS = 4
"""Runs drawn independently: two documents of 1 or 2 runs can overlap by chance (a few
pairs in 50,000 did, at Jaccard > 0.8); that all of 4 runs overlap is negligible even among
a million (about 1e-13 a pair)."""
MAX_PARAGRAPHS = 40
MAX_RUN = 5
PLAN_CHUNK = 50_000
MIN_SENTENCE, MAX_SENTENCE = 10, 400
MAX_EDITS = 200

FIRST_DATE = datetime(2013, 1, 1, tzinfo=UTC).timestamp()
LAST_DATE = datetime(2022, 1, 1, tzinfo=UTC).timestamp()
DAY = 86_400

# Site names: a word, a kind of site, a top-level domain; every host index maps to one
# combination (with a number once they run out), so hosts are distinct.
SITE_WORDS = (
    ("sakura", "さくら"),
    ("hikari", "ひかり"),
    ("midori", "みどり"),
    ("aozora", "あおぞら"),
    ("hoshi", "ほし"),
    ("tsubasa", "つばさ"),
    ("kaze", "かぜ"),
    ("minato", "みなと"),
    ("momiji", "もみじ"),
    ("hinata", "ひなた"),
    ("kirari", "きらり"),
    ("nagomi", "なごみ"),
)
SITE_KINDS = (
    ("news", "ニュース"),
    ("blog", "ブログ"),
    ("life", "ライフ"),
    ("navi", "ナビ"),
    ("times", "タイムズ"),
    ("labo", "ラボ"),
    ("diary", "日記"),
    ("clinic", "クリニック"),
    ("tabi", "旅"),
    ("gourmet", "グルメ"),
)
DOMAINS = (".jp", ".co.jp", ".com", ".net", ".ne.jp", ".or.jp", ".info")
URL_PATHS = (
    "/archives/{number}.html",
    "/news/{year}/{month:02d}/{number}/",
    "/blog/entry-{number}.html",
    "/?p={number}",
    "/article/{number}",
    "/{year}/{month:02d}/{day:02d}/post-{number}/",
    "/products/detail.php?id={number}",
)
FRAGMENTS = ("#comments", "#more", "#top")
CONTENT_PATHS = (
    "html>body>div#wrapper>div#main>article>div.entry-content>p",
    "html>body>div.container>div.content>p",
    "html>body>main>section.article-body>p",
    "html>body>div#contents>div.post>div.text>p",
)
HEADER_PATH = "html>body>header>nav.breadcrumb"
BREADCRUMB_SEPARATOR = " ＞ "
FOOTER_PATH = "html>body>footer>p.copyright"
CATEGORIES = ("ニュース", "コラム", "お知らせ", "レビュー", "イベント", "暮らし", "グルメ", "旅行")
CHARSETS = (("utf-8", 0.88), ("cp932", 0.09), ("euc_jp", 0.03))
CHARSET_SOURCES = (("http", 0.6), ("meta", 0.3), ("utf-8", 0.05), ("detected", 0.05))
HIRAGANA = "".join(map(chr, range(0x3041, 0x3094)))


# --- the sentence pool ---------------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？\n]+[。！？]*")
_KANA = re.compile(r"[\u3040-\u30ff]")
_MARKUP_LEFT = re.compile(r"[\[\]{}|<>]|、、|（）|\(\)|（、|^[」』）、。：:]")
"""What removed wiki markup leaves behind: brackets, empty parentheses, stranded commas."""
_WIKI_NOISE = re.compile(r"<ref[^>]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->|<[^>]+>", re.S)
_WIKI_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|\{\|[^{}]*?\|\}")
_WIKI_FILE = re.compile(r"\[\[(?:ファイル|画像|File|Image|Category|カテゴリ):[^\[\]]*\]\]")
_WIKI_LINK = re.compile(r"\[\[(?:[^|\[\]]*\|)?([^|\[\]]*)\]\]")
_WIKI_EXTERNAL = re.compile(r"\[https?://\S+ ?([^\]]*)\]")
_AOZORA_MARKS = re.compile(r"《[^》]*》|｜|［＃[^］]*］")
_AOZORA_RULE = "-" * 55


def split_sentences(text: str) -> list[str]:
    """Sentences: cut after 。！？ and at line breaks, surrounding whitespace removed."""
    return [s.strip() for s in _SENTENCE.findall(text)]


def _wikitext_prose(wikitext: str) -> str:
    text = _WIKI_NOISE.sub("", wikitext)
    while (inner := _WIKI_TEMPLATE.sub("", text)) != text:
        text = inner
    text = _WIKI_FILE.sub("", text)
    text = _WIKI_LINK.sub(r"\1", text)
    text = _WIKI_EXTERNAL.sub(r"\1", text).replace("'''", "").replace("''", "")
    return "\n".join(line for line in text.splitlines() if line and line[0] not in "=*#:;|!{}")


def _source_texts(fixtures: Path) -> Iterator[str]:
    yield from livedoor_bodies(fixtures)
    wiki = fixtures / "ja_text/jawiki-truncated/jawiki-truncated-100k.xml.xz"
    with lzma.open(wiki, "rt", encoding="utf-8") as handle:
        dump = handle.read()
    for page in re.findall(r"<text[^>]*>(.*?)</text>", dump, re.S):
        yield _wikitext_prose(html.unescape(page))
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text("utf-8")
    body = novel.split(_AOZORA_RULE)[2].split("底本：")[0]
    yield _AOZORA_MARKS.sub("", body)
    annotations = fixtures / "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"
    for line in annotations.read_text("utf-8").splitlines():
        yield line.partition("\t")[0]
    yield (fixtures / "langid/lingua-py/language-testdata/sentences/ja.txt").read_text("utf-8")


@functools.cache
def sentence_pool(fixtures: Path = DEFAULT_FIXTURES) -> tuple[str, ...]:
    """The distinct Japanese sentences of the fixtures (10-400 characters, with kana, none
    of what markup leaves behind), in their order: consecutive sentences read as one text."""
    sentences = (s for text in _source_texts(fixtures) for s in split_sentences(text))
    kept = (
        s
        for s in sentences
        if MIN_SENTENCE <= len(s) <= MAX_SENTENCE and _KANA.search(s) and not _MARKUP_LEFT.search(s)
    )
    return tuple(dict.fromkeys(kept))


# --- text comparison and edits ---------------------------------------------------------


_RANK = np.zeros(0x110000, dtype=np.uint64)
"""A code point's rank among the symbols of the pair being compared (scratch space)."""


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def shingle_jaccard(a: str, b: str, n: int = SHINGLE_N) -> float:
    """`jaccard(char_shingles(a, n), char_shingles(b, n))`, about ten times faster: the
    n-grams are packed exactly into integers (code points ranked within the pair)."""
    x = codepoints(without_whitespace(a))
    y = codepoints(without_whitespace(b))
    symbols = _sorted_unique(np.concatenate((x, y)))
    bits = max(1, (len(symbols) - 1).bit_length())
    if len(x) <= n or len(y) <= n or bits * n > 64:
        return jaccard(char_shingles(a, n), char_shingles(b, n))
    _RANK[symbols] = np.arange(len(symbols), dtype=np.uint64)

    def grams(ranks: np.ndarray) -> np.ndarray:
        count = len(ranks) - n + 1
        packed = np.zeros(count, dtype=np.uint64)
        for k in range(n):
            packed |= ranks[k : k + count] << np.uint64(bits * (n - 1 - k))
        return _sorted_unique(packed)

    gx = grams(_RANK[x])
    gy = grams(_RANK[y])
    both = np.sort(np.concatenate((gx, gy)))
    common = int(np.count_nonzero(both[1:] == both[:-1]))
    return common / (len(gx) + len(gy) - common)


def _width_table() -> tuple[dict[int, str], dict[int, str]]:
    """(to "narrow-era" text: ASCII to full-width, katakana to half-width; to ASCII)."""
    narrow = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
    for half in map(chr, range(0xFF61, 0xFFA0)):
        narrow.setdefault(ord(unicodedata.normalize("NFKC", half)), half)
        for mark in "\uff9e\uff9f":
            composed = unicodedata.normalize("NFKC", half + mark)
            if len(composed) == 1:
                narrow.setdefault(ord(composed), half + mark)
    wide = {c + 0xFEE0: chr(c) for c in range(0x21, 0x7F)}
    return narrow, wide


TO_NARROW, TO_ASCII = _width_table()


@dataclass
class Page:
    """A page's text: header and footer ("" when the site has none) around paragraphs of
    sentences."""

    header: str
    body: list[list[str]]
    footer: str

    def copy(self) -> Page:
        return Page(self.header, [list(p) for p in self.body], self.footer)

    def characters(self) -> int:
        return len(self.header) + len(self.footer) + sum(len(s) for p in self.body for s in p)


class Editor:
    """Random edits of a page until the estimated shingle Jaccard to the page as it was
    reaches `target`. An edit that removes r and adds a characters costs about r + n - 1
    of the page's shingles and brings a + n - 1 new ones (the n-grams across its edges);
    the estimate is (shingles - lost) / (shingles + gained)."""

    def __init__(self, pool: tuple[str, ...], rng: np.random.Generator, page: Page) -> None:
        self.pool = pool
        self.rng = rng
        self.shingles = page.characters()
        self.lost = 0
        self.gained = 0

    def _pick(self, page: Page) -> tuple[list[str], int]:
        paragraph = page.body[int(self.rng.integers(len(page.body)))]
        return paragraph, int(self.rng.integers(len(paragraph)))

    def _pool_sentence(self) -> str:
        return self.pool[int(self.rng.integers(len(self.pool)))]

    def _typo(self, page: Page) -> tuple[int, int]:
        paragraph, index = self._pick(page)
        sentence = paragraph[index]
        at = int(self.rng.integers(len(sentence)))
        mode = self.rng.random()
        if mode < 0.5:
            replacement = HIRAGANA[int(self.rng.integers(len(HIRAGANA)))]
            if replacement == sentence[at]:
                replacement = HIRAGANA[(HIRAGANA.find(replacement) + 1) % len(HIRAGANA)]
        elif mode < 0.75:
            replacement = ""
        else:
            replacement = sentence[at] * 2
        paragraph[index] = sentence[:at] + replacement + sentence[at + 1 :]
        return SHINGLE_N, SHINGLE_N

    def _delete(self, page: Page) -> tuple[int, int]:
        if sum(map(len, page.body)) == 1:
            return self._insert(page)
        paragraph, index = self._pick(page)
        removed = paragraph.pop(index)
        if not paragraph:
            page.body.remove(paragraph)
        return len(removed) + SHINGLE_N - 1, SHINGLE_N - 1

    def _insert(self, page: Page) -> tuple[int, int]:
        paragraph = page.body[int(self.rng.integers(len(page.body)))]
        added = self._pool_sentence()
        paragraph.insert(int(self.rng.integers(len(paragraph) + 1)), added)
        return SHINGLE_N - 1, len(added) + SHINGLE_N - 1

    def _replace(self, page: Page) -> tuple[int, int]:
        paragraph, index = self._pick(page)
        removed, paragraph[index] = paragraph[index], self._pool_sentence()
        return len(removed) + SHINGLE_N - 1, len(paragraph[index]) + SHINGLE_N - 1

    OPERATIONS = ((_typo, 0.35), (_replace, 0.25), (_delete, 0.2), (_insert, 0.2))

    def edit(self, page: Page, target: float) -> None:
        """Edits `page` in place, at least once."""
        weights = np.cumsum([w for _, w in self.OPERATIONS])
        edits = 0
        while edits < MAX_EDITS:
            trial = page.copy()
            operation = self.OPERATIONS[int(np.searchsorted(weights, self.rng.random()))][0]
            lost, gained = operation(self, trial)
            estimate = (self.shingles - self.lost - lost) / (self.shingles + self.gained + gained)
            if edits and estimate < target:
                break
            page.header, page.body, page.footer = trial.header, trial.body, trial.footer
            self.lost += lost
            self.gained += gained
            edits += 1

    def set_frame(self, page: Page, header: str, footer: str) -> None:
        self.lost += len(page.header) + len(page.footer)
        self.gained += len(header) + len(footer)
        page.header, page.footer = header, footer


def _respace(texts: list[str], rng: np.random.Generator) -> list[str]:
    """Whitespace the exact step folds: indentation, trailing spaces, a doubled break."""
    changed = []
    for text in texts:
        mode = rng.random()
        if mode < 0.4:
            text = "\u3000" + text
        elif mode < 0.6:
            text = text + " "
        elif mode < 0.7:
            text = text + "\n"
        changed.append(text)
    return changed if changed != texts else ["\u3000" + t for t in texts]


# --- the corpus ------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    host: str
    name: str
    scheme: str
    url_path: str
    content_path: str
    founded: int
    framed: bool

    def frame(self, category: str, until: int | None = None) -> tuple[str, str]:
        if not self.framed:
            return "", ""
        years = f"{self.founded}-{until}" if until and until > self.founded else self.founded
        return (
            f"{self.name} ホーム{BREADCRUMB_SEPARATOR}{category}",
            f"Copyright © {years} {self.name} All Rights Reserved.",
        )


class SyntheticCorpus:
    """Every document's recipe as arrays (documents 0 .. base-1 are drawn independently,
    the derived ones follow); `document(i)` builds document i alone."""

    def __init__(self, documents: int, seed: int, pool: tuple[str, ...]) -> None:
        self.documents, self.seed, self.pool = documents, seed, pool
        n = documents
        rng = np.random.default_rng(seed)
        derived = {k: round(n * share) for k, share in DERIVED_SHARES.items()}
        base = n - sum(derived.values())
        if base < 1:
            raise ValueError("too few documents for the mix")
        self.base = base
        kind = np.zeros(n, dtype=np.int8)
        start = base
        for name, count in derived.items():
            kind[start : start + count] = KINDS.index(name)
            start += count
        families = max(1, min(base, round(FAMILIES_PER_DERIVED * (n - base))))
        original = np.arange(n)
        original[base:] = np.floor(families * rng.random(n - base) ** 1.5).astype(np.int64)
        kind[np.unique(original[base:])] = KINDS.index("original")
        self.kind, self.original = kind, original

        self.cumulative = np.concatenate(([0], np.cumsum([len(s) for s in pool])))
        self._plan(rng)

        hosts = max(1, n // 25)
        self.sites = [self._site(h, rng) for h in range(hosts)]
        host = np.floor(hosts * rng.random(n) ** 2).astype(np.int64)
        other_host = rng.integers(hosts, size=n)
        exact = kind == KINDS.index("exact")
        other_host[exact & (other_host == host[original])] += 1
        other_host %= hosts
        stays = (kind == KINDS.index("url")) | (
            (kind == KINDS.index("near")) & (rng.random(n) < 0.5)
        )
        host[base:] = np.where(stays[base:], host[original[base:]], other_host[base:])
        self.host = host

        date = rng.uniform(FIRST_DATE, LAST_DATE, n)
        later = rng.uniform(DAY, 3 * 365 * DAY, n)
        recapture = rng.uniform(30 * DAY, 4 * 365 * DAY, n) * rng.choice((-1, 1), n)
        offset = np.where(kind == KINDS.index("url"), recapture, later)
        date[base:] = date[original[base:]] + offset[base:]
        self.date = date.astype(np.int64)

        self.number = rng.permutation(n) + 100_000
        self.fragment = rng.random(n) < 0.2
        self.category = rng.integers(len(CATEGORIES), size=n)
        self.ids = [f"urn:uuid:{uuid.UUID(bytes=b, version=4)}" for b in _chunks(rng.bytes(16 * n))]
        self.charset = rng.choice(len(CHARSETS), n, p=[p for _, p in CHARSETS])
        self.charset_source = rng.choice(len(CHARSET_SOURCES), n, p=[p for _, p in CHARSET_SOURCES])
        self.language_score = np.clip(1 - rng.exponential(0.02, n), 0.5, 1.0).astype(np.float32)
        self.warc = rng.integers(100_000, size=n)
        self.warc_offset = rng.integers(1 << 30, size=n)
        self.order = rng.permutation(n)

    def _plan(self, rng: np.random.Generator) -> None:
        """Each base document's paragraphs as (first pool sentence, sentence count) runs."""
        lengths = np.exp(rng.normal(math.log(MEDIAN_CHARACTERS), LENGTH_SIGMA, self.base))
        lengths = np.clip(lengths, MIN_CHARACTERS, MAX_CHARACTERS)
        starts, sizes, counts = [], [], []
        for first in range(0, self.base, PLAN_CHUNK):
            wanted = lengths[first : first + PLAN_CHUNK]
            shape = (len(wanted), MAX_PARAGRAPHS)
            start = rng.integers(len(self.pool) - MAX_RUN, size=shape)
            size = rng.integers(1, MAX_RUN + 1, size=shape)
            chars = self.cumulative[start + size] - self.cumulative[start]
            reached = np.cumsum(chars, axis=1) >= wanted[:, None]
            count = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, MAX_PARAGRAPHS)
            count = np.maximum(count, MIN_PARAGRAPHS)
            used = np.arange(MAX_PARAGRAPHS) < count[:, None]
            starts.append(start[used])
            sizes.append(size[used])
            counts.append(count)
        self.run_start = np.concatenate(starts)
        self.run_size = np.concatenate(sizes)
        self.run_offset = np.concatenate(([0], np.cumsum(np.concatenate(counts))))

    @staticmethod
    def _site(index: int, rng: np.random.Generator) -> Site:
        word, kind = index % len(SITE_WORDS), index // len(SITE_WORDS) % len(SITE_KINDS)
        combination = len(SITE_WORDS) * len(SITE_KINDS)
        domain = index // combination % len(DOMAINS)
        repeat = index // (combination * len(DOMAINS))
        suffix = str(repeat) if repeat else ""
        label = f"{SITE_WORDS[word][0]}-{SITE_KINDS[kind][0]}{suffix}{DOMAINS[domain]}"
        draws = rng.random(4)
        return Site(
            host=f"www.{label}" if draws[0] < 0.4 else label,
            name=f"{SITE_WORDS[word][1]}{SITE_KINDS[kind][1]}{suffix}",
            scheme="https" if draws[1] < 0.7 else "http",
            url_path=URL_PATHS[index % len(URL_PATHS)],
            content_path=CONTENT_PATHS[index % len(CONTENT_PATHS)],
            founded=int(1998 + draws[2] * 16),
            framed=bool(draws[3] < 0.7),
        )

    def _when(self, i: int) -> datetime:
        return datetime.fromtimestamp(int(self.date[i]), tz=UTC)

    def url(self, i: int) -> str:
        site = self.sites[self.host[i]]
        when = self._when(i)
        path = site.url_path.format(
            number=int(self.number[i]), year=when.year, month=when.month, day=when.day
        )
        return f"{site.scheme}://{site.host}{path}"

    def _base_page(self, i: int) -> Page:
        runs = slice(self.run_offset[i], self.run_offset[i + 1])
        body = [
            list(self.pool[start : start + size])
            for start, size in zip(
                self.run_start[runs].tolist(), self.run_size[runs].tolist(), strict=True
            )
        ]
        header, footer = self.sites[self.host[i]].frame(CATEGORIES[self.category[i]])
        return Page(header, body, footer)

    def _derived_page(self, i: int, page: Page) -> tuple[Page, str]:
        """Document i's page made from its original's, and what was done to it."""
        rng = np.random.default_rng((i, self.seed))
        editor = Editor(self.pool, rng, page)
        kind = KINDS[self.kind[i]]
        site = self.sites[self.host[i]]
        if kind == "exact":
            return page, ("identical", "whitespace", "width", "width")[int(rng.integers(4))]
        if kind == "url":
            if rng.random() < 0.5:
                return page, "identical"
            header, footer = site.frame(CATEGORIES[self.category[i]], self._when(i).year)
            editor.set_frame(page, header, footer)
            editor.edit(page, rng.uniform(*URL_UPDATE_TARGET))
            return page, "updated"
        edit = "edited"
        if self.host[i] != self.host[self.original[i]]:
            editor.set_frame(page, *site.frame(CATEGORIES[self.category[i]]))
            edit = "rehosted"
        editor.edit(page, rng.uniform(*NEAR_TARGETS[bool(rng.random() < NEAR_ABOVE_SHARE)]))
        return page, edit

    def _paragraphs(self, i: int, page: Page, edit: str) -> list[Paragraph]:
        site = self.sites[self.host[i]]
        texts = ["".join(p) for p in page.body]
        if edit == "whitespace":
            texts = _respace(texts, np.random.default_rng((i, self.seed, 1)))
        paragraphs = [Paragraph(t, site.content_path) for t in texts]
        if page.header:
            links = len(page.header) - len(BREADCRUMB_SEPARATOR)
            paragraphs.insert(0, Paragraph(page.header, HEADER_PATH, links))
        if page.footer:
            paragraphs.append(Paragraph(page.footer, FOOTER_PATH))
        if edit == "width":  # the direction: any draw independent of the text will do
            table = TO_NARROW if self.number[i] % 2 else TO_ASCII
            paragraphs = [
                Paragraph(p.text.translate(table), p.path, p.link_chars) for p in paragraphs
            ]
        return paragraphs

    def document(self, i: int) -> tuple[Document, str, float | None]:
        """Document i, what was done to its original's text ("" for a base document), and
        its character 5-gram Jaccard to the original (None for a base document)."""
        o = int(self.original[i])
        page = self._base_page(o)
        edit, similarity = "", None
        if i != o:
            original_text = join_paragraphs(self._paragraphs(o, page, ""))
            page, edit = self._derived_page(i, page.copy())
        paragraphs = self._paragraphs(i, page, edit)
        when = self._when(i)
        url = self.url(o) if KINDS[self.kind[i]] == "url" else self.url(i)
        if KINDS[self.kind[i]] == "url" and self.fragment[i]:
            url += FRAGMENTS[int(self.number[i]) % len(FRAGMENTS)]
        source = "CC-MAIN-{}-{:02d}".format(*when.isocalendar()[:2])
        document = Document(
            id=self.ids[i],
            url=url,
            host=self.sites[self.host[i]].host,
            date=when,
            source=source,
            warc_file=f"crawl-data/{source}/warc/{source}-{int(self.warc[i]):05d}.warc.gz",
            warc_offset=int(self.warc_offset[i]),
            charset=CHARSETS[self.charset[i]][0],
            charset_source=CHARSET_SOURCES[self.charset_source[i]][0],
            language="ja",
            language_score=float(self.language_score[i]),
            paragraphs=paragraphs,
        )
        text = document.text
        ratios = script_ratios(text)
        document.hiragana_ratio = ratios.hiragana
        document.katakana_ratio = ratios.katakana
        document.kanji_ratio = ratios.kanji
        if i != o:
            similarity = 1.0 if text == original_text else shingle_jaccard(text, original_text)
            if text == original_text and edit == "width":
                edit = "identical"  # nothing in it had another width
        return document, edit, similarity


def _chunks(data: bytes, size: int = 16) -> Iterator[bytes]:
    return (data[k : k + size] for k in range(0, len(data), size))


# --- writing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationSummary:
    documents: int
    files: int
    bytes: int
    seconds: float
    kinds: dict[str, int]
    near_at_or_above: float
    """Share of `near` documents at character 5-gram Jaccard >= 0.8."""
    mean_characters: float
    pool_sentences: int


def recorded_parameters(documents: int, seed: int, documents_per_file: int) -> dict:
    """What the ground truth records of how it was generated; the same means the same data."""
    return {
        "documents": documents,
        "documents_per_file": documents_per_file,
        "seed": seed,
        "version": GENERATOR_VERSION,
    }


def generation_parameters(directory: Path) -> dict | None:
    """The parameters the data in `directory` was generated with, None if there is none."""
    path = directory / GROUND_TRUTH_FILE
    if not path.exists():
        return None
    metadata = pq.read_schema(path).metadata or {}
    return json.loads(metadata[PARAMETERS_KEY]) if PARAMETERS_KEY in metadata else None


_FORKED: tuple[SyntheticCorpus, Path, int, int] | None = None
"""(corpus, output, documents per file, files): what forked writer processes inherit, so
the corpus is never pickled."""


def _write_file(index: int) -> tuple[np.ndarray, list[str], list[float], int]:
    """Writes file `index`; returns its documents' indices, edits, Jaccards (NaN for base
    documents) and characters."""
    assert _FORKED is not None
    corpus, output, documents_per_file, files = _FORKED
    indices = corpus.order[index * documents_per_file : (index + 1) * documents_per_file]
    batch, edits, similarity = [], [], []
    for i in indices.tolist():
        document, edit, value = corpus.document(i)
        batch.append(document)
        edits.append(edit)
        similarity.append(math.nan if value is None else value)
    final = output / shard_name(DOCUMENTS_PREFIX, index, files, "parquet")
    temporary = final.with_name(f".tmp-{final.name}")
    with temporary.open("wb") as handle:
        ParquetFormat(DOCUMENT_SCHEMA, Document.to_row).write(batch, handle)
    temporary.rename(final)
    return indices, edits, similarity, sum(len(d.text) for d in batch)


def generate(
    documents: int,
    output: Path,
    seed: int = 0,
    documents_per_file: int = 20_000,
    fixtures: Path = DEFAULT_FIXTURES,
    overwrite: bool = False,
    processes: int = 1,
) -> GenerationSummary:
    """Writes the documents and the ground truth under `output` (see the module doc), with
    `processes` forked writers; the bytes do not depend on how many."""
    global _FORKED
    started = time.perf_counter()
    output.mkdir(parents=True, exist_ok=True)
    previous = [*output.glob(f"{DOCUMENTS_PREFIX}-*.parquet"), output / GROUND_TRUTH_FILE]
    previous = [p for p in previous if p.exists()]
    if previous and not overwrite:
        raise FileExistsError(f"{output} already holds generated documents; pass overwrite")
    for path in previous:
        path.unlink()

    corpus = SyntheticCorpus(documents, seed, sentence_pool(fixtures))
    files = math.ceil(documents / documents_per_file)
    _FORKED = (corpus, output, documents_per_file, files)
    try:
        if processes > 1:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.map(_write_file, range(files), chunksize=1)
        else:
            results = [_write_file(index) for index in range(files)]
    finally:
        _FORKED = None
    edits = [""] * documents
    similarity = np.full(documents, math.nan)
    for indices, file_edits, file_similarity, _ in results:
        for i, edit in zip(indices.tolist(), file_edits, strict=True):
            edits[i] = edit
        similarity[indices] = file_similarity

    kinds = [KINDS[k] for k in corpus.kind]
    truth = pa.table(
        {
            "id": corpus.ids,
            "family": [corpus.ids[o] for o in corpus.original],
            "kind": kinds,
            "edit": edits,
            "jaccard": pa.array(similarity, from_pandas=True),
        },
        schema=GROUND_TRUTH_SCHEMA,
    )
    parameters = json.dumps(recorded_parameters(documents, seed, documents_per_file))
    truth = truth.replace_schema_metadata({PARAMETERS_KEY: parameters})
    pq.write_table(truth, output / GROUND_TRUTH_FILE, compression="zstd")

    near = similarity[corpus.kind == KINDS.index("near")]
    written = sorted(output.glob(f"{DOCUMENTS_PREFIX}-*.parquet"))
    return GenerationSummary(
        documents=documents,
        files=files,
        bytes=sum(p.stat().st_size for p in written),
        seconds=time.perf_counter() - started,
        kinds={name: kinds.count(name) for name in KINDS},
        near_at_or_above=float(np.mean(near >= 0.8)) if len(near) else 0.0,
        mean_characters=sum(r[3] for r in results) / documents,
        pool_sentences=len(corpus.pool),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--documents-per-file", type=int, default=20_000)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--processes", type=int, default=2, help="forked writer processes")
    parser.add_argument("--overwrite", action="store_true", help="replace generated data")
    args = parser.parse_args()
    summary = generate(
        args.documents,
        args.output,
        args.seed,
        args.documents_per_file,
        args.fixtures,
        args.overwrite,
        args.processes,
    )
    kinds = ", ".join(f"{name} {count:,}" for name, count in summary.kinds.items())
    print(f"{summary.documents:,} documents in {summary.files} files under {args.output}")
    print(f"  {kinds}")
    print(
        f"  {summary.mean_characters:,.0f} characters per document on average, "
        f"from {summary.pool_sentences:,} fixture sentences; near variants at Jaccard >= 0.8: "
        f"{summary.near_at_or_above:.1%}"
    )
    print(
        f"  {summary.bytes / 1e6:,.1f} MB on disk, {summary.seconds:.1f} s "
        f"({summary.documents / summary.seconds:,.0f} documents/s)"
    )


if __name__ == "__main__":
    main()
