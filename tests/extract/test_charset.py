"""decode_body on real encoded pages: declared, undeclared, mislabelled, truncated, broken."""

from __future__ import annotations

import codecs
import gzip
import re
from pathlib import Path

import pytest

from corpus.extract.charset import DecodedBody, codecs_for_label, decode_body

KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# In-document declarations (<?xml encoding>, <meta charset>, http-equiv), to take a
# page back to "no declaration at all" and exercise detection alone.
DECLARATION = re.compile(rb"""(encoding|charset)\s*=\s*["']?[\w-]+["']?""", re.IGNORECASE)


def decoded(body: bytes, content_type: str | None = None) -> DecodedBody:
    result = decode_body(body, content_type)
    assert result is not None
    return result


@pytest.fixture(scope="module")
def encoding(fixtures: Path) -> Path:
    return fixtures / "encoding"


# --- cpython-cjkencodings: encoded text paired with its exact UTF-8 decoding ---------

CJK_LABELLED = [
    # (file stem, Content-Type label, codec expected to decode it)
    ("shift_jis", "Shift_JIS", "cp932"),
    ("shift_jisx0213", "Shift_JISX0213", "shift_jis_2004"),
    ("euc_jp", "EUC-JP", "euc_jp"),
    ("euc_jisx0213", "EUC-JISX0213", "euc_jis_2004"),
    ("iso2022_jp", "ISO-2022-JP", "iso2022_jp"),
    ("gb2312", "GB2312", "gb18030"),
    ("gbk", "GBK", "gb18030"),
    ("big5", "Big5", "big5hkscs"),
    ("cp949", "ks_c_5601-1987", "cp949"),
]


def cjk_pair(encoding: Path, stem: str) -> tuple[bytes, str]:
    directory = encoding / "cpython-cjkencodings"
    gold = (directory / f"{stem}-utf8.txt").read_bytes().decode("utf-8")
    return (directory / f"{stem}.txt").read_bytes(), gold


@pytest.mark.parametrize(("stem", "label", "codec"), CJK_LABELLED)
def test_cjk_with_declared_label_decodes_to_gold(
    encoding: Path, stem: str, label: str, codec: str
) -> None:
    body, gold = cjk_pair(encoding, stem)
    result = decoded(body, f"text/plain; charset={label}")
    assert (result.text, result.charset, result.source) == (gold, codec, "http")


def test_euc_kr_decodes_as_cp949_like_browsers(encoding: Path) -> None:
    # Python's euc_kr composes KS X 1001 8-byte "make-up" sequences into syllables;
    # browsers (and cp949) show their jamo. Only the one line of such sequences differs.
    body, gold = cjk_pair(encoding, "euc_kr")
    result = decoded(body, "text/html; charset=EUC-KR")
    assert (result.charset, result.source) == ("cp949", "http")
    assert result.text == body.decode("cp949")
    differing = [
        gold_line
        for line, gold_line in zip(result.text.splitlines(), gold.splitlines(), strict=True)
        if line != gold_line
    ]
    assert differing == ["☆첫가끝: 날아라 쓔쓔쓩~ 닁큼! 뜽금없이 전홥니다. 뷁. 그런거 읎다."]


@pytest.mark.parametrize(
    ("stem", "codec"),
    [
        ("shift_jis", "cp932"),
        ("shift_jisx0213", "shift_jis_2004"),
        ("euc_jp", "euc_jp"),
        ("euc_jisx0213", "euc_jis_2004"),
        ("iso2022_jp", "iso2022_jp"),
        ("gb2312", "gb18030"),
        ("gbk", "gb18030"),
        ("big5", "big5hkscs"),
    ],
)
def test_cjk_without_declaration_is_detected(encoding: Path, stem: str, codec: str) -> None:
    body, gold = cjk_pair(encoding, stem)
    result = decoded(body)
    assert (result.text, result.charset, result.source) == (gold, codec, "detected")


def test_korean_without_declaration(encoding: Path) -> None:
    # euc_kr.txt is full of jamo, which sit in EUC-JP's hiragana row: it decodes as
    # EUC-JP with 14.5% "hiragana", and only its Hangul reading as CP949 tells it apart.
    body, _ = cjk_pair(encoding, "euc_kr")
    result = decoded(body)
    assert (result.text, result.charset, result.source) == (
        body.decode("cp949"),
        "cp949",
        "detected",
    )
    # 346 bytes of Korean: charset-normalizer offers nothing, so no candidate is left.
    body, _ = cjk_pair(encoding, "cp949")
    assert decode_body(body, None) is None


