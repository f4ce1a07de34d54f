"""Read the records of one WARC or ARC file, leniently, accounting for what it cannot read.

`read_warc` yields a `WarcRecord` for each record it can read and a `ReadFailure` for each
stretch of the file it cannot (a corrupt gzip member, garbage where a record should
start, a file cut inside a record header), then carries on with the rest of the file.
It reads forward only, so any binary stream will do, and holds at most one record body
(bounded by `max_body_bytes`) in memory.

Input layouts: plain, gzip with one member per record (Common Crawl), a whole file as
one gzip member, and records whose data is spread over several members. The decompressed
members are read as one stream; member boundaries serve to resynchronise after a corrupt
member and as record offsets.

Record boundaries: a record normally ends after its declared Content-Length and a blank
line. When the bytes after the declared block are neither line breaks before the next
record nor a blank line, the Content-Length was wrong. If the block holds the start of
the next record, it was too long: the record ends there. Otherwise it was too short: the
block runs on to the next record. A block declared past the end of the file or too long
to hold ends at the first WARC record starting in it. Each such record is flagged
`truncated="length"`, as is a record with no Content-Length, one in a gzip member that
goes on with what is not a record after it, and one the file ends inside (which also
gives a `truncated_file` failure at its offset).

Accounting: every item has a stretch, from its offset to the next item's (or the end of
the file); a record that is not returned lies in the stretch of a failure or of a record
flagged truncated. A failure stands for one stretch: a corrupt gzip member up to the next
good one, a run of bad record headers (one failure saying how many), the junk before the
first record. What no check in the file can see is returned as read: changed bytes inside
a plain file's block, or inside a gzip member holding several records before that
member's check at its end.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

# zlib-ng: zlib's API and errors, with a faster inflate (most of the reading time).
from zlib_ng import zlib_ng as zlib

from corpus.accounting import TRUNCATED_FILE, UNREADABLE_FILE
from corpus.warc.http import HEAD_LIMIT, decode_payload, header_lines, header_text, parse_head

DEFAULT_MAX_BODY_BYTES = 16 * 2**20
CORRUPT_GZIP = "corrupt_gzip"
"""A gzip member that cannot be inflated."""
BAD_RECORD_HEADER = "bad_record_header"
"""Bytes where a record header should start that are not one."""
BAD_HTTP_HEAD = "bad_http_head"
"""An HTTP head without an end in the bytes it may take."""
EMPTY_FILE = "empty_file"
UNSUPPORTED_COMPRESSION = "unsupported_compression"
READER_ERROR = "reader_error"
"""The reader itself failed (a bug): the file's rest is unread."""
_GZIP_MAGIC = b"\x1f\x8b\x08"

_RAW_READ = 1 << 20
# Small enough that copying what follows the end of a member (zlib's `unused_data`) stays
# cheap next to decompressing it.
_GZIP_FEED = 64 * 1024
_DECOMPRESSED_CHUNK = 1 << 20
# Raw bytes kept behind the read position, so that after a corrupt member the scan for
# the next one can restart near the member's start.
_RAW_HISTORY = 256 * 1024
_PROBE_INPUT = 16 * 1024
_SNIFF = 64 * 1024
_LINE_LIMIT = 64 * 1024
_WARC_HEADER_LIMIT = 1 << 20
# Headers longer than this are read line by line: a search for a blank line that is not
# there must not cost more than the bytes a bad header takes.
_HEADER_PEEK = 4096
# What a block too long to hold is read by, looking for a record starting in it.
_LONG_BLOCK_STEP = 64 * 1024
_ARC_LINE_LIMIT = 8 * 1024
_START_PEEK = 32
_BREAKS_PEEK = 64
# A record that starts within this many bytes of its gzip member's start, after nothing
# but line breaks (the previous record's end), gets the member's offset.
_MEMBER_START_SLACK = 16

