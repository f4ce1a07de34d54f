"""Japanese fixture pages with a gold article text, and how much of the gold a text recovers."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import lxml.html

SCRAPINGHUB_JA = {
    "lhpat-tm.com": "85439e26c41c75901820d01a13e8cea7836abb58635ea3986f71a163ab0311d3",
    "note100yen.com": "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d",
}
YOMIURI_BODY = (
    "海津市海津町の国営木曽三川公園で、チューリップが見頃を迎えている。２０日までは"
    "「チューリップ祭」が開かれており、大勢の人たちが多彩な色や形を鑑賞している＝写真＝"
)  # asserted by snacktory's ArticleTextExtractorTest.testYomiuri
YOMIURI2_BODY = "ゼオライトは吸着力が高く、猫用トイレの砂などに使われる。"


def gold_pages(fixtures: Path) -> dict[str, tuple[str, str]]:
    """Japanese pages with a gold article text: name -> (html, gold text)."""
    extraction = fixtures / "extraction"
    benchmark = extraction / "scrapinghub-article-extraction-benchmark"
    truth = json.loads((benchmark / "ground-truth.json").read_text())
    pages = {}
    for name, key in SCRAPINGHUB_JA.items():
        html = gzip.decompress((benchmark / "html" / f"{key}.html.gz").read_bytes())
        pages[name] = (html.decode("utf-8"), truth[key]["articleBody"])
    for name in ("hukumusume", "yahoo-4"):
        page = extraction / "mozilla-readability" / "test-pages" / name
        expected = lxml.html.document_fromstring((page / "expected.html").read_text("utf-8"))
        pages[name] = ((page / "source.html").read_text("utf-8"), expected.text_content())
    return pages


def nhk_page(fixtures: Path) -> tuple[str, dict]:
    """trafilatura's NHK page and its gold `with` / `without` snippets."""
    evaluation = fixtures / "extraction" / "trafilatura-eval"
    gold = json.loads((evaluation / "evaldata_subset.json").read_text())
    entry = next(e for e in gold.values() if e["file"] == "nhk.or.jp.k100.html")
    return (evaluation / "eval" / "nhk.or.jp.k100.html").read_text("utf-8-sig"), entry


def yomiuri_page(fixtures: Path, name: str) -> str:
    return (fixtures / "extraction" / "snacktory" / f"{name}.html").read_bytes().decode("cp932")


def bigram_recall(gold: str, text: str) -> float:
    """Share of the gold's character bigrams (whitespace removed) found in `text`."""

    def bigrams(s: str) -> Counter:
        s = "".join(s.split())
        return Counter(s[i : i + 2] for i in range(len(s) - 1))

    wanted = bigrams(gold)
    return sum((wanted & bigrams(text)).values()) / sum(wanted.values())
