"""HTML to paragraphs, the Uzushio way: every block element bounds a paragraph.

Mirrors Uzushio's ParagraphExtractor as it runs behind Tika's body content handler:

- Each tag in `BLOCK_TAGS` ends the paragraph collected so far, at its start and at its end.
  List items, table cells and rows, and definition terms stay inside one paragraph: `li`,
  `dd`, `dt`, `td`, `th` are preceded by a space and `li`, `dd`, `dt`, `tr` end a line (as
  Tika's XHTML handler does); `<br>` ends a line.
- Only the body is read: `<head>` (and so the `<title>` in it) is not text, as in Uzushio.
  Text in `SKIPPED_TAGS` is dropped: script and style, plus content that is never shown
  (`template`), vector-graphics labels (`svg`), elements whose content the parser keeps
  as raw, unparsed markup (`iframe`, `noembed`, `noframes`), and ruby readings (`rt`,
  `rp`: furigana would otherwise run into the base text, 子こども). Comments and
  processing instructions are dropped by the parser.
- A paragraph's path is the `>`-joined chain of `tag.class1.class2#id` segments from `html`
  down to the block element that bounds it. Text that ends at a block's start takes the path
  of the block started before it (`""` if none); text that ends at a block's end takes that
  block's path; text left after the last block takes `""`.
- Within each line whitespace runs (ASCII and C1 controls, NBSP, Unicode spaces other than
  U+3000) collapse to one space; lines are stripped of spaces and U+3000 (as Java's
  `strip` does), empty lines dropped; a paragraph with no line left is dropped. Inside a
  link, line breaks become spaces.
- `link_chars` counts the characters of each link's text, whitespace-collapsed and without
  its leading and trailing spaces, so it never exceeds the length of the paragraph.
"""

from __future__ import annotations

import re
import threading
import time

from lxml import etree

from corpus.schema import Paragraph

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dialog", "dir",
        "div", "dl", "fieldset", "figure", "footer", "form", "frame", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "legend", "main", "nav", "noframes", "noscript", "ol",
        "optgroup", "option", "p", "pre", "section", "table", "textarea", "title", "ul", "xmp",
    }
)  # fmt: skip
SKIPPED_TAGS = frozenset(
    {"head", "script", "style", "template", "svg", "iframe", "noembed", "noframes", "rt", "rp"}
)
ITEM_TAGS = frozenset({"li", "dd", "dt", "td", "th"})
LINE_END_TAGS = frozenset({"li", "dd", "dt", "tr"})

# Every paragraph holds its own path string, so attribute-heavy or adversarial pages could
# make paths cost far more memory than the page itself: a segment (a class attribute can be
# megabytes long) is cut to MAX_SEGMENT_CHARS and a whole path to its last MAX_PATH_CHARS.
# Both are well above what real pages use (fixture pages: p99.9 of segments 2.1k characters
# uncut but 99.4% under 256; p99.9 of paths under 3k).
MAX_SEGMENT_CHARS = 256
MAX_PATH_CHARS = 4096
# How many tree events pass between two looks at the clock.
_DEADLINE_CHECK_EVERY = 512

_SPACE_RUN = re.compile("[\x00-\x09\x0b-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]+")
_LINE_BREAK = re.compile("[ \u3000]*\n[ \u3000\n]*")


class ExtractionTimeout(Exception):
    """Extracting one document took longer than its time limit."""


class NestingTooDeep(Exception):
    """The document's elements nest deeper than the allowed depth."""


_thread_state = threading.local()


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads; Beam runs DoFns in worker threads.
    parser = getattr(_thread_state, "parser", None)
    if parser is None:
        # huge_tree lifts libxml2's own depth cap of 256 (to 2048), which would otherwise
        # truncate deep documents silently; the walk enforces max_depth itself.
        parser = etree.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            huge_tree=True,
            no_network=True,
            default_doctype=False,
        )
        _thread_state.parser = parser
    return parser


def _parse(html: str) -> etree._Element | None:
    parser = _parser()
    # Bytes with an explicit encoding: a str holding an <?xml encoding=...?> declaration
    # would make lxml raise, and a <meta charset> must not re-decode already decoded text.
    root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            raise NestingTooDeep(error.message)
    return root


