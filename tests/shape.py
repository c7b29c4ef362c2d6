"""The package's size limits, run by `make lint`: no module over 350 lines, no class over 150,
no function over 60, so that each reads as one job. Prints every breach as ``file:line``.

    python tests/shape.py src/sidebyside
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LIMITS = {"module": 350, "class": 150, "function": 60}


def breaches(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    if (lines := len(text.splitlines())) > LIMITS["module"]:
        found.append(f"{path}:1: module of {lines} lines (limit {LIMITS['module']})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        kind = (
            "class"
            if isinstance(node, ast.ClassDef)
            else "function"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            else None
        )
        if kind is None:
            continue
        assert isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > LIMITS[kind]:
            found.append(f"{path}:{node.lineno}: {kind} {node.name} of {length} lines (limit {LIMITS[kind]})")
    return found


def main(roots: list[str]) -> int:
    found = [line for root in roots for path in sorted(Path(root).rglob("*.py")) for line in breaches(path)]
    print("\n".join(found) if found else f"shape: every module, class and function of {', '.join(roots)} is in bounds")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["src/sidebyside"]))
