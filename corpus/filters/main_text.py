"""Main text or not, per paragraph: a logistic regression over where a paragraph stands
relative to the page's main block and what its text looks like.

The rules before it in the chain (FurnitureDOM, LinkDensity) catch furniture that names
itself or is made of links. What they leave is boilerplate with neither: captions, cookie
and copyright notices, bylines and dates, author bios, promo boxes, comments, the other
posts of a blog's front page. jusText and boilerpipe tell those from an article by a
paragraph's length, its link and stop-word density and its neighbours; readability and
trafilatura by where it sits relative to the block that holds the article. The features
here (`FEATURES`) are those ideas, language-neutral: punctuation stands in for stop words;
and resiliparse's opinion of the page's main content, measured at extraction.

The weights are package data (main_text_model.yaml), made by
benchmarks/train_main_text.py on the gold pages of ../shared/fixtures/extraction; the
file says how.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml
from pydantic import Field, field_validator

from corpus.filters.base import ParagraphFilter
from corpus.filters.dom import (
    ARTICLE_TAGS,
    ARTICLE_WORDS,
    main_path,
    name_words,
    parse_path,
    prose_length,
)
from corpus.filters.link_density import link_share
from corpus.schema import Document, Paragraph

DEFAULT_MODEL = Path(__file__).with_name("main_text_model.yaml")
BOILERPLATE = re.compile(
    r"©|\(c\)|copyright|all rights reserved|cookie|privacy|terms of (?:use|service)"
    r"|newsletter|subscribe|sign up|log in|follow us|share this|advertisement|comments?\b"
    r"|利用規約|プライバシー|無断転載|著作権|広告|関連記事|コメント",
    re.IGNORECASE,
)
"""Words of notices, sign-ups, sharing and comments, in English and Japanese."""
BOILERPLATE_MAX_CHARS = 300
"""A boilerplate word counts only in a paragraph shorter than this: an article may
mention cookies or copyright, a notice is short."""
PUNCTUATION = re.compile(r"[。．.、，,!?！？]")
DIGIT = re.compile(r"\d")
SENTENCE_END = frozenset('。.!?！？」』)"”')
DISTANCE_CAP = 6
GAP_CAP = 20
DEPTH_CAP = 30
WINDOW = 2
"""Neighbours on each side whose prose lengths `window_prose` averages."""
COMMENT_WORDS = frozenset({"comment", "comments", "reply", "replies", "respond", "discussion"})
BYLINE_WORDS = frozenset(
    {"author", "byline", "meta", "date", "time", "posted", "published", "info", "bio", "profile"}
)
FIGURE_WORDS = frozenset({"figure", "caption", "figcaption", "photo", "image", "img", "media"})
"""Class and id words (corpus.filters.dom.name_words) of comment threads, of the credits
and dates around an article, and of figures: weak evidence that FurnitureDOM does not act
on alone, since `meta` or `info` also name article wrappers."""


@dataclasses.dataclass(frozen=True)
class Context:
    """What a paragraph's features read about its page (its live paragraphs)."""

    main: tuple  # the main block's path segments
    main_path: str
    first: int  # the main block's first and last paragraph among the live ones
    last: int
    path_prose: dict[str, float]  # prose_length summed by path
    on_main: tuple[bool, ...]  # per paragraph: whether its path is the main block's
    prose: tuple[float, ...]  # log1p(prose_length) per paragraph
    chars_before: tuple[int, ...]  # characters of the paragraphs before each one
    chars: int  # characters of all of them
    longest: int  # characters of the longest one

    @classmethod
    def of(cls, live: list[Paragraph]) -> Context:
        path_prose: dict[str, float] = {}
        for paragraph in live:
            path_prose[paragraph.path] = path_prose.get(paragraph.path, 0.0) + prose_length(
                paragraph
            )
        main = main_path(live)
        in_main = [i for i, p in enumerate(live) if p.path == main]
        lengths = [len(p.text) for p in live]
        before = [0]
        for length in lengths[:-1]:
            before.append(before[-1] + length)
        return cls(
            parse_path(main),
            main,
            in_main[0],
            in_main[-1],
            path_prose,
            tuple(p.path == main for p in live),
            tuple(math.log1p(prose_length(p)) for p in live),
            tuple(before),
            sum(lengths),
            max(lengths),
        )

    def neighbour_prose(self, index: int) -> float:
        return self.prose[index] if 0 <= index < len(self.prose) else 0.0

    def neighbour_on_main(self, index: int) -> float:
        return float(0 <= index < len(self.on_main) and self.on_main[index])