_WARC_VERSION_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
# Where a header holds this, even inside a line, it was cut short by the next record.
_WARC_VERSION = re.compile(rb"WARC/\d+\.\d+\r\n")
_WARC_START_IN_BLOCK = re.compile(rb"\nWARC/\d+\.\d+\r?\n")
_OTHER_COMPRESSIONS = (
    (b"BZh", "bzip2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"PK\x03\x04", "zip"),
)


@dataclass(slots=True)
class WarcRecord:
    file: str
    offset: int  # where the record starts: see `read_warc`
    record_type: str  # "response", "request", "warcinfo", ...; ARC: "warcinfo" or "response"
    record_id: str  # WARC-Record-ID without <>; synthesised from file and offset if absent
    target_uri: str  # WARC-Target-URI without surrounding <> and whitespace
    warc_date: str | None  # WARC-Date as written; ARC: its 14-digit date as ISO 8601
    http_status: int | None  # None unless the block is an HTTP response with a status line
    http_headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    content_length: int  # bytes of the HTTP payload (or of the block, if not HTTP) as stored
    body: bytes | None  # payload, real codings undone; None if it (or its decoding) is too big
    truncated: str | None  # WARC-Truncated, or "length" when the block is short of its length
    content_language: str = ""  # WARC-Identified-Content-Language (Common Crawl), as written


@dataclass(frozen=True, slots=True)
class ReadFailure:
    file: str
    offset: int
    reason: str
    """One of the reasons below, or `UNREADABLE_FILE`, `TRUNCATED_FILE` (corpus.accounting)."""
    error: str


def read_warc(
    stream: BinaryIO, name: str, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> Iterator[WarcRecord | ReadFailure]:
    """The records of a WARC/ARC file (plain or gzip, detected from its first bytes).

    Never raises: what cannot be read becomes a `ReadFailure`. `offset` is where the
    record starts in the file as stored: the offset of its gzip member when it is the
    first record in the member, otherwise the member's offset plus the record's position
    in the member's decompressed data (for a plain file: the record's file position).
    """
    reader = _Reader(stream, name, max_body_bytes)
    try:
        yield from reader.items()
    except _UnreadableInput as error:
        failure = str(error.__cause__)
        yield ReadFailure(name, reader.offset_or_zero(), UNREADABLE_FILE, failure)
    except Exception as error:  # a reader bug must not take the whole job down
        yield ReadFailure(name, reader.offset_or_zero(), READER_ERROR, repr(error))


class _UnreadableInput(Exception):
    """The stream failed to give bytes (its own error is the cause)."""


class _CorruptGzip(Exception):
    def __init__(self, member: int, message: str) -> None:
        super().__init__(message)
        self.member = member


@dataclass(slots=True)
class _Chunk:
    member: int  # raw offset of the gzip member (0 for a plain file)
    position: int  # position of data[0] in the member's decompressed data
    data: bytes


class _RawInput:
    """Forward reading of the raw file, with a short history for rewinding."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffer = b""
        self._base = 0  # file offset of _buffer[0]
        self._index = 0  # next byte to read in _buffer

    @property
    def position(self) -> int:
        return self._base + self._index

    def read(self, size: int) -> bytes:
        if self._index >= len(self._buffer) and not self._fill():
            return b""
        data = self._buffer[self._index : self._index + size]
        self._index += len(data)
        return data

    def peek(self, size: int) -> bytes:
        while len(self._buffer) - self._index < size and self._fill():
            pass
        return self._buffer[self._index : self._index + size]

    def rewind(self, size: int) -> None:
        self._index -= size

    def rewind_to(self, position: int) -> None:
        """Go back to `position`, or to the oldest byte still held if that is later."""
        self._index = max(0, position - self._base)

    def find(self, pattern: bytes) -> bool:
        """Move to the next occurrence of `pattern`; at the end of the file when none."""
        while True:
            found = self._buffer.find(pattern, self._index)
            if found >= 0:
                self._index = found
                return True
            self._index = max(self._index, len(self._buffer) - len(pattern) + 1)
            if not self._fill():
                self._index = len(self._buffer)
                return False

    def _fill(self) -> bool:
        # Streams may return short reads: gather a full read so that refills stay rare.
        parts = []
        size = 0
        while size < _RAW_READ:
            try:
                part = self._stream.read(_RAW_READ - size)
            except Exception as error:
                raise _UnreadableInput from error
            if not part:
                break
            parts.append(part)
            size += len(part)
        if not parts:
            return False
        data = b"".join(parts)
        drop = max(0, self._index - _RAW_HISTORY)
        self._buffer = self._buffer[drop:] + data
        self._base += drop
        self._index -= drop
        return True


class _PlainChunks:
    def __init__(self, raw: _RawInput) -> None:
        self._raw = raw
        self.cut_member: int | None = None

    def next_chunk(self) -> _Chunk | None:
        position = self._raw.position
        data = self._raw.read(_RAW_READ)
        return _Chunk(0, position, data) if data else None


class _GzipChunks:
    """The decompressed data of a gzip file, member after member, in bounded chunks."""

    def __init__(self, raw: _RawInput, starts_record: Callable[[bytes], bool]) -> None:
        self._raw = raw
        self._starts_record = starts_record
        self._decompressor: zlib._Decompress | None = None
        self._member = 0
        self._produced = 0  # decompressed bytes of the current member so far
        self.cut_member: int | None = None  # set when the file ends inside a member
        self.cut_member_produced = 0

    def next_chunk(self) -> _Chunk | None:
        while True:
            if self._decompressor is None:
                if not self._raw.peek(1):
                    return None
                self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self._member = self._raw.position
                self._produced = 0
            decompressor = self._decompressor
            # Input the decompressor left unconsumed was rewound, so it is read again here.
            data = self._raw.read(_GZIP_FEED)
            if not data:
                self._decompressor = None
                # A corrupt member can decode on through the members after it to the end
                # of the file; a member cut off by the end of the file cannot.
                if self.resync(self._member) is not None:
                    raise _CorruptGzip(self._member, "gzip member runs into later members")
                self.cut_member = self._member
                self.cut_member_produced = self._produced
                return None
            try:
                out = decompressor.decompress(data, _DECOMPRESSED_CHUNK)
            except zlib.error as error:
                self._decompressor = None
                raise _CorruptGzip(self._member, f"gzip member: {error}") from None
            # At the end of a member, the input after it is in unused_data, and CPython may
            # leave the same bytes in unconsumed_tail too (when max_length cut a previous
            # call short): counting both rewound too far, into an endless loop.
            left = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            self._raw.rewind(len(left))
            chunk = _Chunk(self._member, self._produced, out)
            self._produced += len(out)
            if decompressor.eof:
                self._decompressor = None
            if out:
                return chunk

    def resync(self, after: int) -> int | None:
        """Move to the first gzip member after raw offset `after` (as far back as the raw
        history reaches) whose data starts a record: its offset; None when there is none."""
        self._decompressor = None
        self._raw.rewind_to(after + 1)
        while self._raw.find(_GZIP_MAGIC):
            candidate = self._raw.position
            if _member_starts_record(self._raw.peek(_PROBE_INPUT), self._starts_record):
                return candidate
            self._raw.rewind_to(candidate + 1)
        return None


class _Decompressed:
    """The decompressed data as one stream, with peeking and the position of each byte."""

    def __init__(self, source: _PlainChunks | _GzipChunks) -> None:
        self.source = source
        self._chunks: deque[_Chunk] = deque()
        self._index = 0  # next byte to read in _chunks[0]
        self._member_head = (-1, b"")  # the first bytes of the latest member seen
        self._buffered = 0  # bytes in _chunks not yet read
        self.last_member = 0  # member of the last byte read
        self._end_position = 0  # position in its member of the byte after the last one read
        # A corrupt gzip member ends the data until `resync`; it is reported only once the
        # data before it has been read, so that it is blamed on the right record.
        self.error: _CorruptGzip | None = None

    def _load(self) -> bool:
        if self.error is not None:
            return False
        try:
            chunk = self.source.next_chunk()
        except _CorruptGzip as error:
            self.error = error
            return False
        if chunk is None:
            return False
        if chunk.position == 0:
            self._member_head = (chunk.member, chunk.data[:_MEMBER_START_SLACK])
        self._chunks.append(chunk)
        self._buffered += len(chunk.data)
        return True

    def resync(self) -> int | None:
        """Drop the data and go on at the next good member after the corrupt one: its raw
        offset, or None when there is none."""
        self._chunks.clear()
        self._index = 0
        self._buffered = 0
        error, self.error = self.error, None
        return self.source.resync(error.member)

    def at_end(self) -> bool:
        return not self._chunks and not self._load()

    def where(self) -> tuple[int, int]:
        """(member, position in member) of the next byte; of the end at the end."""
        if self.at_end():
            return self.last_member, -1
        chunk = self._chunks[0]
        return chunk.member, chunk.position + self._index

    def offset(self) -> int:
        return self.offset_at(*self.where())

    def offset_at(self, member: int, position: int) -> int:
        """The offset of the byte at (`member`, `position`), as `offset` gives it."""
        if position < 0:
            return member
        head_member, head = self._member_head
        if position <= len(head) and head_member == member and not head[:position].strip(b"\r\n"):
            return member
        return member + position

    def at_member_start(self) -> bool:
        return not self.at_end() and self._chunks[0].position + self._index == 0

    def peek(self, size: int) -> bytes:
        while self._buffered < size and self._load():
            pass
        if not self._chunks:
            return b""
        first = self._chunks[0].data
        if len(first) - self._index >= size:
            return first[self._index : self._index + size]
        parts = [first[self._index :]]
        gathered = len(parts[0])
        for chunk in list(self._chunks)[1:]:
            if gathered >= size:
                break
            parts.append(chunk.data)
            gathered += len(chunk.data)
        return b"".join(parts)[:size]

    def read(
        self, size: int, *, stop: Callable[[bytes], bool] | None = None, started: bool = False
    ) -> bytes:
        """Up to `size` bytes; fewer at the end of the data or, with `stop`, at the start
        of a gzip member whose data (after line breaks) `stop` accepts (not at the first
        byte unless `started`: the block began before)."""
        parts = []
        while size > 0 and not self._stops(stop, started or bool(parts)):
            part = self._take(size)
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def skip(self, size: int) -> None:
        """Drop the next `size` bytes (fewer at the end of the data)."""
        while size > 0 and not self.at_end():
            size -= len(self._take(size))

    def _stops(self, stop: Callable[[bytes], bool] | None, started: bool) -> bool:
        if self.at_end():
            return True
        if stop is None or not started or not self.at_member_start():
            return False
        return stop(self.peek(_BREAKS_PEEK + _ARC_LINE_LIMIT).lstrip(b"\r\n"))

    def skip_line_breaks(self) -> None:
        while not self.at_end():
            data = self._chunks[0].data
            start = self._index
            end = start
            while end < len(data) and data[end] in b"\r\n":
                end += 1
            if end == start:
                return
            self._take(end - start)

    def readline(self, limit: int, *, within_member: bool = False) -> bytes:
        """Bytes up to and including the next LF, at most `limit` of them; with
        `within_member`, also stop at the end of the gzip member."""
        parts = []
        while limit > 0 and not self.at_end():
            chunk = self._chunks[0]
            if parts and within_member and chunk.position + self._index == 0:
                break
            end = chunk.data.find(b"\n", self._index, self._index + limit)
            part = self._take(end + 1 - self._index if end >= 0 else limit)
            parts.append(part)
            limit -= len(part)
            if end >= 0:
                break
        return b"".join(parts)

    def read_header(self, limit: int) -> bytes | None:
        """A record header (through its blank line) when the current chunk holds all of
        it within `limit` bytes and no other record starts in it; else None, with nothing
        read."""
        if self.at_end():
            return None
        data = self._chunks[0].data
        start = self._index
        end = _blank_line_end(
            data, start, start + (limit if limit < _HEADER_PEEK else _HEADER_PEEK)
        )
        if end < 0 or _WARC_VERSION.search(data, start + 1, end):
            return None
        return self._take(end - start)

    def unread(self, data: bytes) -> None:
        """Put back `data`, the bytes just before the next one, from the same member."""
        if not data:
            return
        if self._chunks and self._index >= len(data):
            first = self._chunks[0].data
            if first[self._index - len(data) : self._index] == data:
                # Still in the chunk: step back rather than copy the chunk's rest.
                self._index -= len(data)
                self._buffered += len(data)
                return
        member, position = self.where()
        if position < 0:
            position = self._end_position
        chunk = _Chunk(member, max(0, position - len(data)), data)
        if self._chunks:
            self._chunks[0] = _Chunk(
                self._chunks[0].member,
                self._chunks[0].position + self._index,
                self._chunks[0].data[self._index :],
            )
            self._index = 0
        self._chunks.appendleft(chunk)
        self._buffered += len(data)

    def _take(self, size: int) -> bytes:
        """Up to `size` bytes from the first chunk, which must exist."""
        chunk = self._chunks[0]
        data = chunk.data
        part = data[self._index : self._index + size]
        self._index += len(part)
        self._buffered -= len(part)
        self.last_member = chunk.member
        self._end_position = chunk.position + self._index
        if self._index >= len(data):
            self._chunks.popleft()
            self._index = 0
        return part


@dataclass(slots=True)
class _Block:
    data: bytes  # the block, or only its first HEAD_LIMIT bytes when not `held`
    stored: int  # bytes of the block in the file
    held: bool
    truncated: bool  # shorter than its declared length


class _Reader:
    def __init__(self, stream: BinaryIO, name: str, max_body_bytes: int) -> None:
        self._stream = stream
        self._name = name
        self._max_body = max_body_bytes
        self._data: _Decompressed | None = None
        self._mode: str | None = None  # "warc" or "arc" once the first record is seen
        self._record_start: int | None = None
        self._short_block = False  # the last record's block was shorter than declared
        self._after: list[ReadFailure] = []  # to yield after the item just read
        self._item_member = -1  # the gzip member the item just read starts in
        # What ends a block at a gzip member's start (a plain file has none to look for).
        self._member_starts_record: Callable[[bytes], bool] | None = None

    def offset_or_zero(self) -> int:
        if self._record_start is not None:
            return self._record_start
        return self._data.last_member if self._data is not None else 0

    def items(self) -> Iterator[WarcRecord | ReadFailure]:
        yield from self._open()
        if self._data is None:
            return
        # The last item (with what follows it) is held until the next is known: a run of
        # bad record headers is one failure, and a record followed by what is not a record
        # in the same gzip member did not end where its length said (which that member's
        # check cannot show), so it is flagged.
        held: list[WarcRecord | ReadFailure] = []
        held_member = -1  # the member the held item starts in
        repeats = 0  # bad record headers in a row after the held one
        gzip = isinstance(self._data.source, _GzipChunks)
        while True:
            self._record_start = None
            self._short_block = False
            self._after = []
            item = self._next_item()
            if self._data.error is not None and self._data.at_end():
                _merge_repeats(held, repeats)
                yield from held
                held, repeats = [], 0
                *read, failure = self._corruption_met(item)
                resumed = self._data.resync()
                unread = "the end of the file" if resumed is None else f"offset {resumed}"
                yield from read
                yield self._failure(
                    failure.offset, failure.reason, f"{failure.error}; unread up to {unread}"
                )
                continue
            if item is None:
                _merge_repeats(held, repeats)
                yield from held
                return
            last = held[0] if held else None
            if type(item) is ReadFailure and item.reason == BAD_RECORD_HEADER:
                if type(last) is ReadFailure and last.reason == item.reason and len(held) == 1:
                    repeats += 1
                    continue
                if gzip and type(last) is WarcRecord and self._item_member == held_member:
                    last.truncated = last.truncated or "length"
            if repeats:
                _merge_repeats(held, repeats)
                repeats = 0
            yield from held
            held = [item, *self._after] if self._after else [item]
            held_member = self._item_member

    def _open(self) -> Iterator[ReadFailure]:
        """Find out what the file holds and where its first record starts, with failures
        for what is not one; `_data` is set when there are records to read."""
        raw = _RawInput(self._stream)
        head = raw.peek(_SNIFF)
        if not head:
            yield self._failure(0, EMPTY_FILE, "the file is empty")
            return
        if compression := _other_compression(head):
            yield self._failure(
                0,
                UNSUPPORTED_COMPRESSION,
                f"{compression}-compressed data; WARC and ARC files are read plain or gzip",
            )
            return
        gzip = head.startswith(_GZIP_MAGIC)
        if not gzip and not self._plain_start_in(head):
            # A gzip file whose first bytes are damaged still has good members after them.
            gzip = _find_first_record(raw, self._starts_record)
            if raw.position > 0:
                junk = f"no record starts here: {head[:40]!r}"
                if gzip is None:
                    yield self._failure(0, BAD_RECORD_HEADER, f"{junk}; no record in the file")
                    return
                where = f"{junk}; {raw.position} bytes before the first record"
                yield self._failure(0, BAD_RECORD_HEADER, where)
        source = _GzipChunks(raw, self._starts_record) if gzip else _PlainChunks(raw)
        self._data = _Decompressed(source)
        if gzip:
            self._member_starts_record = self._starts_record

    def _plain_start_in(self, head: bytes) -> bool:
        """Whether a record starts at a line start in `head`, read as a plain file."""
        if self._starts_record(head.lstrip(b"\r\n")):
            return True
        if _WARC_START_IN_BLOCK.search(head):
            return True
        return any(_arc_header(head[found.end() :]) for found in re.finditer(b"\n", head))

    def _next_item(self) -> WarcRecord | ReadFailure | None:
        data = self._data
        data.skip_line_breaks()
        if data.at_end():
            return self._cut_member_failure()
        self._item_member, position = data.where()
        self._record_start = start = data.offset_at(self._item_member, position)
        head = data.peek(_ARC_LINE_LIMIT if self._mode != "warc" else _START_PEEK)
        if _WARC_VERSION_LINE.match(head):
            self._mode = "warc"
            return self._read_warc_record(start)
        if self._mode != "warc" and (arc := _arc_header(head)) is not None:
            self._mode = "arc"
            return self._read_arc_record(start, arc)
        self._skip_to_record_start()
        return self._failure(start, BAD_RECORD_HEADER, f"no record starts here: {head[:40]!r}")

    def _corruption_met(
        self, item: WarcRecord | ReadFailure | None
    ) -> list[WarcRecord | ReadFailure]:
        """What to report when the data stopped at a corrupt gzip member, `item` being
        what was read last: the item, if it ended before that member, then the member."""
        error = self._data.error
        if item is not None and (self._short_block or self._data.last_member == error.member):
            return [self._failure(item.offset, CORRUPT_GZIP, str(error))]
        member = self._failure(error.member, CORRUPT_GZIP, str(error))
        return [member] if item is None else [item, member]

    def _read_warc_record(self, start: int) -> WarcRecord | ReadFailure:
        header = self._data.read_header(_WARC_HEADER_LIMIT)
        if header is None:
            header = self._read_warc_header_by_line(start)
            if isinstance(header, ReadFailure):
                return header
        if b"\0" in header:
            # Zeroed bytes: no writer puts NUL in a header, and what it declares is lost.
            self._skip_to_record_start()
            return self._failure(start, BAD_RECORD_HEADER, "NUL bytes in the record header")
        fields = _warc_fields(header)
        return self._finish(
            start,
            record_type=fields.get("warc-type", "unknown").lower(),
            record_id=fields.get("warc-record-id", "").strip("<> ") or self._synthetic_id(start),
            target_uri=fields.get("warc-target-uri", "").strip().strip("<>").strip(),
            warc_date=fields.get("warc-date"),
            declared=_length(fields.get("content-length")),
            truncated=fields.get("warc-truncated"),
            content_language=fields.get("warc-identified-content-language", ""),
        )

    def _read_warc_header_by_line(self, start: int) -> bytes | ReadFailure:
        """The header of a record where `read_header` could not take it at once."""
        data = self._data
        lines = [data.readline(_LINE_LIMIT)]
        size = len(lines[0])
        while True:
            line = data.readline(_LINE_LIMIT)
            if not line:
                return self._failure(start, TRUNCATED_FILE, "file ends in a record header")
            if cut := _WARC_VERSION.search(line):
                data.unread(line[cut.start() :])
                return self._failure(start, BAD_RECORD_HEADER, "header cut by a new record")
            size += len(line)
            if size > _WARC_HEADER_LIMIT:
                self._skip_to_record_start()
                return self._failure(start, BAD_RECORD_HEADER, "header without an end")
            lines.append(line)
            if line in (b"\r\n", b"\n"):
                return b"".join(lines)

    def _read_arc_record(self, start: int, arc: tuple[str, str, str]) -> WarcRecord:
        url, date, length = arc
        self._data.readline(_ARC_LINE_LIMIT)
        return self._finish(
            start,
            record_type="warcinfo" if url.startswith("filedesc:") else "response",
            record_id=self._synthetic_id(start),
            target_uri=url,
            warc_date=_arc_date(date),
            declared=_length(length),
            truncated=None,
        )

    def _finish(
        self,
        start: int,
        *,
        record_type: str,
        record_id: str,
        target_uri: str,
        warc_date: str | None,
        declared: int | None,
        truncated: str | None,
        content_language: str = "",
    ) -> WarcRecord | ReadFailure:
        """Read the block after a record header and build the record; a failure instead
        when its HTTP head does not end."""
        block = self._read_block(declared)
        self._short_block = block.truncated
        if self._ends_inside(block):
            self._after.append(
                self._failure(
                    start,
                    TRUNCATED_FILE,
                    f"the file ends inside this record, after {block.stored} bytes of its block",
                )
            )
            truncated = truncated or "length"
        # A WARC record must declare its length: without one, its end is a guess.
        missing = declared is None and self._mode == "warc"
        if (block.truncated or missing) and truncated is None:
            truncated = "length"
        http = None
        if record_type in ("response", "revisit", "request"):
            http = parse_head(block.data, response=record_type != "request")
        if http is not None and not http.ended and block.stored > HEAD_LIMIT:
            self._after = []
            return self._failure(
                start, BAD_HTTP_HEAD, f"HTTP head without an end in its first {HEAD_LIMIT} bytes"
            )
        head_length = http.length if http is not None else 0
        content_length = block.stored - head_length
        body = None
        if block.held and content_length <= self._max_body:
            body = block.data[head_length:]
            if http is not None:
                body = decode_payload(body, http.headers, self._max_body)
        return WarcRecord(
            file=self._name,
            offset=start,
            record_type=record_type,
            record_id=record_id,
            target_uri=target_uri,
            warc_date=warc_date,
            http_status=http.status if http is not None else None,
            http_headers=http.headers if http is not None else {},
            content_length=content_length,
            body=body,
            truncated=truncated,
            content_language=content_language,
        )

    def _read_block(self, declared: int | None) -> _Block:
        """The block of the record whose header was just read."""
        data = self._data
        keep = self._max_body + HEAD_LIMIT
        if declared is None:
            return self._block_to_next_record(b"", 0, keep)
        # A block that runs into a gzip member starting a record was declared too long.
        stop = self._member_starts_record
        if declared <= keep:
            content = data.read(declared, stop=stop, started=True)
            stored = len(content)
            held = True
            # The file ends before the declared length: a record starting in the block
            # shows the length was wrong, and the block ends there.
            short = stored < declared and self._mode == "warc" and data.at_end()
            if short and (found := _record_start_in(content)) >= 0:
                data.unread(content[found:])
                content = content[:found]
                stored = found
        else:
            content, stored, held = self._read_long_block(declared)
        if stored < declared:
            if held and not data.at_end():
                content = _strip_terminator(content, self._mode)
                stored = len(content)
            return _Block(content, stored, held, truncated=True)
        if self._mode == "warc" and _WARC_VERSION_LINE.match(content):
            # A block that is a WARC record belongs to a header whose own block is missing
            # (a record in a record is too rare to take that for one).
            data.unread(content)
            return _Block(b"", 0, held, truncated=True)
        if self._ends_record():
            return _Block(content, stored, held, truncated=False)
        # A record starting in the block (its version line may run on past the block)
        # shows the declared length was too long: the block ends there.
        found = -1
        if held and self._mode == "warc":
            found = _record_start_in(content + data.peek(_START_PEEK))
        if 0 <= found < len(content):
            data.unread(content[found:])
            content = _strip_terminator(content[:found], "warc")
            return _Block(content, len(content), held, truncated=True)
        # The declared length was too short (or garbage follows the block): the block
        # runs on to the next record, flagged, since its end is a guess.
        block = self._block_to_next_record(content, stored, keep)
        block.truncated = True
        return block

    def _read_long_block(self, declared: int) -> tuple[bytes, int, bool]:
        """(content, stored, held) of a block declared too long to hold: its first
        HEAD_LIMIT bytes are kept (all of it when no longer), and it ends at the first
        WARC record that starts in it (a length past the size limit is more often wrong
        than true)."""
        data = self._data
        head = b""
        stored = 0
        tail = b"\n"  # the block starts at a line start
        while stored < declared:
            size = min(declared - stored, _LONG_BLOCK_STEP)
            piece = data.read(size, stop=self._member_starts_record, started=True)
            if not piece:
                break
            window = tail + piece
            found = _WARC_START_IN_BLOCK.search(window) if self._mode == "warc" else None
            if found is not None:
                back = len(window) - found.start() - 1
                data.unread(window[found.start() + 1 :])
                if len(head) < HEAD_LIMIT:
                    head += piece[: HEAD_LIMIT - len(head)]
                stored += len(piece) - back
                head = head[:stored]
                break
            if len(head) < HEAD_LIMIT:
                head += piece[: HEAD_LIMIT - len(head)]
            stored += len(piece)
            tail = window[-_START_PEEK:]
        return head, stored, len(head) == stored

    def _ends_inside(self, block: _Block) -> bool:
        """Whether the file ends inside the record just read: inside its block, or inside
        the gzip member its end came from (that member's check never came)."""
        data = self._data
        cut = data.source.cut_member
        if not (block.truncated or cut is not None) or not data.at_end():
            return False
        return block.truncated if cut is None else data.last_member == cut

    def _ends_record(self) -> bool:
        """Whether the bytes after a block end its record: line breaks before the end of
        the data or a record start, or a blank line. Consumes the line breaks if so."""
        data = self._data
        newlines = 0
        while True:
            ahead = data.peek(_BREAKS_PEEK)
            rest = ahead.lstrip(b"\r\n")
            breaks = len(ahead) - len(rest)
            newlines += ahead.count(b"\n", 0, breaks)
            if rest or len(ahead) < _BREAKS_PEEK:
                break
            data.skip(breaks)
        if rest and newlines < (1 if self._mode == "arc" else 2):
            start_peek = _ARC_LINE_LIMIT if self._mode == "arc" else _START_PEEK
            if not self._starts_record(data.peek(breaks + start_peek)[breaks:]):
                return False
        data.skip(breaks)
        return True

    def _block_to_next_record(self, content: bytes, stored: int, keep: int) -> _Block:
        """Extend a block, of which `content` is held (or its first HEAD_LIMIT bytes), up
        to the next record start, holding at most `keep` bytes of it."""
        data = self._data
        parts = [content]
        held = len(content) == stored
        # Where only the start is held, the last byte read is not known: read on to a
        # line end before looking for a record.
        at_line_start = held and (content.endswith(b"\n") or not content)
        start_peek = _ARC_LINE_LIMIT if self._mode == "arc" else _START_PEEK
        while not data.at_end():
            if (at_line_start or data.at_member_start()) and self._starts_record(
                data.peek(start_peek)
            ):
                break
            line = data.readline(_LINE_LIMIT, within_member=True)
            glued = _WARC_VERSION.search(line, 1) if self._mode != "arc" else None
            if glued is not None:
                # A WARC record glued to the end of junk (or of a damaged block).
                data.unread(line[glued.start() :])
                line = line[: glued.start()]
            stored += len(line)
            at_line_start = line.endswith(b"\n")
            if held and stored <= keep:
                parts.append(line)
            elif held:
                held = False
                parts = [b"".join(parts)[:HEAD_LIMIT]]
            if glued is not None:
                break
        content = b"".join(parts)
        if held:
            trimmed = _strip_terminator(content, self._mode)
            stored -= len(content) - len(trimmed)
            content = trimmed
        return _Block(content, stored, held, truncated=False)

    def _skip_to_record_start(self) -> None:
        self._block_to_next_record(b"", 0, keep=0)

    def _starts_record(self, head: bytes) -> bool:
        if self._mode != "arc" and _WARC_VERSION_LINE.match(head):
            return True
        return self._mode != "warc" and _arc_header(head) is not None

    def _cut_member_failure(self) -> ReadFailure | None:
        """A failure for a gzip member cut off by the end of the file before it gave any
        data (a member that gave some is accounted for by what was read from it)."""
        source = self._data.source
        if source.cut_member is None or source.cut_member_produced > 0:
            return None
        failure = self._failure(source.cut_member, TRUNCATED_FILE, "file ends in a gzip member")
        source.cut_member = None
        return failure

    def _failure(self, offset: int, reason: str, error: str) -> ReadFailure:
        return ReadFailure(self._name, offset, reason, error)

    def _synthetic_id(self, offset: int) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self._name}#{offset}')}"


def _other_compression(head: bytes) -> str | None:
    """The name of the compression `head` starts with, if one this reader does not read."""
    for magic, name in _OTHER_COMPRESSIONS:
        if head.startswith(magic):
            return name
    return None


def _find_first_record(raw: _RawInput, starts_record: Callable[[bytes], bool]) -> bool | None:
    """Move to the first record start in the file: a gzip member whose data starts a
    record (True), or a WARC version line (False); None, at the end of the file, when
    there is none."""
    overlap = _PROBE_INPUT
    while window := raw.peek(_RAW_READ):
        last = len(window) < _RAW_READ
        searched = window if last else window[: len(window) - overlap]
        plain = _WARC_VERSION.search(searched)
        end = plain.start() if plain is not None else len(searched)
        for found in re.finditer(re.escape(_GZIP_MAGIC), searched[:end]):
            if _member_starts_record(window[found.start() :], starts_record):
                raw.read(found.start())
                return True
        if plain is not None:
            raw.read(plain.start())
            return False
        raw.read(len(searched))
        if last:
            return None
    return None


def _merge_repeats(held: list[WarcRecord | ReadFailure], repeats: int) -> None:
    """Make the first held item, a bad record header, say how many in a row it stands for."""
    if repeats:
        first = held[0]
        error = f"{first.error}; {repeats + 1} bad record headers in a row from here"
        held[0] = ReadFailure(first.file, first.offset, first.reason, error)


def _record_start_in(block: bytes) -> int:
    """Where the first WARC record starting at a line start in `block` starts, or -1."""
    if _WARC_VERSION_LINE.match(block):
        return 0
    found = _WARC_START_IN_BLOCK.search(block)
    return found.start() + 1 if found is not None else -1


def _member_starts_record(data: bytes, starts_record: Callable[[bytes], bool]) -> bool:
    """Whether `data` starts with a gzip member whose data starts a record."""
    try:
        head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data, _ARC_LINE_LIMIT)
    except zlib.error:
        return False
    return starts_record(head.lstrip(b"\r\n"))


def _warc_fields(header: bytes) -> dict[str, str]:
    """Named fields of a WARC header (version line first): lower-cased names, the first
    of repeated fields, folded lines unfolded, lines without a colon ignored."""
    fields: dict[str, str] = {}
    name = ""
    for line in header_lines(header)[1:]:
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
            continue
        raw_name, colon, value = line.partition(":")
        if colon:
            name = raw_name.strip().lower()
            fields.setdefault(name, value.strip())
    return fields


def _arc_header(head: bytes) -> tuple[str, str, str] | None:
    """(URL, date, length) of an ARC v1 header line `URL IP date type length`, where the
    URL may hold spaces; None if `head` does not start with one."""
    end = head.find(b"\n")
    if end < 0:
        return None
    fields = head[:end].rstrip(b"\r").split(b" ")
    if len(fields) < 5 or b":" not in fields[0] or not fields[-3].isdigit():
        return None
    if len(fields[-3]) < 12:
        return None
    url = header_text(b" ".join(fields[:-4]))
    return url, fields[-3].decode("ascii"), header_text(fields[-1])


def _arc_date(date: str) -> str:
    if len(date) < 14:
        return date
    return f"{date[:4]}-{date[4:6]}-{date[6:8]}T{date[8:10]}:{date[10:12]}:{date[12:14]}Z"


def _length(value: str | None) -> int | None:
    digits = (value or "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _strip_terminator(block: bytes, mode: str | None) -> bytes:
    for terminator in (b"\n",) if mode == "arc" else (b"\r\n\r\n", b"\n\n"):
        if block.endswith(terminator):
            return block[: -len(terminator)]
    return block


def _blank_line_end(data: bytes, start: int, end: int) -> int:
    """Where the first blank line (CRLF or LF) in data[start:end] ends, or -1."""
    crlf = data.find(b"\r\n\r\n", start, end)
    lf = data.find(b"\n\n", start, crlf + 2 if crlf >= 0 else end)
    if lf >= 0:
        return lf + 2
    return crlf + 4 if crlf >= 0 else -1
