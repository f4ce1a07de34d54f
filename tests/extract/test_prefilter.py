"""The kana pre-filters (on bytes and on text) on real pages and constructed traps, and the
character-class ratios they build on."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.extract import charset
from corpus.extract.charset import decode_body
from corpus.extract.prefilter import MIN_KANA, looks_japanese, might_hold_kana
from corpus.extract.scripts import ScriptRatios, script_ratios

# The extraction fixture pages that are not UTF-8; the Latin-script rest decode as cp1252.
LEGACY_CHARSETS = {
    "snacktory/yomiuri.html": "cp932",
    "snacktory/yomiuri2.html": "cp932",
    "trafilatura-eval/eval/archive.org.he.xinhuanet.com.25340717.html": "gb18030",
}

JAPANESE_PAGES = {
    "scrapinghub-article-extraction-benchmark/html/"
    "85439e26c41c75901820d01a13e8cea7836abb58635ea3986f71a163ab0311d3.html.gz",
    "scrapinghub-article-extraction-benchmark/html/"
    "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d.html.gz",
    "mozilla-readability/test-pages/hukumusume/source.html",
    "mozilla-readability/test-pages/yahoo-4/source.html",
    "trafilatura-eval/eval/nhk.or.jp.k100.html",
    "snacktory/yomiuri.html",
    "snacktory/yomiuri2.html",
    "uzushio/perldoc_ja.html",
    "uzushio/perldoc_ja_small.html",
}

# English pages about Japan that quote Japanese: they pass, and the full path decides.
ENGLISH_PAGES_WITH_KANA = {
    # The same page twice, katakana names in its markup.
    "scrapinghub-article-extraction-benchmark/html/"
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856.html.gz",
    "scrapinghub-article-extraction-benchmark/html/"
    "7ab16ade32386ece353b8d31fc3bb7e660189efd5bf3c8549aaba101ad3f5ef5.html.gz",
    "trafilatura-eval/eval/japantimes.co.jp.surgical.html",
    "trafilatura-eval/eval/tofugu.com.dezuka-suisan.html",
    # Its Japanese tweets are numeric character references only (&#12385;...).
    "trafilatura-eval/eval/blog.gaijinpot.com.chikan.html",
}

# Pages with one or two kana: they pass a one-kana threshold (recall comes first), and the
# full path rejects them.
STRAY_KANA_PAGES = {
    "mozilla-readability/test-pages/pixnet/source.html",  # Chinese, one の
    "trafilatura-eval/eval/stardewvalleywiki.com.penny.html",  # English, two kana
}

CHINESE_PAGES = [
    "mozilla-readability/test-pages/gmw/source.html",
    "mozilla-readability/test-pages/qq/source.html",
    "mozilla-readability/test-pages/youth/source.html",
    "trafilatura-eval/eval/xinhuanet.com.c_1125597921.html",
    "trafilatura-eval/eval/archive.org.he.xinhuanet.com.25340717.html",
    "trafilatura-eval/eval/banyuetan.org.1000200033136171577956287380194268_1.html",
    "trafilatura-eval/eval/baike.baidu.com.tanya.html",
    "trafilatura-eval/cache/chineselyrics4u.com.zhineng.html",
]


def read_page(extraction: Path, name: str) -> str:
    path = extraction / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(LEGACY_CHARSETS.get(name, "cp1252"), "replace")


def extraction_page_names(extraction: Path) -> Iterator[str]:
    """Every raw HTML page of the extraction fixtures (not readability's expected output)."""
    for path in sorted(extraction.rglob("*")):
        if path.name.endswith((".html", ".html.gz")) and path.name != "expected.html":
            yield path.relative_to(extraction).as_posix()


@pytest.fixture(scope="module")
def extraction(fixtures: Path) -> Path:
    return fixtures / "extraction"


@pytest.mark.parametrize("name", sorted(JAPANESE_PAGES))
def test_japanese_pages_pass(extraction: Path, name: str) -> None:
    assert looks_japanese(read_page(extraction, name))


@pytest.mark.parametrize("name", CHINESE_PAGES)
def test_chinese_pages_are_rejected(extraction: Path, name: str) -> None:
    assert not looks_japanese(read_page(extraction, name))


def test_all_extraction_pages(extraction: Path) -> None:
    names = list(extraction_page_names(extraction))
    passing = {name for name in names if looks_japanese(read_page(extraction, name))}
    assert len(names) == 266
    assert passing == JAPANESE_PAGES | ENGLISH_PAGES_WITH_KANA | STRAY_KANA_PAGES
    assert set(CHINESE_PAGES) <= set(names)


# Real 2006-era feeds and pages, in their original encodings (directory name).
CHARDET_CODECS = {
    "SHIFT_JIS": "cp932",
    "CP932": "cp932",
    "EUC-JP": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "GB2312": "gb18030",
    "Big5": "big5hkscs",
    "EUC-KR": "cp949",
}


def chardet_passing(fixtures: Path, directories: list[str]) -> tuple[int, set[str]]:
    root = fixtures / "encoding/chardet-tests"
    total = 0
    passing = set()
    for directory in directories:
        for path in sorted((root / directory).iterdir()):
            total += 1
            if looks_japanese(path.read_bytes().decode(CHARDET_CODECS[directory])):
                passing.add(f"{directory}/{path.name}")
    return total, passing


def test_japanese_feeds_pass(fixtures: Path) -> None:
    total, passing = chardet_passing(fixtures, ["SHIFT_JIS", "CP932", "EUC-JP", "iso-2022-jp"])
    assert total == 63
    assert len(passing) == 63  # the smallest holds just ログイン (4 kana)


def test_chinese_and_korean_feeds_are_rejected(fixtures: Path) -> None:
    total, passing = chardet_passing(fixtures, ["GB2312", "Big5", "EUC-KR"])
    assert total == 78
    # Each really quotes Japanese: a song title, 忘年会（ぼうねんかい）, なの, セカンドラブ.
    assert passing == {
        "EUC-KR/calmguy.egloos.com.xml",
        "GB2312/lily.blogsome.com.xml",
        "EUC-KR/poliplus.egloos.com.xml",
        "EUC-KR/chisato.info.xml",
    }


def minimal_page(sentence: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head>'
        f"<body><p>{sentence}</p></body></html>"
    )


# language: lingua sentences whose minimal page passes
LINGUA_PASSING = {"ja": 412, "zh": 0, "ko": 0, "en": 0}


@pytest.mark.parametrize("language", LINGUA_PASSING)
def test_lingua_sentences_in_a_minimal_page(fixtures: Path, language: str) -> None:
    path = fixtures / "langid/lingua-py/language-testdata/sentences" / f"{language}.txt"
    sentences = path.read_text(encoding="utf-8").splitlines()
    passing = sum(looks_japanese(minimal_page(sentence)) for sentence in sentences)
    # The one ja miss, 届出者数は26％増の51万5168人。, has 2 kana (fastText says zh).
    assert passing == LINGUA_PASSING[language]


def test_threshold_counts_occurrences() -> None:
    assert MIN_KANA == 1
    assert not looks_japanese("<title>北京天气</title><p>的・ー</p>")  # ・ and ー are not kana
    assert looks_japanese("<title>北京の天气</title>")
    assert not looks_japanese("<title>北京の天气</title><p>的の</p>", min_kana=3)
    assert looks_japanese("<title>北京の天气</title><p>的の</p><p>の</p>", min_kana=3)
    assert looks_japanese("<p>ログイン</p>")


def test_separators_are_not_kana() -> None:
    # ・ and ー appear in Chinese and Korean pages; ﾛｸﾞ half-width forms are not counted either.
    assert not looks_japanese("<p>首尔・釜山・大邱 ーー 서울・부산</p>")
    assert not looks_japanese("<p>ﾛｸﾞｲﾝ</p>")


def test_character_references() -> None:
    assert looks_japanese("<p>&#12371;&#x3093;&#X306B;</p>")  # こんに
    assert not looks_japanese("<p>&#12289;&#12290;&#x300C;&#x30FB;</p>")  # 、。「・
    assert looks_japanese("<p>Caf\u00e9 &#12371;&#12435;</p>&#12395;")  # in a non-ASCII page


def test_long_page_counts_kana_anywhere() -> None:
    filler = "<div>中文内容</div>" * 200_000  # 3 M characters, many slices
    assert not looks_japanese(filler)
    assert not looks_japanese(filler + "<p>あい</p>", min_kana=3)
    assert looks_japanese(filler + "<p>あいう</p>", min_kana=3)
    assert looks_japanese("<p>あ</p>" + filler + "<p>いう</p>")
    assert not looks_japanese("")


def test_script_ratios_exact() -> None:
    # 4 hiragana, 4 katakana, 2 kanji and 3 Latin letters: 13 characters.
    assert script_ratios("ひらがなカタカナ漢字abc") == ScriptRatios(
        hiragana=4 / 13, katakana=4 / 13, kanji=2 / 13
    )
    # Whitespace (ASCII, newline, ideographic space U+3000) is left out of the denominator.
    assert script_ratios(" ひら\u3000がな\n") == ScriptRatios(hiragana=1.0, katakana=0.0, kanji=0.0)
    assert script_ratios("ﾊﾝｶｸ・ㇰ") == ScriptRatios(hiragana=0.0, katakana=1.0, kanji=0.0)
    # Ext. A 㐀 and compatibility 豈 are kanji; 〇 (U+3007) and ext. B 𠮷 are not, nor is 。.
    assert script_ratios("㐀豈〇𠮷。") == ScriptRatios(hiragana=0.0, katakana=0.0, kanji=2 / 5)
    assert script_ratios("") == ScriptRatios(hiragana=0.0, katakana=0.0, kanji=0.0)
    assert script_ratios(" \t\n") == ScriptRatios(hiragana=0.0, katakana=0.0, kanji=0.0)


def test_script_ratios_on_a_novel(fixtures: Path) -> None:
    novel = (fixtures / "ja_text/aozora-sentencepiece/wagahaiwa_nekodearu.txt").read_text(
        encoding="utf-8"
    )
    ratios = script_ratios(novel[50_000:70_000])
    # Counted independently with regular expressions and str.split: 11,964 hiragana,
    # 155 katakana, 5,368 kanji among 19,894 non-whitespace characters.
    assert ratios == ScriptRatios(
        hiragana=11_964 / 19_894, katakana=155 / 19_894, kanji=5_368 / 19_894
    )


# The byte-level check, `might_hold_kana`: it must pass every body whose decoded text holds
# a kana (it may pass more), so that it never rejects a page the text check would pass.

CONTENT_TYPES = (None, "text/html; charset=utf-8", "text/html; charset=iso-8859-1")


def fixture_bodies(fixtures: Path) -> Iterator[tuple[str, bytes]]:
    """Every page and text of the extraction and encoding fixtures, as raw bytes."""
    for name in extraction_page_names(fixtures / "extraction"):
        raw = (fixtures / "extraction" / name).read_bytes()
        yield name, gzip.decompress(raw) if name.endswith(".gz") else raw
    for path in sorted((fixtures / "extraction").rglob("*.htm")):
        yield path.name, path.read_bytes()
    encoding = fixtures / "encoding"
    for path in sorted(encoding.rglob("*")):
        text = path.suffix in (".html", ".htm", ".xml", ".txt") and path.is_file()
        if text and "LICENSE" not in path.name and path.name != "README.txt":
            yield path.relative_to(encoding).as_posix(), path.read_bytes()


def text_has_kana(body: bytes, content_type: str | None) -> bool:
    decoded = decode_body(body, content_type)
    return decoded is not None and looks_japanese(decoded.text)


def test_every_fixture_page_with_kana_passes_the_byte_check(fixtures: Path) -> None:
    with_kana = passing = total = 0
    for name, body in fixture_bodies(fixtures):
        total += 1
        passing += might_hold_kana(body)
        for content_type in CONTENT_TYPES:  # declared, undeclared and mislabelled
            if text_has_kana(body, content_type):
                assert might_hold_kana(body), (name, content_type)
                with_kana += content_type is None
    assert total == 461
    assert with_kana == 97
    # The other 80 that pass are Chinese and Korean pages in GB2312, Big5 and EUC-KR (74 of
    # the 78 chardet feeds, 5 CPython texts, 1 GBK page): their bytes could be kana in
    # another legacy charset, so the decoder decides. No UTF-8 or Latin page is among them.
    assert passing == 177


def test_the_byte_check_rejects_utf8_pages_without_kana(fixtures: Path) -> None:
    extraction = fixtures / "extraction"
    for name in CHINESE_PAGES:
        body = (extraction / name).read_bytes()
        if name != "trafilatura-eval/eval/archive.org.he.xinhuanet.com.25340717.html":  # GBK
            assert not might_hold_kana(body), name
    names = list(extraction_page_names(extraction))
    passing = set()
    for name in names:
        raw = (extraction / name).read_bytes()
        if might_hold_kana(gzip.decompress(raw) if name.endswith(".gz") else raw):
            passing.add(name)
    # Exactly the pages the text check passes, plus the three pages in a legacy charset.
    assert passing == JAPANESE_PAGES | ENGLISH_PAGES_WITH_KANA | STRAY_KANA_PAGES | set(
        LEGACY_CHARSETS
    )


def multi_byte_sequences(codec: str) -> Iterator[bytes]:
    """Every two-byte sequence, plus EUC's three-byte and GB18030's four-byte BMP ones."""
    for lead in range(0x80, 0x100):
        for trail in range(0x100):
            yield bytes((lead, trail))
    if codec.startswith("euc"):
        for second in range(0xA1, 0xFF):
            for third in range(0xA1, 0xFF):
                yield bytes((0x8F, second, third))
    if codec == "gb18030":
        for first in range(0x81, 0x85):  # four-byte sequences from 0x85 on are not in the BMP
            for second in range(0x30, 0x3A):
                for third in range(0x81, 0xFF):
                    for fourth in range(0x30, 0x3A):
                        yield bytes((first, second, third, fourth))


def has_kana(text: str) -> bool:
    return any(0x3041 <= ord(character) <= 0x30FA for character in text)


def test_every_kana_byte_sequence_of_every_decoder_charset_is_seen() -> None:
    # Every codec decode_body may choose, found by decoding every byte sequence. \xff never
    # starts a character in these charsets and makes the body invalid UTF-8, so that the
    # legacy-charset sequences are looked for.
    codecs = sorted({codec for family in charset._FAMILIES.values() for codec in family})
    kana_sequences = {}
    for codec in codecs:
        if codec.startswith("iso2022") or codec == "utf-8":
            continue  # ESC $ and E3 81-83: checked below
        found = 0
        for sequence in multi_byte_sequences(codec):
            try:
                text = sequence.decode(codec)
            except UnicodeDecodeError:
                continue
            if has_kana(text):
                found += 1
                assert might_hold_kana(b"\xff " + sequence + b" "), (codec, sequence.hex())
        kana_sequences[codec] = found
        assert not any(has_kana(bytes([b]).decode(codec, "replace")) for b in range(256))
    assert kana_sequences == {
        **dict.fromkeys([c for c in codecs if c in charset._SINGLE_BYTE], 0),
        "big5hkscs": 173,
        "cp932": 173,
        "cp949": 169,
        "cp950": 171,
        "euc_jis_2004": 196,
        "euc_jp": 173,
        "gb18030": 186,
        "shift_jis_2004": 196,
    }
    # UTF-8: exactly the kana pass, not the CJK punctuation and the separator ・ next to them.
    for code in range(0x3000, 0x3100):
        page = f"<p>{chr(code)}</p>"
        assert might_hold_kana(page.encode()) == (0x3041 <= code <= 0x30FA), hex(code)
        iso2022 = page.encode("iso2022_jp", "ignore")
        if has_kana(iso2022.decode("iso2022_jp")):
            assert might_hold_kana(iso2022), hex(code)


def test_byte_check_traps() -> None:
    # Shift_JIS kana whose second byte is ASCII: ア is 83 41 ("A"), ソ 83 5C ("\"), ポ 83 7C.
    assert might_hold_kana("<p>アソポ</p>".encode("cp932"))
    assert might_hold_kana(b"<p>\x83\x5c</p>")
    # Kanji without kana: no charset reads a kana from these bytes, and the text check
    # rejects the page too, so nothing the full path keeps is lost.
    kanji_only = "<p>東京都千代田区、北京市海淀区。</p>".encode("cp932")
    assert not might_hold_kana(kanji_only)
    assert not text_has_kana(kanji_only, "text/html; charset=shift_jis")
    # ISO-2022-JP is 7-bit: its kana are seen by the ESC $ that starts them.
    iso2022 = "<p>こんにちは</p>".encode("iso2022_jp")
    assert iso2022.isascii() and might_hold_kana(iso2022)
    assert not might_hold_kana(b"<p>\x1b(Jplain text\x1b(B</p>")
    # UTF-16 and UTF-32, with a BOM or without (NUL bytes): left to the decoder.
    for codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        assert might_hold_kana("<html><p>こんにちは</p></html>".encode(codec))
        assert might_hold_kana("<html><p>hello, world</p></html>".encode(codec))
    # Mislabelled: the byte check does not read the header at all.
    for codec in ("cp932", "euc_jp"):
        body = "<html><p>日本語のページです</p></html>".encode(codec)
        assert might_hold_kana(body)
        assert text_has_kana(body, "text/html; charset=utf-8")
    # Kana as character references, in an ASCII page and in a UTF-8 one.
    assert might_hold_kana(b"<p>&#12371;&#x3093;</p>")
    assert might_hold_kana("<p>Café &#12371;</p>".encode())
    assert not might_hold_kana(b"<p>&#8217;&#12289;&#x300C;</p>")
    # A UTF-8 kana cut off by truncation is dropped by the decoder: not a kana.
    assert not might_hold_kana("<p>日本".encode() + "の".encode()[:2])
    assert not text_has_kana("<p>日本".encode() + "の".encode()[:2], None)
    assert not might_hold_kana("<p>北京・首尔 서울 Привет ё €</p>".encode())
    assert not might_hold_kana(b"")
    assert not might_hold_kana(b"<html><body>plain ASCII</body></html>")
    # Binary: left to the decoder, which gives a charset failure.
    assert might_hold_kana(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@pytest.mark.parametrize("language", LINGUA_PASSING)
def test_byte_check_on_lingua_sentences_equals_the_text_check(
    fixtures: Path, language: str
) -> None:
    path = fixtures / "langid/lingua-py/language-testdata/sentences" / f"{language}.txt"
    sentences = path.read_text(encoding="utf-8").splitlines()
    passing = sum(might_hold_kana(minimal_page(sentence).encode()) for sentence in sentences)
    assert passing == LINGUA_PASSING[language]