def _distances(paragraph: Paragraph, context: Context) -> tuple[int, int]:
    """Path segments from the paragraph up to the element it shares with the main block,
    and from there down to the main block."""
    own, main = parse_path(paragraph.path), context.main
    shared = 0
    while shared < min(len(own), len(main)) and own[shared] == main[shared]:
        shared += 1
    return len(own) - shared, len(main) - shared


def _gap(index: int, context: Context) -> int:
    """Live paragraphs between this one and the main block's run (0 inside it)."""
    if index < context.first:
        return context.first - index
    return max(0, index - context.last)


def _text_share(text: str, pattern: re.Pattern[str]) -> float:
    return len(pattern.findall(text)) / len(text) if text else 0.0


@functools.lru_cache(maxsize=4096)
def path_words(path: str) -> frozenset[str]:
    """The class and id words of a path's segments, `html` and `body` left out."""
    words: set[str] = set()
    for segment in parse_path(path):
        if segment.tag in ("html", "body"):
            continue
        names = (*segment.classes, segment.id) if segment.id else segment.classes
        for name in names:
            words |= name_words(name)
    return frozenset(words)


def _in_article(path: str) -> bool:
    tags = {segment.tag for segment in parse_path(path)}
    return not tags.isdisjoint(ARTICLE_TAGS) or not path_words(path).isdisjoint(ARTICLE_WORDS)


def _named(words: frozenset[str]) -> Callable[[Paragraph, int, Context], float]:
    return lambda p, i, c: float(not path_words(p.path).isdisjoint(words))


def _window_prose(index: int, context: Context) -> float:
    around = context.prose[max(0, index - WINDOW) : index + WINDOW + 1]
    return sum(around) / len(around)


Feature = Callable[[Paragraph, int, Context], float]
FEATURES: dict[str, Feature] = {
    "log_chars": lambda p, i, c: math.log1p(len(p.text)),
    "link_share": lambda p, i, c: link_share(p),
    "up_from_main": lambda p, i, c: min(_distances(p, c)[0], DISTANCE_CAP) / DISTANCE_CAP,
    "down_to_main": lambda p, i, c: min(_distances(p, c)[1], DISTANCE_CAP) / DISTANCE_CAP,
    "on_main_path": lambda p, i, c: float(p.path == c.main_path),
    "gap_to_main": lambda p, i, c: min(_gap(i, c), GAP_CAP) / GAP_CAP,
    "before_main": lambda p, i, c: float(i < c.first),
    "after_main": lambda p, i, c: float(i > c.last),
    "punctuation": lambda p, i, c: 10 * _text_share(p.text, PUNCTUATION),
    "digits": lambda p, i, c: _text_share(p.text, DIGIT),
    "boilerplate_word": lambda p, i, c: float(
        len(p.text) < BOILERPLATE_MAX_CHARS and BOILERPLATE.search(p.text) is not None
    ),
    "heading": lambda p, i, c: float(p.text.startswith("#")),
    "list": lambda p, i, c: float(p.text.startswith("- ")),
    "log_prose_length": lambda p, i, c: c.prose[i],
    "sentence_end": lambda p, i, c: float(p.text.rstrip()[-1:] in SENTENCE_END),
    "path_prose_share": lambda p, i, c: c.path_prose[p.path] / (c.path_prose[c.main_path] or 1.0),
    "position": lambda p, i, c: i / (len(c.prose) - 1) if len(c.prose) > 1 else 0.5,
    "chars_before": lambda p, i, c: c.chars_before[i] / (c.chars or 1),
    "previous_prose": lambda p, i, c: c.neighbour_prose(i - 1),
    "next_prose": lambda p, i, c: c.neighbour_prose(i + 1),
    "previous_on_main": lambda p, i, c: c.neighbour_on_main(i - 1),
    "next_on_main": lambda p, i, c: c.neighbour_on_main(i + 1),
    "in_article": lambda p, i, c: float(_in_article(p.path)),
    "comment_word": _named(COMMENT_WORDS),
    "byline_word": _named(BYLINE_WORDS),
    "figure_word": _named(FIGURE_WORDS),
    "heading_before_main": lambda p, i, c: (
        float(p.text.startswith("#")) * c.neighbour_on_main(i + 1)
    ),
    "depth": lambda p, i, c: min(len(parse_path(p.path)), DEPTH_CAP) / DEPTH_CAP,
    "window_prose": lambda p, i, c: _window_prose(i, c),
    "share_of_longest": lambda p, i, c: len(p.text) / (c.longest or 1),
    "main_content": lambda p, i, c: p.main_content or 0.0,
}
"""Per paragraph: its length; its link share; how far its path is from the main block's
(segments up to the shared element, segments down from it, or on the very path); how many
paragraphs lie between it and the main block's run, and on which side; its punctuation
and digits per character; a boilerplate word in a short paragraph; whether it is a
Markdown heading or list (MarkdownizeHeading, MergeListTag); its prose length
(corpus.filters.dom.prose_length); whether it ends as a sentence does. Then its page
context: the prose of its path against the main block's; its place in the page (by
paragraphs and by characters before it); its neighbours' prose lengths and whether they
are on the main block's path, and the mean prose length of the paragraphs around it
(jusText's context smoothing); whether an `article`/`main` element or an article word is
on its path, and a comment, credit or figure word; a heading right before a paragraph of the
main block; its path's depth; its length against the page's longest paragraph. Last, how
much of it resiliparse's main-content extraction keeps (`Paragraph.main_content`, set at
extraction by corpus.extract.main_content_share; 0 when not measured). The main block is
`main_path`'s; its run spans its first to its last paragraph."""


