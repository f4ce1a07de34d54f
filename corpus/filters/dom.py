"""Filters that read a paragraph's place in the page, its path (`Paragraph.path`).

A path is the `>`-joined chain of `tag.class1.class2#id` segments from `html` down to the
block element that bounds the paragraph (corpus.extract.paragraphs), so only block
elements and their ancestors appear in it: a `<ul>` of plain `<li>` items is one paragraph
with one line per item and path `...>ul`; an `li` shows up only as the ancestor of a
block inside it (`...>ul>li>div`), and an `<option>` is a block of its own.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import NamedTuple

from corpus.filters.base import ParagraphFilter
from corpus.schema import Document, Paragraph


class PathSegment(NamedTuple):
    tag: str
    classes: tuple[str, ...]
    id: str | None


@functools.lru_cache(maxsize=4096)  # pages of one site share their few paths
def parse_path(path: str) -> tuple[PathSegment, ...]:
    """`"body>div.a.b#c>p"` -> segments (body), (div, (a, b), c), (p); `""` -> none."""
    segments = []
    for raw in path.split(">") if path else ():
        head, _, element_id = raw.partition("#")
        tag, *classes = head.split(".")
        segments.append(PathSegment(tag, tuple(c for c in classes if c), element_id or None))
    return tuple(segments)


NO_CONTENT_TAGS = frozenset({"header", "footer", "aside", "nav", "noscript", "form"})
NAMED_TAGS = frozenset({"div", "p", "ul", "h1"})  # the elements whose class and id are read
KEYWORDS = (
    "header", "footer", "side", "aside", "sidebar", "menu", "nav", "navi", "navigation",
    "navbar", "banner", "logo", "pankuzu", "breadcrumb", "breadcrumbs", "widget", "button",
)  # fmt: skip
BLOG_TEMPLATE_NAMES = (
    "left-box", "blog-title-inner", "globalheader", "blogtitle", "blog-name", "head-block1",
    "head-blog-name", "head-introduction",
)  # fmt: skip


def _capitalized(word: str) -> str:
    # Java's capitalize: only the first character changes (str.capitalize lowers the rest).
    return word[:1].upper() + word[1:]


_KEYWORD_PARTS = frozenset(KEYWORDS)
_CAPITALIZED_KEYWORD = re.compile("|".join(_capitalized(k) for k in KEYWORDS))
_EXACT_NAMES = frozenset(BLOG_TEMPLATE_NAMES) | {
    head + "".join(_capitalized(word) for word in rest)
    for head, *rest in (name.split("-") for name in BLOG_TEMPLATE_NAMES)
}


def _names_furniture(name: str) -> bool:
    """Whether a class or id names page furniture (see NoContentDOM)."""
    return (
        name in _EXACT_NAMES
        or not _KEYWORD_PARTS.isdisjoint(re.split("[-_]", name))
        or _CAPITALIZED_KEYWORD.search(_capitalized(name)) is not None
    )


class NoContentDOM(ParagraphFilter):
    """Removes paragraphs that sit in page furniture rather than content (Uzushio's
    NoContentDOM). No parameters. A live paragraph goes when any segment of its path

    - is one of `NO_CONTENT_TAGS` (header, footer, aside, nav, noscript, form), anywhere
      above it or itself; or
    - is one of `NAMED_TAGS` (div, p, ul, h1) whose id or one of whose classes names
      furniture: it holds a `KEYWORDS` word as a whole `-`/`_`-separated part (`g-navi`,
      `site_logo`), or as a capitalized substring once its own first letter is capitalized
      (`SideBar`, `globalNavi`, `headerArea`, but not `inside`, `subheader` or `HEADER`:
      matching is case-sensitive past the first letter), or it is exactly one of
      `BLOG_TEMPLATE_NAMES` (kebab-case as listed or camelCase: `blog-name`, `blogName`).

    As in Uzushio, a page whose whole body sits inside a `<form>` (ASP.NET pages) loses
    every paragraph."""

    def apply(self, document: Document) -> Document:
        paragraphs = [
            dataclasses.replace(p, removed_by=self.label)
            if p.live and self.is_no_content(p.path)
            else p
            for p in document.paragraphs
        ]
        return dataclasses.replace(document, paragraphs=paragraphs)

    @staticmethod
    def is_no_content(path: str) -> bool:
        for segment in parse_path(path):
            if segment.tag in NO_CONTENT_TAGS:
                return True
            if segment.tag in NAMED_TAGS:
                names = segment.classes if segment.id is None else (*segment.classes, segment.id)
                if any(_names_furniture(name) for name in names):
                    return True
        return False


HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}


class MarkdownizeHeading(ParagraphFilter):
    """Prefixes each live paragraph under a heading with its Markdown marker: `# ` for h1 up
    to `###### ` for h6, after the innermost h1-h6 on its path (Uzushio's
    MarkdownizeHeading). No parameters."""

    def apply(self, document: Document) -> Document:
        paragraphs = [self._markdownized(p) if p.live else p for p in document.paragraphs]
        return dataclasses.replace(document, paragraphs=paragraphs)

    @staticmethod
    def _markdownized(paragraph: Paragraph) -> Paragraph:
        for segment in reversed(parse_path(paragraph.path)):
            level = HEADING_LEVELS.get(segment.tag)
            if level:
                return dataclasses.replace(paragraph, text=f"{'#' * level} {paragraph.text}")
        return paragraph


LIST_ITEM_TAGS = frozenset({"li", "option"})
LIST_MARKER = "- "


class MergeListTag(ParagraphFilter):
    """Merges consecutive live paragraphs that belong to the same list item element into one
    Markdown list (Uzushio's MergeListTag). No parameters.

    A paragraph's list item is the innermost `li` or `option` on its path; two live
    paragraphs in a row merge when their paths agree down to and including that segment
    (tag, classes and id). The run becomes one paragraph in the place and with the path of
    its first: the items' texts joined by a newline, each prefixed with `- ` unless it
    already starts so; exact and near frequencies the smallest of the items' (None if any
    is None, which counts as 1); link characters summed. Items merged into it leave the
    document (their text lives on in the merged paragraph). A list item with no such
    neighbour is left as it is."""

    def apply(self, document: Document) -> Document:
        paragraphs: list[Paragraph] = []
        runs: list[tuple[int, list[Paragraph]]] = []  # (position in paragraphs, live items)
        run_item: tuple[PathSegment, ...] | None = None
        for paragraph in document.paragraphs:
            if not paragraph.live:
                paragraphs.append(paragraph)
                continue
            item = self.list_item(paragraph.path)
            if item is not None and item == run_item:
                runs[-1][1].append(paragraph)
                continue
            run_item = item
            runs.append((len(paragraphs), [paragraph]))
            paragraphs.append(paragraph)
        if len(paragraphs) == len(document.paragraphs):
            return document
        for position, items in runs:
            if len(items) > 1:
                paragraphs[position] = self._merged(items)
        return dataclasses.replace(document, paragraphs=paragraphs)

    @staticmethod
    def list_item(path: str) -> tuple[PathSegment, ...] | None:
        """The path down to its innermost list item element, or None if it has none."""
        segments = parse_path(path)
        for depth in range(len(segments) - 1, -1, -1):
            if segments[depth].tag in LIST_ITEM_TAGS:
                return segments[: depth + 1]
        return None

    @staticmethod
    def _merged(items: list[Paragraph]) -> Paragraph:
        text = "\n".join(
            p.text if p.text.startswith(LIST_MARKER) else LIST_MARKER + p.text for p in items
        )
        exact = [p.exact_freq for p in items]
        near = [p.near_freq for p in items]
        main = [p.main_content for p in items]
        chars = sum(len(p.text) for p in items)
        return dataclasses.replace(
            items[0],
            text=text,
            link_chars=sum(p.link_chars for p in items),
            exact_freq=None if None in exact else min(exact),
            near_freq=None if None in near else min(near),
            main_content=(
                None
                if None in main
                else sum(len(p.text) * m for p, m in zip(items, main, strict=True)) / (chars or 1)
            ),
        )


FURNITURE_TAGS = frozenset(
    {"header", "footer", "aside", "nav", "noscript", "form", "button", "figcaption", "select"}
)
FURNITURE_WORDS = frozenset(
    {
        # page structure
        "header", "footer", "side", "sidebar", "sidebars", "aside", "rightside", "leftside",
        "sidecol", "sidecolumn", "subcolumn", "masthead",
        # navigation
        "menu", "menus", "nav", "navi", "navigation", "navbar", "gnav", "gnavi", "subnav",
        "breadcrumb", "breadcrumbs", "pankuzu", "topicpath", "pagination", "pager", "pagetop",
        # logos, buttons, ads
        "logo", "banner", "banners", "button", "buttons", "btn", "ads", "advert",
        "advertisement", "sponsor", "sponsored",
        # blocks of links to other pages
        "related", "relation", "ranking", "rankings", "recommend", "recommended",
        "recommendation", "recommendations", "osusume", "popular", "trending",
        "kanren", "ninki", "latest", "more", "promo", "promos", "promotion", "teaser",
        "teasers",
        # sharing and comments
        "share", "sharing", "social", "sns", "comment", "comments",
        # captions and galleries, which an article's text does not hold
        "caption", "captions", "gallery",
        # metadata around an article: dates, tags, credits
        "meta", "date", "time", "timestamp", "tag", "tags", "credit", "credits",
        # legal text
        "legal", "copyright", "disclaimer", "privacy", "policy",
        # widgets and overlays
        "calendar", "modal", "popup", "overlay", "gdpr", "cookie", "cookies", "consent",
        "newsletter", "subscribe", "signup", "login", "search", "referer", "referrer",
        # sites' own markers for text that is not content
        "nocontent", "noindex",
    }
)  # fmt: skip
ARTICLE_TAGS = frozenset({"article", "main"})
ARTICLE_WORDS = frozenset({"article", "entry", "post", "story"})
HEAD_WORDS = frozenset({"header", "aside"})  # the article's own when inside the article
UNNAMED_TAGS = frozenset({"html", "body"})  # their classes describe the page template
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


@functools.lru_cache(maxsize=16384)
def name_words(name: str) -> frozenset[str]:
    """The lower-case words of a class or id: split at `-`, `_`, digits and camelCase
    humps (`globalNavi` -> global, navi; `article__header` -> article, header)."""
    return frozenset(word.lower() for word in _NAME_WORD.findall(name))


def _furniture_segment(segment: PathSegment, in_article: bool) -> bool:
    words: frozenset[str] = frozenset()
    if segment.tag not in UNNAMED_TAGS:
        # A heading's id is an anchor made from its text ("How do I find yesterday's date").
        read_id = segment.id is not None and segment.tag not in HEADING_LEVELS
        names = (*segment.classes, segment.id) if read_id else segment.classes
        words = words.union(*(name_words(name) for name in names))
    furniture = words & FURNITURE_WORDS
    if segment.tag in FURNITURE_TAGS:
        furniture |= {segment.tag}
    if in_article or not words.isdisjoint(ARTICLE_WORDS):
        furniture -= HEAD_WORDS
    return bool(furniture)


def prose_length(paragraph: Paragraph) -> float:
    """Its longest line's length scaled by the share of its text outside links: long for
    running text, short for a list or a menu however many items it has. 0 inside a
    `noscript`, whose text is fallback markup a reader never sees with scripts on."""
    text = paragraph.text
    if not text or any(s.tag == "noscript" for s in parse_path(paragraph.path)):
        return 0.0
    longest = max(len(line) for line in text.split("\n"))
    return longest * (1 - paragraph.link_chars / len(text))


def main_path(live: list[Paragraph]) -> str:
    """The path of the page's main block: the element whose paragraphs together hold the
    most prose (`prose_length` summed by path), as readability scores the container of an
    article's paragraphs rather than its longest one, which can be a long comment."""
    totals: dict[str, float] = {}
    for paragraph in live:
        totals[paragraph.path] = totals.get(paragraph.path, 0.0) + prose_length(paragraph)
    return max(totals, key=totals.__getitem__)


