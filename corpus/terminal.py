"""The project's own lines on the terminal: the steps of a run as they go, their progress,
the closing summary. Beam's output goes elsewhere (corpus.run_log).

The `corpus` command sets it up once (`configure`). Used as a library (tests, notebooks),
it writes plain lines to whatever `sys.stderr` is at the time.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from typing import TextIO

TERMINAL_INTERVAL = 1.0
"""Seconds between updates of a progress line rewritten in place on a terminal."""
LOG_INTERVAL = 10.0
"""Seconds between progress lines when stderr is not a terminal (a file, a pipe)."""


def own_stream(stream: TextIO) -> TextIO:
    """`stream`, or when it writes to a file descriptor, a stream of its own on a copy of
    that descriptor: it keeps writing where `stream` wrote when the descriptor is pointed
    elsewhere (as corpus.run_log does with 1 and 2)."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor: pytest's capture, say
        return stream
    stream.flush()
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return os.fdopen(os.dup(descriptor), "w", buffering=1, encoding=encoding, errors="replace")


class Terminal:
    """Where the project's lines go. On a terminal (and not `verbose`, when Beam's lines
    come through too) a progress line is rewritten in place; otherwise each update is a
    line of its own, every `progress_interval` seconds."""

    def __init__(
        self,
        stream: TextIO | None = None,
        verbose: bool = False,
        progress_interval: float | None = None,
    ) -> None:
        self._stream = stream
        self.verbose = verbose
        self.live = not verbose and stream is not None and stream.isatty()
        default = TERMINAL_INTERVAL if self.live else LOG_INTERVAL
        self.progress_interval = progress_interval or default
        self._lock = threading.Lock()
        self._status_shown = False

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stderr

    def line(self, text: str) -> None:
        """A line of its own (it replaces a progress line shown in place)."""
        with self._lock:
            self._clear()
            self.stream.write(text + "\n")
            self.stream.flush()

    def status(self, text: str) -> None:
        """A progress update: rewritten in place on a terminal, else a line of its own."""
        if not self.live:
            self.line(text)
            return
        width = shutil.get_terminal_size().columns - 1
        with self._lock:
            self.stream.write("\r" + text[:width] + "\x1b[K")
            self.stream.flush()
            self._status_shown = True

    def clear_status(self) -> None:
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        if self._status_shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._status_shown = False


_current = Terminal()
_copied = False


def configure(stream: TextIO, verbose: bool, progress_interval: float | None) -> Terminal:
    """Makes the project's lines go to `stream` from now on (see `Terminal`)."""
    global _current, _copied
    reset()
    copy = own_stream(stream)
    _copied = copy is not stream
    _current = Terminal(copy, verbose, progress_interval)
    return _current


def reset() -> None:
    """Back to plain lines on whatever `sys.stderr` is (as before `configure`)."""
    global _current, _copied
    if _copied:
        _current.stream.close()
    _current, _copied = Terminal(), False


def terminal() -> Terminal:
    return _current
