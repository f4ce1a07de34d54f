"""The per-record time limit of the source readers: the extraction stage's per-document
limit (`extract.time_limit_seconds`), applied to turning one record into a document.

A record whose conversion runs past the limit is a dead letter with reason `timeout`. The
conversion is measured by the clock (as the extraction stage's is); the wikitext
converter, whose work grows with a page's size, also checks the limit as it goes
(`check_time`) and stops there, so a pathological page costs about the limit, not its
whole conversion. The other readers' conversions (splitting paragraphs, measuring
scripts) are linear and not interruptible: one over the limit is dropped when it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar

from corpus.extract.paragraphs import ExtractionTimeout
from corpus.sources.records import ReadResult, Unreadable

TIMEOUT = "timeout"
DEFAULT_TIME_LIMIT_SECONDS = 5.0
"""As the extraction stage's default; a run gives its readers `extract.time_limit_seconds`."""

_deadline: ContextVar[float | None] = ContextVar("conversion_deadline", default=None)


def check_time_limit(seconds: float) -> None:
    """A reader's `time_limit_seconds` must be positive."""
    if not seconds > 0:
        raise ValueError(f"time_limit_seconds: {seconds} is not positive")


def check_time() -> None:
    """Raises ExtractionTimeout once the conversion under way has run past its limit."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise ExtractionTimeout("the conversion ran past its time limit")


def within_time_limit(
    seconds: float, file: str, position: int, convert: Callable[[], ReadResult]
) -> ReadResult:
    """`convert()`, or a `timeout` dead letter at `file`, `position` when it runs past
    `seconds`."""
    started = time.monotonic()
    token = _deadline.set(started + seconds)
    try:
        result = convert()
    except ExtractionTimeout:
        result = None
    finally:
        _deadline.reset(token)
    took = time.monotonic() - started
    if result is None or took > seconds:
        return Unreadable(file, position, TIMEOUT, f"the conversion took over {seconds} s")
    return result
