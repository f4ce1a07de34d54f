"""The gold pages of the extraction fixtures: HTML with the main text a person marked.

Every page of ../shared/fixtures/extraction that comes with gold:

- scrapinghub article-extraction-benchmark, 181 pages: gold text = `articleBody`;
- mozilla-readability, 20 pages: gold text = the text of `expected.html`;
- snacktory yomiuri.html and yomiuri2.html (Shift_JIS, 2011): no gold file; gold text =
  the `<p>` paragraphs of `div.article-def`, the article body (not its headline, photo
  caption, date line or links), as scrapinghub's `articleBody` holds the body only;
- uzushio perldoc_ja.html: no gold file; gold text = `div.pod_content_body`, the
  bilingual perlfaq4 text (headings, English originals, translations, code);
  perldoc_ja_small.html is left out: its body is cut off after the table of contents,
  which is a list of links, so it has no article;
- trafilatura-eval, 57 pages: no gold text, only snippets that must appear (`with`) and
  boilerplate that must not (`without`).

Japanese pages are the ones fixture_warc.JAPANESE_PAGES names.

Every page falls in one of FOLDS folds by a hash of its name (`fold_of`): the MainText
model is chosen and scored by cross-validation over these folds
(benchmarks/train_main_text.py), so that main_text.py can score every page with a model
that never saw it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from fixture_warc import JAPANESE_PAGES
from lxml import etree, html

from corpus.extract.charset import decode_body

SELECTOR_GOLD = {
    "snacktory/yomiuri.html": "//div[@class='article-def']//p",
    "snacktory/yomiuri2.html": "//div[@class='article-def']//p",
    "uzushio/perldoc_ja.html": "//div[@class='pod_content_body']",
}
NOT_TEXT = ("script", "style", "noscript", "template")


@dataclass(frozen=True)
class GoldPage:
    name: str
    """The page's path under fixtures/extraction."""
    dataset: str
    body: bytes
    japanese: bool
    text: str | None
    """The gold main text; None for a page with snippets only."""
    must_contain: tuple[str, ...] = ()
    must_not_contain: tuple[str, ...] = ()


def parse_html(body: bytes) -> etree._Element:
    decoded = decode_body(body, "text/html")
    if decoded is None:
        raise ValueError("the gold HTML decodes in no charset")
    # lxml refuses a str that carries an XML encoding declaration: hand it UTF-8 bytes.
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True)
    return html.document_fromstring(decoded.text.encode("utf-8"), parser=parser)


def element_text(element: etree._Element) -> str:
    """The text a reader sees in `element` (scripts and styles left out)."""
    copy = deepcopy(element)
    etree.strip_elements(copy, *NOT_TEXT, with_tail=False)
    return copy.text_content().strip()


def japanese(name: str) -> bool:
    return any(marker in f"extraction/{name}" for marker in JAPANESE_PAGES)


def scrapinghub_pages(root: Path) -> list[GoldPage]:
    directory = root / "scrapinghub-article-extraction-benchmark"
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in sorted(truth.items()):
        path = directory / "html" / f"{key}.html.gz"
        name = path.relative_to(root).as_posix()
        body = gzip.decompress(path.read_bytes())
        pages.append(GoldPage(name, "scrapinghub", body, japanese(name), entry["articleBody"]))
    return pages


def readability_pages(root: Path) -> list[GoldPage]:
    pages = []
    for directory in sorted((root / "mozilla-readability/test-pages").iterdir()):
        source = directory / "source.html"
        name = source.relative_to(root).as_posix()
        expected = parse_html((directory / "expected.html").read_bytes())
        gold = element_text(expected)
        pages.append(GoldPage(name, "readability", source.read_bytes(), japanese(name), gold))
    return pages


def selector_pages(root: Path) -> list[GoldPage]:
    pages = []
    for name, xpath in SELECTOR_GOLD.items():
        body = (root / name).read_bytes()
        elements = parse_html(body).xpath(xpath)
        if not elements:
            raise ValueError(f"{name}: the gold selector {xpath} matches nothing")
        gold = "\n".join(element_text(e) for e in elements)
        pages.append(GoldPage(name, name.split("/")[0], body, japanese(name), gold))
    return pages


def trafilatura_eval_pages(root: Path) -> list[GoldPage]:
    directory = root / "trafilatura-eval"
    entries = json.loads((directory / "evaldata_subset.json").read_text(encoding="utf-8"))
    pages = []
    for entry in sorted(entries.values(), key=lambda e: e["file"]):
        path = directory / "eval" / entry["file"]
        if not path.is_file():
            path = directory / "cache" / entry["file"]
        name = path.relative_to(root).as_posix()
        snippets = tuple(entry["with"]), tuple(entry["without"])
        pages.append(
            GoldPage(name, "trafilatura-eval", path.read_bytes(), japanese(name), None, *snippets)
        )
    return pages


FOLDS = 5


def fold_of(name: str) -> int:
    """A page's cross-validation fold: the first byte of the SHA-256 of its name, modulo FOLDS."""
    return hashlib.sha256(name.encode("utf-8")).digest()[0] % FOLDS


def gold_pages(fixtures: Path) -> list[GoldPage]:
    root = fixtures / "extraction"
    return [
        *scrapinghub_pages(root),
        *readability_pages(root),
        *selector_pages(root),
        *trafilatura_eval_pages(root),
    ]
