"""Generated page parts (called from markdown-exec ``python`` blocks in pages)."""

from __future__ import annotations

import platform
from importlib import metadata

from .engine import get_engine
from .render import anchor
from .snippets import FRAMEWORKS, load_pair

_LABELS = {
    "torch": "PyTorch (torch)",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "numpy": "NumPy",
    "python": "Python",
}
_BUILD_TOOLS = ("mkdocs", "mkdocs-material", "markdown-exec", "pymdown-extensions")


def versions_table() -> str:
    """Markdown table: what the snippets ran with (reported by the workers) and the build tools."""
    engine = get_engine()
    ran = engine.versions() if engine.execute else {}
    rows = ["| Component | Version | Source |", "| --- | --- | --- |"]
    for name, label in _LABELS.items():
        if name in ran:
            rows.append(f"| {label} | `{ran[name]}` | reported by the snippet workers |")
    for name in _BUILD_TOOLS:
        rows.append(f"| {name} | `{metadata.version(name)}` | installed for the build |")
    rows.append(f"| Platform | `{platform.system()} {platform.machine()}` | build machine |")
    note = "" if engine.execute else "\n\n*Preview build: no snippet ran, so no framework version is reported.*"
    return "\n".join(rows) + note


def verbosity_table(page: str) -> str:
    """Markdown table: lines of code of each side of every pair on ``page`` (docs-relative),
    counted from the files (neither blank nor only a comment), with links to the pairs."""
    engine = get_engine()
    names = list(dict.fromkeys(r.name for r in engine.collect().references if r.page == page))
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
        f"Across these {len(names)} pairs: {labels[0]} {totals[0]} lines of code, "
        f"{labels[1]} {totals[1]}, {verdict}."
    )
    return "\n".join(rows) + "\n\n" + summary
