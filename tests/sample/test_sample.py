"""The sample WARC: rebuilt byte for byte from source, readable, and holding every case the
quickstart relies on (charsets, near-duplicates, template paragraphs, junk, non-HTML)."""

from __future__ import annotations

import codecs
import html
import json
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.sample import pages
from corpus.sample.build import DEFAULT_PATH, build_sample_warc
from corpus.sample.pages import PAGES, Page, paragraphs

JAPANESE_ARTICLES = [page for page in PAGES if page.lang == "ja" and page.article]

BUS_EDITIONS = [
    pages.COMMUNITY_BUS_PAGE,
    pages.COMMUNITY_BUS_PRINT_PAGE,
    pages.COMMUNITY_BUS_MOBILE_PAGE,
]


@dataclass(frozen=True)
class Response:
    status: str
    http_headers: dict[str, str]
    payload: bytes

    @property
    def content_type(self) -> str | None:
        return self.http_headers.get("content-type")


@pytest.fixture(scope="module")
def warc_records() -> list[tuple[dict[str, str], Response | None]]:
    """(WARC headers, response) for every record of the committed file, digests checked."""
    records = []
    with DEFAULT_PATH.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            warc_headers = dict(record.rec_headers.headers)
            response = None
            if record.rec_type == "response":
                response = Response(
                    status=record.http_headers.get_statuscode(),
                    http_headers={k.lower(): v for k, v in record.http_headers.headers},
                    # raw_stream: the stored bytes, without warcio's Content-Encoding handling.
                    payload=record.raw_stream.read(),
                )
            else:
                record.raw_stream.read()
            records.append((warc_headers, response))
    return records


@pytest.fixture(scope="module")
def responses(warc_records) -> dict[str, Response]:
    return {headers["WARC-Target-URI"]: r for headers, r in warc_records if r is not None}


