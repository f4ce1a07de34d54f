"""A run's lock on its output directory: one run writes there at a time.

The lock is the file `OUTPUT/run.lock`, holding who took it (user, host, pid, start time,
command) and a random token. A run takes it before it claims or changes anything in its
output and deletes it at its end, also when it fails or is stopped by Ctrl-C; a run killed
outright (SIGKILL, a lost machine) leaves it behind.

Taking it is atomic on a local file system (the file is written whole, then hard-linked
into place, which fails when it exists). An object store (gs://, s3://) offers no
exclusive create through Beam's FileSystems, so there the
lock is written only when absent and read back: two runs starting within the same moment
can both pass that check, the later write winning the file while the earlier run goes
on. The lock then guards against a second run started while the first is running, not
against two started together.

A second run into a locked output is refused, naming the holder. A lock whose holder is
gone (its pid no longer runs on this host), or that cannot be read, or one taken on
another host (whose processes cannot be checked from here), is refused too, saying so;
`--take-over-lock` takes such a lock over. A live holder on this host is never taken over.
"""

from __future__ import annotations

import getpass
import json
import os
import posixpath
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.errors import ConfigError
from corpus.layout import LOCK_FILE
from corpus.terminal import terminal

TAKE_OVER_FLAG = "--take-over-lock"
UNREADABLE_RETRIES = 10
"""Reads, 0.1 s apart, before an unreadable lock is judged stale rather than being written."""


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (some containers)
        return str(os.getuid())


def lock_record() -> dict:
    """What this process writes into the lock file."""
    return {
        "owner": _user(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["corpus", *sys.argv[1:]])[:500],
        "token": uuid.uuid4().hex,
    }


def _is_local(path: str) -> bool:
    return FileSystems.get_scheme(path) in (None, "file")


def _create_exclusively(path: str, data: bytes) -> bool:
    """Creates `path` holding `data` unless it exists; False when it did."""
    if _is_local(path):
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        # Written whole under a private name, then linked into place: link fails when the
        # lock exists, and a reader never sees a lock file before its content.
        private = os.path.join(directory, f".{LOCK_FILE}.{uuid.uuid4().hex}")
        with open(private, "wb") as handle:
            handle.write(data)
        try:
            os.link(private, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: an exclusive create instead
            return _create_exclusively_unlinked(path, data)
        finally:
            os.unlink(private)
        return True
    if FileSystems.exists(path):
        return False
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(data)
    return True


def _create_exclusively_unlinked(path: str, data: bytes) -> bool:
    """O_EXCL create, then the content: a reader may see the file empty for a moment, and
    `acquire` reads such a lock again before judging it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return True


def read_lock(path: str) -> dict | None:
    """The record in the lock file `path`; None when it is absent; {} when unreadable."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            data = handle.read()
    except Exception:  # absent (each file system says it its own way), or gone meanwhile
        return None if not FileSystems.exists(path) else {}
    try:
        record = json.loads(data)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _pid_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def holder(record: dict) -> str:
    """`alice@host, pid 123, since 2026-01-01T00:00:00+00:00`."""
    return (
        f"{record.get('owner', '?')}@{record.get('host', '?')}, pid {record.get('pid', '?')}, "
        f"since {record.get('started', '?')}"
    )


def stale_reason(record: dict) -> str | None:
    """Why the holder of a lock may be gone (None: it runs, on this host)."""
    if not record:
        return "its lock file cannot be read"
    if record.get("host") != socket.gethostname():
        return "it was taken on another host, where this run cannot check its process"
    pid = record.get("pid")
    if not isinstance(pid, int) or not _pid_runs(pid):
        return "its process no longer runs"
    return None


def acquire(output: str, take_over: bool = False) -> dict:
    """Takes the lock on `output` (see the module); returns the record written. Raises
    ConfigError, one line naming the holder, when another run holds it."""
    path = posixpath.join(output, LOCK_FILE)
    record = lock_record()
    data = (json.dumps(record, indent=2) + "\n").encode()
    while not _create_exclusively(path, data):
        held = read_lock(path)
        for _ in range(UNREADABLE_RETRIES):  # a lock being written reads empty a moment
            if held != {}:
                break
            time.sleep(0.1)
            held = read_lock(path)
        if held is None:
            continue  # released meanwhile: try again
        reason = stale_reason(held)
        who = holder(held) if held else "holder unknown"
        if reason is None:
            raise ConfigError(
                f"output: {output} is in use by another run ({who}; {path}); wait for it to "
                "end, or give another output"
            )
        if not take_over:
            raise ConfigError(
                f"output: {output} is locked by a run that may have ended ({who}): {reason}; "
                f"if no run writes there, pass {TAKE_OVER_FLAG}"
            )
        terminal().line(f"output: {output}: taking over the lock of {who} ({reason})")
        FileSystems.delete([path])
        take_over = False  # once: a run that took the lock meanwhile is not taken over
    if read_lock(path) != record:  # an object store's racing writer won (see the module)
        raise ConfigError(f"output: {output} was locked by another run as this one started")
    return record


def release(output: str, record: dict) -> None:
    """Deletes the lock on `output` if it is still the one `record` took."""
    path = posixpath.join(output, LOCK_FILE)
    held = read_lock(path)
    if held and held.get("token") == record["token"]:
        FileSystems.delete([path])


@contextmanager
def output_locked(output: str, take_over: bool = False) -> Iterator[None]:
    """Holds the lock on `output` while the block runs, however it ends."""
    record = acquire(output, take_over)
    try:
        yield
    finally:
        try:
            release(output, record)
        except Exception as error:  # never in place of the error that ended the run
            terminal().line(
                f"output: {output}: its lock {LOCK_FILE} could not be removed ({error}); "
                f"the next run there needs {TAKE_OVER_FLAG}"
            )
