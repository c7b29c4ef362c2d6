"""Generated parts of the Performance page: tables, charts, the sentences that quote a number,
and the method, all from what the timing pairs bound to ``measured`` when they ran.

Each side of a timing pair binds::

    measured = {"threads": {"intra": N, "inter": N}, "repeats": R, "calls": C, "warmup": W,
                "rows": [{"model": ..., "variant": ..., "metric": ..., "batch": B,
                          "median": ..., "q1": ..., "q3": ..., "first_call_s": ... or None}]}

``C`` is calls per timed repetition, or ``{batch: calls}`` where it depends on the batch size.
A figure that is one per process (peak memory) has ``q1``/``q3`` ``None`` and ``"steps"`` in
place of ``repeats``, ``calls`` and ``warmup``; :func:`method` takes only timed pairs.

Like :mod:`sidebyside.pages`, every function fails closed (:class:`~sidebyside.pages.TableError`
naming the page and line of the calling block) when a pair is missing, did not run, or its
``measured`` lacks a field; nothing is typed by hand, so a new run changes the page.

Charts are SVG drawn by matplotlib at build time (no JavaScript, no network). Their text and
axes are drawn in ``currentColor``, so they follow the light and dark palettes, and each has a
title that states its main finding for screen readers, as does the caption under it.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable

from . import machine as machine_mod
from .engine import PairFailure, get_engine
from .pages import TableError, _fail, _pairs_on, call_sites, measured_for
from .render import VARIES, anchor, varying
from .snippets import FRAMEWORKS

UNITS = {"samples/s": "samples/s", "ms/batch": "ms per batch", "us/call": "µs per call", "MiB": "MiB"}
HIGHER_IS_BETTER = {"samples/s": True, "ms/batch": False, "us/call": False, "MiB": False}
_INK = "#010203"  # drawn by matplotlib, then replaced by currentColor
_COLOURS = {"pytorch": "#d9480f", "tensorflow": "#1c7ed6"}  # readable on white and on slate


def _rows(function: str, name: str, metric: str, called_as: str | None = None) -> list[dict]:
    """Every row of pair ``name`` with ``metric``, each with its framework; fail closed.
    ``called_as``: the first argument of the call, where the call names several pairs."""
    engine = get_engine()
    if not call_sites(engine, function, called_as or name):
        raise TableError(f"{function}({(called_as or name)!r}) is called from no page")
    measured = measured_for(engine, function, name)
    rows = []
    try:
        for framework, figures in measured.items():
            for row in figures["rows"]:
                if row["metric"] == metric:
                    middle = float(row["median"])  # one process per figure (memory): no spread
                    rows.append(
                        {
                            **row,
                            "framework": framework,
                            "median": middle,
                            "spread": row["q1"] is not None,
                            "q1": middle if row["q1"] is None else float(row["q1"]),
                            "q3": middle if row["q3"] is None else float(row["q3"]),
                        }
                    )
    except (KeyError, TypeError, ValueError) as missing:
        raise _fail(engine, function, name, f"the `measured` data of pair {name} lacks {missing}") from None
    if measured and not rows:
        raise _fail(engine, function, name, f"pair {name} measured nothing in {metric!r}")
    return rows


def _figure(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _of_model(function: str, name: str, rows: list[dict], model: str | None) -> list[dict]:
    """The rows of one model (all of them for ``model=None``); a model the pair did not measure
    fails, naming the calling block."""
    if model is None or not rows:
        return rows
    chosen = [row for row in rows if row["model"] == model]
    if not chosen:
        models = ", ".join(sorted({row["model"] for row in rows}))
        raise _fail(get_engine(), function, name, f"pair {name} measured no model {model!r} (it has {models})")
    return chosen


def _field(row: dict, key: str) -> str:
    return str(row.get(key, ""))


def table(name: str, metric: str, model: str | None = None) -> str:
    """Markdown table: framework, model, batch, variant, median with its interquartile range,
    and the first call (trace and compile) where the variant has one; ``model`` picks one."""
    rows = _of_model("table", name, _rows("table", name, metric), model)
    if not rows:
        return "*Preview build: the measurements appear when the snippets run.*"
    unit = UNITS[metric]
    # Columns that hold one value for every row move into the line under the table.
    shared = {key: rows[0].get(key) for key in ("model", "batch") if len({r.get(key) for r in rows}) == 1}
    columns: list[tuple[str, Callable[[dict], str]]] = [("Framework", lambda r: FRAMEWORKS[r["framework"]].label)]
    for key, title in (("model", "Model"), ("batch", "Batch")):
        if key not in shared:
            columns.append((title, functools.partial(_field, key=key)))
    spread = any(r["spread"] for r in rows)
    columns += [
        ("Variant", lambda r: f"`{r['variant']}`"),
        (f"Median, {unit}" if spread else unit[0].upper() + unit[1:], lambda r: _figure(r["median"])),
    ]
    if spread:  # else every figure is one run, which the line under the table says
        columns.append(
            ("Interquartile range", lambda r: f"{_figure(r['q1'])}–{_figure(r['q3'])}" if r["spread"] else "one run")
        )
    if any(r.get("first_call_s") is not None for r in rows):
        columns.append(
            ("First call, s", lambda r: "–" if r.get("first_call_s") is None else f"{r['first_call_s']:.2f}")
        )
    lines = [
        "| " + " | ".join(title for title, _ in columns) + " |",
        "| "
        + " | ".join("---" if title in ("Framework", "Model", "Variant") else "---:" for title, _ in columns)
        + " |",
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell(row) for _, cell in columns) + " |")
    context = ", ".join(f"{key} {value}" for key, value in shared.items() if value not in (None, ""))
    if not spread:  # the interquartile column is left out: say why
        context = "; ".join(part for part in (context, "one run per figure, each in a process of its own") if part)
    context = f"{context[0].upper()}{context[1:]}; from" if context else "From"
    return varying("\n".join(lines) + f"\n\n{context} the run of pair [{name}](#{anchor(name)}) that made this page.")


def _label(row: dict, with_model: bool, with_batch: bool) -> str:
    """A bar's label: framework and variant, then the model and the batch where the chart's bars
    differ in them (a chart of one model at three batch sizes says only the batch)."""
    label = " ".join(part for part in (FRAMEWORKS[row["framework"]].label, row["variant"]) if part)
    where = ", ".join(
        part
        for part in (
            row["model"] if with_model else "",
            f"batch {row['batch']}" if with_batch and row.get("batch") else "",
        )
        if part
    )
    return f"{label} · {where}" if where else label


def finding(name: str, metric: str, model: str | None = None) -> str:
    """One sentence with the best variant of each framework and their ratio (from the data)."""
    rows = _of_model("finding", name, _rows("finding", name, metric), model)
    if not rows:
        return "*Preview build: this sentence quotes the measurements when the snippets run.*"
    return varying("**In short:** " + _finding(rows, metric))


def _finding(rows: list[dict], metric: str) -> str:
    groups = list(dict.fromkeys((r["model"], r.get("batch")) for r in rows))
    if len(groups) > 1:  # one comparison per model and batch size: across them it means nothing
        return " ".join(
            f"{model}{f', batch {batch}' if batch else ''}: "
            + _finding([r for r in rows if (r["model"], r.get("batch")) == (model, batch)], metric)
            for model, batch in groups
        )
    better = HIGHER_IS_BETTER[metric]
    pick = max if better else min
    best = {
        fw: pick((r for r in rows if r["framework"] == fw), key=lambda r: r["median"])
        for fw in FRAMEWORKS
        if any(r["framework"] == fw for r in rows)
    }
    unit = UNITS[metric]
    memory = metric == "MiB"
    best_word = "smallest" if memory else "best"
    parts = [
        f"{FRAMEWORKS[fw].label}'s {best_word} is `{row['variant']}` at {_figure(row['median'])} {unit}"
        for fw, row in best.items()
    ]
    sentence = "; ".join(parts)
    if len(best) == 2:
        a, b = best["pytorch"]["median"], best["tensorflow"]["median"]
        faster = ("pytorch" if a > b else "tensorflow") if better else ("pytorch" if a < b else "tensorflow")
        slower = next(fw for fw in best if fw != faster)
        ratio = max(a, b) / min(a, b)
        if ratio < 1.05:
            sentence += ": the two are within 5 %"
        elif memory:
            sentence += f": {FRAMEWORKS[slower].label}'s takes {ratio:.1f}× as much"
        else:
            sentence += f": {FRAMEWORKS[faster].label} is {ratio:.1f}× ahead"
    return sentence + "."


def chart(name: str, metric: str, title: str, model: str | None = None) -> str:
    """An SVG bar chart of every row of ``metric`` (median, with the interquartile range as an
    error bar), in a figure whose caption and SVG title state the main finding; ``model`` picks
    one model's rows."""
    rows = _of_model("chart", name, _rows("chart", name, metric), model)
    if not rows:
        return "*Preview build: the chart is drawn when the snippets run.*"
    ident = f"{anchor(name)}-{metric}" + (f"-{model}" if model else "")
    return _figure_html(rows, metric, title, ident, _finding(rows, metric))


