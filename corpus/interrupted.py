"""Ctrl-C during a run: it stops with one line saying which steps are complete and that
the same command resumes (a complete step is kept when the run is started again)."""

from __future__ import annotations

import posixpath
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from apache_beam.io.filesystems import FileSystems

from corpus.layout import COMPLETE_FILE, step_of_side_directory


class Interrupted(Exception):
    """The run was stopped by Ctrl-C (SIGINT); the message says where it stands."""


_signalled = False


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    global _signalled
    _signalled = True
    raise KeyboardInterrupt


def stop_if_interrupted() -> None:
    """Raises KeyboardInterrupt when a Ctrl-C was noted but its KeyboardInterrupt did not
    arrive: Python drops an exception raised while a weakref callback or `__del__` runs,
    so a signal handled there is otherwise lost. Checked between steps."""
    if _signalled:
        raise KeyboardInterrupt


@contextmanager
def noting_interrupts() -> Iterator[None]:
    """Notes a Ctrl-C (besides raising KeyboardInterrupt as usual): Beam's worker
    processes get it too, and the runner may fail on a dead worker before the main thread
    sees its KeyboardInterrupt."""
    global _signalled
    _signalled = False
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a signal handler
        return
    previous = signal.signal(signal.SIGINT, _on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def complete_steps(output: str) -> list[str]:
    """The steps complete in a run's output directory, by their directory there, in the
    order they completed."""
    files = FileSystems.match([posixpath.join(output, "**")])[0].metadata_list
    marks = [m for m in files if posixpath.basename(m.path) == COMPLETE_FILE]
    marks.sort(key=lambda m: (m.last_updated_in_seconds, m.path))
    prefix = output.rstrip("/") + "/"
    return [step_of_side_directory(posixpath.dirname(m.path).removeprefix(prefix)) for m in marks]


def stop_message(output: str) -> str:
    complete = complete_steps(output)
    if not complete:
        return f"stopped before any step in {output} was complete; the same command starts again"
    return (
        f"stopped; complete in {output}: {', '.join(complete)}. "
        "The same command resumes from there, keeping them"
    )


@contextmanager
def resumable(output: str) -> Iterator[None]:
    """Turns a Ctrl-C during the work into `Interrupted`, saying what is complete."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(stop_message(output)) from None
    except Exception:
        if _signalled:
            raise Interrupted(stop_message(output)) from None
        raise
