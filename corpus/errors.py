"""The error every bad configuration or input raises, printed by the CLI as one line."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration problem, reported before the run starts."""
