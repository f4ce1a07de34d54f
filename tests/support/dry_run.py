"""`corpus run CONFIG --dry-run` as the tests run it: from the repository root, with every
network connection refused and recorded, and the plan's step lines parsed."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from corpus.cli import main
from tests.support.paths import ROOT

STEP_LINE = re.compile(r"^ +\d+\. (\S+) \((\w+)\)$", re.MULTILINE)


class DryRun:
    def __init__(self, code: int, out: str, err: str, connections: list) -> None:
        self.code, self.out, self.err, self.connections = code, out, err, connections

    @property
    def steps(self) -> list[str]:
        """The planned steps' directories, in the printed order."""
        return [directory for directory, _ in STEP_LINE.findall(self.out)]

    @property
    def to_be_provided(self) -> list[str]:
        """`key: name` of every file the plan says is to be provided."""
        _, _, rest = self.out.partition("to be provided before a run")
        return [line.strip() for line in rest.splitlines()[1:] if line.startswith("  ")]


def dry_run(
    config: str | Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
) -> DryRun:
    """Runs `corpus run CONFIG --dry-run ARGS` from the repository root."""
    connections: list = []

    def refuse(address: object, *_: object) -> None:
        connections.append(address)
        raise OSError(f"the test refuses a connection to {address}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda _, address: refuse(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda _, address: refuse(address))
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    code = main(["run", str(config), "--dry-run", *args])
    captured = capsys.readouterr()
    return DryRun(code, captured.out, captured.err, connections)