def normalize_text(raw: str) -> str:
    """Collapse whitespace within lines, strip lines and drop empty ones."""
    if raw.isspace():
        return ""
    text = _SPACE_RUN.sub(" ", raw)
    if "\n" in text:
        text = _LINE_BREAK.sub("\n", text)
    return text.strip(" \n\u3000")


def _segment(element: etree._Element) -> str:
    segment = element.tag
    classes = element.get("class")
    if classes:
        names = classes.split()
        if names:
            segment += "." + ".".join(names)
    element_id = element.get("id")
    if element_id:
        segment += "#" + element_id
    return segment[:MAX_SEGMENT_CHARS]


def html_to_paragraphs(
    html: str, *, time_limit: float = 5.0, max_depth: int = 256
) -> list[Paragraph]:
    """Split an HTML page into Uzushio-style paragraphs (see the module docstring).

    Raises `NestingTooDeep` when an element lies deeper than `max_depth` (`html` is at
    depth 1; at most 2048, libxml2's own cap) and `ExtractionTimeout` when the walk passes
    `time_limit` seconds. The parse before the walk cannot be interrupted, but it is
    linear C: about 1.5 ms for a 110 KB page.
    """
    deadline = time.monotonic() + time_limit
    root = _parse(html)
    if root is None:
        return []

    paragraphs: list[Paragraph] = []
    pieces: list[str] = []  # text of the paragraph being collected
    link_pieces: list[str] = []  # text of the link being collected
    link_texts: list[str] = []  # finished links of the paragraph being collected
    open_elements: list[etree._Element] = []
    # Paths of open_elements[:len(paths)], computed only when a block needs them.
    paths: list[str] = []
    block_paths: list[str] = []  # paths of the open block elements
    # Equal paths share one string: sibling blocks would otherwise each hold a copy.
    interned_paths: dict[str, str] = {}
    link_depth = 0
    previous_block_path = ""

    def flush(path: str) -> None:
        if link_pieces:
            link_texts.append("".join(link_pieces))
            link_pieces.clear()
        if pieces:
            text = normalize_text("".join(pieces))
            pieces.clear()
            if text:
                link_chars = 0
                for link in link_texts:
                    link_chars += len(_SPACE_RUN.sub(" ", link).strip(" \u3000"))
                paragraphs.append(Paragraph(text, path, link_chars))
        link_texts.clear()

    walk = etree.iterwalk(root, events=("start", "end"))
    events = 0
    for event, element in walk:
        events += 1
        if not events % _DEADLINE_CHECK_EVERY and time.monotonic() > deadline:
            raise ExtractionTimeout(f"paragraph extraction exceeded {time_limit} s")
        tag = element.tag
        if event == "start":
            open_elements.append(element)
            if len(open_elements) > max_depth:
                raise NestingTooDeep(f"elements nest deeper than {max_depth}")
            if tag in BLOCK_TAGS:
                flush(previous_block_path)
                for ancestor in open_elements[len(paths) :]:
                    segment = _segment(ancestor)
                    paths.append(f"{paths[-1]}>{segment}" if paths else segment)
                path = paths[-1][-MAX_PATH_CHARS:]
                previous_block_path = interned_paths.setdefault(path, path)
                block_paths.append(previous_block_path)
            if tag in SKIPPED_TAGS:
                walk.skip_subtree()
                continue
            text = element.text
            if tag in ITEM_TAGS:
                text = " " + text if text else " "
            elif tag == "br":
                text = "\n"
            elif tag == "a":
                link_depth += 1
        else:
            if tag in BLOCK_TAGS:
                flush(block_paths.pop())
            elif tag == "a" and link_depth:
                link_depth -= 1
                if not link_depth and link_pieces:
                    link_texts.append("".join(link_pieces))
                    link_pieces.clear()
            open_elements.pop()
            if len(paths) > len(open_elements):
                paths.pop()
            text = element.tail
            if tag in LINE_END_TAGS:
                text = "\n" + text if text else "\n"
        if text:
            if link_depth:
                text = text.replace("\n", " ")
                link_pieces.append(text)
            pieces.append(text)
    flush("")
    return paragraphs
