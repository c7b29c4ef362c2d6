"""The Performance and Deployment pages' charts, from the same figures as their tables
(:mod:`sidebyside.performance`), failing closed the same way.

Charts are SVG drawn by matplotlib at build time (no JavaScript, no network). Their text and
axes are drawn in ``currentColor``, so they follow the light and dark palettes, and each has a
title that states its main finding for screen readers, as does the caption under it.
"""

from __future__ import annotations

import io
import re
from typing import Any

from .engine import get_engine
from .pages import TableError, call_sites, measured_for, table_error
from .performance import (
    HIGHER_IS_BETTER,
    UNITS,
    finding_text,
    number_text,
    of_model,
    row_label,
    rows_of,
)
from .postprocess import lean_svg
from .render import VARIES, anchor, preview_note
from .snippets import FRAMEWORKS

_INK = "#010203"  # drawn by matplotlib, then replaced by currentColor
_COLOURS = {"pytorch": "#d9480f", "tensorflow": "#1c7ed6"}  # readable on white and on slate


def chart(name: str, metric: str, title: str, model: str | None = None) -> str:
    """An SVG bar chart of every row of ``metric`` (median, with the interquartile range as an
    error bar), in a figure whose caption and SVG title state the main finding; ``model`` picks
    one model's rows."""
    rows = of_model("chart", name, rows_of("chart", name, metric), model)
    if not rows:
        return preview_note("the chart is drawn when the snippets run")
    ident = f"{anchor(name)}-{metric}" + (f"-{model}" if model else "")
    return _figure_html(rows, metric, title, ident, finding_text(rows, metric))


def compile_chart(*names: str) -> str:
    """The first call (trace and compile) of every compiled variant of the training pairs."""
    engine = get_engine()
    if not engine.execute:
        return preview_note("the chart is drawn when the snippets run")
    rows = []
    for name in names:
        found = rows_of("compile_chart", name, "samples/s", called_as=names[0])
        for row in found:
            if row.get("first_call_s") is not None and row["variant"] != "eager":
                value = float(row["first_call_s"])
                rows.append({**row, "median": value, "q1": value, "q3": value})
        # What the first compile of a process pays once (the scripts pay it on a tiny function
        # first, so that each variant's first call above is its own trace and compile).
        for framework, figures in engine.measured(name).items():
            once = figures.get("one_time_compile_s")
            if once is not None:
                model = next(r["model"] for r in found if r["framework"] == framework)
                rows.append(
                    {
                        "framework": framework,
                        "model": model,
                        "variant": "first compile in the process",
                        "median": float(once),
                        "q1": float(once),
                        "q3": float(once),
                        "spread": False,
                    }
                )
    if not rows:
        raise table_error(engine, "compile_chart", names[0], "no compiled variant reports first_call_s")
    variants = [r for r in rows if r["variant"] != "first compile in the process"]
    slowest = max(variants, key=lambda r: r["median"])
    quickest = min(variants, key=lambda r: r["median"])
    summary = (
        f"the slowest first call is {FRAMEWORKS[slowest['framework']].label} `{slowest['variant']}` on the "
        f"{slowest['model']} at {slowest['median']:.1f} s, the quickest {FRAMEWORKS[quickest['framework']].label} "
        f"`{quickest['variant']}` on the {quickest['model']} at {quickest['median']:.2f} s."
    )
    for fw in FRAMEWORKS:
        once = [r["median"] for r in rows if r["framework"] == fw and r not in variants]
        if once:
            low, high = f"{min(once):.1f}", f"{max(once):.1f}"
            amount = f"{low} to {high} s" if low != high else f"about {low} s"
            summary += f" {FRAMEWORKS[fw].label}'s first compile in a process adds {amount} once."
    return _figure_html(
        rows, "first call, s", "First call of each compiled variant", "compile-cost", summary[0].upper() + summary[1:]
    )


