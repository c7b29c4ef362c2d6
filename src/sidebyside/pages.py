"""Generated page parts (called from markdown-exec ``python`` blocks in pages).

They fail closed: asked for a page that shows no pair, a pair that is not on the page that asks,
or measurements a pair did not bind, they raise :class:`TableError` naming the page and line of
the block that asked, and the strict build stops; a table never renders empty.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from typing import Any

from packaging.version import Version

from . import releases
from .cache import imported_distributions
from .engine import PairFailure, get_engine
from .render import anchor, preview_note, varying
from .snippets import FRAMEWORKS, load_pair

_LABELS = {
    "torch": "PyTorch (torch)",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "numpy": "NumPy",
    "python": "Python",
}
_BUILD_TOOLS = ("mkdocs", "mkdocs-material", "markdown-exec", "pymdown-extensions")
# The package each reported version comes from, where its name differs (the Linux wheel).
_DISTRIBUTIONS = {"tensorflow": "tensorflow-cpu" if sys.platform == "linux" else "tensorflow"}


class TableError(PairFailure):
    """A generated table cannot be made from what it was asked for."""


def call_sites(engine, function: str, argument: str) -> list[tuple[str, int]]:
    """Where pages call ``function("argument")``: (docs-relative page, line) of each call."""
    return engine.collect().scanned.call_sites(function, argument)


def table_error(engine, function: str, argument: str, problem: str) -> TableError:
    """The error of a page part that cannot be made, naming the pages and lines that call it."""
    where = ", ".join(f"docs/{page}:{line}" for page, line in call_sites(engine, function, argument))
    return TableError(f"{where or 'a page'}: {function}({argument!r}): {problem}")


def measured_for(engine, function: str, name: str) -> dict[str, Any]:
    """What pair ``name`` bound to ``measured``, for the page part ``function`` (empty in a
    preview build); :class:`TableError` naming the calling page and line if it cannot be had."""
    try:
        return engine.measured(name)
    except PairFailure as failure:
        raise table_error(engine, function, name, str(failure)) from None


def pairs_on(engine, page: str, function: str) -> list[str]:
    """The pairs a page (docs-relative) shows, once each, in page order; never none."""
    names = list(dict.fromkeys(r.name for r in engine.collect().references if r.page == page))
    if not names:
        exists = (engine.docs_dir / page).is_file()
        raise table_error(
            engine,
            function,
            page,
            f"docs/{page} shows no pair" if exists else f"docs/{page} does not exist",
        )
    return names


def versions_table() -> str:
    """Markdown table: what the snippets ran with (reported by the workers) and the build tools,
    each with the newest release known when the pins were last reviewed."""
    engine = get_engine()
    ran = engine.collect().versions() if engine.execute else {}
    reviewed, listed = releases.load(engine.root, engine.docs_dir)
    newest = {release.name: release.newest for release in listed}

    def latest(distribution: str, version: str) -> str:
        known = newest.get(distribution)
        if known is None:
            return "–"
        return "the same" if Version(known) == Version(Version(version).public) else f"`{known}`"

    day = f"{reviewed:%B} {reviewed.day}, {reviewed.year}"
    rows = [f"| Component | Version | Newest release on {day} | Source |", "| --- | --- | --- | --- |"]
    for name, label in _LABELS.items():
        if name in ran:
            distribution = _DISTRIBUTIONS.get(name, name)
            rows.append(
                f"| {label} | `{ran[name]}` | {latest(distribution, ran[name])} | reported by the snippet workers |"
            )
    for name in _BUILD_TOOLS:
        version = metadata.version(name)
        rows.append(f"| {name} | `{version}` | {latest(name, version)} | installed for the build |")
    for machine in engine.collect().machines() if engine.execute else []:
        rows.append(f"| Machine | {machine} | | where the snippets ran (from their results) |")
    rows.append(f"| Platform | `{platform.system()} {platform.machine()}` | | build machine |")
    note = "" if engine.execute else "\n\n" + preview_note("no snippet ran, so no framework version is reported")
    link = "\n\nEvery pin, and how a weekly build tries the newest releases: [About](about/#versions-pins-and-the-newest-releases)."
    return "\n".join(rows) + note + link


def releases_table() -> str:
    """Markdown table: every pinned package, its pin and the newest release at the last review."""
    engine = get_engine()
    return releases.table(engine.root, engine.docs_dir)


def verbosity_table(page: str) -> str:
    """Markdown table: lines of code of each side of every pair on ``page`` (docs-relative),
    counted from the files (neither blank nor only a comment), with links to the pairs."""
    engine = get_engine()
    names = pairs_on(engine, page, "verbosity_table")
    labels = [fw.label for fw in FRAMEWORKS.values()]
    rows = [f"| Pair | {' | '.join(labels)} | Difference |", "| --- | ---: | ---: | ---: |"]
    totals = [0] * len(labels)
    for name in names:
        counts = [s.code_lines for s in load_pair(engine.root, name).snippets]
        totals = [t + c for t, c in zip(totals, counts)]
        cells = " | ".join(str(c) for c in counts)
        rows.append(f"| [{name}](#{anchor(name)}) | {cells} | {counts[0] - counts[1]:+d} |")
    cells = " | ".join(f"**{t}**" for t in totals)
    difference = totals[0] - totals[1]
    rows.append(f"| **All {len(names)} pairs** | {cells} | **{difference:+d}** |")
    if difference == 0:
        verdict = "the same number of lines"
    else:
        longer = labels[0] if difference > 0 else labels[1]
        lines = "line" if abs(difference) == 1 else "lines"
        share = abs(difference) / max(min(totals), 1)
        verdict = f"{longer} longer by {abs(difference)} {lines} ({share:.1%})"
    summary = (
        f"Across these {len(names)} pairs: {labels[0]} {totals[0]} lines of code, {labels[1]} {totals[1]}, {verdict}."
    )
    return "\n".join(rows) + "\n\n" + summary


def _ms(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def _us(milliseconds: float) -> str:
    value = milliseconds * 1000
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def _size(count: int | None) -> str:
    if not count:
        return "–"
    return f"{count / 1024:.1f} KiB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MiB"


def _latency(figures: dict) -> str:
    """Median, and the interquartile range beneath it, in microseconds."""
    return f"{_us(figures['median'])}<br><small>{_us(figures['q1'])}–{_us(figures['q3'])}</small>"


def deployment_table(name: str) -> str:
    """Markdown table of every format the two sides of pair ``name`` measured.

    Each side binds ``measured = {"rows": [...], "threads", "machine", "cores"}``; a row has
    format, runtime, bytes, load_ms, b1/b32 ({median, q1, q3} in ms) and max_diff. Nothing here
    is typed by hand: a changed measurement changes the page at the next run of the pair.
    """
    engine = get_engine()
    pages = {page for page, _ in call_sites(engine, "deployment_table", name)}
    for page in sorted(pages):
        if name not in pairs_on(engine, page, "deployment_table"):
            raise table_error(engine, "deployment_table", name, f"docs/{page} does not show pair {name}")
    measured = measured_for(engine, "deployment_table", name)
    if not measured:
        return preview_note("the measurements appear when the snippets run")
    try:
        table = _deployment_rows(name, measured)
    except (KeyError, TypeError) as missing:
        raise table_error(
            engine,
            "deployment_table",
            name,
            f"the `measured` data of pair {name} lacks {missing} (see deployment_table's docstring)",
        ) from None
    pair = engine.collect().pairs[name]
    return varying(table) if any(s.options.varies for s in pair.snippets) else table


def _deployment_rows(name: str, measured: dict[str, Any]) -> str:
    rows = [
        "| Framework | Format | Runtime | Size on disk | Load, ms | Batch 1, µs | Batch 32, µs "
        "| Largest difference from eager |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    setups = []
    for key, figures in measured.items():
        label = FRAMEWORKS[key].label
        for row in figures["rows"]:
            load = _ms(row["load_ms"]) if row["load_ms"] is not None else "–"
            rows.append(
                f"| {label} | {row['format']} | `{row['runtime']}` | {_size(row['bytes'])} | {load} "
                f"| {_latency(row['b1'])} | {_latency(row['b32'])} | {row['max_diff']:.2g} |"
            )
        setups.append(
            f"{label}: {figures['threads']} thread per runtime, {figures['cores']} logical cores, {figures['machine']}"
        )
    note = (
        "Latency per call in microseconds: the median and, beneath it, the interquartile range "
        "(batch 1: 300 calls, batch 32: 100, after 10 warm-up calls). Load: median of 5 loads. "
        "Size: every file the export wrote. " + "; ".join(setups) + ". "
        f"From the cached run of pair [{name}](#{anchor(name)})."
    )
    return "\n".join(rows) + "\n\n" + note


def libraries_table(page: str) -> str:
    """Markdown table: every installed package the snippets on ``page`` import, with its version
    and the pairs that import it. These versions are part of each snippet's cache key, so the
    output on the page was produced with exactly them."""
    engine = get_engine()
    names = pairs_on(engine, page, "libraries_table")
    users: dict[str, list[str]] = {}
    for name in names:
        for snippet in load_pair(engine.root, name).snippets:
            for dist in imported_distributions(snippet.source):
                pairs = users.setdefault(dist, [])
                if name not in pairs:
                    pairs.append(name)
    rows = ["| Package | Version | Imported by |", "| --- | --- | --- |"]
    for dist in sorted(users, key=str.lower):
        links = ", ".join(f"[{name}](#{anchor(name)})" for name in users[dist])
        rows.append(f"| {dist} | `{metadata.version(dist)}` | {links} |")
    return "\n".join(rows)