# --- chardet-tests: 2006-era feeds and pages, directory name = true encoding ---------

CHARDET_DIRS = {
    # directory: (codecs giving the true text, script the text must show)
    "SHIFT_JIS": (("cp932", "shift_jis_2004"), KANA),
    "CP932": (("cp932",), KANA),
    "EUC-JP": (("euc_jp", "euc_jis_2004"), KANA),
    "iso-2022-jp": (("iso2022_jp",), KANA),
    "GB2312": (("gb18030",), HAN),
    "Big5": (("big5hkscs", "cp950"), HAN),
    "EUC-KR": (("cp949",), HANGUL),
    "utf-8": (("utf-8",), None),
}
# Pages that still fail once their declarations are stripped (measured, see below).
UNDETECTED = {"EUC-KR": {"ittrend.egloos.com.xml"}}


def true_text(body: bytes, candidates: tuple[str, ...]) -> str:
    for codec in candidates:
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"gold codecs {candidates} do not decode the fixture")


def chardet_failures(directory: Path, strip_declarations: bool) -> tuple[set[str], int]:
    candidates, script = CHARDET_DIRS[directory.name]
    failures = set()
    files = sorted(directory.iterdir())
    for path in files:
        body = path.read_bytes()
        gold = true_text(body, candidates)
        if strip_declarations:
            body = DECLARATION.sub(b"", body)
            gold = true_text(body, candidates)
        result = decode_body(body, None)
        ok = (
            result is not None
            and result.text == gold
            and "\ufffd" not in result.text
            and (script is None or script.search(result.text) is not None)
        )
        if not ok:
            failures.add(path.name)
    return failures, len(files)


@pytest.mark.parametrize("name", sorted(CHARDET_DIRS))
def test_chardet_pages_as_crawled(encoding: Path, name: str) -> None:
    failures, total = chardet_failures(encoding / "chardet-tests" / name, False)
    assert failures == set(), f"{name}: {total - len(failures)}/{total}"


@pytest.mark.parametrize("name", sorted(CHARDET_DIRS))
def test_chardet_pages_with_declarations_stripped(encoding: Path, name: str) -> None:
    failures, total = chardet_failures(encoding / "chardet-tests" / name, True)
    assert failures == UNDETECTED.get(name, set()), f"{name}: {total - len(failures)}/{total}"


@pytest.mark.parametrize(
    ("name", "label"), [("windows-1252", "windows-1252"), ("iso-8859-1", "ISO-8859-1")]
)
def test_declared_single_byte_pages_stay_single_byte(encoding: Path, name: str, label: str) -> None:
    # Preferring UTF-8 over a declared single-byte charset must not touch real ones.
    for path in sorted((encoding / "chardet-tests" / name).iterdir()):
        body = path.read_bytes()
        result = decoded(body, f"text/html; charset={label}")
        assert (result.text, result.charset, result.source) == (
            body.decode("cp1252"),
            "cp1252",
            "http",
        ), path.name


def test_undeclared_latin_pages_are_detected(encoding: Path) -> None:
    # charset-normalizer cannot always tell Latin code pages apart; measured: every
    # page decodes, 9 of 10 to exactly their windows-1252 text (one gets cp1258).
    exact = 0
    for name in ("windows-1252", "iso-8859-1"):
        for path in sorted((encoding / "chardet-tests" / name).iterdir()):
            body = path.read_bytes()
            result = decoded(body)
            assert result.source == "detected", path.name
            exact += result.text == body.decode("cp1252")
    assert exact == 9


# --- wpull samples: real mislabelled pages ------------------------------------------


def test_shift_jis_page_that_needs_cp932(encoding: Path) -> None:
    body = (encoding / "wpull-samples" / "videogame_top.htm").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("shift_jis")
    for content_type in (None, "text/html; charset=Shift_JIS"):
        result = decoded(body, content_type)
        assert result.charset == "cp932"
        assert result.source == ("meta" if content_type is None else "http")
        assert "\ufffd" not in result.text
        assert "ヒヨコのかくれんぼ" in result.text