def deployment_chart(name: str) -> str:
    """The deployment page's latency table as a chart: batch 1 and batch 32, every format."""
    engine = get_engine()
    if not call_sites(engine, "deployment_chart", name):
        raise TableError(f"deployment_chart({name!r}) is called from no page")
    measured = measured_for(engine, "deployment_chart", name)
    if not measured:
        return preview_note("the chart is drawn when the snippets run")
    rows = []
    try:
        for framework, figures in measured.items():
            for row in figures["rows"]:
                for batch in ("b1", "b32"):
                    figure = row[batch]
                    rows.append(
                        {
                            "framework": framework,
                            "model": row["format"],
                            "variant": "",
                            "batch": int(batch[1:]),
                            "metric": "us/call",  # measured in ms
                            "median": 1e3 * float(figure["median"]),
                            "q1": 1e3 * float(figure["q1"]),
                            "q3": 1e3 * float(figure["q3"]),
                        }
                    )
    except (KeyError, TypeError, ValueError) as missing:
        raise table_error(
            engine, "deployment_chart", name, f"the `measured` data of pair {name} lacks {missing}"
        ) from None
    fastest = {b: min((r for r in rows if r["batch"] == b), key=lambda r: r["median"]) for b in (1, 32)}
    summary = " ".join(
        f"At batch {b} the quickest is {FRAMEWORKS[r['framework']].label}'s {r['model']} at {number_text(r['median'])} µs."
        for b, r in fastest.items()
    )
    return _figure_html(rows, "us/call", "Latency per call of every format", f"{anchor(name)}-latency", summary)


def _bars_svg(rows: list[dict], metric: str, ident: str) -> str:
    """matplotlib's SVG of horizontal bars: the medians, and the interquartile ranges where
    there are some (not for one run per figure)."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt

    with_model = len({r["model"] for r in rows}) > 1
    with_batch = len({r.get("batch") for r in rows}) > 1
    higher = HIGHER_IS_BETTER.get(metric, False)
    with plt.rc_context(style(ident)):
        fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.3 * len(rows)))
        positions = list(range(len(rows)))[::-1]
        medians = [r["median"] for r in rows]
        colours = [_COLOURS[r["framework"]] for r in rows]
        errors = None  # one run per figure (memory) has no spread to draw
        if any(r.get("spread", True) for r in rows):
            errors = [[r["median"] - r["q1"] for r in rows], [r["q3"] - r["median"] for r in rows]]
        ax.barh(positions, medians, xerr=errors, color=colours, ecolor=_INK, capsize=2, height=0.6)
        ax.set_yticks(positions, [row_label(row, with_model, with_batch) for row in rows])
        ax.set_xlabel(UNITS.get(metric, metric) + (" (higher is better)" if higher else " (lower is better)"))
        if max(medians) / max(min(medians), 1e-12) > 50:
            ax.set_xscale("log")
        ax.set_facecolor("none")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return svg_of(fig)


def style(ident: str) -> Any:
    """matplotlib settings of every chart: text as text, ink to become currentColor."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"sidebyside-{ident}",
        "font.size": 10,
        "text.color": _INK,
        "axes.edgecolor": _INK,
        "axes.labelcolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
    }


def svg_of(fig) -> str:
    """The figure as SVG in currentColor, on a transparent background; the figure is closed."""
    from matplotlib import pyplot as plt

    fig.patch.set_alpha(0)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :].replace(_INK, "currentColor")


def _figure_html(rows: list[dict], metric: str, title: str, ident: str, summary: str) -> str:
    return figure_html(_bars_svg(rows, metric, ident), title, ident, summary)


def figure_html(svg: str, title: str, ident: str, summary: str, varies: bool = True) -> str:
    """A chart's SVG in a figure: ids of its own, its title and caption stating ``summary``."""
    svg = lean_svg(svg)
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")
    # matplotlib names its elements figure_1, patch_1, ... in every SVG: prefix them with the
    # chart's own id, so that two charts on a page share no id.
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{ident}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{ident}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{ident}-\1"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{ident}" ', 1)
    without_backticks = summary.replace("`", "")
    svg = re.sub(
        r"(<svg[^>]*>)",
        lambda m: m.group(1) + f'<title id="{ident}">{title}: {without_backticks}</title>',
        svg,
        count=1,
    )
    in_html = re.sub(r"`([^`]+)`", r"<code>\1</code>", summary)
    caption = f"<figcaption>{title}. {in_html} The table next to the chart has every figure.</figcaption>"
    # Raw HTML (the page calls this from an html="1" block): Markdown must not touch the SVG.
    marker = f" {VARIES}" if varies else ""
    return f'<div class="sbs-chart"{marker}><figure>\n{svg}\n{caption}\n</figure></div>'
