"""Wikitext -> plain text, section by section: what a reader sees of an article, unmarked.

No template is expanded (that would need the wiki's template pages); instead, in order:

1. HTML comments go; `<nowiki>` content is kept literally (its markup characters are
   shielded from the steps below and restored at the end).
2. Elements whose content is not prose go with their content: `<ref>` (paired or
   `<ref .../>`), `<references>`, `<gallery>`, `<math>`, `<chem>`, `<pre>`,
   `<syntaxhighlight>`, `<source>`, `<timeline>`, `<table>`, ... (see `_DROPPED_ELEMENTS`).
   Formulas and code listings are lost: their markup is not prose.
3. Templates `{{...}}`, nested to any depth, and parser functions go, except a few inline
   templates whose rendering is text from their arguments (`_INLINE_TEMPLATES`:
   `{{仮リンク|日本語名|en|English}}` -> 日本語名, `{{lang|fr|Paris}}` -> Paris,
   `{{ruby|漢字|かんじ}}` -> 漢字（かんじ）, `{{生年月日と年齢|1950|1|2}}` -> 1950年1月2日, ...):
   removing those would cut words out of sentences.
4. Tables `{| ... |}` (nested, also indented `:{|`) go, line by line.
5. Links: `[[File:...]]`, `[[ファイル:...]]`, `[[画像:...]]`, `[[Media:...]]` and
   `[[Category:...]]` / `[[カテゴリ:...]]` go whole, captions and their links included,
   as do interlanguage links (`[[en:Japan]]`); `[[target|label]]` -> label, `[[target]]`
   -> target (`[[:Category:X]]`, with its leading colon a plain link, -> Category:X),
   without the prefix of another wiki (`[[:en:Japan]]`, `[[wikt:猫]]` -> Japan, 猫).
   External links `[http://x label]` -> label, `[http://x]` -> nothing.
6. `<br>` becomes a line break; every other tag goes, its content stays; bold and italic
   quotes, magic words (`__TOC__`) and character entities (`&nbsp;` -> space) are resolved.
7. Line by line: list markers (`*`, `#`, `:`, `;`) and horizontal rules go; parentheses
   left empty by removed templates go (full-width `（、）`, half-width ` ()` after a
   space, not `f()`), as do separators left at their edges (`（、巴里）` -> `（巴里）`); a
   heading `== x ==` starts a `Section`.

Unbalanced `{{`, `}}`, `[[` and `]]` are dropped as characters, so none is ever left in
the text; the same holds for tags (`<ref`).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.sources.time_limit import check_time

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_NOWIKI_TAG = re.compile(r"<(?P<close>/)?(?P<name>nowiki)\s*(?P<empty>/)?>", re.IGNORECASE)
# Markup characters inside <nowiki> are swapped for private-use ones until the end.
_MARKUP = "[]{}<>|='*#:;_-~"
_SHIELD = str.maketrans({c: chr(0xF0000 + i) for i, c in enumerate(_MARKUP)})
_UNSHIELD = str.maketrans({chr(0xF0000 + i): c for i, c in enumerate(_MARKUP)})
_SHIELDED = re.compile(f"[{chr(0xF0000)}-{chr(0xF0000 + len(_MARKUP) - 1)}]")

_DROPPED_ELEMENTS = (
    "ref",
    "references",
    "gallery",
    "imagemap",
    "math",
    "chem",
    "ce",
    "score",
    "graph",
    "timeline",
    "templatedata",
    "mapframe",
    "maplink",
    "inputbox",
    "categorytree",
    "pre",
    "syntaxhighlight",
    "source",
    "table",
)
_ELEMENT_NAMES = "|".join(_DROPPED_ELEMENTS)
_SELF_CLOSED_ELEMENT = re.compile(rf"<(?:{_ELEMENT_NAMES})\b[^>]*/>", re.IGNORECASE)
_ELEMENT_TAG = re.compile(
    rf"<(?P<close>/)?(?P<name>{_ELEMENT_NAMES})\b(?(close)\s*>|[^>]*>)", re.IGNORECASE
)

_BRACES = re.compile(r"\{\{|\}\}")
_BRACKETS = re.compile(r"\[\[|\]\]")
_ARGUMENT_TOKENS = re.compile(r"\{\{|\}\}|\[\[|\]\]|[|=]")

_TABLE_START = re.compile(r"^[\s:]*\{\|")
_TABLE_END = re.compile(r"^\s*\|\}")

_HIDDEN_NAMESPACES = frozenset(
    {"file", "image", "media", "ファイル", "画像", "メディア", "category", "カテゴリ"}
)
# [[en:X]] links the article to its English version (shown beside the page, not in it);
# [[:en:X]] and [[w:X]] are links in the text to another wiki.
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_INTERWIKI = re.compile(r"[a-z]{1,4}(?:-[a-z]+)*")
_TRAILING_QUALIFIER = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_EXTERNAL_LINK = re.compile(r"\[(?:https?:|ftp:|mailto:|//)[^\s\]]*(?:[ \t]+([^\]\n]*))?\]")

_LINE_BREAK = re.compile(r"<br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_QUOTES = re.compile(r"'{2,}")
_MAGIC_WORD = re.compile(r"__[A-Z]+__")

_HEADING = re.compile(r"^(={1,6})(.+?)\1\s*$")
_LIST_MARKER = re.compile(r"^[*#:;]+\s*")
_RULE = re.compile(r"^-{4,}\s*$")
_EMPTY_PARENTHESES = re.compile(r"（[\s、，,;；:：]*）|\s+\([\s,;]*\)")
_SEPARATOR_AFTER_OPEN = re.compile(r"（[\s、，,]+")
_SEPARATOR_BEFORE_CLOSE = re.compile(r"[\s、，,]+）")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading's section up to the next heading: `level` 2 for `== x ==` (0: the lead,
    before any heading, with `title` ""); `text` with blank lines between paragraphs."""

    level: int
    title: str
    text: str


