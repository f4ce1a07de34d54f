"""Lenient parsing of the HTTP messages stored in WARC/ARC records.

Archived HTTP messages lie: heads end with bare LF, header lines fold or lack a colon,
`Transfer-Encoding: chunked` is declared on bodies stored de-chunked, and
`Content-Encoding: gzip` on bodies stored decoded (Common Crawl decodes them). So a
transfer or content coding is undone only when the bytes really carry it; otherwise the
payload is kept as stored.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

# Heads longer than this are not HTTP heads worth parsing (they are garbage or an attack).
HEAD_LIMIT = 64 * 1024

_STATUS_LINE = re.compile(rb"HTTP/\d+(?:\.\d+)?[ \t]+(\d{3})(?:[ \t\r\n]|$)", re.IGNORECASE)
_REQUEST_LINE = re.compile(rb"[A-Za-z]+[ \t]+\S+[ \t]+HTTP/\d", re.IGNORECASE)
_CHUNK_SIZE = re.compile(rb"[ \t]*([0-9A-Fa-f]+)[ \t]*(?:;[^\n]*)?\r?\n")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class HttpHead:
    status: int | None  # None for a request
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    length: int  # bytes of the start line, the header lines and the blank line
    ended: bool  # a blank line ends it, or the block does within HEAD_LIMIT


def parse_head(block: bytes, *, response: bool) -> HttpHead | None:
    """The HTTP head at the start of `block`, or None when `block` does not start with
    an HTTP status line (`response`) or request line. A head with no blank line ends the
    block: then the whole block is head."""
    start_line = _STATUS_LINE if response else _REQUEST_LINE
    match = start_line.match(block)
    if match is None:
        return None
    length = _head_length(block)
    ended = length < HEAD_LIMIT or block[:length].endswith((b"\n\n", b"\r\n\r\n"))
    headers: dict[str, str] = {}
    name = ""
    for line in header_lines(block[:length])[1:]:
        if not line.strip():
            continue
        if line[:1] in (" ", "\t") and name:
            headers[name] += " " + line.strip()
            continue
        raw_name, colon, value = line.partition(":")
        if not colon or not raw_name.strip():
            continue
        name = raw_name.strip().lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return HttpHead(int(match.group(1)) if response else None, headers, length, ended)


def decode_payload(payload: bytes, headers: dict[str, str], max_bytes: int) -> bytes | None:
    """Undo the chunked transfer coding and the content codings that `payload` really
    carries. None when the decoded payload would be larger than `max_bytes`."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        dechunked = _dechunk(payload)
        if dechunked is not None:
            payload = dechunked
    codings = [c.strip().lower() for c in headers.get("content-encoding", "").split(",")]
    for coding in reversed([c for c in codings if c]):
        decoded = _decode(coding, payload, max_bytes)
        if decoded is None:
            break
        if len(decoded) > max_bytes:
            return None
        payload = decoded
    return payload


def _head_length(block: bytes) -> int:
    crlf = block.find(b"\r\n\r\n", 0, HEAD_LIMIT)
    lf = block.find(b"\n\n", 0, crlf + 2 if crlf >= 0 else HEAD_LIMIT)
    if lf >= 0:
        return lf + 2
    return crlf + 4 if crlf >= 0 else min(len(block), HEAD_LIMIT)


def _dechunk(payload: bytes) -> bytes | None:
    """The chunks' data, or None when `payload` is not chunked after all. A payload cut
    inside a chunk gives the data up to the cut."""
    parts = []
    position = 0
    while position < len(payload):
        size_line = _CHUNK_SIZE.match(payload, position)
        if size_line is None:
            return None
        size = int(size_line.group(1), 16)
        if size == 0:
            break
        start = size_line.end()
        parts.append(payload[start : start + size])
        position = start + size
        if payload.startswith(b"\r\n", position):
            position += 2
        elif payload.startswith(b"\n", position):
            position += 1
        elif position < len(payload):
            return None
    return b"".join(parts)


def _decode(coding: str, payload: bytes, max_bytes: int) -> bytes | None:
    """`payload` decoded from `coding` (at most `max_bytes` + 1 bytes of it), or None when
    the bytes are not in that coding or it is one this reader does not decode."""
    if coding in ("gzip", "x-gzip"):
        if not payload.startswith(_GZIP_MAGIC):
            return None
        return _inflate(payload, zlib.MAX_WBITS | 16, max_bytes, need_end=False)
    if coding == "deflate":
        # RFC 9110 deflate is zlib-wrapped; many servers send raw deflate, which has no
        # magic number, so it counts only when it decodes to its end.
        if len(payload) >= 2 and (payload[0] & 0x0F) == 8 and int.from_bytes(payload[:2]) % 31 == 0:
            return _inflate(payload, zlib.MAX_WBITS, max_bytes, need_end=False)
        return _inflate(payload, -zlib.MAX_WBITS, max_bytes, need_end=True)
    return None


def _inflate(payload: bytes, wbits: int, max_bytes: int, *, need_end: bool) -> bytes | None:
    decompressor = zlib.decompressobj(wbits)
    try:
        data = decompressor.decompress(payload, max_bytes + 1)
    except zlib.error:
        return None
    if need_end and not decompressor.eof and len(data) <= max_bytes:
        return None
    # A stream cut short (a truncated record) still gives the data before the cut.
    return data


def header_lines(text: bytes) -> list[str]:
    """The lines of `text`, each decoded as UTF-8 or, failing that, as Latin-1."""
    try:
        return text.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return [header_text(line) for line in text.split(b"\n")]


def header_text(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")