def page_features(live: list[Paragraph]) -> np.ndarray:
    """One row of `FEATURES` per live paragraph of a page, in order."""
    context = Context.of(live)
    return np.array(
        [[feature(p, i, context) for feature in FEATURES.values()] for i, p in enumerate(live)],
        dtype=np.float64,
    )


@dataclasses.dataclass(frozen=True)
class MainTextModel:
    """Logistic regression: P(main text) = sigmoid(intercept + weights . (x - mean) / scale)."""

    intercept: float
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    cut: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = self.intercept + ((features - self.mean) / self.scale) @ self.weights
        return 1.0 / (1.0 + np.exp(-z))


@functools.cache
def load_model(path: str) -> MainTextModel:
    """The model file at `path`; ValueError naming the path when it is not one for
    these `FEATURES`."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        names = list(raw["features"])
        if names != list(FEATURES):
            raise ValueError(f"its features {names} are not {list(FEATURES)}")
        columns = {key: np.array([raw["features"][n][key] for n in names]) for key in
                   ("weight", "mean", "scale")}  # fmt: skip
        return MainTextModel(
            float(raw["intercept"]),
            columns["weight"],
            columns["mean"],
            columns["scale"],
            float(raw["cut"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path} is not a main-text model: {error}") from None


class MainText(ParagraphFilter):
    """Marks the live paragraphs that a logistic regression over `FEATURES` gives a
    probability of main text below `cut` (the model's own cut when not set).

    `model` is a YAML model file (default: corpus/filters/main_text_model.yaml, trained
    on the gold pages; see benchmarks/train_main_text.py). Put it
    after the path and link rules: it reads the page as they left it.

    When what the model keeps holds less than `keep_main_below` of the live characters,
    the paragraphs of the page's main block (`main_path`) stay too: a page whose prose the
    model does not recognise (a short blog post, a recipe) keeps its main block rather
    than being emptied.

    A document whose paragraphs carry no DOM path (plain-text sources, the `trafilatura`
    extraction method) is left as it is: the model was made for whole HTML pages."""

    model: str = str(DEFAULT_MODEL)
    cut: float | None = Field(default=None, gt=0.0, lt=1.0)
    keep_main_below: float = Field(default=0.2, ge=0.0, le=1.0)

    @field_validator("model")
    @classmethod
    def _loads(cls, path: str) -> str:
        load_model(path)
        return path

    def apply(self, document: Document) -> Document:
        live = [i for i, p in enumerate(document.paragraphs) if p.live]
        if not any(document.paragraphs[i].path for i in live):
            return document
        model = load_model(self.model)
        paragraphs = list(document.paragraphs)
        probabilities = model.probabilities(page_features([paragraphs[i] for i in live]))
        cut = model.cut if self.cut is None else self.cut
        marked = [
            i for i, probability in zip(live, probabilities, strict=True) if probability < cut
        ]
        characters = sum(len(paragraphs[i].text) for i in live)
        lost = sum(len(paragraphs[i].text) for i in marked)
        if characters - lost < self.keep_main_below * characters:
            main = main_path([paragraphs[i] for i in live])
            marked = [i for i in marked if paragraphs[i].path != main]
        if not marked:
            return document
        for i in marked:
            paragraphs[i] = dataclasses.replace(paragraphs[i], removed_by=self.label)
        return dataclasses.replace(document, paragraphs=paragraphs)