class FurnitureDOM(ParagraphFilter):
    """Marks paragraphs that sit in page furniture: NoContentDOM's idea with whole-word
    matching, more furniture words, and a guard for the article itself. No parameters.

    A live paragraph goes when a segment of its path is furniture:
    - its tag is one of `FURNITURE_TAGS` (header, footer, aside, nav, noscript, form,
      button, figcaption, select); or
    - one of its classes or its id holds a `FURNITURE_WORDS` word as a whole word
      (`name_words`: `g-navi`, `globalNavi`, `rightside-column`, `nocontent`; not
      `inside`, `subheader`, `navy`). Classes of `html` and `body` are not read, nor
      the ids of headings (anchors made from their text).

    A `header` or `aside` (tag or word) inside an `article` or `main` element, or named
    together with an article word (`entry-header`, `article__header`), is the article's
    own (its title, a pull-quote) and is not furniture.

    The page's main block (`main_path`: the path whose paragraphs hold the most prose) is
    never lost to a wrapper: a segment is not read when the main block's path runs through
    the same segments down to it (Blogger's `div.widget.Blog`, a
    `form` around a whole ASP.NET page, an `l-sidebar-fixed` layout column). Paragraphs
    beside the main block in elements of the same path are spared with it."""

    def apply(self, document: Document) -> Document:
        live = document.live_paragraphs
        if not live:
            return document
        main = parse_path(main_path(live))
        paragraphs = [
            dataclasses.replace(p, removed_by=self.label)
            if p.live and self.is_no_content(p.path, main)
            else p
            for p in document.paragraphs
        ]
        return dataclasses.replace(document, paragraphs=paragraphs)

    @staticmethod
    def is_no_content(path: str, main: tuple[PathSegment, ...] = ()) -> bool:
        """Whether `path` runs through furniture below where it leaves `main`'s path."""
        segments = parse_path(path)
        shared = 0
        while shared < min(len(segments), len(main)) and segments[shared] == main[shared]:
            shared += 1
        in_article = any(s.tag in ARTICLE_TAGS for s in segments[:shared])
        for segment in segments[shared:]:
            if _furniture_segment(segment, in_article):
                return True
            in_article = in_article or segment.tag in ARTICLE_TAGS
        return False
