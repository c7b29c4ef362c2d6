"""What an entry claims is code the map runs: the API names its heading shows, and what its
``differences`` say about arguments.

Each name the heading shows from a framework's root (``torch.nn.GELU``) is called in that side's
code: the map's coverage of the libraries counts these names, so an entry answers only for what
it ran. A member of a class (``torch.nn.Linear.bias``, ``torch.Tensor.permute``) is used on an
instance: the code needs ``.bias``, ``.permute``. A name from a package the map does not run
(``torchvision``) is cited in the differences instead.

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
from .defaults import check_quotes

if TYPE_CHECKING:  # schema calls check_backed
    from .schema import Entry

_SPAN = re.compile(r"`([^`]+)`")
# Class.member, used on an instance as .member (torch.dtype and torch.device are classes too)
_MEMBER = re.compile(r"\.(?:[A-Z]\w*|dtype|device)\.(\w+)$")


def _unrun_name(entry: Entry, known: set[str]) -> tuple[str, str] | None:
    """(framework, name) of the first name the heading answers for that its side's code never
    writes (the names :func:`.usage.answers` reads from the heading, as coverage counts them)."""
    from .usage import answers  # usage reads entries: imported here, not at the top

    for framework, heading in zip(("pytorch", "tensorflow"), entry.names, strict=True):
        code = "\n".join(entry.expressions(framework))
        for name in answers(heading, framework, known):
            if name.split(".")[0] not in ("torch", "tf", "keras"):
                continue  # torchvision: not installed here, so cited in the differences instead
            member = _MEMBER.search(name)
            pattern = rf"\.{member.group(1)}\b" if member else rf"(?<![\w.]){re.escape(name)}(?!\w)"
            if not re.search(pattern, code):
                return framework, name
    return None


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
    """Raise :class:`DataError` at the first entry whose heading names an API its code does not
    call, whose ``shown_by`` names no entry, or whose differences show a keyword argument that no code of it or of its ``shown_by`` runs."""
    by_id = {entry.id: entry for entry in entries}
    from .usage import known_names

    known = known_names(entries)
    for entry in entries:
        unnamed = _unrun_name(entry, known)
        if unnamed:
            framework, name = unnamed
            raise DataError(
                entry.path,
                entry.line,
                f"entry {entry.id!r}: its heading names {name}, which its {framework} code never calls: "
                "call it in the code, or take it out of names",
            )
        check_quotes(entry)
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


def names_in(code: str, roots: tuple[str, ...]) -> list[str]:
    """Every dotted name rooted in one of ``roots`` (``torch.nn.GRU``), longest form, in order."""
    found: list[str] = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Attribute):
            parts, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in roots:
                found.append(".".join([inner.id, *reversed(parts)]))
    longest = [n for n in found if not any(o != n and o.startswith(n + ".") for o in found)]
    return list(dict.fromkeys(longest))
