"""Output files written atomically through Beam FileSystems, with their size and sha256.

A file is written under a temporary name and renamed into place, so it is either complete
or absent; its digest is taken from the bytes as they are written (after compression), so
a manifest can be checked against the files without reading them twice.
"""

from __future__ import annotations

import gzip
import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

import zstandard
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

Compression = Literal["none", "gz", "zst"]
TEMPORARY_PREFIX = ".tmp-"
"""A file being written is named this prefix + its final name; a killed run may leave one."""


@dataclass(frozen=True, slots=True)
class WrittenFile:
    name: str
    """The file's name inside its directory."""
    bytes: int
    sha256: str


class _DigestingWriter:
    """Passes writes to `handle`, counting and hashing the bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.digest.update(view)
        self.size += view.nbytes
        return self.handle.write(view)

    def flush(self) -> None:
        self.handle.flush()

    @property
    def closed(self) -> bool:
        return self.handle.closed


def _compressing(writer: _DigestingWriter, compression: Compression):
    if compression == "gz":
        # No file name and a zero time in the header: the same data gives the same bytes.
        return gzip.GzipFile(filename="", mode="wb", fileobj=writer, mtime=0)
    return zstandard.ZstdCompressor().stream_writer(writer, closefd=False)


def write_atomically(
    directory: str,
    name: str,
    write: Callable[[BinaryIO], None],
    compression: Compression = "none",
) -> WrittenFile:
    """Calls `write(handle)` to fill `directory/name`, compressed as asked; returns its record."""
    final = posixpath.join(directory, name)
    temporary = posixpath.join(directory, TEMPORARY_PREFIX + name)
    # UNCOMPRESSED: Beam would otherwise compress by the temporary name's extension.
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        writer = _DigestingWriter(handle)
        if compression == "none":
            write(writer)
        else:
            with _compressing(writer, compression) as compressed:
                write(compressed)
    FileSystems.rename([temporary], [final])
    return WrittenFile(name, writer.size, writer.digest.hexdigest())


def write_text(path: str, text: str) -> str:
    """Writes `text` as UTF-8 to `path` atomically (complete or absent); returns the path."""
    directory, name = posixpath.split(path)
    write_atomically(directory, name, lambda handle: handle.write(text.encode("utf-8")))
    return path


def is_temporary(path: str) -> bool:
    """Whether `path` names a file still being written (or left behind by a killed run)."""
    return posixpath.basename(path).startswith(TEMPORARY_PREFIX)
