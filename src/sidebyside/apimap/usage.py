"""Which API-map entries a piece of code calls: the matching behind "Check my code" (the page's
script, ``docs/assets/checkcode.js``, does the same in the browser) and behind the map's
coverage of the site's own code.

Each entry answers for a few full API names per side (:func:`answers`, published in
``api-map.json`` as ``answers``). Code is read without running it: comments and strings go,
imports give aliases (``import torch.nn as nn``, ``from torch.nn import functional as F``,
``from tensorflow import keras``), every dotted name is expanded through them and written in
full (``tf.keras.`` as ``keras.``, ``tensorflow.`` as ``tf.``). A name rooted in a framework
matches the entries that answer for it, or is not covered; any other ``.name`` (``x.permute``,
``tape.gradient``) matches the entries that answer for a method of that name on a class of a
framework the code imports (``torch.Tensor.permute``), and is otherwise nobody's business.
The browser test pastes the site's snippets into the page and compares with this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..snippets import FRAMEWORKS
from .schema import Entry

# The first name of a full API name, and the framework it belongs to.
ROOTS = {"torch": "pytorch", "torchvision": "pytorch", "tf": "tensorflow", "keras": "tensorflow"}
_SPELLINGS = (("tensorflow.keras.", "keras."), ("tf.keras.", "keras."), ("tensorflow.", "tf."))
_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_METHOD = re.compile(r"\.[A-Z]\w*\.(\w+)$")  # Class.method: a call on an instance of the class
# Comments and string literals (triple-quoted first), removed before anything is read.
_NOISE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|#[^\n]*')
_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]*)", re.M)
# A dotted name, or a ".name" on anything else (a call's result, a subscript, a line below).
_TOKEN = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|\.\s*([A-Za-z_]\w*)")
_CALL = re.compile(r"[ \t]*\(")


def full_name(name: str) -> str:
    """``tf.keras.layers.Dense`` -> ``keras.layers.Dense``; ``tensorflow`` -> ``tf``."""
    dotted = name + "."
    for spelling, full in _SPELLINGS:
        if dotted.startswith(spelling):
            return (full + dotted[len(spelling) :])[:-1]
    return name


def framework_of(name: str) -> str | None:
    return ROOTS.get(name.split(".")[0])


def answers(heading: str, framework: str, known: Iterable[str] = ()) -> list[str]:
    """The full API names an entry's heading name answers for on one side:
    ``torch.optim.SGD(momentum=...)`` -> ``torch.optim.SGD``; ``x.permute`` ->
    ``torch.Tensor.permute``; ``torch.nn.init.zeros_, ones_, constant_`` -> three names;
    ``len(DataLoader)`` -> the one name in ``known`` that ends in ``.DataLoader``; a dunder
    (``Dataset.__getitem__``) stands for its class. Operators and slices answer for nothing."""
    text = re.sub(r"\"[^\"]*\"|'[^']*'", "", heading)
    found: list[str] = []
    module = ""
    for name in _NAME.findall(text):
        parts = [part for part in name.split(".") if not (part.startswith("__") and part.endswith("__"))]
        name = full_name(".".join(parts))
        if framework_of(name):
            module = name.rsplit(".", 1)[0]
        elif parts[0] == "x" and len(parts) == 2 and framework == "pytorch":
            name = f"torch.Tensor.{parts[1]}"
        elif len(parts) == 1 and name[0].isupper():
            owners = [k for k in known if k.endswith("." + name)]
            name = owners[0] if len(owners) == 1 else ""
        elif len(parts) == 1 and module and "(" not in text and re.search(rf",\s*{re.escape(name)}\b", text):
            name = f"{module}.{name}"  # "zeros_, ones_": the module of the name before
        if framework_of(name) == framework and name not in found:
            found.append(name)
    return found


def known_names(entries: Iterable[Entry]) -> set[str]:
    """The full names the map's headings write, for a heading's bare class name (``DataLoader``)."""
    return {name for e in entries for side in e.names for name in _NAME.findall(side) if framework_of(name)}


def answered(entries: Iterable[Entry]) -> dict[str, dict[str, list[str]]]:
    """{entry id: {framework: the full names it answers for}}, in the map's order."""
    entries = list(entries)
    known = known_names(entries)
    return {e.id: {fw: answers(name, fw, known) for name, fw in zip(e.names, FRAMEWORKS)} for e in entries}