def compile_chart(*names: str) -> str:
    """The first call (trace and compile) of every compiled variant of the training pairs."""
    engine = get_engine()
    if not engine.execute:
        return "*Preview build: the chart is drawn when the snippets run.*"
    rows = []
    for name in names:
        found = _rows("compile_chart", name, "samples/s", called_as=names[0])
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
        raise _fail(engine, "compile_chart", names[0], "no compiled variant reports first_call_s")
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
        return "*Preview build: the chart is drawn when the snippets run.*"
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
        raise _fail(engine, "deployment_chart", name, f"the `measured` data of pair {name} lacks {missing}") from None
    fastest = {b: min((r for r in rows if r["batch"] == b), key=lambda r: r["median"]) for b in (1, 32)}
    summary = " ".join(
        f"At batch {b} the quickest is {FRAMEWORKS[r['framework']].label}'s {r['model']} at {_figure(r['median'])} µs."
        for b, r in fastest.items()
    )
    return _figure_html(rows, "us/call", "Latency per call of every format", f"{anchor(name)}-latency", summary)


def _figure_html(rows: list[dict], metric: str, title: str, ident: str, summary: str) -> str:
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt

    with_model = len({r["model"] for r in rows}) > 1
    with_batch = len({r.get("batch") for r in rows}) > 1
    labels = [_label(row, with_model, with_batch) for row in rows]
    unit = UNITS.get(metric, metric)
    higher = HIGHER_IS_BETTER.get(metric, False)
    with plt.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": f"sidebyside-{ident}",
            "font.size": 10,
            "text.color": _INK,
            "axes.edgecolor": _INK,
            "axes.labelcolor": _INK,
            "xtick.color": _INK,
            "ytick.color": _INK,
        }
    ):
        fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.3 * len(rows)))
        positions = list(range(len(rows)))[::-1]
        medians = [r["median"] for r in rows]
        # Error bars: the interquartile range, where there is one (not for one run per figure)
        errors = (
            [[r["median"] - r["q1"] for r in rows], [r["q3"] - r["median"] for r in rows]]
            if any(r.get("spread", True) for r in rows)
            else None
        )
        ax.barh(
            positions,
            medians,
            xerr=errors,
            color=[_COLOURS[r["framework"]] for r in rows],
            ecolor=_INK,
            capsize=2,
            height=0.6,
        )
        ax.set_yticks(positions, labels)
        ax.set_xlabel(unit + (" (higher is better)" if higher else " (lower is better)"))
        if max(medians) / max(min(medians), 1e-12) > 50:
            ax.set_xscale("log")
        ax.set_facecolor("none")
        fig.patch.set_alpha(0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :].replace(_INK, "currentColor")
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")
    svg = _lean_svg(svg)
    # matplotlib names its elements figure_1, patch_1, ... in every SVG: prefix them with the
    # chart's own id, so that two charts on a page share no id.
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{ident}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{ident}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{ident}-\1"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{ident}" ', 1)
    svg = re.sub(
        r"(<svg[^>]*>)", lambda m: m.group(1) + f'<title id="{ident}">{title}: {_plain(summary)}</title>', svg, count=1
    )
    caption = f"<figcaption>{title}. {_html(summary)} The table next to the chart has every figure.</figcaption>"
    # Raw HTML (the page calls this from an html="1" block): Markdown must not touch the SVG.
    return f'<div class="sbs-chart" {VARIES}><figure>\n{svg}\n{caption}\n</figure></div>'


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')  # xlink:href="#id", clip-path="url(#id)"
_GROUP_TAG = re.compile(r"<(/?)g\b([^>]*?)\s*(/?)>")  # </g>; <g ...>; <g .../>, which has no </g>


