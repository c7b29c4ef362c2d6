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

The charts drawn from the same figures are in :mod:`sidebyside.charts`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from . import machine as machine_mod
from .engine import PairFailure, get_engine
from .pages import TableError, call_sites, measured_for, pairs_on, table_error
from .render import anchor, preview_note, varying
from .settings import timings_alone
from .snippets import FRAMEWORKS

UNITS = {"samples/s": "samples/s", "ms/batch": "ms per batch", "us/call": "µs per call", "MiB": "MiB"}
HIGHER_IS_BETTER = {"samples/s": True, "ms/batch": False, "us/call": False, "MiB": False}


def rows_of(function: str, name: str, metric: str, called_as: str | None = None) -> list[dict]:
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
        raise table_error(engine, function, name, f"the `measured` data of pair {name} lacks {missing}") from None
    if measured and not rows:
        raise table_error(engine, function, name, f"pair {name} measured nothing in {metric!r}")
    return rows


def number_text(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def of_model(function: str, name: str, rows: list[dict], model: str | None) -> list[dict]:
    """The rows of one model (all of them for ``model=None``); a model the pair did not measure
    fails, naming the calling block."""
    if model is None or not rows:
        return rows
    chosen = [row for row in rows if row["model"] == model]
    if not chosen:
        models = ", ".join(sorted({row["model"] for row in rows}))
        raise table_error(get_engine(), function, name, f"pair {name} measured no model {model!r} (it has {models})")
    return chosen


def _field(row: dict, key: str) -> str:
    return str(row.get(key, ""))


def table(name: str, metric: str, model: str | None = None) -> str:
    """Markdown table: framework, model, batch, variant, median with its interquartile range,
    and the first call (trace and compile) where the variant has one; ``model`` picks one."""
    rows = of_model("table", name, rows_of("table", name, metric), model)
    if not rows:
        return preview_note("the measurements appear when the snippets run")
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
        (f"Median, {unit}" if spread else unit[0].upper() + unit[1:], lambda r: number_text(r["median"])),
    ]
    if spread:  # else every figure is one run, which the line under the table says
        columns.append(
            (
                "Interquartile range",
                lambda r: f"{number_text(r['q1'])}–{number_text(r['q3'])}" if r["spread"] else "one run",
            )
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


def row_label(row: dict, with_model: bool, with_batch: bool) -> str:
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
    rows = of_model("finding", name, rows_of("finding", name, metric), model)
    if not rows:
        return preview_note("this sentence quotes the measurements when the snippets run")
    return varying("**In short:** " + finding_text(rows, metric))


def finding_text(rows: list[dict], metric: str) -> str:
    groups = list(dict.fromkeys((r["model"], r.get("batch")) for r in rows))
    if len(groups) > 1:  # one comparison per model and batch size: across them it means nothing
        return " ".join(
            f"{model}{f', batch {batch}' if batch else ''}: "
            + finding_text([r for r in rows if (r["model"], r.get("batch")) == (model, batch)], metric)
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
        f"{FRAMEWORKS[fw].label}'s {best_word} is `{row['variant']}` at {number_text(row['median'])} {unit}"
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


def thread_scaling(name: str) -> str:
    """One sentence: what a second thread gives each framework on the same step."""
    rows = rows_of("thread_scaling", name, "samples/s")
    if not rows:
        return preview_note("this sentence quotes the measurements when the snippets run")
    parts = []
    for fw in FRAMEWORKS:
        mine = {r["variant"]: r["median"] for r in rows if r["framework"] == fw}
        one = next((v for k, v in mine.items() if "1 thread" in k), None)
        two = next((v for k, v in mine.items() if "2 threads" in k), None)
        if one is None or two is None:
            raise table_error(get_engine(), "thread_scaling", name, f"{fw} lacks a 1-thread or a 2-thread row")
        parts.append(f"{FRAMEWORKS[fw].label} gets {two / one:.2f}× the samples per second from 2 threads as from 1")
    return varying("**In short:** " + "; ".join(parts) + ".")


def method(*names: str) -> str:
    """The method, from what the pairs report: threads, warm-up, repetitions, the statistics,
    the machine and the versions."""
    engine = get_engine()
    if not engine.execute:
        return preview_note("the method is stated from the measurements when the snippets run")
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
            raise table_error(engine, "method", names[0], str(failure)) from None
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
        return preview_note("the run time is stated when the snippets run")
    collected = engine.collect()
    snippets = [s for name in pairs_on(engine, page, "run_time") for s in collected.pairs[name].snippets]
    shared = [s.relpath for s in snippets if not s.options.alone]
    if shared:
        raise table_error(engine, "run_time", page, f"{shared[0]} does not run alone, so times overlap")
    outcomes = [collected.outcomes.get(s.relpath) for s in snippets]
    ran = [outcome for outcome in outcomes if outcome is not None and outcome.ok]
    if len(ran) != len(outcomes):
        raise table_error(engine, "run_time", page, "not every script of the page ran")
    minutes, rest = divmod(round(sum(outcome.seconds for outcome in ran)), 60)
    spent = varying(f"{minutes} min {rest} s" if minutes else f"{rest} s", tag="span")
    if not timings_alone():  # a test run's build: its figures were measured under load
        return f"This build ran this page's {len(snippets)} scripts beside the others (`SNIPPETS_ALONE=0`): together they took {spent}."
    return f"The build ran this page's {len(snippets)} scripts one at a time, alone: together they took {spent}."


def _span(values) -> str:
    values = sorted(values)
    return str(values[0]) if len(values) == 1 else f"{values[0]} to {values[-1]}"
