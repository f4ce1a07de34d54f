"""Wikipedia XML dumps (`pages-articles`) -> documents, one per article, streamed.

The dump (`.xml`, `.xml.bz2` including multistream, `.xml.xz`, ...) is parsed as a
stream (an lxml pull parser fed in chunks, each page cleared once read), so memory holds
one page, never the dump. Each article's wikitext becomes plain text with `corpus.sources.wikitext`.

The document: id `DBNAME:PAGE_ID` (`jawiki:5`), `url` the article's address as Wikipedia
writes it (`https://ja.wikipedia.org/wiki/EU_(%E6%9B%96...)`: spaces as `_`, percent-encoded
UTF-8, `;@$!*(),/~:` left as they are), `host` the wiki's, `date` the revision's
timestamp, `language` the dump's `xml:lang`. Its paragraphs: the lead, then every section's
heading as a paragraph of its own (path `h2` for `== x ==`, `h3` for `=== x ===`, ...: the
filter stage's MarkdownizeHeading can mark it up) followed by the section's paragraphs
(split on blank lines; list items stay lines of one paragraph). The article's title is not
added (the lead restates it).

Sections that hold apparatus, not prose, are dropped with their subsections: a section
goes when every part of its title, split at `・`, `、`, `/` and `／`, is one of
`dropped_sections` (case-insensitive): `脚注`, `出典`, `参考文献`, `関連項目`, `外部リンク`,
`脚注・出典`, `See also`, ... A heading with no text under it, its subsections included,
goes too.

Each page ends as one outcome (`position` of a dead letter: the page's index in the dump,
from 0, or the number of complete pages before a cut):

| Outcome | When | Dead letter |
|---|---|---|
| `kept` | an article | |
| `namespace` | the page is outside `namespaces` (talk, Wikipedia:, Template:, ...) | |
| `redirect` | a redirect (`<redirect>`, or text starting `#REDIRECT` / `#転送`) | |
| `empty` | no text left after conversion | |
| `conversion_error` | the wikitext broke the converter | yes |
| `timeout` | the page's conversion ran past `time_limit_seconds` (`time_limit`) | yes |
| `truncated_file` | the dump ends inside a page, or inside a compressed member | yes |
| `xml_error` | the XML is malformed before its end | yes |
| `unreadable_file` | the file cannot be read on | yes |
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote, urlsplit

from lxml import etree

from corpus.accounting import TRUNCATED_FILE, UNREADABLE_FILE
from corpus.extract.dates import parse_warc_date
from corpus.extract.paragraphs import ExtractionTimeout
from corpus.schema import Paragraph
from corpus.sources.files import open_decompressed
from corpus.sources.records import (
    EMPTY,
    ReadResult,
    Skipped,
    Unreadable,
    make_document,
    split_paragraphs,
)
from corpus.sources.time_limit import (
    DEFAULT_TIME_LIMIT_SECONDS,
    check_time_limit,
    within_time_limit,
)
from corpus.sources.wikitext import Section, to_sections

DROPPED_SECTIONS = (
    "脚注",
    "注釈",
    "注記",
    "注",
    "出典",
    "参照",
    "参考文献",
    "参考資料",
    "関連文献",
    "関連項目",
    "外部リンク",
    "References",
    "Notes",
    "Footnotes",
    "Citations",
    "Sources",
    "Bibliography",
    "Further reading",
    "See also",
    "External links",
)
_TITLE_PARTS = re.compile(r"[・、/／]")
_REDIRECT_TEXT = re.compile(r"\s*#(?:redirect|転送)", re.IGNORECASE)
_CHUNK_BYTES = 1 << 16
"""What the parser is fed at a time."""
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# MediaWiki's wfUrlencode leaves these unescaped in page addresses.
_URL_SAFE = ";@$!*(),/~:"


@dataclass(frozen=True, slots=True)
class Site:
    """What the dump's <siteinfo> says about the wiki."""

    dbname: str = "wiki"
    article_path: str = ""  # `https://ja.wikipedia.org/wiki/`; "" when unknown
    language: str = ""

    @classmethod
    def from_element(cls, siteinfo: etree._Element) -> Site:
        dbname = siteinfo.findtext("{*}dbname") or cls.dbname
        base = siteinfo.findtext("{*}base") or ""
        marker = base.find("/wiki/")
        article_path = base[: marker + len("/wiki/")] if marker >= 0 else ""
        root = siteinfo.getparent()
        language = (root.get(_XML_LANG) if root is not None else None) or ""
        return cls(dbname, article_path, language)

    def url(self, title: str) -> str:
        if not self.article_path:
            return ""
        return self.article_path + quote(title.replace(" ", "_"), safe=_URL_SAFE)


def _title_dropped(title: str, dropped: frozenset[str]) -> bool:
    parts = [part.strip().lower() for part in _TITLE_PARTS.split(title)]
    return all(part in dropped for part in parts if part) and any(parts)


