"""What an entry's ``differences`` say about arguments is code the map runs.

A sentence that shows a call with a keyword argument (``tf.gather(x, i, axis=1)``) states how
that argument behaves; the build requires a call of the same function with the same keyword in
the code of the entry, or of an entry it names in ``shown_by``, so that the claim was run and
compared. ``shown_by`` names must be entries of the map.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ..data import DataError

if TYPE_CHECKING:  # schema calls check_backed
    from .schema import Entry

_SPAN = re.compile(r"`([^`]+)`")


def keyword_calls(code: str) -> set[tuple[str, str]]:
    """(function, keyword) for every call with a keyword argument: ``tf.gather(x, i, axis=1)``
    gives ``("gather", "axis")``. The function is its last name, whatever the module's alias;
    ``...`` stands for any argument. Text that is not Python gives nothing."""
    try:
        tree = ast.parse(code.strip().replace("...", "_"))
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            found |= {(name, kw.arg) for kw in node.keywords if name and kw.arg}
    return found


def _ran(entry: Entry) -> set[tuple[str, str]]:
    return {pair for fw in ("pytorch", "tensorflow") for code in entry.expressions(fw) for pair in keyword_calls(code)}


def check_backed(entries: list[Entry]) -> None:
    """Raise :class:`DataError` at the first entry whose ``shown_by`` names no entry, or whose
    differences show a keyword argument that no code of it or of its ``shown_by`` runs."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        for other in entry.shown_by:
            if other not in by_id or other == entry.id:
                raise DataError(entry.path, entry.line, f"entry {entry.id!r}: shown_by: {other!r} is not another entry")
        ran = _ran(entry).union(*(_ran(by_id[other]) for other in entry.shown_by))
        for sentence, line in zip(entry.differences, entry.difference_lines, strict=True):
            for span in _SPAN.findall(sentence):
                unrun = sorted(keyword_calls(span) - ran)
                if unrun:
                    name, keyword = unrun[0]
                    raise DataError(
                        entry.path,
                        line,
                        f"entry {entry.id!r}: differences show `{span}`, but no code of this entry "
                        f"(or of its shown_by) calls {name} with {keyword}=: run it in the entry, or "
                        "add an entry that does and name it in shown_by",
                    )
