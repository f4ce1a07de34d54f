"""A corpus of broken input for whole-pipeline runs, written into a directory.

WARC files (records written byte by byte here, so that each can be broken exactly):

- `pages.warc.gz` (a gzip member per record): real Japanese pages of the extraction
  fixtures, two of them again under other URLs (exact duplicates for dedup); HTML bombs
  (elements nested 100,000 deep, a 5 MB attribute value, 8 MB of paragraphs on one
  line); binary bodies (PNG, gzip, random bytes) labelled text/html; mislabelled encodings
  (Shift_JIS labelled UTF-8, EUC-JP labelled Shift_JIS, a `<meta>` charset contradicting
  the header, an unknown charset name); an empty body and an empty record;
  Japanese text with NUL bytes; UTF-8-encoded surrogates (ED A0 80) and `&#xD800;`
  references; a body larger than `MAX_RECORD_BYTES`;
- `corrupt.warc.gz`: three records, the middle gzip member damaged;
- `cut.warc.gz`: two records, the file cut inside the second one's gzip member;
- `lengths.warc` (plain): a Content-Length too long, one too short, one right;
- `resync.warc` (plain): a record declaring 10 GiB in front of the others, an HTTP head
  over 64 KiB, and a good record;
- `header-only.warc.gz`: a gzip member holding only a response's WARC header, then a
  record in the next member;
- `empty.warc`: no bytes;

plus a JSON Lines file with bad lines (`notes.jsonl`). The Japanese text of the made-up
pages is real: livedoor news articles from the fixtures, read in place.
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from pathlib import Path

from tests.support.fixture_warc import fixture_pages

MAX_RECORD_BYTES = 10 * 2**20
"""The `extract.max_record_bytes` the corpus is made for: one body is larger."""
TIME_LIMIT_SECONDS = 1.0
"""The `extract.time_limit_seconds` the corpus is made for: one page takes longer."""
LIVEDOOR = "ja_text/livedoor-news-corpus"
DUPLICATED = 2
"""How many fixture pages appear twice, under a second URL."""
WARC_DATE = "2024-05-01T00:00:00Z"


def articles(fixtures: Path) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of livedoor articles none of which has a known near-duplicate
    (so that only the copies made here are duplicates), in a fixed order."""
    corpus = fixtures / LIVEDOOR
    pairs = (corpus / "neardup_pairs_subset.json").read_text(encoding="utf-8")
    paths = sorted((corpus / "text").glob("*/*-*.txt"))
    chosen = [path for path in paths if path.stem not in pairs][::7]
    texts = []
    for path in chosen:
        lines = path.read_text(encoding="utf-8").splitlines()  # URL, date, title, body
        texts.append((lines[2], [line for line in lines[3:] if line.strip()]))
    return texts


def html_page(title: str, paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<html><head>{head}<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    )


def http_block(body: bytes, content_type: str = "text/html") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


def warc_record(url: str, block: bytes, declared: int | None = None) -> bytes:
    """A WARC/1.0 response record holding `block`, declaring `declared` bytes (default:
    the block's length)."""
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, url)
    header = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\n"
        f"WARC-Date: {WARC_DATE}\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block) if declared is None else declared}\r\n\r\n"
    )
    return header.encode("ascii") + block + b"\r\n\r\n"


def member(record: bytes) -> bytes:
    return gzip.compress(record, mtime=0)


def png_bytes() -> bytes:
    """A real 1x1 PNG."""
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )


def bad_pages(fixtures: Path) -> dict[str, bytes]:
    """URL -> HTTP block of every made-up page of `pages.warc.gz`, by the kind of damage."""
    texts = articles(fixtures)
    nested = 100_000
    rng = random.Random(0)
    bodies = {
        "bomb/deep": (
            "<html><body>" + "<div>" * nested + "深い入れ子の中の文章です。" + "</div>" * nested
        ).encode(),
        "bomb/attribute": html_page(*texts[0])
        .replace("<body>", f'<body class="{"x" * 5_000_000}">')
        .encode(),
        # 800,000 paragraphs: about 4 s of walking here, so well past the 1 s limit.
        "bomb/line": ("<html><body>" + "<p>あ<br>" * 800_000 + "</body></html>").encode(),
        "binary/png": png_bytes() * 2000,
        "binary/gzip": gzip.compress(html_page(*texts[1]).encode(), mtime=0),
        "binary/random": rng.randbytes(200_000),
        "empty/body": b"",
        "nul/bytes": html_page(texts[2][0], [p + "\0" for p in texts[2][1]]).encode(),
        "surrogate/bytes": html_page(*texts[3]).encode().replace("。".encode(), b"\xed\xa0\x80", 1),
        "surrogate/reference": html_page(*texts[4]).replace("。", "&#xD800;", 1).encode(),
        "oversized/body": html_page(*texts[5]).encode().ljust(MAX_RECORD_BYTES + 2**20, b" "),
    }
    blocks = {url: http_block(body) for url, body in bodies.items()}
    shift_jis_meta = '<meta charset="Shift_JIS">'
    blocks |= {
        "charset/sjis-labelled-utf8": http_block(
            html_page(*texts[6]).encode("shift_jis"), "text/html; charset=utf-8"
        ),
        "charset/eucjp-labelled-sjis": http_block(
            html_page(*texts[7]).encode("euc_jp"), "text/html; charset=Shift_JIS"
        ),
        "charset/meta-contradicts-header": http_block(
            html_page(*texts[8], head=shift_jis_meta).encode("euc_jp"),
            "text/html; charset=EUC-JP",
        ),
        "charset/unknown-name": http_block(
            html_page(*texts[9]).encode("shift_jis"), "text/html; charset=x-no-such-charset"
        ),
    }
    return {f"http://bad.test/{url}": block for url, block in blocks.items()}


def write_pages(fixtures: Path, path: Path) -> None:
    pages = [
        page for page in fixture_pages(fixtures) if page.japanese and "/extraction/" in page.url
    ]
    members = [member(warc_record(page.url, http_block(page.body))) for page in pages]
    members += [
        member(warc_record(f"{page.url}?copy", http_block(page.body)))
        for page in pages[:DUPLICATED]
    ]
    members += [member(warc_record(url, block)) for url, block in bad_pages(fixtures).items()]
    empty = warc_record("http://bad.test/empty/record", b"")
    members.append(member(empty))
    path.write_bytes(b"".join(members))


def article_records(fixtures: Path, name: str, indices: range) -> list[bytes]:
    texts = articles(fixtures)
    return [
        warc_record(f"http://bad.test/{name}/{i}", http_block(html_page(*texts[i]).encode()))
        for i in indices
    ]


