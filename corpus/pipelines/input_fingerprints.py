"""What `run.json` records of each input file, so that a resume can tell it changed.

For every file an input pattern matches: its path, size (`bytes`) and modification time
(`modified`, seconds since the epoch; null when the file system gives none, as some HTTP
servers do), and what the file system gives cheaply of its content:

- a local file: `fingerprint`, the sha256 of its size and of its first, middle and last
  64 KiB (three reads, whatever its size);
- gs:// and s3://: `checksum`, the one the store keeps (GCS: the object's MD5 or CRC32C,
  S3: its ETag), one metadata request per file (`RECORD_THREADS` at a time);
- any other (http://, https://): size and modification time alone.

A resume whose inputs' records differ from those of `run.json` in any field is refused,
naming the first input that changed. A local change within the same size that touches none
of the three sampled stretches is still caught by the modification time, unless that was
set back as well; a touched but unchanged file counts as changed.

A file matched by more than one pattern is one input: it is recorded, and read, once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.filesystems import FileSystems

SAMPLE_BYTES = 1 << 16
"""The length of each of the three stretches a local file's fingerprint reads."""
CHECKSUM_SCHEMES = ("gs", "s3")
RECORD_THREADS = 32


def local_fingerprint(path: str) -> str:
    """`sha256:...` of the file's size and its first, middle and last `SAMPLE_BYTES`."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        digest.update(str(size).encode())
        for offset in sorted({0, max(0, (size - SAMPLE_BYTES) // 2), max(0, size - SAMPLE_BYTES)}):
            handle.seek(offset)
            digest.update(handle.read(SAMPLE_BYTES))
    return "sha256:" + digest.hexdigest()


def input_record(metadata: FileMetadata) -> dict:
    """What `run.json` holds of one input file (see the module)."""
    path = metadata.path
    record = {
        "path": path,
        "bytes": metadata.size_in_bytes,
        "modified": metadata.last_updated_in_seconds or None,
    }
    scheme = FileSystems.get_scheme(path)
    if scheme is None:
        record["fingerprint"] = local_fingerprint(path)
    elif scheme in CHECKSUM_SCHEMES:
        record["checksum"] = FileSystems.checksum(path)
    return record


def input_records(files: list[FileMetadata]) -> list[dict]:
    """`input_record` of each file, in order; the reads and metadata requests run
    concurrently, as a crawl has tens of thousands of files."""
    with ThreadPoolExecutor(max_workers=RECORD_THREADS) as pool:
        return list(pool.map(input_record, files))


def distinct_files(matched: Iterable[FileMetadata]) -> tuple[list[FileMetadata], int]:
    """The files in the order first matched, each once, and how many repeats were left out."""
    files: dict[str, FileMetadata] = {}
    repeats = 0
    for metadata in matched:
        if metadata.path in files:
            repeats += 1
        else:
            files[metadata.path] = metadata
    return list(files.values()), repeats


def changed_input(earlier: dict, identity: dict) -> str | None:
    """When two `run.json` records differ in their inputs alone: the first input that
    differs and how (`a.warc.gz changed: fingerprint, modified`); None otherwise."""
    rest = {key for key in earlier.keys() | identity.keys() if key != "inputs"}
    if any(earlier.get(key) != identity.get(key) for key in rest):
        return None
    before = {f.get("path"): f for f in earlier.get("inputs") or [] if isinstance(f, dict)}
    now = {f["path"]: f for f in identity.get("inputs") or []}
    for path, record in now.items():
        old = before.get(path)
        if old is None:
            return f"{path} is a new input"
        fields = sorted(k for k in old.keys() | record.keys() if old.get(k) != record.get(k))
        if fields:
            return f"{path} changed: {', '.join(fields)}"
    gone = [path for path in before if path not in now]
    return f"{gone[0]} is no longer an input" if gone else None
