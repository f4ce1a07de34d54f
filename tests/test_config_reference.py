"""docs/configuration.md is generated from the config models and kept current."""

import subprocess
import sys

from corpus.config import validate
from corpus.config_reference import COMMAND, reference
from tests.support.paths import ROOT


def _key_paths(values: dict, prefix: str = "") -> list[str]:
    paths = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key not in ("options", "blend"):
            paths += _key_paths(value, path + ".")
        else:
            paths.append(path)
    return paths


def test_committed_reference_is_current():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == reference(), (
        f"docs/configuration.md is out of date with the config models: run `{COMMAND}`"
    )


def test_every_key_is_documented_with_its_default():
    text = reference()
    config = validate({"inputs": ["a.warc.gz"], "output": "out"})
    keys = _key_paths(config.model_dump(exclude={"filter": {"chain"}}))
    assert len(keys) > 40
    assert [key for key in keys if f"| `{key}` |" not in text] == []
    assert "| `extract.max_record_bytes` | int, > 0 | `16777216` |" in text
    assert '| `dedup.minhash.verify` | "off" \\| "signatures" \\| "exact" | `exact` |' in text
    assert (
        "| `filter.chain` | list[dict[str, any]] \\| str | `corpus/filters/default_chain.yaml` |"
        in (text)
    )
    for key in ("sources.NAME.stages", "sources.NAME.options.text_field", "blend.sources[].share"):
        assert f"| `{key}` |" in text


def test_command_prints_the_reference():
    result = subprocess.run(
        [sys.executable, "-m", "corpus.config_reference"],
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.decode("utf-8") == reference()
