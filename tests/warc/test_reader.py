"""The WARC/ARC reader on every real fixture, and on fixtures cut and corrupted here."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest

from corpus.warc.http import decode_payload, parse_head
from corpus.warc.reader import ReadFailure, WarcRecord, read_warc

# Per fixture: records by type, failures by reason, records flagged truncated. Checked
# against warcio 1.8.1, and by hand where warcio gives up (the whole-file gzip files, and
# example-wrong-chunks.warc.gz, whose response is split over two gzip members).
EXPECTED = {
    "commoncrawl-whirlwind/whirlwind.warc.gz": (
        {"warcinfo": 1, "request": 1, "response": 1, "metadata": 1},
        {},
        0,
    ),
    "commoncrawl-whirlwind/whirlwind.warc.wat.gz": ({"warcinfo": 1, "metadata": 1}, {}, 0),
    "commoncrawl-whirlwind/whirlwind.warc.wet.gz": ({"warcinfo": 1, "conversion": 1}, {}, 0),
    "dolma/sample-0000.warc.gz": (
        {"warcinfo": 1, "request": 22, "response": 22, "metadata": 1, "resource": 2},
        {},
        0,
    ),
    "dolma/sample-0001.warc.gz": (
        {"warcinfo": 1, "request": 15, "response": 15, "metadata": 1, "resource": 2},
        {},
        0,
    ),
    "resiliparse/clipped.warc.gz": ({"response": 1}, {"truncated_file": 1}, 1),
    "resiliparse/warcfile.warc.gz": (
        {"warcinfo": 1, "request": 17, "response": 16, "metadata": 16},
        {},
        0,
    ),
    "warcio/bad.arc": ({"warcinfo": 1, "response": 3}, {}, 0),
    "warcio/example-bad-non-chunked.warc.gz": (
        {"warcinfo": 2, "response": 1, "request": 2, "revisit": 1},
        {},
        0,
    ),
    "warcio/example-bad.warc.gz.bad": (
        {"warcinfo": 1, "response": 2, "request": 2, "revisit": 1},
        {},
        0,
    ),
    "warcio/example-digest.warc": ({"request": 4}, {}, 0),
    "warcio/example-iana.org-chunked.warc": (
        {"warcinfo": 1, "response": 1, "request": 1},
        {},
        0,
    ),
    "warcio/example-resource.warc.gz": ({"warcinfo": 2, "resource": 1}, {}, 0),
    "warcio/example-space-in-target-uri.warc.gz": ({"warcinfo": 1, "resource": 1}, {}, 0),
    # Its HTTP head was rewritten with LF line ends, so the block is shorter than declared,
    # and the file ends before the declared length.
    "warcio/example-space-in-url.arc": (
        {"warcinfo": 1, "response": 1},
        {"truncated_file": 1},
        1,
    ),
    # A Content-Length 2 bytes short: the block runs on to the next record, flagged.
    "warcio/example-trunc.warc": ({"warcinfo": 2, "response": 1, "request": 1}, {}, 1),
    "warcio/example-wget-bad-target-uri.warc.gz": (
        {"warcinfo": 1, "request": 1, "response": 1, "metadata": 1, "resource": 2},
        {},
        0,
    ),
    "warcio/example-wrong-chunks.warc.gz": ({"response": 1, "request": 1}, {}, 0),
    "warcio/example.arc": ({"warcinfo": 1, "response": 1}, {}, 0),
    "warcio/example.arc.gz": ({"warcinfo": 1, "response": 1}, {}, 0),
    "warcio/example.warc": ({"warcinfo": 2, "response": 1, "request": 2, "revisit": 1}, {}, 0),
    "warcio/example.warc.gz": (
        {"warcinfo": 2, "response": 1, "request": 2, "revisit": 1},
        {},
        0,
    ),
    "warcio/post-test.warc.gz": ({"response": 3, "request": 3}, {}, 0),
}
# Files compressed as one gzip member: their offsets are positions in the decompressed data.
WHOLE_FILE_GZIP = {"warcio/example-bad-non-chunked.warc.gz", "warcio/example-bad.warc.gz.bad"}
CC_WARC = "resiliparse/warcfile.warc.gz"


@pytest.fixture(scope="module")
def warc_dir(fixtures: Path) -> Path:
    return fixtures / "warc"


def read(data: bytes, name: str = "test.warc", **options) -> list[WarcRecord | ReadFailure]:
    return list(read_warc(io.BytesIO(data), name, **options))


def records(items: list) -> list[WarcRecord]:
    return [item for item in items if isinstance(item, WarcRecord)]


def failures(items: list) -> list[ReadFailure]:
    return [item for item in items if isinstance(item, ReadFailure)]


def tally(items: list) -> tuple[dict[str, int], dict[str, int], int]:
    types = Counter(r.record_type for r in records(items))
    reasons = Counter(f.reason for f in failures(items))
    return dict(types), dict(reasons), sum(r.truncated is not None for r in records(items))


def gzip_members(data: bytes) -> list[bytes]:
    members = []
    while data:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        decompressor.decompress(data)
        end = len(data) - len(decompressor.unused_data)
        members.append(data[:end])
        data = data[end:]
    return members


def set_content_length(record: bytes, change: int) -> bytes:
    """A WARC record whose Content-Length (the first one, the WARC header's) is off by `change`."""
    found = re.search(rb"Content-Length: (\d+)", record)
    length = str(int(found.group(1)) + change).encode()
    return record[: found.start(1)] + length + record[found.end(1) :]


def test_every_fixture_file_is_expected(warc_dir):
    present = {
        p.relative_to(warc_dir).as_posix()
        for p in warc_dir.rglob("*")
        if p.is_file() and p.name != "LICENSE"
    }
    assert present == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_fixture_counts_and_offsets(warc_dir, relative):
    data = (warc_dir / relative).read_bytes()
    with (warc_dir / relative).open("rb") as stream:
        items = list(read_warc(stream, relative))
    assert tally(items) == EXPECTED[relative]
    assert all(item.file == relative for item in items)
    # A record the file ends inside is followed by its failure, at the same offset.
    offsets = [item.offset for item in items]
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == len(records(items))
    if relative in WHOLE_FILE_GZIP:
        return
    for record in records(items):
        # The offset is where a reader can seek to and find the record.
        at = data[record.offset :]
        if at.startswith(b"\x1f\x8b"):
            # A member may start with the line breaks that end the previous record.
            at = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(at, 64).lstrip(b"\r\n")
        arc = ".arc" in Path(relative).name
        assert at.startswith(record.target_uri.encode() if arc else b"WARC/")


def test_cc_warc_offsets_are_gzip_member_offsets(warc_dir):
    data = (warc_dir / CC_WARC).read_bytes()
    starts = [0]
    for member in gzip_members(data)[:-1]:
        starts.append(starts[-1] + len(member))
    assert [r.offset for r in read(data)] == starts


def test_cc_warc_html_responses(warc_dir):
    responses = [r for r in read((warc_dir / CC_WARC).read_bytes()) if r.record_type == "response"]
    assert len(responses) == 16
    assert {r.http_status for r in responses} == {200}
    assert all(r.http_headers["content-type"].startswith("text/html") for r in responses)
    assert all(r.body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") for r in responses)
    assert all(len(r.body) == r.content_length for r in responses)
    first = responses[0]
    assert first.target_uri == "http://003338.cn/l41/481397.html"
    assert first.warc_date == "2020-08-08T17:27:41Z"
    assert first.record_id == "urn:uuid:c4c112a5-3503-4483-abf8-51a0dd86dd53"
    assert first.content_length == 36331
    # Common Crawl keeps the original coding headers renamed; bodies are stored decoded.
    assert "content-encoding" not in first.http_headers


def test_repeated_http_headers_are_joined(warc_dir):
    responses = [r for r in read((warc_dir / CC_WARC).read_bytes()) if r.record_type == "response"]
    assert responses[2].http_headers["content-type"] == "text/html; charset=utf-8, text/html"


def test_dolma_target_uris_lose_their_angle_brackets(warc_dir):
    items = records(read((warc_dir / "dolma/sample-0000.warc.gz").read_bytes()))
    uris = [r.target_uri for r in items if r.target_uri]
    assert len(uris) == 47
    assert not any("<" in uri or ">" in uri for uri in uris)
    responses = [r for r in items if r.record_type == "response"]
    assert responses[0].target_uri == "https://www.semanticscholar.org/research/research-team"


def test_dolma_chunked_bodies_are_dechunked(warc_dir):
    responses = [
        r
        for r in read((warc_dir / "dolma/sample-0001.warc.gz").read_bytes())
        if r.record_type == "response"
    ]
    chunked = [r for r in responses if r.http_headers.get("transfer-encoding") == "chunked"]
    assert [(r.content_length, len(r.body)) for r in chunked] == [
        (39854, 39833),
        (38035, 38014),
        (38396, 38375),
        (39863, 39842),
    ]
    assert all(r.body.lstrip().startswith(b"<!DOCTYPE html>") for r in chunked)
    assert all(r.body.rstrip().endswith(b"</html>") for r in chunked)


def test_clipped_record_is_flagged_truncated(warc_dir):
    record, cut = read((warc_dir / "resiliparse/clipped.warc.gz").read_bytes())
    assert (cut.reason, cut.offset) == ("truncated_file", 0)
    assert cut.error == "the file ends inside this record, after 75207 bytes of its block"
    assert record.truncated == "length"
    assert record.record_id == "urn:uuid:f3dfa8fa-f031-4a38-90cc-1dcee3d07bb5"
    assert record.http_status == 200
    assert record.content_length == len(record.body) == 74970
    assert record.body.startswith(b"<!DOCTYPE html>")


def test_whirlwind_response_is_the_escopete_page(warc_dir):
    items = read((warc_dir / "commoncrawl-whirlwind/whirlwind.warc.gz").read_bytes())
    (response,) = [r for r in items if r.record_type == "response"]
    assert response.target_uri == "https://an.wikipedia.org/wiki/Escopete"
    assert response.offset == 1023
    assert response.http_status == 200
    assert response.content_length == len(response.body) == 72848
    assert response.record_id == "urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6"
    assert b"<title>Escopete - Biquipedia, a enciclopedia libre</title>" in response.body


def test_wet_conversion_record_body_is_the_text(warc_dir):
    items = read((warc_dir / "commoncrawl-whirlwind/whirlwind.warc.wet.gz").read_bytes())
    conversion = items[1]
    assert conversion.record_type == "conversion"
    assert conversion.http_status is None and conversion.http_headers == {}
    assert conversion.body.startswith(b"Escopete")


def test_warcio_oddities(warc_dir):
    def read_file(name: str) -> list:
        return read((warc_dir / "warcio" / name).read_bytes(), name)

    # Content-Length 2 bytes short: the block runs on to the next record, so the gzip
    # body is whole and decodes to the full page; the record is flagged all the same.
    trunc = read_file("example-trunc.warc")
    assert [r.offset for r in trunc] == [0, 488, 1197, 2566]
    assert trunc[2].truncated == "length" and trunc[2].content_length == 606
    assert trunc[2].http_headers["content-encoding"] == "gzip"
    assert len(trunc[2].body) == 1270 and trunc[2].body.startswith(b"<!doctype html>")
    # A response whose HTTP body is a gzip member of its own.
    wrong_chunks = read_file("example-wrong-chunks.warc.gz")
    assert [(r.record_type, r.offset) for r in wrong_chunks] == [("response", 0), ("request", 1130)]
    assert wrong_chunks[0].content_length == len(wrong_chunks[0].body) == 1270
    assert wrong_chunks[0].body.endswith(b"</html>\n")
    # A whole file as one gzip member: offsets are positions in the decompressed data.
    whole = read_file("example-bad-non-chunked.warc.gz")
    assert [r.offset for r in whole] == [r.offset for r in read_file("example.warc")]
    assert [r.body for r in whole] == [r.body for r in read_file("example.warc")]
    # Transfer-Encoding: chunked, really chunked.
    chunked = read_file("example-iana.org-chunked.warc")[1]
    assert (chunked.content_length, len(chunked.body)) == (7238, 7223)
    assert chunked.body.endswith(b"</html>\n")
    spaces = read_file("example-space-in-target-uri.warc.gz")[1]
    assert spaces.target_uri == "file:///example with spaces.png"
    assert read_file("example-wget-bad-target-uri.warc.gz")[1].target_uri == "http://example.com/"


def test_arc_records(warc_dir):
    arc = read((warc_dir / "warcio/example.arc").read_bytes(), "example.arc")
    filedesc, response = arc
    assert filedesc.record_type == "warcinfo"
    assert filedesc.target_uri == "filedesc://live-web-example.arc.gz"
    assert response.target_uri == "http://example.com/"
    assert response.warc_date == "2014-02-16T05:02:21Z"
    assert response.http_status == 200 and response.content_length == 1270
    assert response.body.startswith(b"<!doctype html>")
    again = read((warc_dir / "warcio/example.arc").read_bytes(), "example.arc")
    assert [r.record_id for r in again] == [r.record_id for r in arc]
    assert arc[0].record_id != arc[1].record_id
    assert arc[1].record_id.startswith("urn:uuid:")
    spaced = read((warc_dir / "warcio/example-space-in-url.arc").read_bytes())[1]
    assert spaced.target_uri == (
        "http://example.com/index.cfm?FuseAction=Email&EmailTitle=Examples From The Live Web"
        "&IsPopUp=False"
    )
    # Lengths of -1 and "abc": such a record runs to the next ARC header.
    bad = read((warc_dir / "warcio/bad.arc").read_bytes())
    assert [(r.offset, r.content_length, r.body) for r in bad[1:]] == [
        (134, 0, b""),
        (202, 1, b"\n"),
        (262, 0, b""),
    ]
    assert bad[0].body.startswith(b"1 0 Bad Capture\n")


# --- Files cut and corrupted here -------------------------------------------------------


@pytest.fixture(scope="module")
def cc(warc_dir) -> dict:
    data = (warc_dir / CC_WARC).read_bytes()
    members = gzip_members(data)
    items = read(data)
    return {"data": data, "members": members, "items": items}


def member_offset(members: list[bytes], index: int) -> int:
    return sum(len(m) for m in members[:index])


def ids(items: list) -> list[str]:
    return [r.record_id for r in records(items)]


@pytest.mark.parametrize("where", ["middle", "gzip header", "crc"])
def test_corrupt_member_in_the_middle(cc, where):
    members = cc["members"]
    corrupt = bytearray(members[5])  # a response, 19 KB compressed
    size = len(corrupt)
    spots = {"middle": range(size // 2, size // 2 + 8), "gzip header": [3], "crc": [size - 6]}
    for spot in spots[where]:
        corrupt[spot] ^= 0xE0
    items = read(b"".join(members[:5]) + bytes(corrupt) + b"".join(members[6:]))
    (failure,) = failures(items)
    assert (failure.reason, failure.offset) == ("corrupt_gzip", member_offset(members, 5))
    original = ids(cc["items"])
    assert ids(items) == original[:5] + original[6:]
    assert items[5] is failure


def test_any_corrupt_member_costs_exactly_its_record(cc):
    members = cc["members"]
    bodies = {r.record_id: r.body for r in records(cc["items"])}
    rng = random.Random(20)
    for _ in range(150):
        # Any member but the last, whose corruption cannot be told from a cut file; any
        # byte but the trailer, where one flip may hit two members.
        index = rng.randrange(len(members) - 1)
        member = bytearray(members[index])
        member[rng.randrange(len(member) - 8)] ^= rng.randrange(1, 256)
        items = read(b"".join(members[:index]) + bytes(member) + b"".join(members[index + 1 :]))
        assert len(items) == 50
        assert {f.reason for f in failures(items)} <= {"corrupt_gzip"}
        assert all(bodies.get(r.record_id, b"not a record") == r.body for r in records(items))


def test_corrupt_end_of_a_long_member_costs_its_record(cc):
    # Long enough to be decompressed in several steps: its first part reads fine.
    payload = random.Random(5).randbytes(300_000)
    record = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:long>\r\n"
        b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(payload), payload)
    )
    long_member = bytearray(gzip.compress(record))
    long_member[len(long_member) * 9 // 10] ^= 0xFF
    members = cc["members"]
    items = read(b"".join(members[:5]) + bytes(long_member) + b"".join(members[5:]))
    assert [(f.reason, f.offset) for f in failures(items)] == [
        ("corrupt_gzip", member_offset(members, 5))
    ]
    assert ids(items) == ids(cc["items"])


def test_corrupt_first_member(cc):
    corrupt = bytearray(cc["data"])
    corrupt[200] ^= 0xFF
    items = read(bytes(corrupt))
    assert [(f.reason, f.offset) for f in failures(items)] == [("corrupt_gzip", 0)]
    assert ids(items) == ids(cc["items"])[1:]


def test_corrupt_whole_file_member_keeps_what_came_before(cc):
    data = gzip.decompress(cc["data"])
    whole = bytearray(gzip.compress(data))
    whole[len(whole) * 3 // 4] ^= 0xFF
    items = read(bytes(whole))
    assert failures(items)[-1].reason == "corrupt_gzip"
    assert {f.reason for f in failures(items)} <= {"corrupt_gzip", "bad_record_header"}
    read_before = ids(items)
    assert 20 < len(read_before) < 50
    assert read_before == ids(cc["items"])[: len(read_before)]


@pytest.mark.parametrize("compressed", [True, False])
def test_file_cut_inside_a_block(cc, compressed):
    members = cc["members"]
    if compressed:
        data = b"".join(members[:5]) + members[5][: len(members[5]) // 2]
    else:
        data = gzip.decompress(b"".join(members[:6]))
        data = data[: len(data) - 50_000]
    items = read(data)
    cut = items[5]
    assert [(f.reason, f.offset) for f in failures(items)] == [("truncated_file", cut.offset)]
    assert items[6] is failures(items)[0]
    assert ids(items) == ids(cc["items"])[:6]
    assert cut.truncated == "length" and cut.http_status == 200
    assert 0 < len(cut.body) < cc["items"][5].content_length
    assert cc["items"][5].body.startswith(cut.body[:-100])


def test_file_cut_inside_a_header_or_gzip_header(cc):
    members = cc["members"]
    plain = gzip.decompress(b"".join(members[:6]))
    items = read(plain[: len(plain) - len(gzip.decompress(members[5])) + 100])
    assert [(f.reason, f.offset) for f in failures(items)] == [
        ("truncated_file", len(gzip.decompress(b"".join(members[:5]))))
    ]
    assert ids(items) == ids(cc["items"])[:5]
    items = read(b"".join(members[:5]) + members[5][:6])
    assert [(f.reason, f.offset) for f in failures(items)] == [
        ("truncated_file", member_offset(members, 5))
    ]
    assert ids(items) == ids(cc["items"])[:5]


def test_header_cut_by_the_next_record(cc):
    plain = [gzip.decompress(m) for m in cc["members"]]
    items = read(b"".join(plain[:3]) + plain[3][:100] + b"".join(plain[4:]))
    assert [(f.reason, f.offset) for f in failures(items)] == [
        ("bad_record_header", sum(len(p) for p in plain[:3]))
    ]
    assert ids(items) == ids(cc["items"])[:3] + ids(cc["items"])[4:]


def test_garbage_between_records(cc):
    members = cc["members"]
    garbage = b"<html>not a record</html>\r\n" * 3
    plain = [gzip.decompress(m) for m in members]
    cases = {
        # plain: garbage after a record's blank line
        b"".join(plain[:5]) + garbage + b"".join(plain[5:]): "bad_record_header",
        # per-record gzip: a gzip member of garbage, and raw garbage between members
        b"".join(members[:5]) + gzip.compress(garbage) + b"".join(members[5:]): "bad_record_header",
        b"".join(members[:5]) + garbage + b"".join(members[5:]): "corrupt_gzip",
    }
    for data, reason in cases.items():
        items = read(data)
        (failure,) = failures(items)
        expected_offset = member_offset(members, 5)
        if not data.startswith(b"\x1f\x8b"):
            expected_offset = sum(len(p) for p in plain[:5])
        assert (failure.reason, failure.offset) == (reason, expected_offset)
        assert ids(items) == ids(cc["items"])
        assert [r.body for r in records(items)] == [r.body for r in records(cc["items"])]


@pytest.mark.parametrize("change", [-300, -2, 2, 300, 30_000])
@pytest.mark.parametrize("compressed", [True, False])
def test_wrong_content_length(cc, change, compressed):
    plain = [gzip.decompress(m) for m in cc["members"]]
    plain[5] = set_content_length(plain[5], change)
    if compressed:
        data = b"".join(cc["members"][:5]) + gzip.compress(plain[5]) + b"".join(cc["members"][6:])
    else:
        data = b"".join(plain)
    items = read(data)
    assert failures(items) == []
    assert ids(items) == ids(cc["items"])
    assert [r.body for r in items[6:]] == [r.body for r in cc["items"][6:]]
    original = cc["items"][5]
    wrong = items[5]
    if change == 2:
        # Two bytes too long take in half of the blank line that ends the record: a
        # block that ends with a line break cannot be told from that.
        assert (wrong.truncated, wrong.body) == (None, original.body + b"\r\n")
        return
    # Too long: the block ends at the next record. Too short: it runs on. Flagged both.
    assert wrong.truncated == "length"
    assert wrong.body == original.body


def http_response(head: bytes, body: bytes) -> bytes:
    block = head + b"\r\n\r\n" + body
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:x>\r\n"
        b"WARC-Target-URI: http://example.com/\r\nWARC-Date: not a date\r\n"
        b"Content-Length: " + str(len(block)).encode() + b"\r\n\r\n" + block + b"\r\n\r\n"
    )


def test_content_encoding_is_undone_only_when_real(cc):
    page = cc["items"][5].body
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip"
    lying, real = read(http_response(head, page) + http_response(head, gzip.compress(page)))
    assert lying.body == page and lying.content_length == len(page)
    assert real.body == page and real.content_length < len(page) // 2
    assert lying.warc_date == "not a date"
    deflate = zlib.compress(page)
    raw_deflate = deflate[2:-4]
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate"
    for body in (deflate, raw_deflate, page):
        (record,) = read(http_response(head, body))
        assert record.body == page


def test_transfer_encoding_chunked_is_undone_only_when_real(cc):
    page = cc["items"][5].body
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
    chunked = (
        b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (page[:1000], page[1000:]))
        + b"0\r\n\r\n"
    )
    for body in (chunked, page, b"a\r\n" + page):
        (record,) = read(http_response(head, body))
        assert record.body == (page if body == chunked else body)


def test_bodies_over_the_limit_are_not_held(cc):
    items = read(cc["data"], max_body_bytes=20_000)
    assert ids(items) == ids(cc["items"])
    large = [r for r in items if r.body is None]
    assert len(large) == 8
    assert all(r.record_type == "response" and r.content_length > 20_000 for r in large)
    assert [r.content_length for r in large] == [
        r.content_length for r in cc["items"] if r.content_length > 20_000
    ]
    held = [r for r in items if r.body is not None]
    assert all(r.content_length <= 20_000 for r in held)
    # A block far larger than the limit is skipped, not read into memory, and the
    # records after it are still read.
    items = read(gzip.decompress(cc["data"]), max_body_bytes=1_000)
    assert ids(items) == ids(cc["items"])
    assert [r.record_type for r in items if r.body is None] == ["response"] * 16


def test_decoded_body_over_the_limit_is_not_held():
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip"
    (record,) = read(http_response(head, gzip.compress(b"a" * 100_000)), max_body_bytes=50_000)
    assert record.body is None and record.content_length < 1_000


class Unseekable(io.RawIOBase):
    """A stream that only reads forward, a few bytes at a time, and may fail."""

    def __init__(self, data: bytes, failure: Exception | None = None) -> None:
        self._data = data
        self._position = 0
        self._failure = failure

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._failure is not None and self._position >= 1000:
            raise self._failure
        size = min(size if size >= 0 else len(self._data), 1000)
        data = self._data[self._position : self._position + size]
        self._position += len(data)
        return data


def test_forward_only_stream_with_short_reads(cc):
    items = list(read_warc(Unseekable(cc["data"]), "stream"))
    assert [(r.offset, r.record_id) for r in items] == [
        (r.offset, r.record_id) for r in cc["items"]
    ]


@pytest.mark.parametrize("error", [OSError("connection reset"), RuntimeError("503 from GCS")])
def test_a_failing_stream_ends_with_a_failure(cc, error):
    items = list(read_warc(Unseekable(cc["data"], error), "stream"))
    assert [(f.reason, f.error) for f in failures(items)] == [("unreadable_file", str(error))]


def test_empty_and_non_warc_input():
    assert read(b"") == [ReadFailure("test.warc", 0, "empty_file", "the file is empty")]
    (failure,) = read(b"just some text\nwith lines\n")
    assert (failure.reason, failure.offset) == ("bad_record_header", 0)


def test_parse_head_is_lenient():
    block = b"HTTP/1.0 404\nServer: x\n folded\nno colon here\nSet-Cookie: a\nSet-Cookie: b\n\nbody"
    head = parse_head(block, response=True)
    assert head.status == 404
    assert head.headers == {"server": "x folded", "set-cookie": "a, b"}
    assert block[head.length :] == b"body"
    assert parse_head(b"<html>", response=True) is None
    request = parse_head(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", response=False)
    assert request.status is None and request.headers == {"host": "example.com"}


def test_decode_payload_keeps_what_it_cannot_decode():
    assert decode_payload(b"\x8b\x00plain", {"content-encoding": "br"}, 100) == b"\x8b\x00plain"
    assert decode_payload(b"abc", {"content-encoding": "gzip"}, 100) == b"abc"
    payload = bytes(range(256)) * 40
    cut = gzip.compress(payload)[:5000]
    decoded = decode_payload(cut, {"content-encoding": "gzip"}, 100_000)
    assert len(decoded) > 4000 and payload.startswith(decoded)


def test_a_member_that_decompresses_to_megabytes_is_followed_by_the_next():
    # More than 1 MB out of one 64 KB feed: zlib stops at the output limit, and at the
    # member's end CPython leaves the next member in unconsumed_tail and unused_data both.
    def record(uri: str, body: bytes) -> bytes:
        head = f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: {uri}\r\n"
        return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body + b"\r\n\r\n"

    first = gzip.compress(record("http://a.test/", b"x" * 3_000_000), mtime=0)
    second = gzip.compress(record("http://b.test/", b"small"), mtime=0)
    items = read(first + second, max_body_bytes=4_000_000)
    assert failures(items) == []
    assert [(r.target_uri, r.offset, len(r.body)) for r in records(items)] == [
        ("http://a.test/", 0, 3_000_000),
        ("http://b.test/", len(first), 5),
    ]


# --- Damage that used to lose records silently -------------------------------------------


def plain_records(cc) -> list[bytes]:
    return [gzip.decompress(m) for m in cc["members"]]


def redeclared(record: bytes, length: int) -> bytes:
    found = re.search(rb"Content-Length: (\d+)", record)
    return record[: found.start(1)] + str(length).encode() + record[found.end(1) :]


@pytest.mark.parametrize("layout", ["plain", "whole-file gzip", "member per record"])
# Past the size limit; within the file; past the file's end (550 KB decompressed).
@pytest.mark.parametrize("declared", [10 * 2**30, 400_000, 1_000_000])
def test_a_length_past_the_file_or_the_limit_resynchronises(cc, layout, declared):
    plain = plain_records(cc)
    plain[1] = redeclared(plain[1], declared)
    data = {
        "plain": b"".join(plain),
        "whole-file gzip": gzip.compress(b"".join(plain)),
        "member per record": cc["members"][0]
        + gzip.compress(plain[1])
        + b"".join(cc["members"][2:]),
    }[layout]
    items = read(data)
    assert ids(items) == ids(cc["items"])
    wrong = items[1]
    assert wrong.truncated == "length"
    assert wrong.body == cc["items"][1].body
    assert [r.body for r in items[2:]] == [r.body for r in cc["items"][2:]]


@pytest.mark.parametrize("junk_bytes", [1_000, 70_000, 3_000_000])
@pytest.mark.parametrize("compressed", [True, False])
def test_junk_of_any_length_before_the_first_record(cc, junk_bytes, compressed):
    junk = (random.Random(junk_bytes).randbytes(997).replace(b"\x1f", b"") + b"\n") * (
        junk_bytes // 997
    )
    original = cc["data"] if compressed else gzip.decompress(cc["data"])
    items = read(junk + original)
    (failure,) = failures(items)
    assert (failure.reason, failure.offset) == ("bad_record_header", 0)
    assert failure.error.startswith("no record starts here: ")
    if junk_bytes > 64 * 1024:
        assert failure.error.endswith(f"; {len(junk)} bytes before the first record")
    assert ids(items) == ids(cc["items"])
    assert [r.body for r in records(items)] == [r.body for r in records(cc["items"])]


@pytest.mark.parametrize("zeros", [100, 2_000, 20_000])
@pytest.mark.parametrize("whole_file", [True, False])
def test_a_zeroed_tail_never_passes_for_whole_records(cc, zeros, whole_file):
    data = gzip.compress(gzip.decompress(cc["data"])) if whole_file else cc["data"]
    items = read(data[:-zeros] + bytes(zeros))
    bodies = {r.record_id: r.body for r in records(cc["items"])}
    whole = [r for r in records(items) if r.truncated is None]
    assert all(bodies[r.record_id] == r.body for r in whole)
    ((cut, cut_at),) = [(f, i) for i, f in enumerate(items) if isinstance(f, ReadFailure)]
    assert cut.reason == "truncated_file" and cut_at == len(items) - 1
    # Every record from the one the failure names on is lost or flagged.
    assert all(r.offset < cut.offset for r in whole)
    assert ids(items)[: len(whole)] == ids(cc["items"])[: len(whole)]


def test_a_member_holding_only_a_header_keeps_the_next_record(cc):
    members, plain = cc["members"], plain_records(cc)
    header = plain[5][: plain[5].index(b"\r\n\r\n") + 4]
    items = read(b"".join(members[:5]) + gzip.compress(header) + b"".join(members[6:]))
    assert failures(items) == []
    assert ids(items) == ids(cc["items"])
    assert (items[5].truncated, items[5].body, items[5].http_status) == ("length", b"", None)
    assert [r.body for r in items[6:]] == [r.body for r in cc["items"][6:]]


def test_an_http_head_without_an_end_is_a_failure_never_text(cc):
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: aaaaaaaa\r\n" * 10_000
    items = read(http_response(block, b"<html><p>text</p></html>") + plain_records(cc)[0])
    failure, after = items
    assert (failure.reason, failure.offset) == ("bad_http_head", 0)
    assert after.record_id == cc["items"][0].record_id


def zstd_frame(data: bytes) -> bytes:
    """Bytes that start as a zstd frame does (no zstd library here): the reader goes by that."""
    return b"\x28\xb5\x2f\xfd\x24\x00" + zlib.compress(data)


@pytest.mark.parametrize(
    ("compress", "name"),
    [(bz2.compress, "bzip2"), (lzma.compress, "xz"), (zstd_frame, "zstd")],
)
def test_another_compression_is_named(cc, compress, name):
    (failure,) = read(compress(gzip.decompress(cc["data"])), "named.warc.gz")
    assert (failure.reason, failure.offset) == ("unsupported_compression", 0)
    assert failure.error == f"{name}-compressed data; WARC and ARC files are read plain or gzip"


def test_bad_headers_in_a_row_are_one_failure(cc):
    items = read(gzip.compress(b"WARC/1.0\r\n" * 10_000) + cc["data"])
    first, *rest = items
    assert (first.reason, first.offset) == ("bad_record_header", 0)
    assert first.error == "header cut by a new record; 10000 bad record headers in a row from here"
    assert ids(rest) == ids(cc["items"]) and failures(rest) == []
