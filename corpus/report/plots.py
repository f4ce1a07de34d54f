"""The report's plots, drawn with matplotlib as PNG bytes (Figure objects, no pyplot state).

Labels can be Japanese (paragraph texts, hosts, source names), so the plots use a font
with Japanese glyphs, found through matplotlib's font manager (Noto Sans CJK JP from
Debian's fonts-noto-cjk, or another); without one a warning says so and Japanese labels
show as empty boxes.
"""

from __future__ import annotations

import io
import warnings
from functools import cache

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

PREFERRED_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
)
HIRAGANA_A = ord("あ")
LABEL_CHARS = 36
DPI = 100


def _has_japanese(path: str) -> bool:
    try:
        return HIRAGANA_A in FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False


@cache
def japanese_font() -> str | None:
    """The family name of an installed font with Japanese glyphs, or None."""
    fonts = font_manager.fontManager.ttflist
    names = {font.name for font in fonts}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    for font in sorted(fonts, key=lambda f: f.name):
        if _has_japanese(font.fname):
            return font.name
    warnings.warn(
        "no font with Japanese glyphs found (install Debian's fonts-noto-cjk): "
        "Japanese labels in the report's plots will show as empty boxes",
        stacklevel=2,
    )
    return None


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No date or software version in the file: the same numbers give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _font_family() -> list[str]:
    family = japanese_font()
    return [family, "DejaVu Sans"] if family else ["DejaVu Sans"]


def histogram_plot(entry: dict) -> bytes:
    """Step lines, one per series, over the entry's bins (log-2 bins on a log x axis)."""
    with rc_context({"font.family": _font_family()}):
        figure = Figure(figsize=(6.4, 3.6), dpi=DPI, layout="constrained")
        axes = figure.subplots()
        edges = entry["edges"]
        for series in entry["series"]:
            axes.stairs(series["counts"], edges, label=series["name"], linewidth=1.5)
        if entry["scale"] == "log2":
            axes.set_xscale("log", base=2)
        axes.set_xlabel(entry["unit"])
        axes.set_ylabel("count")
        axes.set_title(entry["title"])
        if len(entry["series"]) > 1:
            axes.legend(fontsize="small")
        return png(figure)


def bar_plot(title: str, rows: list[dict], value: str = "count") -> bytes:
    """Horizontal bars, the first row at the top; long labels cut to `LABEL_CHARS`."""
    with rc_context({"font.family": _font_family()}):
        figure = Figure(
            figsize=(6.4, 0.8 + 0.28 * max(len(rows), 1)), dpi=DPI, layout="constrained"
        )
        axes = figure.subplots()
        labels = [_short(str(row["name"])) for row in rows][::-1]
        axes.barh(range(len(rows)), [row[value] for row in rows][::-1])
        axes.set_yticks(range(len(rows)), labels)
        axes.set_title(title)
        return png(figure)


def funnel_plot(stages: list[dict]) -> bytes:
    """Records read and kept, stage by stage."""
    with rc_context({"font.family": _font_family()}):
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