def test_utf16_page_with_bom_and_without(encoding: Path) -> None:
    # kcna.html starts with a UTF-16 LE BOM (FF FE); without it, only the NUL pattern
    # tells it is UTF-16.
    body = (encoding / "wpull-samples" / "kcna.html").read_bytes()
    assert body.startswith(codecs.BOM_UTF16_LE)
    with_bom = decoded(body)
    assert (with_bom.charset, with_bom.source) == ("utf-16-le", "bom")
    assert "朝鮮中央通信社" in with_bom.text
    assert "조선중앙통신" in with_bom.text
    assert "\ufffd" not in with_bom.text

    without_bom = decoded(body[2:], "text/html; charset=iso-8859-1")
    assert (without_bom.charset, without_bom.source) == ("utf-16-le", "sniffed-utf16")
    assert without_bom.text == with_bom.text

    big_endian = decoded(with_bom.text.encode("utf-16-be"))
    assert (big_endian.charset, big_endian.source) == ("utf-16-be", "sniffed-utf16")
    assert big_endian.text == with_bom.text


def test_undeclared_shift_jis_snippet(encoding: Path) -> None:
    # mojibake.html: 文字化け in Shift_JIS with only a comment naming the charset.
    result = decoded((encoding / "wpull-samples" / "mojibake.html").read_bytes())
    assert (result.charset, result.source) == ("cp932", "detected")
    assert result.text.count("文字化け") == 2


def test_koi8r_snippet(encoding: Path) -> None:
    # krokozyabry.html: "Кракозябры" in KOI8-R, 10 bytes of text and no declaration.
    # Declared, it decodes exactly; undeclared, 10 bytes are too few for detection
    # (charset-normalizer 3.5 guesses shift_jis_2004), but a strict decode is returned.
    body = (encoding / "wpull-samples" / "krokozyabry.html").read_bytes()
    declared = decoded(body, "text/html; charset=KOI8-R")
    assert (declared.charset, declared.source) == ("koi8-r", "http")
    assert '<a href="/Кракозябры">Кракозябры</a>' in declared.text
    undeclared = decoded(body)
    assert undeclared.source == "detected"
    assert "\ufffd" not in undeclared.text


# --- extraction fixtures -------------------------------------------------------------


def test_yomiuri_shift_jis_page(fixtures: Path) -> None:
    result = decoded((fixtures / "extraction" / "snacktory" / "yomiuri.html").read_bytes())
    assert (result.charset, result.source) == ("cp932", "meta")  # from <?xml encoding=...?>
    assert "<title>色とりどりのチューリップ : 岐阜 : 地域 : YOMIURI ONLINE（読売新聞）</title>" in (
        result.text
    )
    assert "海津市海津町の国営木曽三川公園で、チューリップが見頃を迎えている。" in result.text


def test_page_declaring_gb2312_but_utf8(fixtures: Path) -> None:
    body = fixtures / "extraction" / "mozilla-readability" / "test-pages" / "qq" / "source.html"
    body_bytes = body.read_bytes()
    for content_type in (None, "text/html; charset=gb2312"):
        result = decoded(body_bytes, content_type)
        assert (result.charset, result.source) == ("utf-8", "utf-8")
        assert result.text == body_bytes.decode("utf-8")
        assert "\ufffd" not in result.text


def test_utf8_beats_a_declared_multibyte_charset_that_also_decodes(encoding: Path) -> None:
    # Hungarian UTF-8 happens to be valid GB18030 and CP949 byte for byte.
    body = (encoding / "chardet-tests" / "utf-8" / "linuxbox.hu.xml").read_bytes()
    body.decode("gb18030")
    body.decode("cp949")
    for label in ("GBK", "EUC-KR"):
        result = decoded(body, f"text/html; charset={label}")
        assert (result.text, result.charset, result.source) == (
            body.decode("utf-8"),
            "utf-8",
            "utf-8",
        )


def test_utf8_beats_a_declared_single_byte_charset(fixtures: Path) -> None:
    body = (fixtures / "extraction" / "uzushio" / "perldoc_ja.html").read_bytes()
    result = decoded(body, "text/html; charset=ISO-8859-1")
    assert (result.charset, result.source) == ("utf-8", "utf-8")
    assert result.text == body.decode("utf-8")