def to_sections(wikitext: str) -> list[Section]:
    """The plain text of an article's wikitext, cut at its headings (see the module).
    Every step is linear in the page's size (or near it: sorting, bisection); under a
    reader's time limit (`corpus.sources.time_limit`) the conversion checks it as it goes
    and raises ExtractionTimeout past it."""
    text = _COMMENT.sub("", wikitext)
    text = _replace_elements(text, _NOWIKI_TAG, lambda inside: inside.translate(_SHIELD))
    text = _SELF_CLOSED_ELEMENT.sub("", text)
    text = _replace_elements(text, _ELEMENT_TAG, lambda inside: "")
    check_time()
    text = _replace_templates(text)
    text = _remove_tables(text)
    text = _replace_links(text)
    check_time()
    text = _EXTERNAL_LINK.sub(lambda m: m.group(1) or "", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = _QUOTES.sub("", text)
    text = _MAGIC_WORD.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    return _sections(text)


def _sections(text: str) -> list[Section]:
    headings: list[tuple[int, str]] = [(0, "")]
    bodies: list[list[str]] = [[]]
    for raw_line in text.split("\n"):
        check_time()
        line = raw_line.strip()
        heading = _HEADING.match(line)
        if heading:
            headings.append((len(heading.group(1)), _clean_line(heading.group(2)).strip("= ")))
            bodies.append([])
        elif not _RULE.match(line):
            bodies[-1].append(_clean_line(_LIST_MARKER.sub("", line)))
        else:
            bodies[-1].append("")
    return [
        Section(level, title, "\n".join(body).strip("\n"))
        for (level, title), body in zip(headings, bodies, strict=True)
    ]


def _clean_line(line: str) -> str:
    line = _EMPTY_PARENTHESES.sub("", line)
    line = _SEPARATOR_AFTER_OPEN.sub("（", line)
    line = _SEPARATOR_BEFORE_CLOSE.sub("）", line)
    if _SHIELDED.search(line):  # rare; translating every line is slow
        line = line.translate(_UNSHIELD)
    return line.strip()


def _replace_elements(text: str, tags: re.Pattern[str], render: Callable[[str], str]) -> str:
    """Each element, from an opening tag to the first closing tag of its name after it (or
    a tag closed in itself, `<nowiki/>`), replaced by `render(its content)`, left to right;
    an opening tag never closed is left as it is. `tags` matches both kinds, with the
    groups `name`, `close` (set for a closing tag) and `empty` (for a tag closed in
    itself). Finding each closing tag by bisection keeps a page of many unclosed tags
    linear, where a lazy regex would scan to the page's end from each of them."""
    found = list(tags.finditer(text))
    closing: dict[str, list[int]] = {}
    for index, tag in enumerate(found):
        if tag.group("close"):
            closing.setdefault(tag.group("name").lower(), []).append(index)
    parts = []
    position = 0
    for index, tag in enumerate(found):
        check_time()
        if tag.group("close") or tag.start() < position:
            continue
        if tag.groupdict().get("empty"):
            parts += [text[position : tag.start()], render("")]
            position = tag.end()
            continue
        ends = closing.get(tag.group("name").lower(), [])
        after = bisect.bisect_right(ends, index)
        if after == len(ends):
            continue
        end = found[ends[after]]
        parts += [text[position : tag.start()], render(text[tag.end() : end.start()])]
        position = end.end()
    parts.append(text[position:])
    return "".join(parts)


def _outermost_spans(text: str, tokens: re.Pattern[str], opening: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost balanced pair of `opening` and its closing token;
    an opening token never closed does not enclose what follows it."""
    stack: list[int] = []
    spans: list[tuple[int, int]] = []
    for token in tokens.finditer(text):
        check_time()
        if token.group() == opening:
            stack.append(token.start())
        elif stack:
            spans.append((stack.pop(), token.end()))
    spans.sort()
    outermost: list[tuple[int, int]] = []
    for start, end in spans:
        if not outermost or start >= outermost[-1][1]:
            outermost.append((start, end))
    return outermost


def _replace_spans(
    text: str,
    tokens: re.Pattern[str],
    opening: str,
    closing: str,
    render: Callable[[str], str],
) -> str:
    """Each outermost pair replaced by `render(its inside)`; unpaired tokens dropped."""
    parts = []
    position = 0
    for start, end in _outermost_spans(text, tokens, opening):
        parts.append(text[position:start].replace(opening, "").replace(closing, ""))
        parts.append(render(text[start + 2 : end - 2]))
        position = end
    parts.append(text[position:].replace(opening, "").replace(closing, ""))
    return "".join(parts)


def _replace_templates(text: str) -> str:
    return _replace_spans(text, _BRACES, "{{", "}}", _render_template)


def _replace_links(text: str) -> str:
    return _replace_spans(text, _BRACKETS, "[[", "]]", _render_link)


def _remove_tables(text: str) -> str:
    """Drops every line from a table's `{|` to its `|}`, nested tables included; a table
    never closed runs to the end."""
    kept = []
    depth = 0
    for line in text.split("\n"):
        check_time()
        if _TABLE_START.match(line):
            depth += 1
        elif depth and _TABLE_END.match(line):
            depth -= 1
        elif not depth:
            kept.append(line)
    return "\n".join(kept)


def _split_arguments(inside: str) -> list[tuple[str, int]]:
    """The `|`-separated parts of a template or link at its top level (not inside nested
    `{{ }}` or `[[ ]]`), each with the index of its first top-level `=` (-1: none)."""
    parts = []
    depth = 0
    start = 0
    equals = -1
    for token in _ARGUMENT_TOKENS.finditer(inside):
        value = token.group()
        if value in ("{{", "[["):
            depth += 1
        elif value in ("}}", "]]"):
            depth = max(0, depth - 1)
        elif depth == 0 and value == "|":
            parts.append((inside[start : token.start()], equals))
            start = token.end()
            equals = -1
        elif depth == 0 and equals < 0:
            equals = token.start() - start
    parts.append((inside[start:], equals))
    return parts


Arguments = dict[int, str]
"""A template's positional arguments by number from 1 (`1=x` counts as the first)."""


def _argument(number: int) -> Callable[[Arguments], str]:
    return lambda arguments: arguments.get(number, "")


def _with_reading(arguments: Arguments) -> str:
    base, reading = arguments.get(1, ""), arguments.get(2, "")
    return f"{base}（{reading}）" if base and reading else base


def _date_from(first: int) -> Callable[[Arguments], str]:
    def date(arguments: Arguments) -> str:
        units = zip((first, first + 1, first + 2), "年月日", strict=True)
        return "".join(f"{arguments[n]}{unit}" for n, unit in units if arguments.get(n))

    return date


def _first_given(*numbers: int) -> Callable[[Arguments], str]:
    return lambda arguments: next((arguments[n] for n in numbers if arguments.get(n)), "")


def _joined(arguments: Arguments) -> str:
    return "".join(arguments[number] for number in sorted(arguments))


_FIRST = _argument(1)
_INLINE_TEMPLATES: dict[str, Callable[[Arguments], str]] = {
    "仮リンク": _FIRST,
    "lang": _argument(2),
    "langwithname": _argument(3),
    "interlang": _first_given(3, 2),
    "ruby": _with_reading,
    "ルビ": _with_reading,
    "読み仮名": _with_reading,
    "読み仮名 ruby不使用": _with_reading,
    "要出典範囲": _FIRST,
    "独自研究範囲": _FIRST,
    "要検証範囲": _FIRST,
    "要説明範囲": _FIRST,
    "疑問点範囲": _FIRST,
    "nowrap": _FIRST,
    "nobr": _FIRST,
    "small": _FIRST,
    "smaller": _FIRST,
    "big": _FIRST,
    "larger": _FIRST,
    "sup": _FIRST,
    "sub": _FIRST,
    "unicode": _FIRST,
    "補助漢字フォント": _FIRST,
    "jis2004フォント": _FIRST,
    "cp932フォント": _FIRST,
    "拡張漢字": _FIRST,
    "color": _argument(2),
    "語中改行": _joined,
    "生年月日と年齢": _date_from(1),
    "死亡年月日と没年齢": _date_from(4),
    "nbsp": lambda arguments: " ",
}
"""Templates rendered as text from their arguments (names lower-cased, `_` as space).
Besides these, `lang-xx` (`{{lang-fr|Paris}}`, `{{lang-en-short|...}}`) and the
two-letter language-code templates (`{{el|Παρίσι}}`, `{{en|European Union}}`) give their
first argument."""
_LANGUAGE_TEMPLATE = re.compile(r"lang-.*|[a-z]{2}")


def _render_template(inside: str) -> str:
    parts = _split_arguments(inside)
    name = " ".join(parts[0][0].replace("_", " ").split()).lower()
    render = _INLINE_TEMPLATES.get(name)
    if render is None and _LANGUAGE_TEMPLATE.fullmatch(name):
        render = _FIRST
    if render is None:
        return ""
    arguments: Arguments = {}
    number = 1
    for part, equals in parts[1:]:
        if equals < 0:
            arguments[number] = part.strip()
            number += 1
        elif part[:equals].strip().isdigit():
            arguments[int(part[:equals])] = part[equals + 1 :].strip()
    return _replace_templates(render(arguments))


def _render_link(inside: str) -> str:
    parts = _split_arguments(inside)
    target = parts[0][0].strip()
    shown = target.lstrip(":").strip()
    prefix, colon, rest = shown.partition(":")
    prefix = prefix.strip()
    hidden = prefix.lower() in _HIDDEN_NAMESPACES or _LANGUAGE_CODE.fullmatch(prefix)
    if colon and hidden and not target.startswith(":"):
        return ""
    if len(parts) == 1:
        return rest.strip() if colon and _INTERWIKI.fullmatch(prefix) else shown
    label = inside[len(parts[0][0]) + 1 :]
    if not label.strip():  # the pipe trick: [[京都 (曖昧さ回避)|]] shows 京都
        return _TRAILING_QUALIFIER.sub("", shown.rpartition(":")[2])
    return _replace_links(label)