def _lean_svg(svg: str) -> str:
    """matplotlib's SVG with what changes nothing it draws taken out (Lighthouse performance,
    total blocking time and dom-size: the Performance page is the site's largest, and its nine
    charts were 1,920 of its 7,250 elements, 1,050 of which drew nothing; every element is
    parsed, styled and laid out inside the page load's long tasks):
    - the RDF <metadata>;
    - the <style> of every chart: its `*{stroke-linejoin: round; stroke-linecap: butt}` put one
      more style sheet in the page, and one more rule that the browser tries on every element of
      it; docs/assets/sidebyside.css sets both on `.sbs-chart svg`, and they are inherited;
    - each <g> with no attribute but an id that nothing refers to (matplotlib wraps every patch,
      tick and label in one): its children are drawn as they were, in the same place.
    """
    svg = re.sub(r"\s*<defs>\s*</defs>", "", _STYLE.sub("", _METADATA.sub("", svg)))
    referred = set(_REFERENCE.findall(svg))
    kept: list[bool] = []  # for each <g> open at this point: whether its tag stays

    def group(tag: re.Match) -> str:
        closing, attributes, empty = tag.groups()
        if closing:
            return tag[0] if kept.pop() else ""
        bare = re.fullmatch(r'\s+id="([^"]*)"|', attributes)  # nothing, or an id alone
        keep = bare is None or bare[1] in referred
        if not empty:
            kept.append(keep)
        return tag[0] if keep else ""

    svg = _GROUP_TAG.sub(group, svg)
    return re.sub(r">\s+<", "><", svg)  # the indentation: a text node between every two tags


