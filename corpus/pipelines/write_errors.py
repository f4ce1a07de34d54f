"""A run that cannot write its output: one line naming the path and the cause, and how
to resume, instead of a traceback.

The causes are those of the place written, not of the run: a full disk or quota (ENOSPC,
EDQUOT), no permission (EACCES, EPERM; for a path inside the output, as reading an input
can fail with them too) and a read-only file system (EROFS). They are
found in the error raised in this process, in the errors it wraps (Beam's `BeamIOError`
holds one per file) and in the text of a failed pipeline's error, which carries its
worker's traceback.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from apache_beam.io.filesystem import BeamIOError

from corpus.errors import ConfigError
from corpus.interrupted import complete_steps
from corpus.pipelines.output_ownership import is_within

WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS})
_IN_TEXT = re.compile(r"\[Errno (\d+)\] ([^:'\n]+)(?:: '([^'\n]+)')?")


class WriteFailure(NamedTuple):
    number: int
    reason: str
    path: str | None

    def cause(self) -> str:
        return f"{self.reason} (Errno {self.number}, {errno.errorcode[self.number]})"


def _errors(error: BaseException) -> Iterator[BaseException]:
    """`error`, the errors it was raised from or while handling, and a BeamIOError's."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]
        if isinstance(current, BeamIOError) and isinstance(current.exception_details, dict):
            pending += [e for e in current.exception_details.values() if e is not None]


def write_failure(error: BaseException) -> WriteFailure | None:
    """The write error behind `error` (see the module), or None when there is none."""
    errors = list(_errors(error))
    for current in errors:
        if isinstance(current, OSError) and current.errno in WRITE_ERRNOS:
            reason = current.strerror or os.strerror(current.errno)
            return WriteFailure(current.errno, reason, current.filename)
    for current in errors:
        for match in _IN_TEXT.finditer(str(current)):
            number = int(match.group(1))
            if number in WRITE_ERRNOS:
                return WriteFailure(number, match.group(2).strip(), match.group(3))
    return None


def _in_output(failure: WriteFailure, output: str) -> bool:
    if failure.number not in (errno.EACCES, errno.EPERM) or failure.path is None:
        return True
    return failure.path == output or is_within(failure.path, output)


def resume_hint(output: str) -> str:
    """What the same command does once the output can be written again."""
    try:
        complete = complete_steps(output)
    except Exception:  # the output cannot even be listed
        complete = []
    if not complete:
        return "once it can be written, the same command starts the run again"
    return (
        f"complete in {output}: {', '.join(complete)}; once it can be written, the same "
        "command resumes from there, keeping them"
    )


@contextmanager
def explaining_write_errors(output: str) -> Iterator[None]:
    """Turns an error writing the output into a ConfigError: path, cause, resume hint."""
    try:
        yield
    except ConfigError:
        raise
    except Exception as error:
        failure = write_failure(error)
        if failure is None or not _in_output(failure, output):
            raise
        raise ConfigError(
            f"output: cannot write {failure.path or output}: {failure.cause()}; "
            f"{resume_hint(output)}"
        ) from None
