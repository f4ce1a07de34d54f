"""Where the repository and the real fixtures are, and how a test skips without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
TOKENIZERS = SHARED / "tokenizers"


def require_shared(path: Path) -> Path:
    """Return `path` if it exists; skip the test if ../shared is absent, fail under CI."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing; CI must run with ../shared beside the checkout")
    pytest.skip(f"{path} not present (the real fixtures live in ../shared beside the checkout)")