def test_meta_multibyte_beats_http_single_byte_default(fixtures: Path) -> None:
    body = (fixtures / "extraction" / "snacktory" / "yomiuri.html").read_bytes()
    result = decoded(body, "text/html; charset=ISO-8859-1")
    assert (result.charset, result.source) == ("cp932", "meta")


def test_iso2022_escapes_beat_a_declared_ascii_compatible_charset(encoding: Path) -> None:
    body = (encoding / "chardet-tests" / "iso-2022-jp" / "_ude_1.txt").read_bytes()
    result = decoded(body, "text/html; charset=utf-8")
    assert (result.text, result.charset, result.source) == (
        body.decode("iso2022_jp"),
        "iso2022_jp",
        "detected",
    )


def test_real_html_fixtures_decode_strictly(fixtures: Path) -> None:
    sources: dict[str, int] = {}
    for path in sorted((fixtures / "extraction").rglob("*.htm*")):
        if path.name == "expected.html":
            continue
        body = path.read_bytes()
        if path.suffix == ".gz":
            body = gzip.decompress(body)
        result = decoded(body)
        assert result.source not in ("detected", "lenient"), path
        sources[result.source] = sources.get(result.source, 0) + 1
    assert sources == {"meta": 221, "utf-8": 43, "bom": 2}


# --- unit cases ----------------------------------------------------------------------

