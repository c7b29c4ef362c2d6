"""The Porting page's parts: the matrix of models and porting paths, every cell's figures, and
what each conversion cost.

Each side of a porting pair starts from a model in its own framework and binds
``measured = {"cells": [cell, ...], "varies": {"costs": [cost, ...]}}``. A cell is ``{"model",
"path", "converted", "error", "max_abs", "max_rel", "trainable"}``: the largest absolute
difference from the source model's output on the same inputs, and the same divided by the largest
output. A path that failed has ``converted`` false, the first line of its error, and ``None`` for
the figures. A cost is ``{"model", "path", "seconds", "bytes"}`` of a conversion that finished:
its wall time and the size of what it wrote (``None``: it wrote nothing). Costs change from run
to run, so they sit under ``measured["varies"]`` (:data:`outcome.VARYING`) and their table is
marked as varying. The column of a cell is its side and its path (:data:`PATHS`): nothing in
these tables is typed.
"""

from __future__ import annotations

import html
from typing import Any

from .engine import get_engine
from .machine import label
from .outcome import VARYING
from .pages import measured_for, pairs_on, table_error
from .render import anchor, preview_note, varying

# (side that starts, path as the snippet names it) -> the column's heading, in column order.
PATHS = {
    ("pytorch", "by hand"): "PyTorch → Keras, by hand",
    ("pytorch", "ONNX Runtime"): "PyTorch → ONNX (torch.onnx) → ONNX Runtime",
    ("pytorch", "nobuco"): "PyTorch → Keras (nobuco)",
    ("pytorch", "onnx2tf"): "PyTorch → ONNX → TensorFlow (onnx2tf)",
    ("pytorch", "litert-torch"): "PyTorch → LiteRT (litert-torch)",
    ("tensorflow", "by hand"): "Keras → PyTorch, by hand",
    ("tensorflow", "ONNX Runtime"): "Keras → ONNX (tf2onnx) → ONNX Runtime",
    ("tensorflow", "onnx2torch"): "Keras → ONNX → PyTorch (onnx2torch)",
}
Cell = tuple[str, str, dict[str, Any]]  # (pair, column heading, the cell as measured)
_FIELDS = ("model", "path", "converted", "error", "max_abs", "max_rel", "trainable")
_COST_FIELDS = ("model", "path", "seconds", "bytes")


def _measured(page: str, function: str, kind: str) -> tuple[list[Cell], set[str]] | None:
    """(pair, column heading, entry) for every entry of ``kind`` ("cells" or "costs") the
    porting pairs on ``page`` measured, in page order, and the machines they ran on; ``None``
    in a preview build."""
    engine = get_engine()
    names = pairs_on(engine, page, function)
    if not engine.execute:
        return None
    collected, found, machines = engine.collect(), [], set()
    for name in names:
        outcomes = [collected.outcomes[s.relpath] for s in collected.pairs[name].snippets]
        if all(o.ok and not isinstance(o.measured, dict) for o in outcomes):
            continue  # a pair with no figures (seeds): not a porting pair
        machines |= {label(o.machine) for o in outcomes if o.machine}
        for side, figures in measured_for(engine, function, name).items():
            entries = figures.get(VARYING, {}).get(kind) if kind == "costs" else figures.get(kind)
            if not isinstance(entries, list):
                where = f'measured["{VARYING}"]' if kind == "costs" else "measured"
                raise table_error(engine, function, page, f"pair {name}, {side} side: `{where}` has no list `{kind}`")
            for entry in entries:
                problem = _problem(side, entry) if kind == "cells" else _cost_problem(side, entry)
                if problem:
                    raise table_error(engine, function, page, f"pair {name}, {side} side: {problem}")
                found.append((name, PATHS[(side, entry["path"])], entry))
    if not found:
        raise table_error(engine, function, page, f"no pair on docs/{page} measured porting {kind}")
    return found, machines


def _cells(page: str, function: str) -> list[Cell] | None:
    measured = _measured(page, function, "cells")
    return None if measured is None else measured[0]