def visible_text(markup: str) -> str:
    """Page text without tags, scripts or styles, whitespace collapsed."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?s)<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(markup)).strip()


def char_5gram_jaccard(a: str, b: str) -> float:
    grams_a = {a[i : i + 5] for i in range(len(a) - 4)}
    grams_b = {b[i : i + 5] for i in range(len(b) - 4)}
    return len(grams_a & grams_b) / len(grams_a | grams_b)


def http_charset(response: Response) -> str | None:
    match = re.search(r"charset=([\w-]+)", response.content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def meta_charset(response: Response) -> str | None:
    match = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", response.payload[:10240], re.I)
    return match.group(1).decode("ascii") if match else None


def codec_for(label: str) -> str:
    """Python codec for a charset label; Shift_JIS means Windows-31J, as browsers read it."""
    name = codecs.lookup(label).name
    return "cp932" if name == "shift_jis" else name


def decoded(page: Page, responses: dict[str, Response]) -> str:
    return responses[page.url].payload.decode(page.encoding)


def test_committed_warc_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    rebuilt = tmp_path / "sample.warc.gz"
    build_sample_warc(rebuilt)
    assert rebuilt.read_bytes() == DEFAULT_PATH.read_bytes(), (
        "corpus/sample/sample.warc.gz is stale: run `python -m corpus.sample.build`"
    )


def test_every_record_is_its_own_gzip_member_with_zero_mtime() -> None:
    data = DEFAULT_PATH.read_bytes()
    members = []
    while data:
        assert data[:3] == b"\x1f\x8b\x08"
        assert struct.unpack("<I", data[4:8]) == (0,)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    assert len(members) == 82
    assert all(member.startswith(b"WARC/1.0\r\nWARC-Type: ") for member in members)


def test_record_types_and_statuses(warc_records) -> None:
    types = Counter(headers["WARC-Type"] for headers, _ in warc_records)
    assert types == {"warcinfo": 1, "request": 27, "response": 27, "metadata": 27}
    statuses = Counter(r.status for _, r in warc_records if r is not None)
    assert statuses == {"200": 25, "301": 1, "404": 1}
    assert warc_records[0][0]["WARC-Type"] == "warcinfo"


def test_records_link_up_like_common_crawl(warc_records) -> None:
    by_id = {headers["WARC-Record-ID"]: headers for headers, _ in warc_records}
    assert len(by_id) == len(warc_records)
    warcinfo_id = warc_records[0][0]["WARC-Record-ID"]
    for headers, _ in warc_records[1:]:
        assert headers["WARC-Warcinfo-ID"] == warcinfo_id
        assert headers["WARC-Date"].startswith("2024-05-20T")
        if headers["WARC-Type"] != "request":
            sibling = by_id[headers["WARC-Concurrent-To"]]
            assert sibling["WARC-Target-URI"] == headers["WARC-Target-URI"]
            expected = {"response": "request", "metadata": "response"}[headers["WARC-Type"]]
            assert sibling["WARC-Type"] == expected


def test_responses_are_the_pages_in_order(warc_records) -> None:
    stored = [(h["WARC-Target-URI"], r.payload) for h, r in warc_records if r is not None]
    assert stored == [(page.url, page.payload) for page in PAGES]


@pytest.mark.parametrize("page", JAPANESE_ARTICLES, ids=lambda page: page.url.split("/")[2])
def test_japanese_article_decodes_in_its_declared_charset(page: Page, responses) -> None:
    response = responses[page.url]
    # Uzushio's order: the meta declaration first, then the HTTP header.
    label = meta_charset(response) or http_charset(response)
    assert (label is None) == (page is pages.MEDAKA_PAGE)
    text = response.payload.decode(codec_for(label) if label else page.encoding)
    assert len(paragraphs(page.article)) >= 2
    for paragraph in paragraphs(page.article):
        assert paragraph in text


def test_japanese_articles_have_realistic_length() -> None:
    lengths = {page.url: len("".join(paragraphs(page.article))) for page in JAPANESE_ARTICLES}
    assert len(lengths) == 16
    assert len({page.article for page in JAPANESE_ARTICLES}) == 15
    # One short article (in heavy boilerplate); the rest are several paragraphs long.
    assert lengths.pop(pages.ROAD_CLOSURE_PAGE.url) == 206
    assert min(lengths.values()) >= 575 and max(lengths.values()) < 2500


def test_charset_declarations(responses) -> None:
    declared = {
        page.url: (http_charset(responses[page.url]), meta_charset(responses[page.url]))
        for page in JAPANESE_ARTICLES
    }
    assert declared[pages.KETTLE_PAGE.url] == ("Shift_JIS", "Shift_JIS")
    assert declared[pages.HEAD_OFFICE_PAGE.url] == (None, "Shift_JIS")
    assert declared[pages.SHIMANAMI_PAGE.url] == ("EUC-JP", "EUC-JP")
    assert declared[pages.MEGANE_BASHI_PAGE.url] == (None, "iso-2022-jp")
    assert declared[pages.MINI_TOMATO_PAGE.url] == ("ISO-8859-1", "UTF-8")
    assert declared[pages.MEDAKA_PAGE.url] == (None, None)
    assert declared[pages.LIGHTHOUSE_PAGE.url] == (None, "utf-8")
    assert responses[pages.LIGHTHOUSE_PAGE.url].content_type is None
    encodings = Counter(codec_for(page.encoding) for page in JAPANESE_ARTICLES)
    assert encodings == {"utf-8": 11, "cp932": 3, "euc_jp": 1, "iso2022_jp": 1}


def test_charset_traps(responses) -> None:
    kettle = responses[pages.KETTLE_PAGE.url].payload
    with pytest.raises(UnicodeDecodeError):
        kettle.decode("shift_jis")
    assert "①" in kettle.decode("cp932")
    assert "～" in kettle.decode("cp932")
    # Undeclared Shift_JIS is not UTF-8, so only detection can read it.
    with pytest.raises(UnicodeDecodeError):
        responses[pages.MEDAKA_PAGE.url].payload.decode("utf-8")
    # ISO-2022-JP is 7-bit: no byte says "Japanese" until the escapes are decoded.
    assert max(responses[pages.MEGANE_BASHI_PAGE.url].payload) < 0x80
    # The header's ISO-8859-1 decodes without error, into mojibake.
    tomato = responses[pages.MINI_TOMATO_PAGE.url].payload
    assert pages.paragraphs(pages.MINI_TOMATO)[0] not in tomato.decode("iso-8859-1")


def test_near_duplicate_editions_share_most_text(responses) -> None:
    texts = [visible_text(decoded(page, responses)) for page in BUS_EDITIONS]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert 0.55 <= char_5gram_jaccard(texts[i], texts[j]) <= 0.75
    articles = [page.article for page in BUS_EDITIONS]
    assert 0.9 <= char_5gram_jaccard(articles[0], articles[1]) < 0.95
    assert 0.88 <= char_5gram_jaccard(articles[0], articles[2]) < 0.93
    # Unrelated articles of the same site share only the template.
    for page in (pages.MATSURI_PAGE, pages.LIBRARY_BUS_PAGE, pages.ROAD_CLOSURE_PAGE):
        assert char_5gram_jaccard(texts[0], visible_text(decoded(page, responses))) < 0.25


def test_exact_duplicate_on_another_host(responses) -> None:
    original, mirror = pages.COMMUNITY_BUS_PAGE, pages.COMMUNITY_BUS_MIRROR_PAGE
    assert responses[original.url].payload == responses[mirror.url].payload
    assert original.url.split("/")[2] != mirror.url.split("/")[2]


def test_site_template_paragraphs_repeat(responses) -> None:
    ok = [url for url, r in responses.items() if r.status == "200"]
    for paragraph in (pages.KAWABE_NOTICE, pages.KAWABE_RIGHTS):
        holders = [url for url in ok if paragraph.encode() in responses[url].payload]
        assert len(holders) == 6
    catch_holders = [url for url in ok if pages.KAWABE_CATCH.encode() in responses[url].payload]
    assert len(catch_holders) == 5


def test_low_quality_pages_are_low_quality(responses) -> None:
    def hiragana_ratio(text: str) -> float:
        return sum("\u3040" <= c <= "\u309f" for c in text) / len(text)

    link_farm = decoded(pages.LINK_FARM_PAGE, responses)
    link_text = "".join(re.findall(r"(?s)<a\b[^>]*>(.*?)</a>", link_farm))
    assert len(link_text) / len(visible_text(link_farm).replace(" ", "")) > 0.75
    spam = visible_text(decoded(pages.KEYWORD_SPAM_PAGE, responses))
    assert hiragana_ratio(spam) < 0.05
    assert len(zlib.compress(spam.encode())) / len(spam.encode()) < 0.15
    assert len(visible_text(decoded(pages.UNDER_CONSTRUCTION_PAGE, responses))) < 30
    for page in JAPANESE_ARTICLES:
        assert hiragana_ratio(visible_text(decoded(page, responses))) > 0.2


def test_non_html_and_odd_responses(responses) -> None:
    png = responses[pages.KAWABE_LOGO.url]
    assert png.content_type == "image/png"
    assert png.payload.startswith(b"\x89PNG\r\n\x1a\n")
    idat_length = struct.unpack(">I", png.payload[33:37])[0]
    assert png.payload[37:41] == b"IDAT"
    assert len(zlib.decompress(png.payload[41 : 41 + idat_length])) == 8 * (1 + 16 * 3)

    api = responses[pages.KAWABE_API.url]
    assert api.content_type.startswith("application/json")
    assert len(json.loads(api.payload)["articles"]) == 3

    sniffed = responses[pages.LIGHTHOUSE_PAGE.url]
    assert "content-type" not in sniffed.http_headers
    assert sniffed.payload.startswith(b"<!DOCTYPE html>")

    not_really_gzip = responses[pages.PUNCTURE_PAGE.url]
    assert not_really_gzip.http_headers["content-encoding"] == "gzip"
    assert not_really_gzip.payload.startswith(b"<!DOCTYPE html>")
    crawler_gzip = responses[pages.SABA_PAGE.url]
    assert crawler_gzip.http_headers["x-crawler-content-encoding"] == "gzip"

    redirect = responses[pages.KAWABE_REDIRECT.url]
    assert (redirect.status, redirect.http_headers["location"]) == ("301", f"{pages.KAWABE}/")
    assert responses[pages.KAWABE_NOT_FOUND.url].status == "404"
    assert pages.MEGANE_BASHI_PAGE.url in responses
    assert (
        responses[pages.MEGANE_BASHI_PAGE.url]
        .http_headers["last-modified"]
        .endswith("1998 09:12:00 GMT")
    )


def test_other_languages_are_present(responses) -> None:
    langs = Counter(page.lang for page in PAGES if page.article)
    assert langs == {"ja": 16, "en": 2, "zh": 1, "ko": 1}
    for page in PAGES:
        if page.lang in ("en", "zh", "ko"):
            text = decoded(page, responses)
            assert f'<html lang="{page.lang}' in text
            assert all(paragraph in text for paragraph in paragraphs(page.article))