TEXT = "日本語のテキスト、かな混じり。"


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_bom_wins_over_declarations(codec: str) -> None:
    bom = {
        "utf-8": codecs.BOM_UTF8,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[codec]
    result = decoded(bom + TEXT.encode(codec), "text/html; charset=Shift_JIS")
    assert result == DecodedBody(TEXT, codec, "bom")


def test_multibyte_sequence_cut_at_the_end_is_dropped(fixtures: Path) -> None:
    sjis = (fixtures / "extraction" / "snacktory" / "yomiuri.html").read_bytes()
    cut = sjis.index("チューリップ".encode("cp932")) + 1  # inside the two bytes of チ
    result = decoded(sjis[:cut])
    assert (result.charset, result.source) == ("cp932", "meta")
    assert result.text == sjis[: cut - 1].decode("cp932")

    utf8 = (fixtures / "extraction" / "uzushio" / "perldoc_ja.html").read_bytes()
    for dropped in (1, 2):
        cut = utf8.index("データ".encode()) + 3 - dropped  # inside the three bytes of デ
        result = decoded(utf8[:cut], "text/html; charset=utf-8")
        assert (result.charset, result.source) == ("utf-8", "http")
        assert result.text == utf8[: cut - 3 + dropped].decode("utf-8")


def test_invalid_byte_at_the_end_is_not_a_truncation(fixtures: Path) -> None:
    body = (fixtures / "extraction" / "uzushio" / "perldoc_ja.html").read_bytes()
    result = decoded(body + b"\xff", "text/html; charset=utf-8")
    assert (result.charset, result.source) == ("utf-8", "lenient")
    assert result.text == body.decode("utf-8") + "\ufffd"


def test_stray_byte_in_a_declared_page_is_lenient(fixtures: Path) -> None:
    body = (fixtures / "extraction" / "snacktory" / "yomiuri.html").read_bytes()
    at = body.index(b"<", len(body) // 2)
    broken = body[:at] + b"\x82" + body[at:]  # a lead byte with no trail byte
    result = decoded(broken)
    assert (result.charset, result.source) == ("cp932", "lenient")
    assert result.text == body[:at].decode("cp932") + "\ufffd" + body[at:].decode("cp932")


def test_stray_byte_in_a_utf8_page_is_not_taken_for_a_single_byte_charset(
    fixtures: Path,
) -> None:
    body = (fixtures / "extraction" / "uzushio" / "perldoc_ja.html").read_bytes()
    broken = body[:5000] + b"\xff" + body[5000:]
    result = decoded(broken, "text/html; charset=utf-8")
    assert (result.charset, result.source) == ("utf-8", "lenient")
    assert result.text.count("\ufffd") == 1


def test_lenient_allows_at_most_one_replacement_per_thousand_characters(
    fixtures: Path,
) -> None:
    body = (fixtures / "extraction" / "uzushio" / "perldoc_ja.html").read_bytes()
    chars = len(body.decode("utf-8"))
    most = chars // 999  # n bad bytes make n more characters: n <= (chars + n) // 1000
    assert most <= (chars + most) // 1000
    assert most + 1 > (chars + most + 1) // 1000
    gaps = [match.start() for match in re.finditer(rb"\n", body)]

    def with_bad_bytes(count: int) -> bytes:
        cuts = gaps[:: len(gaps) // count][:count]
        return (
            b"".join(
                body[start:end] + b"\xff" for start, end in zip([0, *cuts], cuts, strict=False)
            )
            + body[cuts[-1] :]
        )

    at_limit = decoded(with_bad_bytes(most), "text/html; charset=utf-8")
    assert (at_limit.charset, at_limit.source) == ("utf-8", "lenient")
    assert at_limit.text.count("\ufffd") == most
    # One more, and no candidate fits: not UTF-8, nor anything charset-normalizer offers.
    assert decode_body(with_bad_bytes(most + 1), "text/html; charset=utf-8") is None


def test_latin1_page_with_one_accent_is_not_lenient_utf8(encoding: Path) -> None:
    body = (encoding / "chardet-tests" / "windows-1252" / "_ude_2.txt").read_bytes()
    assert body.count(b"\x85") == 1  # the one non-ASCII byte: an ellipsis
    result = decoded(body)
    assert result.source == "detected"
    assert result.text == body.decode("cp1252")
    assert "al…. Ach" in result.text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Shift_JIS", ("cp932", "shift_jis_2004")),
        ("sjis", ("cp932", "shift_jis_2004")),
        ("x-sjis", ("cp932", "shift_jis_2004")),
        ("MS_Kanji", ("cp932", "shift_jis_2004")),
        ("Windows-31J", ("cp932", "shift_jis_2004")),
        ("csShiftJIS", ("cp932", "shift_jis_2004")),
        ("EUC-JP", ("euc_jp", "euc_jis_2004")),
        ("x-euc-jp", ("euc_jp", "euc_jis_2004")),
        ("ISO-2022-JP", ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext")),
        ("gb2312", ("gb18030",)),
        ("GBK", ("gb18030",)),
        ("x-gbk", ("gb18030",)),
        ("big5", ("big5hkscs", "cp950")),
        ("euc-kr", ("cp949",)),
        ("ks_c_5601-1987", ("cp949",)),
        ("ISO-8859-1", ("cp1252", "iso8859-1")),
        ("us-ascii", ("cp1252", "iso8859-1")),
        ("latin1", ("cp1252", "iso8859-1")),
        (" 'UTF8' ", ("utf-8",)),
        ("windows-1251", ("cp1251",)),
        ("KOI8-R", ("koi8-r",)),
        ("tis-620", ("cp874",)),
        ("utf-16le", ()),  # unverifiable without a BOM; the NUL sniff finds real UTF-16
        ("utf-7", ()),
        ("rot13", ()),
        ("cp037", ()),  # EBCDIC
        ("x-unknown-charset", ()),
        ("utf\x00", ()),
        ("", ()),
    ],
)
def test_label_aliases(label: str, expected: tuple[str, ...]) -> None:
    assert codecs_for_label(label) == expected


def test_unknown_label_is_skipped() -> None:
    body = "<p>café</p>".encode()
    result = decoded(body, "text/html; charset=x-unknown-charset")
    assert result == DecodedBody("<p>café</p>", "utf-8", "utf-8")
    ascii_body = decoded(b"<p>hello</p>", "text/html; charset=bogus")
    assert ascii_body == DecodedBody("<p>hello</p>", "utf-8", "utf-8")


def test_ascii_body_keeps_the_declared_charset() -> None:
    for content_type, charset, source in [
        ("text/html; charset=ISO-8859-1", "cp1252", "http"),
        ("text/html; charset=Shift_JIS", "cp932", "http"),
        (None, "utf-8", "utf-8"),
    ]:
        result = decoded(b"<p>hello \\ ~</p>", content_type)
        assert result == DecodedBody("<p>hello \\ ~</p>", charset, source)
    meta = decoded(b'<html><head><meta charset="euc-jp"></head></html>')
    assert (meta.charset, meta.source) == ("euc_jp", "meta")


def test_binary_bodies_are_rejected(fixtures: Path) -> None:
    for path in sorted((fixtures / "warc").rglob("*.gz")):
        assert decode_body(path.read_bytes(), "text/html; charset=utf-8") is None, path
    assert decode_body(bytes(4096), None) is None