def _problem(side: str, cell: Any) -> str | None:
    if not isinstance(cell, dict) or set(cell) != set(_FIELDS):
        return f"a cell must have exactly the keys {', '.join(_FIELDS)} (see sidebyside/porting.py)"
    if (side, cell["path"]) not in PATHS:
        return f"unknown path {cell['path']!r}; known: {', '.join(p for s, p in PATHS if s == side)}"
    if cell["converted"] == (cell["error"] is not None) or (cell["converted"] and cell["max_abs"] is None):
        return f"{cell['model']}, {cell['path']}: a converted cell has figures, a failed one its error"
    return None


def _cost_problem(side: str, cost: Any) -> str | None:
    if not isinstance(cost, dict) or set(cost) != set(_COST_FIELDS):
        return f"a cost must have exactly the keys {', '.join(_COST_FIELDS)} (see sidebyside/porting.py)"
    if (side, cost["path"]) not in PATHS:
        return f"unknown path {cost['path']!r}; known: {', '.join(p for s, p in PATHS if s == side)}"
    return None


def _mark(cell: dict[str, Any]) -> str:
    if not cell["converted"]:
        first = html.escape(cell["error"].split(":")[0])
        return f"✗ {first}"
    return f"✓ {cell['max_abs']:.1e}"


def porting_matrix(page: str) -> str:
    """Markdown table: a row per model, a column per path; each cell the largest absolute
    difference from the source model (or the error's name), linked to the pair that measured it."""
    cells = _cells(page, "porting_matrix")
    if cells is None:
        return preview_note("the matrix appears when the porting pairs run")
    return matrix_markdown(cells)


def porting_cells(page: str) -> str:
    """Markdown table: every cell's figures, and the error of a path that failed, whole."""
    cells = _cells(page, "porting_cells")
    if cells is None:
        return preview_note("the figures appear when the porting pairs run")
    return cells_markdown(cells)


def porting_costs(page: str) -> str:
    """Markdown table, marked as varying: per model and path, the seconds a conversion took and
    the size of what it wrote, with the machine that measured them."""
    measured = _measured(page, "porting_costs", "costs")
    if measured is None:
        return preview_note("the costs appear when the porting pairs run")
    costs, machines = measured
    where = "; ".join(sorted(machines)) or "an unrecorded machine"
    return varying(costs_markdown(costs) + f"\n\nMeasured on {where}, in the build's run of each script.")


def _size(count: int | None) -> str:
    if count is None:
        return "in memory"
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.{1 if count < 10 * scale else 0}f}{_NBSP}{unit}"
    return f"{count}{_NBSP}B"


_NBSP = "\u00a0"  # a figure and its unit stay on one line in a narrow column


def costs_markdown(costs: list[Cell]) -> str:
    columns = [heading for heading in PATHS.values() if any(c[1] == heading for c in costs)]
    rows: dict[str, dict[str, str]] = {}
    for name, heading, cost in costs:
        text = f"{cost['seconds']:.1f}{_NBSP}s, {_size(cost['bytes'])}"
        rows.setdefault(cost["model"], {})[heading] = f"[{text}](#{anchor(name)})"
    lines = ["| Model | " + " | ".join(columns) + " |", "| --- |" + " ---: |" * len(columns)]
    for model, marks in rows.items():
        lines.append(f"| {model} | " + " | ".join(marks.get(c, "–") for c in columns) + " |")
    return "\n".join(lines)


def matrix_markdown(cells: list[Cell]) -> str:
    columns = [heading for heading in PATHS.values() if any(c[1] == heading for c in cells)]
    rows: dict[str, dict[str, str]] = {}
    for name, heading, cell in cells:
        rows.setdefault(cell["model"], {})[heading] = f"[{_mark(cell)}](#{anchor(name)})"
    lines = ["| Model | " + " | ".join(columns) + " |", "| --- |" + " ---: |" * len(columns)]
    for model, marks in rows.items():
        lines.append(f"| {model} | " + " | ".join(marks.get(c, "not measured") for c in columns) + " |")
    return "\n".join(lines)


