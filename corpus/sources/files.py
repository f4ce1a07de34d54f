"""Opening a source file (local, gs://, s3://) as a stream of its decompressed bytes.

The codec is chosen by the file name's last suffix: `.gz`, `.bz2`, `.xz`, `.zst` /
`.zstd`, anything else is read as it is. Concatenated members (multi-member gzip,
multi-stream bzip2 such as Wikipedia's multistream dumps, several zstd frames) are read
one after another. A stream that ends inside a compressed member raises `EOFError`, for
every codec alike, so a cut-off file is never mistaken for a complete one.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import zstandard
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

_READ = 1 << 16
# zstd files written with --long=31 need a 2 GiB window; the default refuses them.
_ZSTD_MAX_WINDOW = 1 << 31


class _ZstdReader(io.RawIOBase):
    """Zstandard frames one after another. (zstandard's own stream reader ends quietly when
    the data stops inside a frame.)"""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._decompressor: zstandard.ZstdDecompressionObj | None = None
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            if not self._decompress_more():
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _decompress_more(self) -> bool:
        """Decompress the next raw chunk into `_pending`; False at the end of the data."""
        data = self._raw.read(_READ)
        if not data:
            if self._decompressor is not None:
                raise EOFError("zstd data ends inside a frame")
            return False
        parts = []
        while data:
            if self._decompressor is None:
                self._decompressor = zstandard.ZstdDecompressor(
                    max_window_size=_ZSTD_MAX_WINDOW
                ).decompressobj()
            parts.append(self._decompressor.decompress(data))
            data = b""
            if self._decompressor.eof:
                data = self._decompressor.unused_data
                self._decompressor = None
        self._pending = memoryview(b"".join(parts))
        return True


def _decompressing(raw: BinaryIO, path: str) -> BinaryIO:
    name = path.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if name.endswith(".bz2"):
        return bz2.BZ2File(raw)
    if name.endswith(".xz"):
        return lzma.LZMAFile(raw)
    if name.endswith((".zst", ".zstd")):
        return io.BufferedReader(_ZstdReader(raw), _READ)
    return raw


@contextmanager
def open_decompressed(path: str) -> Iterator[BinaryIO]:
    """The decompressed bytes of `path`, read forward (see the module docstring)."""
    raw = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    try:
        yield _decompressing(raw, path)
    finally:
        raw.close()


@contextmanager
def open_raw(path: str) -> Iterator[BinaryIO]:
    """The bytes of `path` as stored (seekable where the file system allows)."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
        yield raw
