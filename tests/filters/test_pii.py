"""MaskPII: each type of personal data masked, full-width forms included, and each number
that only looks like one left alone, on constructed lines and on real livedoor articles."""

from __future__ import annotations

import time

import pytest

from corpus.filters.chain import FilterChain
from corpus.filters.pii import MaskPII, find_pii
from corpus.schema import Paragraph
from tests.support.documents import make_document
from tests.support.livedoor import livedoor_articles
from tests.support.paths import FIXTURES, require_shared

MASK = MaskPII()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡先：info@example.co.jp まで", "連絡先：<EMAIL> まで"),
        ("ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｃｏｍへ", "<EMAIL>へ"),
        ("taro.yamada+news@mail.example.org。", "<EMAIL>。"),
        ("09012345678@docomo.ne.jp", "<EMAIL>"),
        ("サーバー 192.168.0.1 に接続", "サーバー <IP> に接続"),
        ("１９２．１６８．０．１", "<IP>"),
        ("http://192.168.1.1/admin", "http://<IP>/admin"),
        ("IPv6 は 2001:db8::8a2e:370:7334 です", "IPv6 は <IP> です"),
        ("fe80::1ff:fe23:4567:890a", "<IP>"),
        ("TEL：03-3289-1521", "TEL：<PHONE>"),
        ("電話 ０３－３２８９－１５２１", "電話 <PHONE>"),
        ("電話 ０３ー３２８９ー１５２１", "電話 <PHONE>"),
        ("（048-645-3280）", "（<PHONE>）"),
        ("0166-12-3456 と 01564-2-3456", "<PHONE> と <PHONE>"),
        ("(03)1234-5678 と 03(1234)5678", "<PHONE> と <PHONE>"),
        ("携帯 090-1234-5678 / 08012345678 / 070‐1234‐5678", "携帯 <PHONE> / <PHONE> / <PHONE>"),
        ("IP電話 050-1234-5678", "IP電話 <PHONE>"),
        ("フリーダイヤル 0120-123-456、0120123456", "フリーダイヤル <PHONE>、<PHONE>"),
        ("０１２０－１２－３４５６", "<PHONE>"),
        ("0800-123-4567", "<PHONE>"),
        ("ナビダイヤル 0570-064-000", "ナビダイヤル <PHONE>"),
        ("TEL0312345678", "TEL<PHONE>"),
        ("電話番号：0312345678", "電話番号：<PHONE>"),
        ("+81-3-1234-5678、+81 90 1234 5678、+81(0)3-1234-5678", "<PHONE>、<PHONE>、<PHONE>"),
        ("＋８１－９０－１２３４－５６７８", "<PHONE>"),
    ],
)
def test_masks(text: str, expected: str) -> None:
    assert MASK.masked(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-15",
        "2024/01/15",
        "２０２４－０１－１５",
        "令和6年1月15日",
        "10:30",
        "12:30:45",
        "1,980円",
        "¥12,800",
        "￥１２，８００",
        "ABC-1234-5678",
        "KX-0312-345678",
        "〒100-0001",
        "100-0001",
        "〒060-0001",
        "ISBN978-4-06-123456-7",
        "ISBN 4-06-123456-7",
        "ISBN 0-306-40615-2",
        "version 1.2.3.4",
        "Ver. 1.2.3.4",
        "v1.2.3.4",
        "バージョン1.2.3.4",
        "Firefox 2.0.0.16",
        "10.0.19041.1",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.02.03.04",
        "注文番号 0312345678",
        "注文番号 031234567890123",
        "4980-0312-3456-7890",
        "4111111111111111",
        "0120-123-4567-89",
        "https://example.com/items/0312345678",
        "https://example.com/v/192.168.0.1/x",
        "https://example.com/user@example.com",
        "MAC 00:1A:2B:3C:4D:5E",
        "std::vector と ::1",
        "@katsuosh、大島克彦＠katsuosh、RT @kakojirou:",
        "user@localhost",
        "03-1234-56789",
        "020-1234-5678",
    ],
)
def test_leaves_alone(text: str) -> None:
    assert MASK.masked(text) == (text, {"email": 0, "ip": 0, "phone": 0})