def thread_scaling(name: str) -> str:
    """One sentence: what a second thread gives each framework on the same step."""
    rows = _rows("thread_scaling", name, "samples/s")
    if not rows:
        return "*Preview build: this sentence quotes the measurements when the snippets run.*"
    parts = []
    for fw in FRAMEWORKS:
        mine = {r["variant"]: r["median"] for r in rows if r["framework"] == fw}
        one = next((v for k, v in mine.items() if "1 thread" in k), None)
        two = next((v for k, v in mine.items() if "2 threads" in k), None)
        if one is None or two is None:
            raise _fail(get_engine(), "thread_scaling", name, f"{fw} lacks a 1-thread or a 2-thread row")
        parts.append(f"{FRAMEWORKS[fw].label} gets {two / one:.2f}× the samples per second from 2 threads as from 1")
    return varying("**In short:** " + "; ".join(parts) + ".")


def _plain(text: str) -> str:
    return text.replace("`", "")


def _html(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def method(*names: str) -> str:
    """The method, from what the pairs report: threads, warm-up, repetitions, the statistics,
    the machine and the versions."""
    engine = get_engine()
    if not engine.execute:
        return "*Preview build: the method is stated from the measurements when the snippets run.*"
    collected = engine.collect()
    threads: set[tuple[int, int]] = set()
    machines: set[str] = set()
    versions: dict[str, str] = {}
    warm: set[int] = set()
    reps: set[int] = set()
    calls: set[int] = set()
    for name in names:
        try:
            measured = engine.measured(name)
        except PairFailure as failure:  # the page and line of the call, which names them all
            raise _fail(engine, "method", names[0], str(failure)) from None
        for figures in measured.values():
            intra, inter = figures["threads"]["intra"], figures["threads"]["inter"]
            if isinstance(intra, int):  # a list where the pair compares thread counts
                threads.add((intra, inter))
            warm.add(figures["warmup"])
            reps.add(figures["repeats"])
            per_block = figures["calls"]  # or {batch: calls} where it depends on the batch
            calls.update(per_block.values() if isinstance(per_block, dict) else [per_block])
        for snippet in collected.pairs[name].snippets:
            outcome = collected.outcomes[snippet.relpath]
            machines.add(machine_mod.label(outcome.machine))
            versions.update(outcome.versions)
    thread_text = ", ".join(sorted({f"{intra} intra-op and {inter} inter-op" for intra, inter in threads}))
    return (
        f"- **Threads**, set on both sides before any work (`torch.set_num_threads` and "
        f"`torch.set_num_interop_threads`; TensorFlow's intra- and inter-op pools separately): "
        f"{thread_text}, except where a row names its threads.\n"
        f"- **Warm-up** past tracing and compilation: {_span(warm)} calls; the first call, which "
        f'traces and compiles, is timed on its own ("first call").\n'
        f"- **Steady state**: {_span(reps)} repetitions of {_span(calls)} calls; each figure is "
        f"the median over the repetitions, with the interquartile range.\n"
        f"- **Alone**: the build runs each of these scripts with nothing else running, in a fresh "
        f"interpreter (snippet options `fresh alone`).\n"
        f"- **Machine**: {', '.join(sorted(machines))}; torch {versions.get('torch', '?')}, "
        f"tensorflow {versions.get('tensorflow', '?')}, keras {versions.get('keras', '?')}, "
        f"Python {versions.get('python', '?')}."
    )


def run_time(page: str) -> str:
    """How long the build took to run the scripts of ``page`` (docs-relative), which all run
    alone, one after another: what reproducing the page costs. A sentence, marked as varying."""
    engine = get_engine()
    if not engine.execute:
        return "*Preview build: the run time is stated when the snippets run.*"
    collected = engine.collect()
    snippets = [s for name in _pairs_on(engine, page, "run_time") for s in collected.pairs[name].snippets]
    shared = [s.relpath for s in snippets if not s.options.alone]
    if shared:
        raise _fail(engine, "run_time", page, f"{shared[0]} does not run alone, so times overlap")
    outcomes = [collected.outcomes.get(s.relpath) for s in snippets]
    ran = [outcome for outcome in outcomes if outcome is not None and outcome.ok]
    if len(ran) != len(outcomes):
        raise _fail(engine, "run_time", page, "not every script of the page ran")
    minutes, rest = divmod(round(sum(outcome.seconds for outcome in ran)), 60)
    spent = varying(f"{minutes} min {rest} s" if minutes else f"{rest} s", tag="span")
    return f"The build ran this page's {len(snippets)} scripts one at a time, alone: together they took {spent}."


def _span(values) -> str:
    values = sorted(values)
    return str(values[0]) if len(values) == 1 else f"{values[0]} to {values[-1]}"
