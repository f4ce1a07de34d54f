"""Model and word-list files named by any Beam FileSystems path, as local files.

fastText and KenLM open a model by local path only, while a run's config may name it on
gs://, s3:// or any other file system Beam has registered. A local path is used as it is.
Any other is copied once to a cache directory of the machine, and every worker process of
that machine opens the same copy (the page cache then holds one copy of a memory-mapped
KenLM binary, not one per process). A copy is named by a digest of the path, size and
modification time, so a changed file is fetched again; it is written under a temporary
name and renamed while a lock is held, so concurrent processes fetch it once and never
open half a file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import posixpath
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from pydantic import BeforeValidator

from corpus.atomic_files import write_atomically

CACHE_DIRECTORY = Path(tempfile.gettempdir()) / "corpus-model-files"
"""Where copies of remote files are kept, shared by the processes of one machine."""

_local_paths: dict[str, str] = {}
_local_paths_lock = threading.Lock()


def _as_str(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


FilePath = Annotated[str, BeforeValidator(_as_str)]
"""A parameter naming a file on any Beam file system; a `pathlib.Path` is accepted. (A
`Path` field would turn gs://bucket/model.bin into gs:/bucket/model.bin.)"""


def is_local(path: str) -> bool:
    """True for a path without a scheme (`gs://`, `s3://`, ...)."""
    return FileSystems.get_scheme(path) is None


def is_file(path: str) -> bool:
    """Whether `path` names an existing file; ValueError when no Beam file system serves its
    scheme (e.g. gs:// without `apache-beam[gcp]`)."""
    if is_local(path):
        return Path(path).is_file()
    return FileSystems.exists(path)


def local_path(path: str) -> str:
    """A local path holding the file at `path`: `path` itself when it is local, else the
    machine's cached copy, fetched on first use (looked up once per process)."""
    if is_local(path):
        return path
    with _local_paths_lock:
        if path not in _local_paths:
            _local_paths[path] = str(_cached_copy(path))
        return _local_paths[path]


def _cached_copy(path: str) -> Path:
    metadata = FileSystems.get_filesystem(path).metadata(path)
    identity = f"{path}\0{metadata.size_in_bytes}\0{metadata.last_updated_in_seconds}"
    name = f"{hashlib.sha256(identity.encode()).hexdigest()[:16]}-{posixpath.basename(path)}"
    CACHE_DIRECTORY.mkdir(parents=True, exist_ok=True)
    copy = CACHE_DIRECTORY / name
    with open(CACHE_DIRECTORY / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not copy.is_file():
            # UNCOMPRESSED: Beam would otherwise decompress by the file's extension.
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as source:
                write_atomically(
                    str(CACHE_DIRECTORY), name, lambda target: shutil.copyfileobj(source, target)
                )
    return copy