def article_paragraphs(sections: list[Section], dropped: frozenset[str]) -> list[Paragraph]:
    """The paragraphs of an article's sections, apparatus sections and headings without
    text left out (see the module); `dropped` holds lower-cased titles."""
    kept: list[Section] = []
    dropping_below: int | None = None
    for section in sections:
        if dropping_below is not None and section.level > dropping_below:
            continue
        dropping_below = None
        if section.level and _title_dropped(section.title, dropped):
            dropping_below = section.level
            continue
        kept.append(section)
    paragraphs = []
    for index, section in enumerate(kept):
        if section.level and section.title and _has_text(kept, index):
            paragraphs.append(Paragraph(section.title, path=f"h{section.level}"))
        paragraphs.extend(split_paragraphs(section.text, "blank_lines"))
    return paragraphs


def _has_text(sections: list[Section], index: int) -> bool:
    """Whether the section at `index` or one of its subsections has text."""
    level = sections[index].level
    for position in range(index, len(sections)):
        if position > index and sections[position].level <= level:
            return False
        if sections[position].text.strip():
            return True
    return False


@dataclass(frozen=True)
class WikipediaReader:
    """Reads MediaWiki XML dumps (`*-pages-articles*.xml[.bz2|.xz|.gz|.zst]`)."""

    source: str | None = None
    """Value of every document's `source`; None: the dump's database name (`jawiki`)."""
    namespaces: tuple[int, ...] = (0,)
    """Namespaces to keep (0: articles)."""
    dropped_sections: tuple[str, ...] = DROPPED_SECTIONS
    """Section titles whose sections (and subsections) are left out, case-insensitive."""
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    """Longest a record's conversion to a document may take (longer: a `timeout` dead
    letter); a run gives `extract.time_limit_seconds` unless this is set."""

    def __post_init__(self) -> None:
        check_time_limit(self.time_limit_seconds)

    def read(self, path: str) -> Iterator[ReadResult]:
        dropped = frozenset(title.lower() for title in self.dropped_sections)
        pages = 0
        read = 0
        at_end = False
        # A pull parser fed chunk by chunk, not `iterparse`: lxml 6.2's iterparse drops the
        # pages parsed in the same chunk as a syntax error; the pull parser keeps them.
        parser = etree.XMLPullParser(
            events=("end",),
            tag=("{*}siteinfo", "{*}page"),
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )
        site = Site()

        def parsed() -> Iterator[ReadResult]:
            nonlocal pages, site
            for _, element in parser.read_events():
                if etree.QName(element).localname == "siteinfo":
                    site = Site.from_element(element)
                else:
                    yield within_time_limit(
                        self.time_limit_seconds,
                        path,
                        pages,
                        partial(self.from_page, element, site, dropped, path, pages),
                    )
                    pages += 1
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]

        try:
            with open_decompressed(path) as stream:
                while chunk := stream.read(_CHUNK_BYTES):
                    read += len(chunk)
                    try:
                        parser.feed(chunk)
                    except etree.XMLSyntaxError:
                        yield from parsed()  # the pages complete before the error
                        raise
                    yield from parsed()
                at_end = True
                # Raises when the XML is unfinished: the page left open is not complete.
                parser.close()
                yield from parsed()
        except EOFError as error:
            yield Unreadable(path, pages, TRUNCATED_FILE, f"after {pages} pages: {error}")
        except etree.XMLSyntaxError as error:
            where = f"after {pages} complete pages, {read} bytes read: {error}"
            if at_end:
                yield Unreadable(path, pages, TRUNCATED_FILE, f"XML ends {where}")
            else:
                yield Unreadable(path, pages, "xml_error", where)
        except Exception as error:  # I/O, corrupt compressed data: the file stops here
            yield Unreadable(path, pages, UNREADABLE_FILE, f"after {pages} pages: {error!r}")

    def from_page(
        self,
        page: etree._Element,
        site: Site,
        dropped: frozenset[str],
        path: str,
        index: int,
    ) -> ReadResult:
        if int(page.findtext("{*}ns") or 0) not in self.namespaces:
            return Skipped("namespace")
        text = page.findtext("{*}revision/{*}text")
        if page.find("{*}redirect") is not None or _REDIRECT_TEXT.match(text or ""):
            return Skipped("redirect")
        if not text:
            return Skipped(EMPTY)
        page_id = page.findtext("{*}id") or ""
        title = page.findtext("{*}title") or ""
        try:
            paragraphs = article_paragraphs(to_sections(text), dropped)
        except ExtractionTimeout:
            raise  # a timeout, counted as one (`within_time_limit`)
        except Exception as error:  # one pathological page must not stop the dump
            return Unreadable(path, index, "conversion_error", f"{page_id} {title}: {error!r}")
        if not paragraphs:
            return Skipped(EMPTY)
        return make_document(
            f"{site.dbname}:{page_id}",
            paragraphs,
            self.source or site.dbname,
            url=site.url(title),
            host=urlsplit(site.article_path).hostname,
            date=parse_warc_date(page.findtext("{*}revision/{*}timestamp")),
            language=site.language,
        )