def cells_markdown(cells: list[Cell]) -> str:
    lines = [
        "| Model | Path | Converted | Largest difference | Relative | Trainable in the target |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    models = list(dict.fromkeys(cell["model"] for _, _, cell in cells))
    columns = list(PATHS.values())
    for name, heading, cell in sorted(cells, key=lambda c: (models.index(c[2]["model"]), columns.index(c[1]))):
        if cell["converted"]:
            done, diff = "yes", f"{cell['max_abs']:.1e} | {cell['max_rel']:.1e}"
        else:
            error = cell["error"].replace("`", "'")  # it goes into a code span
            done, diff = f"no: `{error}`", "– | –"
        trainable = cell["trainable"] or "–"
        lines.append(f"| [{cell['model']}](#{anchor(name)}) | {heading} | {done} | {diff} | {trainable} |")
    return "\n".join(lines)


# The chart's marks: a colour for the framework a path starts from, a shape for the way across.
_MARKS = {"by hand": "o", "ONNX Runtime": "s", "nobuco": "^", "onnx2tf": "D", "litert-torch": "P", "onnx2torch": "v"}


def porting_chart(page: str) -> str:
    """The matrix as a chart: each path's largest difference per model, on a log scale, with
    a sentence generated from the cells as its title and caption."""
    cells = _cells(page, "porting_chart")
    if cells is None:
        return preview_note("the chart is drawn when the porting pairs run")
    from .charts import figure_html

    return figure_html(_strip_svg(cells), "Largest difference from the source model", "porting", finding(cells), False)


def finding(cells: list[Cell]) -> str:
    """The chart's finding: the largest difference of a port by hand, and the paths that failed."""
    by_hand = [(heading, cell) for _, heading, cell in cells if cell["path"] == "by hand"]
    heading, worst = max(by_hand, key=lambda c: c[1]["max_abs"])
    text = (
        f"Every port by hand agrees within float32 rounding; the largest difference is {worst['max_abs']:.1e} "
        f"({worst['model']}, {heading})."
    )
    models = list(dict.fromkeys(cell["model"] for _, _, cell in cells))
    failed: dict[str, list[str]] = {}  # path -> the models it failed on
    for _, heading, cell in cells:
        if not cell["converted"]:
            failed.setdefault(heading, []).append(cell["model"])
    where = [
        f"{heading} on {'every model' if len(names) == len(models) else 'the ' + ', the '.join(names)}"
        for heading, names in failed.items()
    ]
    count = sum(map(len, failed.values()))
    converted = sum(cell["converted"] for _, _, cell in cells if cell["path"] != "by hand")
    text += f" {converted} of {converted + count} converter runs give a model"
    return text + (f"; {count} failed: {'; '.join(where)}." if failed else ".")


def _strip_svg(cells: list[Cell]) -> str:
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt

    from .charts import _COLOURS, style

    models = list(dict.fromkeys(cell["model"] for _, _, cell in cells))
    with plt.rc_context(style("porting")):
        fig, ax = plt.subplots(figsize=(7.2, 1.4 + 0.4 * len(models)))
        for (side, path), heading in PATHS.items():
            points = [(c["max_abs"], models.index(c["model"])) for _, h, c in cells if h == heading and c["converted"]]
            if points:
                xs, ys = zip(*points, strict=True)
                y = [len(models) - 1 - v + (0.12 if side == "pytorch" else -0.12) for v in ys]
                label = heading.replace(" (torch.onnx)", "").replace(" (tf2onnx)", "").replace(" → ONNX →", " →")
                ax.scatter(xs, y, marker=_MARKS[path], color=_COLOURS[side], label=label, s=28)
        ax.set_yticks(range(len(models)), models[::-1])
        ax.set_xscale("log")
        ax.set_xlabel("largest absolute difference from the source model, float32 (log scale)")
        ax.set_facecolor("none")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.3), ncol=2, frameon=False, fontsize=9)
        from .charts import svg_of

        return svg_of(fig)