@dataclass
class Lookup:
    """Entry ids by the full name they answer for, and by method name per framework."""

    names: dict[str, list[str]] = field(default_factory=dict)
    methods: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {fw: {} for fw in FRAMEWORKS})

    @classmethod
    def of(cls, answered: Iterable[tuple[str, dict[str, list[str]]]]) -> Lookup:
        """From (entry id, {framework: its answers}) in the map's order."""
        lookup = cls()
        for entry_id, sides in answered:
            for framework, names in sides.items():
                for name in names:
                    lookup.names.setdefault(name, []).append(entry_id)
                    method = _METHOD.search(name)
                    if method:
                        lookup.methods[framework].setdefault(method.group(1), []).append(entry_id)
        return lookup


@dataclass(frozen=True)
class Use:
    written: str  # as the code wrote it: "F.relu", ".permute"
    name: str  # the full name ("torch.nn.functional.relu"), or ".method"
    entries: tuple[str, ...]  # the ids that answer for it; none: not covered


def _imports(code: str) -> tuple[dict[str, str], str]:
    """{alias: full name} from the imports, and the code with the import statements blanked."""
    aliases: dict[str, str] = {}

    def bind(module: str, names: str, prefix: str) -> None:
        for item in names.strip("() \t\n").split(","):
            words = item.split()
            if not words or words[0] == "*":
                continue
            target, renamed = prefix + words[0], len(words) == 3 and words[1] == "as"
            if renamed or prefix:  # "import a.b as c", "from a import b [as c]"
                aliases[words[2] if renamed else words[0]] = full_name(target)
            else:  # "import a.b" binds a
                aliases[target.split(".")[0]] = full_name(target.split(".")[0])

    def from_import(match: re.Match) -> str:
        bind(match.group(1), match.group(2), match.group(1) + ".")
        return "\n" * match.group(0).count("\n")

    def plain_import(match: re.Match) -> str:
        bind("", match.group(1), "")
        return ""

    code = _FROM.sub(from_import, code)
    return aliases, _IMPORT.sub(plain_import, code)


def _resolve(chain: str, aliases: dict[str, str], called: bool) -> str | None:
    """The full framework name a dotted name stands for; "" for a name that may be a method
    (its head is no import); None for anything else."""
    head, _, rest = chain.partition(".")
    if head in aliases:
        target = aliases[head]
        # A name imported alone counts where it is called or is a class (``DataLoader``), not
        # where the word stands for a module or the reader's own variable (``layers``).
        if not rest and ("." not in target or not (called or head[0].isupper())):
            return None
        name = full_name(target + ("." + rest if rest else ""))
    elif rest and framework_of(chain):
        name = full_name(chain)  # a root without its import: a fragment pasted
    else:
        return "" if rest else None
    return name if framework_of(name) and ".__" not in name else None


def uses(code: str, lookup: Lookup) -> list[Use]:
    """Every framework name ``code`` uses and every method it calls that the map answers for,
    once each, in order of first use."""
    aliases, code = _imports(_NOISE.sub(" ", code))
    tokens, resolved = [], []
    for m in _TOKEN.finditer(code):
        tokens.append((m.group(1), m.group(2)))
        resolved.append(_resolve(m.group(1), aliases, bool(_CALL.match(code, m.end()))) if m.group(1) else "")
    used = {framework_of(name) for name in [*aliases.values(), *resolved] if name} - {None}
    frameworks = [fw for fw in FRAMEWORKS if fw in used] or list(FRAMEWORKS)
    found: dict[str, Use] = {}
    for (chain, method), name in zip(tokens, resolved):
        if name:
            found.setdefault(name, Use(chain, name, tuple(lookup.names.get(name, ()))))
        elif name == "":
            attr = method or chain.rsplit(".", 1)[-1]
            ids = tuple(i for fw in frameworks for i in lookup.methods[fw].get(attr, ()))
            if ids:
                found.setdefault("." + attr, Use("." + attr, "." + attr, ids))
    return list(found.values())
