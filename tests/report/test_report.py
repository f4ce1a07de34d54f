"""The run report: its numbers against counts taken independently from the sample run's
files, its JSON against the shipped schema, and its HTML as headless Chromium shows it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import warnings
from collections import Counter
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from matplotlib import font_manager, get_data_path
from matplotlib.ft2font import FT2Font

from corpus.cli import main
from corpus.filters.chain import FilterChain
from corpus.layout import COMPLETE_FILE
from corpus.pipelines.dead_letters import DEAD_LETTER_SCHEMA
from corpus.report import plots
from corpus.report.collect import collect
from corpus.report.html import render_html
from corpus.report.markdown import render_markdown
from corpus.report.plots import bar_plot, draws_japanese, japanese_font
from corpus.report.write import SCHEMA_PATH
from tests.support.outputs import side, stats_of
from tests.support.paths import ROOT
from tests.support.quickstart import STEPS

SAMPLE_CONFIG = ROOT / "configs" / "sample.yaml"
DOCUMENTS = "documents-*.parquet"
WEB_STAGES = ["extract", "paragraph_stats", "filter", "dedup"]


@pytest.fixture(scope="module")
def run_output(quickstart_output: Path) -> Path:
    return quickstart_output


@pytest.fixture(scope="module")
def report(run_output: Path) -> dict:
    return json.loads((run_output / "report.json").read_text(encoding="utf-8"))


def rows(pattern: str, directory: Path) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in directory.glob(pattern))


def read(directory: Path, pattern: str, columns: list[str]) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(p, columns=columns) for p in sorted(directory.glob(pattern))
    )


def stage_labels(run_output: Path) -> list[str]:
    return [
        str(p.parent.relative_to(run_output)).removesuffix(".meta")
        for p in run_output.glob("**/stats.json")
    ]


@pytest.mark.slow
def test_funnel_matches_the_stage_files(run_output: Path, report: dict) -> None:
    funnel = {row["label"]: row for row in report["funnel"]["stages"]}
    labels = stage_labels(run_output)
    assert sorted(funnel) == sorted(labels)
    assert [label for label in funnel if label.startswith("web/")] == [
        f"web/{stage}" for stage in [*WEB_STAGES, "tokenize"]
    ]
    for label in labels:
        stats = stats_of(run_output / label)
        row = funnel[label]
        assert row["records_read"] == stats["records_read"]
        drops = {d["reason"]: d["count"] for d in row["drops"]}
        assert drops == {k: v for k, v in stats["outcome"].items() if k != "kept"}
        dead = {d["reason"]: d["count"] for d in row["dead_lettered"]}
        assert dead == stats.get("dead_lettered", {})
        assert row["kept"] + sum(drops.values()) + sum(dead.values()) == row["records_read"]
    assert funnel["web/extract"]["records_read"] == 82  # the sample WARC's records
    for label in ("web/extract", "web/filter"):
        assert funnel[label]["documents"] == rows("documents-*.parquet", run_output / label)
    for label in ("web/tokenize", "encyclopedia/tokenize"):
        assert funnel[label]["documents"] == rows(
            "tokens-*.parquet", side(run_output / label) / "tokens"
        )
        tokens = read(
            side(run_output / label) / "tokens", "tokens-*.parquet", ["num_tokens"]
        ).column(0)
        assert funnel[label]["tokens"] == sum(tokens.to_pylist())
    dedup = pq.read_table(next((run_output / "web" / "dedup").glob("documents-*.parquet")))
    assert funnel["web/dedup"]["characters"] == sum(map(len, dedup.column("text").to_pylist()))
    assert report["funnel"]["consistent"]
    assert all(check["ok"] for check in report["funnel"]["checks"])


@pytest.mark.slow
def test_removed_samples_match_the_debug_output(run_output: Path, report: dict) -> None:
    removed = ds.dataset(side(run_output / "web/filter") / "removed", partitioning="hive")
    reasons = Counter(removed.to_table(columns=["removed_by"]).column(0).to_pylist())
    by_reason = {entry["reason"]: entry for entry in report["samples"]["removed"]}
    assert {reason: entry["removed"] for reason, entry in by_reason.items()} == reasons
    outcomes = stats_of(run_output / "web/filter")["outcome"]
    filter_drops = {k: v for k, v in outcomes.items() if k != "kept"}
    assert reasons == filter_drops
    for entry in by_reason.values():
        assert 1 <= len(entry["documents"]) <= 2
        assert all(len(d["excerpt"]) <= 241 for d in entry["documents"])


@pytest.mark.slow
def test_sources_and_web_facts(run_output: Path, report: dict) -> None:
    web = read(run_output / "web" / "dedup", DOCUMENTS, ["host", "text", "charset", "date"])
    encyclopedia = read(run_output / "encyclopedia" / "read", DOCUMENTS, ["text"])
    hosts = Counter(web.column("host").to_pylist())
    top_host, top_count = min(hosts.items(), key=lambda item: (-item[1], item[0]))
    assert report["web"]["hosts"]["top"][0] == {"name": top_host, "count": top_count}
    assert report["web"]["hosts"]["undercount"] == 0
    charsets = Counter(web.column("charset").to_pylist())
    assert {r["name"]: r["count"] for r in report["web"]["charsets"]["top"]} == charsets
    years = Counter(str(d.year) for d in web.column("date").to_pylist())
    undated = Counter({"(none)": encyclopedia.num_rows})
    assert {r["name"]: r["count"] for r in report["web"]["years"]} == years + undated
    blend = json.loads((run_output / "blend.meta" / "blend_report.json").read_text())
    shares = {row["name"]: row for row in blend["sources"]}
    sources = {s["name"]: s for s in report["sources"]}
    assert sorted(sources) == ["encyclopedia", "web"]
    for name, table in (("web", web), ("encyclopedia", encyclopedia)):
        tokens = read(
            side(run_output / name / "tokenize") / "tokens", "tokens-*.parquet", ["num_tokens"]
        ).column(0)
        assert sources[name]["documents"] == table.num_rows
        assert sources[name]["characters"] == sum(map(len, table.column("text").to_pylist()))
        assert sources[name]["tokens"] == sum(tokens.to_pylist())
        assert sources[name]["target_share"] == shares[name]["target_share"]
        assert sources[name]["achieved_share"] == shares[name]["achieved_share"]


@pytest.mark.slow
def test_histograms_count_every_document(run_output: Path, report: dict) -> None:
    histograms = report["histograms"]
    kept = {row["label"]: row["kept"] for row in report["funnel"]["stages"]}
    expected = {stage: kept[f"web/{stage}"] for stage in WEB_STAGES}
    expected["read"] = kept["encyclopedia/read"]
    for name in ("characters", "paragraphs", "hiragana_ratio"):
        assert {s["name"]: s["total"] for s in histograms[name]["series"]} == expected
    # Wikipedia's articles have no language score: counted as missing, not as 0.0
    scores = {s["name"]: (s["total"], s["missing"]) for s in histograms["language_score"]["series"]}
    assert scores == {**{stage: (kept[f"web/{stage}"], 0) for stage in WEB_STAGES}, "read": (0, 8)}
    [read] = [s for s in histograms["language_score"]["series"] if s["name"] == "read"]
    assert read["counts"] == [0] * 50
    tokenized = kept["web/tokenize"] + kept["encyclopedia/tokenize"]
    assert histograms["tokens"]["series"][0]["total"] == tokenized
    corpus = kept["web/dedup"] + kept["encyclopedia/read"]
    assert histograms["cluster_size"]["series"][0]["total"] == corpus
    paragraph_series = {s["name"]: s["total"] for s in histograms["paragraph_frequency"]["series"]}
    distinct = stats_of(run_output / "web/paragraph_stats")["paragraphs"]["distinct"]
    assert paragraph_series == {"exact": distinct, "near": distinct}
    assert report["not_recorded"] == ["compression rate", "perplexity"]


@pytest.mark.slow
def test_a_count_that_does_not_add_up_is_flagged(run_output: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_output, copy)
    stats = stats_of(copy / "web/filter")
    stats["outcome"]["kept"] += 1
    stats["records_read"] += 1
    (side(copy / "web/filter") / "stats.json").write_text(json.dumps(stats))
    # A dead letter that stats.json does not count.
    letter = {"file": "x.parquet", "offset": 0, "reason": "lost", "error": ""}
    letters = side(copy / "web/tokenize") / "dead_letters" / "dead_letters-00000-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist([letter], schema=DEAD_LETTER_SCHEMA), letters)
    funnel = collect(str(copy))["funnel"]
    assert not funnel["consistent"]
    failed = sorted(check["name"] for check in funnel["checks"] if not check["ok"])
    assert failed == [
        "web/dedup: records read = web/filter kept",
        "web/filter: kept = rows written",
        "web/filter: records read = web/paragraph_stats kept",
        "web/tokenize: dead-lettered lost = rows in dead_letters/",
    ]


def validate(instance: object, schema: dict, root: dict) -> None:
    """The subset of JSON Schema report.schema.json uses, for when jsonschema is absent."""
    if "$ref" in schema:
        validate(instance, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    for part in schema.get("allOf", []):
        validate(instance, part, root)
    if "const" in schema:
        assert instance == schema["const"]
    if "enum" in schema:
        assert instance in schema["enum"]
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        python = {
            "object": dict,
            "array": list,
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "null": type(None),
        }
        assert any(
            isinstance(instance, python[t]) and not (t != "boolean" and isinstance(instance, bool))
            for t in types
        ), (instance, types)
    if isinstance(instance, int | float) and "minimum" in schema:
        assert instance >= schema["minimum"]
    if isinstance(instance, dict):
        assert set(schema.get("required", [])) <= set(instance)
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                validate(value, properties[key], root)
            elif schema.get("additionalProperties") is False:
                raise AssertionError(f"unexpected key {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                validate(value, schema["additionalProperties"], root)
    if isinstance(instance, list) and "items" in schema:
        for item in instance:
            validate(item, schema["items"], root)


@pytest.mark.slow
def test_json_validates_against_the_schema(report: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validate(report, schema, schema)
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(report, schema)
    broken = {**report, "funnel": {**report["funnel"], "consistent": "yes"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_japanese_labels_have_glyphs() -> None:
    """The font the project depends on (matplotlib-fontja's IPAexGothic) is the one used,
    whatever fonts the machine has: loaded from its file, and drawing Japanese."""
    font = japanese_font()
    assert font.family == "IPAexGothic" and font.warning is None
    path = font_manager.findfont(
        font_manager.FontProperties(family=font.family), fallback_to_default=False
    )
    assert Path(path).name == "ipaexg.ttf" and draws_japanese(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of every glyph missing from the font
        image = bar_plot("頻出段落", [{"name": "ただいまサイトを準備中です。", "count": 3}])
    assert image.startswith(b"\x89PNG")


LAST_RESORT = Path(get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf"


def test_a_fallback_font_is_not_taken_for_a_japanese_one(monkeypatch) -> None:
    """matplotlib's Last Resort font lists あ in its character map (one box for the whole
    block): it is refused, and without any other font the report says so."""
    assert ord("あ") in FT2Font(str(LAST_RESORT)).get_charmap()
    assert not draws_japanese(str(LAST_RESORT))
    # matplotlib's own fonts only (DejaVu, STIX, Computer Modern, Last Resort): no Japanese.
    bundled = [f for f in font_manager.fontManager.ttflist if f.fname.startswith(get_data_path())]
    assert any(f.fname == str(LAST_RESORT) for f in bundled)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", bundled)
    monkeypatch.setattr(plots, "packaged_font", lambda: None)
    assert plots.installed_font() is None
    with pytest.warns(UserWarning, match="no font with Japanese glyphs"):
        font = japanese_font.__wrapped__()
    assert font.family is None and "pip install matplotlib-fontja" in font.warning


@pytest.mark.slow
def test_provenance_is_the_runs(run_output: Path, report: dict) -> None:
    provenance = report["provenance"]
    claimed = json.loads((run_output / "run.json").read_text(encoding="utf-8"))
    assert provenance["command"] == "run" and provenance["config"] == claimed["config"]
    assert provenance["inputs"] == {
        "files": len(claimed["inputs"]),
        "bytes": sum(f["bytes"] for f in claimed["inputs"]),
    }
    assert provenance["inputs"]["bytes"] == sum(
        (ROOT / f).stat().st_size
        for f in ("corpus/sample/sample.warc.gz", "corpus/sample/encyclopedia.jsonl")
    )
    assert provenance["filter_chains"] == [
        {"source": "web", "chain": claimed["config"]["filter"]["chain"]}
    ]
    manifest = json.loads((run_output / "web" / "tokenize" / "manifest.json").read_text())
    model = (run_output / "tokenizer" / "tokenizer.model").read_bytes()
    assert provenance["tokenizer"] == manifest["tokenizer"]
    assert provenance["tokenizer"]["sha256"] == hashlib.sha256(model).hexdigest()
    for name in ("corpus", "apache-beam", "pyarrow", "sentencepiece", "fasttext", "trafilatura"):
        assert provenance["packages"][name] == metadata.version(name)
    steps = {step["step"]: step for step in provenance["steps"]}
    assert sorted(steps) == STEPS
    for name, step in steps.items():
        recorded = json.loads((side(run_output / name) / COMPLETE_FILE).read_text())
        recorded.pop("filters", None)  # joined with the counts (test_filters_are_shown)
        assert {k: v for k, v in step.items() if k != "filters"} == {"step": name, **recorded}
        assert step["seconds"] >= 0 and step["started"] <= step["finished"]
    started = [step["started"] for step in provenance["steps"]]
    assert started == sorted(started)  # in the order the steps ran
    html = (run_output / "report.html").read_text(encoding="utf-8")
    markdown = (run_output / "report.md").read_text(encoding="utf-8")
    for text in (html, markdown):
        assert provenance["tokenizer"]["sha256"] in text
        assert "HiraganaRatio(low=0.1)" in text
        assert f"{steps['web/extract']['seconds']:.1f}" in text.split("Wall time")[1]
    assert report["plot_font"] == {"family": "IPAexGothic", "warning": None}
    assert "Warning:" not in html and "Warning:" not in markdown


@pytest.mark.slow
def test_filters_are_shown_with_their_counts_and_times(run_output: Path, report: dict) -> None:
    steps = {step["step"]: step for step in report["provenance"]["steps"]}
    assert [name for name, step in steps.items() if "filters" in step] == ["web/filter"]
    filters = steps["web/filter"]["filters"]
    chain = FilterChain.from_entries(report["provenance"]["filter_chains"][0]["chain"])
    assert [f["filter"] for f in filters] == [f.label for f in chain.filters]
    stats = stats_of(run_output / "web" / "filter")
    assert [{k: v for k, v in f.items() if k != "seconds"} for f in filters] == stats["filters"]
    times = json.loads((side(run_output / "web" / "filter") / COMPLETE_FILE).read_text())
    assert [f["seconds"] for f in filters] == [t["seconds"] for t in times["filters"]]
    assert all(f["seconds"] >= 0 for f in filters)
    html = (run_output / "report.html").read_text(encoding="utf-8")
    markdown = (run_output / "report.md").read_text(encoding="utf-8")
    # In the wall-time section, which the determinism test leaves out: times vary.
    assert "<h3>Filters of web/filter</h3>" in html.split('id="wall-time"')[1]
    wall_time = markdown.split("## Wall time")[1]
    assert "### Filters of web/filter" in wall_time
    for f in filters:
        share = f"{f['documents_removed'] / f['documents_in']:.2%}" if f["documents_in"] else "-"
        row = f"| {f['filter']} | {f['documents_in']:,} | {f['documents_removed']:,} | {share} |"
        assert row in wall_time
        assert f"<td>{f['filter']}</td>" in html


@pytest.mark.slow
def test_a_font_warning_shows_in_the_html_and_the_markdown(report: dict) -> None:
    warning = "no font with Japanese glyphs could be loaded"
    without_font = {**report, "plot_font": {"family": None, "warning": warning}}
    assert f"<b>Warning:</b> {warning}" in render_html(without_font)
    assert f"> **Warning:** {warning}" in render_markdown(without_font)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Written into the DOM once every image has loaded or failed, for --dump-dom to show.
IMAGE_PROBE = (
    "<script>window.addEventListener('load', () => {"
    "const images = [...document.images];"
    "const loaded = images.filter(i => i.complete && i.naturalWidth > 0).length;"
    "document.body.setAttribute('data-images', images.length + '/' + loaded);});</script>"
)


@pytest.mark.slow
def test_html_renders_in_headless_chromium(run_output: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    html = (run_output / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html.split("<body>")[0] and "<script" not in html  # self-contained
    probed = tmp_path / "report.html"
    probed.write_text(html.replace("</body>", IMAGE_PROBE + "</body>"), encoding="utf-8")

    def chromium_run(*args: str) -> str:
        profile = f"--user-data-dir={tmp_path / 'profile'}"
        command = [chromium, *CHROMIUM_FLAGS, profile, *args, probed.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    dom = chromium_run("--dump-dom")
    images = re.search(r'data-images="(\d+)/(\d+)"', dom)
    assert images is not None, "the page's load event never ran"
    total, loaded = map(int, images.groups())
    assert total >= 10 and loaded == total
    kept = json.loads((run_output / "report.json").read_text(encoding="utf-8"))["samples"]["kept"]
    assert kept and all(d["excerpt"][:20] in dom for d in kept)
    assert re.search(r"[\u3041-\u3096]", dom)  # hiragana in the rendered page
    screenshot = tmp_path / "report.png"
    chromium_run("--hide-scrollbars", "--window-size=1200,4000", f"--screenshot={screenshot}")
    assert screenshot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_stats_command_writes_the_report_elsewhere(run_output: Path, tmp_path: Path) -> None:
    assert main(["stats", str(run_output), "--output", str(tmp_path)]) == 0
    written = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert written == json.loads((run_output / "report.json").read_text(encoding="utf-8"))
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Corpus report")
    assert main(["stats", str(tmp_path / "nothing")]) == 2


def test_a_label_with_dollar_signs_is_drawn_as_text():
    # Between two `$`, matplotlib would parse math, and fail on this one.
    rows = [{"name": "x${2$ y", "count": 3}, {"name": "価格 $5", "count": 1}]
    image = plots.bar_plot("Removed by", rows)
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
