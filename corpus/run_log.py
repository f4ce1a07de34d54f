"""Beam's output, and its workers', in the run's log file (`OUTPUT/logs/corpus.log`)
rather than on the terminal, which keeps the project's own lines (corpus.terminal).

The `corpus` command holds every logging record from its start (`hold_logging`: Beam
logs when it is imported). Once a run has claimed its output directory, `log_into` opens
the log there, writes what was held and sends every later record to it; it also points
this process's file descriptors 1 and 2 at the log, and Beam's worker processes inherit
them when they start: a worker's logging reaches the log through Beam's logging service,
and whatever a worker or a C extension writes to its stdout or stderr lands there too.
`release` points 1 and 2 back at the terminal. With `--verbose` Beam's log (INFO and up)
goes to the terminal instead; used as a library, none of this happens.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import posixpath
import sys
import tempfile
import threading

from corpus.layout import LOG_FILE, LOGS_DIR
from corpus.terminal import terminal

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HELD_RECORDS = 100_000
"""Records held before the log opens, at most (Beam's import and option parsing log a few)."""
QUIETED_LOGGERS = ("apache_beam.typehints.native_type_compatibility",)
"""Loggers held to warnings: this one logs an INFO line for every string type
hint it reads (about 2,000 in the quickstart), which buries the rest."""


class _RunLog:
    def __init__(self) -> None:
        self.held = logging.handlers.MemoryHandler(HELD_RECORDS, logging.CRITICAL + 1)
        self.file: logging.FileHandler | None = None
        self.path: str | None = None
        self.saved: dict[int, int] = {}
        self.level = logging.getLogger().level


_log: _RunLog | None = None


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    logging.getLogger("corpus.threads").error(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def stop_logging() -> None:
    """Ends what `hold_logging` and `log_into` started: descriptors, handlers, hooks."""
    global _log
    release()
    if _log is None:
        return
    root = logging.getLogger()
    for handler in (_log.held, _log.file):
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(_log.level)
    _log = None
    threading.excepthook = threading.__excepthook__


def hold_logging(verbose: bool) -> None:
    """Starts a command's logging: with `verbose`, INFO and up on stderr; otherwise every
    record is held until `log_into` opens the log."""
    global _log
    stop_logging()
    for name in QUIETED_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if verbose:
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
        return
    _log = _RunLog()
    root = logging.getLogger()
    root.addHandler(_log.held)
    root.setLevel(logging.INFO)
    # A Beam thread that dies prints its traceback to stderr: to the log it goes.
    threading.excepthook = _log_thread_exception


def log_path(output: str | None) -> str:
    """`OUTPUT/logs/corpus.log` for a local output directory; for one on a remote file
    system (gs://, s3://), or no output directory, a new file in the local temporary
    directory."""
    if output is not None and "://" not in output:
        return posixpath.join(output, LOGS_DIR, LOG_FILE)
    handle, path = tempfile.mkstemp(prefix="corpus-", suffix=".log")
    os.close(handle)
    return path


def log_into(output: str | None) -> str | None:
    """Opens the log of a run writing to `output` (see `log_path`) and sends Beam's output
    there from now on; returns its path. Does nothing (None) unless `hold_logging` holds."""
    if _log is None:
        return None
    if _log.file is not None:
        return _log.path
    path = log_path(output)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _log.file = logging.FileHandler(path, encoding="utf-8")
    _log.file.setFormatter(logging.Formatter(LOG_FORMAT))
    _log.held.setTarget(_log.file)
    _log.held.flush()
    root = logging.getLogger()
    root.removeHandler(_log.held)
    root.addHandler(_log.file)
    _log.path = path
    sys.stdout.flush()
    sys.stderr.flush()
    for descriptor in (1, 2):
        _log.saved[descriptor] = os.dup(descriptor)
        os.dup2(_log.file.stream.fileno(), descriptor)
    terminal().line(f"Beam's log: {path}")
    return path


def current_log() -> str | None:
    """The path of the open log, if any."""
    return None if _log is None else _log.path


def release() -> None:
    """Points file descriptors 1 and 2 back where they were before `log_into`; logging
    records keep going to the log."""
    if _log is None or not _log.saved:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    for descriptor, saved in _log.saved.items():
        os.dup2(saved, descriptor)
        os.close(saved)
    _log.saved.clear()