def test_types_and_placeholders_are_configurable() -> None:
    text = "info@example.jp 192.0.2.1 03-1234-5678"
    only_phone = MaskPII(types=["phone"], placeholders={"phone": "[電話]"})
    assert only_phone.masked(text) == ("info@example.jp 192.0.2.1 [電話]", {"phone": 1})
    assert only_phone.placeholders["email"] == "<EMAIL>"
    assert only_phone.label == "MaskPII(types=phone)"
    assert MaskPII(types=["phone", "email"]).label == "MaskPII(types=email+phone)"
    assert MaskPII(placeholders={"ip": "[IP]"}).label == "MaskPII()"
    chain = FilterChain.from_entries([{"filter": "MaskPII", "placeholders": {"ip": ""}}])
    document = chain.apply(make_document([Paragraph(text)]))
    assert document.text == "<EMAIL>  <PHONE>"
    with pytest.raises(ValueError, match="types"):
        FilterChain.from_entries([{"filter": "MaskPII", "types": ["name"]}])


def test_rewrites_live_paragraphs_only_and_counts_per_document() -> None:
    removed = Paragraph("03-1234-5678", removed_by="NoContentDOM")
    document = make_document(
        [Paragraph("お問い合わせ 0120-123-456"), removed, Paragraph("本文。", path="p")]
    )
    chain = FilterChain([MaskPII()])
    result = chain.apply(document)
    assert [p.text for p in result.paragraphs] == ["お問い合わせ <PHONE>", "03-1234-5678", "本文。"]
    assert result.paragraphs[2] is document.paragraphs[2]
    assert result.removed_by is None
    [counts] = chain.take_counts()
    assert counts.paragraphs_removed == 0
    assert dict(counts.events) == {
        ("masked", "email"): 0,
        ("masked", "ip"): 0,
        ("masked", "phone"): 1,
    }
    unchanged = make_document([Paragraph("本文。")])
    assert chain.apply(unchanged) is unchanged


def test_offsets_hold_with_full_width_and_astral_characters() -> None:
    text = "𠮷野家 ☎０３－１２３４－５６７８（代表）🍣 ｍａｉｌ＠ｅｘａｍｐｌｅ．ｊｐ"
    spans = find_pii(text)
    assert [(text[a:b], kind) for a, b, kind in spans] == [
        ("０３－１２３４－５６７８", "phone"),
        ("ｍａｉｌ＠ｅｘａｍｐｌｅ．ｊｐ", "email"),
    ]


# The phone numbers of the real articles, found by reading them (and by grep for a leading
# 0 and dash groups): shops and hotels in peachy's articles, a museum in it-life-hack's.
REAL_PHONES = {
    "peachy-6903604": 5,
    "peachy-4468400": 4,
    "peachy-6017152": 2,
    "it-life-hack-6703212": 1,
}


@pytest.fixture(scope="module")
def articles() -> dict[str, list[str]]:
    return livedoor_articles(require_shared(FIXTURES))


def test_real_articles_phone_numbers_are_masked(articles: dict[str, list[str]]) -> None:
    found = {}
    for name, paragraphs in articles.items():
        counts = sum(MASK.masked(p)[1]["phone"] for p in paragraphs)
        if counts:
            found[name] = counts
        assert all(MASK.masked(p)[1]["email"] == 0 for p in paragraphs)
        assert all(MASK.masked(p)[1]["ip"] == 0 for p in paragraphs)
    assert found == REAL_PHONES
    masked = [MASK.masked(p)[0] for p in articles["peachy-6903604"]]
    assert "（パンプス¥6,195／REZOY渋谷109店　<PHONE>）" in masked


def test_real_articles_with_dates_prices_and_handles_are_unchanged(
    articles: dict[str, list[str]],
) -> None:
    # Dates (2012年6月), prices (¥6,195), a postal address (西新宿1-7-3), Twitter handles.
    unchanged = [name for name in articles if name not in REAL_PHONES]
    assert len(unchanged) > 150
    for name in unchanged:
        assert [MASK.masked(p)[0] for p in articles[name]] == articles[name], name
    text = "\n".join(articles["peachy-6017152"])
    assert "西新宿1-7-3" in text and "南池袋2-15-5" in text
    masked = "\n".join(MASK.masked(p)[0] for p in articles["peachy-6017152"])
    assert "西新宿1-7-3" in masked and "南池袋2-15-5" in masked
    assert "03-5339-7611" not in masked


@pytest.mark.parametrize("run", ["a", "abcdef", "1", "1.", "a.b-", "a@", "1:", "0-"])
def test_time_is_linear_on_long_runs(run: str) -> None:
    # A pattern that tries every start of a long run of letters or digits takes minutes here.
    text = run * (100_000 // len(run))
    start = time.process_time()
    find_pii(text)
    assert time.process_time() - start < 1.0


def test_a_local_part_longer_than_64_characters_is_no_address() -> None:
    assert MASK.masked("a" * 64 + "@example.com")[0] == "<EMAIL>"
    assert MASK.masked("a" * 65 + "@example.com")[1]["email"] == 0