def write_corrupt(fixtures: Path, path: Path) -> int:
    """Three records, the second's gzip member damaged; returns its offset."""
    members = [member(record) for record in article_records(fixtures, "corrupt", range(10, 13))]
    damaged = bytearray(members[1])
    damaged[len(damaged) // 2] ^= 0xFF
    members[1] = bytes(damaged)
    path.write_bytes(b"".join(members))
    return len(members[0])


def write_cut(fixtures: Path, path: Path) -> None:
    """Two records, the file cut in the middle of the second one's gzip member."""
    first, second = (member(record) for record in article_records(fixtures, "cut", range(13, 15)))
    path.write_bytes(first + second[: len(second) // 2])


def write_lengths(fixtures: Path, path: Path) -> None:
    """Plain WARC: a Content-Length 100 bytes too long (it runs into the next record), one
    50 bytes too short (the block runs on to the next record), and a right one."""
    too_long, too_short, right = article_records(fixtures, "length", range(15, 18))
    path.write_bytes(_redeclared(too_long, +100) + _redeclared(too_short, -50) + right)


def _redeclared(record: bytes, change: int) -> bytes:
    head, _, rest = record.partition(b"Content-Length: ")
    length, _, tail = rest.partition(b"\r\n")
    return head + b"Content-Length: " + str(int(length) + change).encode() + b"\r\n" + tail


def write_resync(fixtures: Path, path: Path) -> None:
    """A record declaring 10 GiB (past the file and the size limit), a response whose HTTP
    head runs over 64 KiB without an end, and a right one: the reader goes on at the
    record after each."""
    huge, right = article_records(fixtures, "resync", range(18, 20))
    padded = http_block("長いヘッダー".encode()).replace(b"\r\n", b"\r\nX-Pad: aaaa", 1)
    padded = padded.replace(b"X-Pad: aaaa", b"X-Pad: aaaa\r\nX-Pad: aaaa" * 10_000, 1)
    long_head = warc_record("http://bad.test/resync/long-head", padded)
    path.write_bytes(_redeclared(huge, 10 * 2**30) + long_head + right)


def write_header_only(path: Path) -> None:
    """A member holding only a response's WARC header, declaring a block that is not
    there; the next member holds a record of its own."""
    header = warc_record("http://bad.test/header-only/response", b"", declared=5_000)
    info = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 9\r\n\r\nformat: x\r\n\r\n"
    path.write_bytes(member(header.removesuffix(b"\r\n\r\n")) + member(info))


JSONL_LINES = (
    json.dumps({"id": "good-1", "text": "吾輩は猫である。名前はまだ無い。"}, ensure_ascii=False),
    json.dumps({"id": "good-2", "text": "どこで生れたかとんと見当がつかぬ。"}, ensure_ascii=False),
    json.dumps({"id": "copy-1", "text": "吾輩は猫である。名前はまだ無い。"}, ensure_ascii=False),
    '{"id": "invalid-json", "text": "閉じていない',
    '{"id": "surrogate", "text": "壊れた\\ud800文字"}',
    '{"id": "nul", "text": "ヌル\\u0000文字を含む文章です。"}',
    '{"id": "empty", "text": "   "}',
    '{"id": "missing-text", "body": "本文の名前が違う"}',
)


def write_jsonl(path: Path) -> None:
    """Good lines, a duplicate, and bad ones: invalid JSON, a lone surrogate escape, a NUL,
    an empty text, a missing text field, and a line that is not UTF-8 (Shift_JIS)."""
    lines = [line.encode("utf-8") for line in JSONL_LINES]
    lines.append('{"id": "shift-jis", "text": "シフトJIS"}'.encode("shift_jis"))
    path.write_bytes(b"\n".join(lines) + b"\n")


def write_bad_inputs(fixtures: Path, directory: Path) -> dict[str, list[str]]:
    """Writes the corpus; {"warc": WARC paths (the warcio fixtures' among them, in place),
    "jsonl": [the JSON Lines file]}."""
    directory.mkdir(parents=True, exist_ok=True)
    write_pages(fixtures, directory / "pages.warc.gz")
    write_corrupt(fixtures, directory / "corrupt.warc.gz")
    write_cut(fixtures, directory / "cut.warc.gz")
    write_lengths(fixtures, directory / "lengths.warc")
    write_resync(fixtures, directory / "resync.warc")
    write_header_only(directory / "header-only.warc.gz")
    (directory / "empty.warc").write_bytes(b"")
    write_jsonl(directory / "notes.jsonl")
    made = [
        "pages.warc.gz",
        "corrupt.warc.gz",
        "cut.warc.gz",
        "lengths.warc",
        "resync.warc",
        "header-only.warc.gz",
        "empty.warc",
    ]
    warcio = sorted(p for p in (fixtures / "warc/warcio").iterdir() if p.name != "LICENSE")
    return {
        "warc": [str(directory / name) for name in made] + [str(p) for p in warcio],
        "jsonl": [str(directory / "notes.jsonl")],
    }
