"""Generated page parts (called from markdown-exec ``python`` blocks in pages)."""

from __future__ import annotations

import platform
from importlib import metadata

from .engine import get_engine

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
