"""The report's plots, drawn with matplotlib as PNG bytes (Figure objects, no pyplot state).

Labels can be Japanese (paragraph texts, hosts, source names), so the plots use a font
with Japanese glyphs: IPAexGothic, which the `matplotlib-fontja` package (a dependency)
ships, loaded from its file, so neither the fonts installed on the machine nor matplotlib's
font cache matter; else an installed font that really has the glyphs. Without one a
warning (on the terminal and in the report) says that Japanese labels show as boxes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

FONT_PACKAGE = "matplotlib-fontja"
FONT_FILE = "matplotlib_fontja/fonts/ipaexg.ttf"
"""IPAexGothic (IPA Font License v1.0), in the package's files; the package is not imported
(importing it changes matplotlib's global settings)."""
PREFERRED_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
)
JAPANESE_SAMPLE = "あいうのをアイウンー日本語文字頻出段落"
"""Hiragana, katakana and kanji a font must draw, each with a glyph of its own."""
NOT_A_TEXT_FONT = "Last Resort"
"""matplotlib's fallback font: it maps every character to a box naming its Unicode block."""
LABEL_CHARS = 36
DPI = 100


@dataclass(frozen=True)
class PlotFont:
    """The font the plots use for Japanese: its family, or a warning when there is none."""

    family: str | None
    warning: str | None = None

    def to_dict(self) -> dict:
        return {"family": self.family, "warning": self.warning}


def draws_japanese(path: str) -> bool:
    """Whether the font file at `path` draws every character of `JAPANESE_SAMPLE` with a
    glyph of its own (a fallback font maps a whole block to one box)."""
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    if NOT_A_TEXT_FONT in font.family_name:
        return False
    charmap = font.get_charmap()
    glyphs = [charmap.get(ord(c), 0) for c in JAPANESE_SAMPLE]
    return 0 not in glyphs and len(set(glyphs)) == len(set(JAPANESE_SAMPLE))


def _resolves_to(family: str, path: str) -> bool:
    """Whether matplotlib, asked for `family`, draws with the file at `path`."""
    try:
        found = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
    except ValueError:
        return False
    return found == path


def packaged_font() -> str | None:
    """The family of the font `FONT_PACKAGE` ships, added to matplotlib from its file; None
    when the package is missing or its font does not draw Japanese."""
    try:
        path = str(metadata.distribution(FONT_PACKAGE).locate_file(FONT_FILE))
    except metadata.PackageNotFoundError:
        return None
    if not draws_japanese(path):
        return None
    font_manager.fontManager.addfont(path)
    family = FT2Font(path).family_name
    return family if _resolves_to(family, path) else None


def installed_font() -> str | None:
    """The family of a font matplotlib knows that draws Japanese (preferred names first)."""
    fonts = font_manager.fontManager.ttflist
    order = {name: rank for rank, name in enumerate(PREFERRED_FONTS)}
    ranked = sorted(fonts, key=lambda f: (order.get(f.name, len(order)), f.name, f.fname))
    for font in ranked:
        if draws_japanese(font.fname) and _resolves_to(font.name, font.fname):
            return font.name
    return None


@cache
def japanese_font() -> PlotFont:
    """The font for Japanese labels; warns (once) when there is none."""
    family = packaged_font() or installed_font()
    if family is not None:
        return PlotFont(family)
    warning = (
        f"no font with Japanese glyphs could be loaded ({FONT_PACKAGE}, a dependency, is "
        f"missing or broken: pip install {FONT_PACKAGE}): Japanese labels in the report's "
        "plots show as empty boxes"
    )
    warnings.warn(warning, stacklevel=2)
    return PlotFont(None, warning)


def _rc() -> dict:
    """Labels are data (texts, hosts, rule names): a `$` in one is a character, not the
    start of matplotlib's math notation."""
    return {"font.family": _font_family(), "text.parse_math": False}


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No date or software version in the file: the same numbers give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _font_family() -> list[str]:
    family = japanese_font().family
    return [family, "DejaVu Sans"] if family else ["DejaVu Sans"]


def histogram_plot(entry: dict) -> bytes:
    """Step lines, one per series, over the entry's bins (log-2 bins on a log x axis)."""
    with rc_context(_rc()):
        figure = Figure(figsize=(6.4, 3.6), dpi=DPI, layout="constrained")
        axes = figure.subplots()
        edges = entry["edges"]
        for series in entry["series"]:
            label = series["name"]
            if series["missing"]:
                label += f" ({series['missing']:,} not measured)"
            axes.stairs(series["counts"], edges, label=label, linewidth=1.5)
        if entry["scale"] == "log2":
            axes.set_xscale("log", base=2)
        axes.set_xlabel(entry["unit"])
        axes.set_ylabel("count")
        axes.set_title(entry["title"])
        if len(entry["series"]) > 1 or any(s["missing"] for s in entry["series"]):
            axes.legend(fontsize="small")
        return png(figure)


def bar_plot(title: str, rows: list[dict], value: str = "count") -> bytes:
    """Horizontal bars, the first row at the top; long labels cut to `LABEL_CHARS`."""
    with rc_context(_rc()):
        figure = Figure(
            figsize=(6.4, 0.8 + 0.28 * max(len(rows), 1)), dpi=DPI, layout="constrained"
        )
        axes = figure.subplots()
        labels = [_short(str(row["name"])) for row in rows][::-1]
        axes.barh(range(len(rows)), [row[value] for row in rows][::-1])
        axes.set_yticks(range(len(rows)), labels)
        figure.suptitle(title)
        return png(figure)


def funnel_plot(stages: list[dict]) -> bytes:
    """Records read and kept, stage by stage."""
    with rc_context(_rc()):
        figure = Figure(figsize=(6.4, 3.6), dpi=DPI, layout="constrained")
        axes = figure.subplots()
        positions = range(len(stages))
        axes.bar(
            [p - 0.2 for p in positions], [s["records_read"] for s in stages], 0.4, label="read"
        )
        axes.bar([p + 0.2 for p in positions], [s["kept"] for s in stages], 0.4, label="kept")
        axes.set_xticks(list(positions), [s["label"] for s in stages], rotation=20, ha="right")
        axes.set_ylabel("records / documents")
        axes.set_title("Funnel")
        axes.legend(fontsize="small")
        return png(figure)


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def report_plots(report: dict) -> list[tuple[str, bytes]]:
    """(caption, PNG) for every plot of the report that has data, in the report's order."""
    plots = [("Funnel: records read and kept per stage", funnel_plot(report["funnel"]["stages"]))]
    for entry in report["histograms"].values():
        if entry["series"]:
            plots.append((f"{entry['title']} ({entry['unit']})", histogram_plot(entry)))
    paragraphs = [{"name": p["text"], "count": p["count"]} for p in report["top_paragraphs"]]
    web = report["web"]
    for caption, rows in (
        ("Most frequent paragraphs (exact copies)", paragraphs),
        ("Top hosts", web["hosts"]["top"]),
        ("Top-level domains", web["top_level_domains"]["top"]),
        ("Charsets", web["charsets"]["top"]),
        ("Documents per year", web["years"]),
    ):
        if rows:
            plots.append((caption, bar_plot(caption, rows)))
    return plots
