"""A WARC file of a realistic size: a WARC's records repeated with distinct URLs and IDs.

Common Crawl WARC files hold about 40,000 records each. The crawl-like mix of
crawl_warc.py holds about 3,000, so a file of that size repeats it: the first copy as it
is, every later copy with each record's WARC-Target-URI on a host of its own
(`http://r7.host/...`) and each record ID (and the IDs that refer to it) replaced by one
derived from the copy's number. Record bodies are untouched; each gzip member is
recompressed after its WARC headers are rewritten.

    python benchmarks/repeated_warc.py OUT.warc.gz [--records 40000] [--first-copy 0]
"""

from __future__ import annotations

import argparse
import re
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

from crawl_warc import build_crawl_warc
from fixture_warc import DEFAULT_FIXTURES

_RECORD_ID = re.compile(rb"<urn:uuid:([0-9a-fA-F-]{36})>")
_TARGET = re.compile(rb"^(WARC-Target-URI:[ \t]*<?[A-Za-z][A-Za-z0-9+.-]*://)", re.MULTILINE)
_LENGTH = re.compile(rb"^Content-Length:[ \t]*(\d+)", re.MULTILINE | re.IGNORECASE)


def members(warc: bytes) -> Iterator[bytes]:
    """The decompressed gzip members of `warc`, in order."""
    view = memoryview(warc)
    position = 0
    while position < len(warc):
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        pieces = []
        while not decompressor.eof and position < len(warc):
            chunk = view[position : position + (1 << 16)]
            pieces.append(decompressor.decompress(chunk))
            position += len(chunk) - len(decompressor.unused_data)
        yield b"".join(pieces)


def _renamed_header(header: bytes, copy: int) -> bytes:
    header = _TARGET.sub(lambda match: match.group(1) + b"r%d." % copy, header)
    return _RECORD_ID.sub(
        lambda match: (
            b"<urn:uuid:%s>"
            % str(uuid.uuid5(uuid.NAMESPACE_URL, f"{copy}/{match.group(1).decode()}")).encode()
        ),
        header,
    )


def renamed(member: bytes, copy: int) -> bytes:
    """The records of one decompressed member, their WARC headers renamed for `copy`."""
    out = []
    position = 0
    while position < len(member):
        end = member.find(b"\r\n\r\n", position)
        length = _LENGTH.search(member, position, end) if end >= 0 else None
        if length is None:  # not a record we can parse: left as it is
            out.append(member[position:])
            break
        out.append(_renamed_header(member[position:end], copy))
        stop = end + 4 + int(length.group(1)) + 4
        out.append(member[end:stop])
        position = stop
    return b"".join(out)


def compress(member: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(member) + compressor.flush()


def write_repeated(
    warc: bytes, records_per_copy: int, out: Path, records: int, first_copy: int = 0
) -> int:
    """Writes copies of `warc` to `out` until it holds at least `records` records (copy 0
    as it is, the others renamed); returns the number of records written."""
    written = 0
    copy = first_copy
    with open(out, "wb") as stream:
        while written < records:
            if copy == 0:
                stream.write(warc)
            else:
                for member in members(warc):
                    stream.write(compress(renamed(member, copy)))
            written += records_per_copy
            copy += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--first-copy", type=int, default=0)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    args = parser.parse_args()
    crawl = build_crawl_warc(args.fixtures)
    written = write_repeated(crawl.data, crawl.records, args.out, args.records, args.first_copy)
    print(f"{args.out}: {written} records, {args.out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
