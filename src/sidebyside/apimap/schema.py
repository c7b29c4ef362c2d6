"""The API map's data: ``docs/data/api_map/<category>.yml``, read through :mod:`sidebyside.data`
so that a bad entry names its file and line. Each file is a list of entries; each category has
its page, ``docs/api-map/<category>.md`` (its title and an ``api_map("<category>")`` block). An
entry has these keys:

``id``
    a slug, unique in the map: the entry's anchor on its category's page is ``api-<id>``
``concept``
    what the code computes, in a few words
``pytorch``, ``tensorflow``
    an expression, or a block of statements whose last line is an expression (names: ``np``,
    the inputs, and ``torch`` or ``tf`` and ``keras``); the value of that expression is what is
    compared. Each entry runs in a fresh namespace, in its own empty working directory, with the
    frameworks' random seeds set to 0 and global state (default dtype, Keras' dtype policy)
    restored afterwards
``inputs`` (optional)
    name -> shape (float32, standard normal) or ``{index: shape}`` (int64 in 0..2), made with
    NumPy from a seed derived from the id: the same arrays on both sides
``check``
    ``same``: the two values agree; ``differs``: the defaults differ, the code as written must give
    different values and ``match`` (``{pytorch: ..., tensorflow: ...}``) must agree;
    ``resolves``: nothing comparable runs on one machine (distributed launch, devices), so the
    build checks that every ``torch.…``, ``tf.…`` and ``keras.…`` name the code uses exists
``differences``
    what a porter must know (a list, may be empty)
``names`` (optional; needed for a block)
    ``{pytorch: ..., tensorflow: ...}``: the API names the heading shows (and search finds)
``missing`` (optional)
    ``pytorch`` or ``tensorflow``: that side has no direct equivalent, its code is what to do instead
``rtol`` (optional)
    relative tolerance (default 1e-5), with the reason in ``differences``
``gradients`` (optional)
    ``differ``: the gradients of the code that agrees differ (say why in ``differences``). The
    build backpropagates a seeded random cotangent through both sides' values, at the inputs
    with half their elements on kinks (multiples of 0.5), and compares the gradients with
    respect to the float inputs; without this key they must agree
``defaults`` (optional)
    pairs ``[PyTorch parameter, TensorFlow parameter]`` whose defaults the build reads from the
    installed libraries, quoted in ``differences`` as ``{name}`` (:mod:`.defaults`)
``shown_by`` (optional)
    ids of other entries whose code shows what ``differences`` say (linked under them); a call
    with a keyword argument in ``differences`` must be run by this entry or one of these
    (:mod:`sidebyside.apimap.backing`)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..blocks import title
from ..data import DataError, Located, load_yaml, require_keys
from ..snippets import FRAMEWORKS
from .backing import check_backed, names_in
from .defaults import Pair
from .defaults import read as read_defaults

DATA_DIR = Path("data") / "api_map"  # relative to the site's docs directory
MAP_DIR = "api-map/"  # the map's pages: index.md lists every entry, <category>.md shows them
MAP_PAGE = MAP_DIR + "index.md"
CHECKS = ("same", "differs", "resolves")
_FIELDS = ("id", "concept", "pytorch", "tensorflow", "check", "differences")
_OPTIONAL = ("inputs", "match", "names", "missing", "rtol", "shown_by", "gradients", "defaults")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ROOTS = {"pytorch": ("torch",), "tensorflow": ("tf", "keras")}


@dataclass(frozen=True)
class Entry:
    id: str
    concept: str
    pytorch: str
    tensorflow: str
    inputs: dict[str, tuple[str, tuple[int, ...]]]  # name -> (kind, shape): float or index
    check: str  # one of CHECKS
    differences: tuple[str, ...]
    match: tuple[str, str] | None  # (pytorch, tensorflow) that agree where defaults differ
    names: tuple[str, str]  # what the heading shows for each side
    missing: str | None  # the framework without a direct equivalent
    rtol: float | None
    path: Path
    line: int
    starts: tuple[tuple[int, int], ...] = ()  # file line of each code, per framework: (as written, match)
    shown_by: tuple[str, ...] = ()  # ids of the entries whose code shows the differences
    difference_lines: tuple[int, ...] = ()  # the file line of each of ``differences``
    gradients: str | None = None  # "differ": the gradients are a pitfall too
    defaults: tuple[Pair, ...] = ()  # parameters whose defaults the build reads (:mod:`.defaults`)

    def code(self, framework: str) -> str:
        return self.pytorch if framework == "pytorch" else self.tensorflow

    def expressions(self, framework: str) -> list[str]:
        matched = [self.match[0 if framework == "pytorch" else 1]] if self.match else []
        return [self.code(framework), *matched]

    def material(self) -> dict:
        return {
            "inputs": {name: [kind, list(shape)] for name, (kind, shape) in self.inputs.items()},
            "pytorch": self.pytorch,
            "tensorflow": self.tensorflow,
            "match": self.match,
            "check": self.check,
            "id": self.id,
            "defaults": self.defaults,
        }


def _shape(located: Located, what: str) -> tuple[int, ...]:
    sizes = located.items(what)
    if not sizes:
        raise located.error(f"{what}: a shape needs at least one size")
    shape = []
    for size in sizes:
        text = size.node.value if isinstance(size.node, yaml.ScalarNode) else ""
        if not (text.isdigit() and 0 < int(text) <= 64):
            raise size.error(f"{what}: sizes are whole numbers from 1 to 64, got {text!r}")
        shape.append(int(text))
    return tuple(shape)


def _start(located: Located) -> int:
    """The file line of a code value's first line (a block starts under its key)."""
    return located.line + (1 if getattr(located.node, "style", None) in ("|", ">") else 0)


def _read_code(located: Located, what: str, check: str) -> str:
    """Python code as written (a block keeps its lines); it must parse, and where values are
    compared its last statement must be an expression. Errors name the line inside the file."""
    node = located.node
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        raise located.error(f"{what} must be Python code (text)")
    block = node.style in ("|", ">")
    code = node.value.rstrip("\n") if block else " ".join(node.value.split())
    first = _start(located)
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise DataError(located.path, first + (error.lineno or 1) - 1, f"{what}: {error.msg}") from None
    if check != "resolves" and not isinstance(tree.body[-1], ast.Expr):
        raise DataError(
            located.path,
            first + tree.body[-1].lineno - 1,
            f"{what}: the last line must be an expression: its value is what the check compares",
        )
    return code


def _called_name(code: str) -> str:
    """The heading's name for one-line code: what it calls (``torch.gather``), else the code."""
    return code.split("(")[0] if "\n" not in code else ""


def _inputs(fields: dict[str, Located], what: str) -> dict[str, tuple[str, tuple[int, ...]]]:
    inputs = {}
    for name, spec in fields["inputs"].mapping(f"{what}: inputs").items() if "inputs" in fields else ():
        if not name.isidentifier():
            raise spec.error(f"{what}: input name {name!r} is not a Python name")
        kind, shape_node = "float", spec
        if isinstance(spec.node, yaml.MappingNode):  # {index: [shape]}: integers for indexing
            parts = spec.mapping(f"{what}: input {name}")
            require_keys(spec, parts, ("index",), f"{what}: input {name}")
            kind, shape_node = "index", parts["index"]
        inputs[name] = (kind, _shape(shape_node, f"{what}: input {name}"))
    return inputs


def _per_framework(located: Located, what: str) -> dict[str, Located]:
    """A ``{pytorch: ..., tensorflow: ...}`` mapping, both keys required."""
    parts = located.mapping(what)
    require_keys(located, parts, tuple(FRAMEWORKS), what)
    return parts


def _match(fields: dict[str, Located], what: str, check: str) -> tuple[str, str] | None:
    if "match" not in fields:
        if check == "differs":
            raise fields["check"].error(f"{what}: check: differs needs a match (the code that does agree)")
        return None
    if check != "differs":
        raise fields["match"].error(f"{what}: match belongs to check: differs (the code that does agree)")
    parts = _per_framework(fields["match"], f"{what}: match")
    return tuple(_read_code(parts[fw], f"{what}: match: {fw}", check) for fw in FRAMEWORKS)  # type: ignore[return-value]


def _names(fields: dict[str, Located], what: str, code: dict[str, str]) -> dict[str, str]:
    """What the heading shows for each side: ``names``, else what one-line code calls."""
    if "names" in fields:
        parts = _per_framework(fields["names"], f"{what}: names")
        return {fw: parts[fw].text(f"{what}: names: {fw}") for fw in FRAMEWORKS}
    names = {fw: _called_name(code[fw]) for fw in FRAMEWORKS}
    for fw, name in names.items():
        if not name:
            raise fields[fw].error(
                f"{what}: {fw} is a block: give names: {{pytorch: ..., tensorflow: ...}} for the heading"
            )
    return names


def _options(fields: dict[str, Located], what: str) -> tuple[str | None, float | None]:
    """The optional ``missing`` (a framework) and ``rtol`` (a number)."""
    missing = fields["missing"].text(f"{what}: missing") if "missing" in fields else None
    if missing is not None and missing not in FRAMEWORKS:
        raise fields["missing"].error(f"{what}: missing must be pytorch or tensorflow, got {missing!r}")
    if "rtol" not in fields:
        return missing, None
    node = fields["rtol"].node
    try:
        return missing, float(node.value if isinstance(node, yaml.ScalarNode) else "")
    except ValueError:
        raise fields["rtol"].error(f"{what}: rtol must be a number") from None


def _entry(located: Located, index: int) -> Entry:
    fields = located.mapping(f"entry {index + 1}")
    ident = fields["id"].text(f"entry {index + 1}: id") if "id" in fields else f"entry {index + 1}"
    what = f"entry {ident!r}"
    if not _SLUG.fullmatch(ident):
        raise fields["id"].error(f"{what}: id must be a slug (a-z, 0-9, single hyphens): it is the anchor")
    require_keys(located, {k: v for k, v in fields.items() if k not in _OPTIONAL}, _FIELDS, what)
    check = fields["check"].node.value if isinstance(fields["check"].node, yaml.ScalarNode) else ""
    if check not in CHECKS:
        raise fields["check"].error(f"{what}: check must be one of {', '.join(CHECKS)}, got {check!r}")
    inputs = _inputs(fields, what)
    code = {fw: _read_code(fields[fw], f"{what}: {fw}", check) for fw in FRAMEWORKS}
    match = _match(fields, what, check)
    if check == "resolves":
        for fw in FRAMEWORKS:
            if not names_in(code[fw], ROOTS[fw]):
                raise fields[fw].error(f"{what}: {fw}: check: resolves needs at least one {'/'.join(ROOTS[fw])} name")
    names = _names(fields, what, code)
    missing, rtol = _options(fields, what)
    starts = tuple(
        (_start(fields[fw]), _start(fields["match"].mapping("match")[fw]) if match else 0) for fw in FRAMEWORKS
    )
    differences = fields["differences"].items(f"{what}: differences")
    shown_by = fields["shown_by"].items(f"{what}: shown_by") if "shown_by" in fields else []
    gradients = fields["gradients"].text(f"{what}: gradients") if "gradients" in fields else None
    if gradients not in (None, "differ"):
        raise fields["gradients"].error(f"{what}: gradients can only be differ, got {gradients!r}")
    return Entry(
        id=ident,
        concept=fields["concept"].text(f"{what}: concept"),
        pytorch=code["pytorch"],
        tensorflow=code["tensorflow"],
        inputs=inputs,
        check=check,
        differences=tuple(item.text(f"{what}: differences") for item in differences),
        match=match,
        names=(names["pytorch"], names["tensorflow"]),
        missing=missing,
        rtol=rtol,
        path=located.path,
        line=located.line,
        starts=starts,
        shown_by=tuple(item.text(f"{what}: shown_by") for item in shown_by),
        difference_lines=tuple(item.line for item in differences),
        gradients=gradients,
        defaults=read_defaults(fields["defaults"], what, ROOTS) if "defaults" in fields else (),
    )


_LOADED: dict[Path, tuple[tuple[int, int], list[Entry]]] = {}


def load(path: Path | str) -> list[Entry]:
    """The entries of one category file, checked; :class:`DataError` names the file and line.
    Read again only when the file changes (a build reads each file several times)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise DataError(path, 1, f"cannot read the file: {error.strerror}") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _LOADED.get(path)
    if known and known[0] == stamp:
        return list(known[1])
    entries = _load(path)
    _LOADED[path] = (stamp, entries)
    return list(entries)


def _load(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for index, located in enumerate(load_yaml(path, "entries").items("the top level")):
        entry = _entry(located, index)
        if entry.id in seen:
            raise located.error(f"entry {entry.id!r}: id already used on line {seen[entry.id]}")
        seen[entry.id] = entry.line
        entries.append(entry)
    if not entries:
        raise DataError(path, 1, "the file holds no entries")
    return entries


def files(docs_dir: Path) -> list[Path]:
    """Every category file of the map, in name order."""
    return sorted((docs_dir / DATA_DIR).glob("*.yml"))


def page_of(path: Path) -> str:
    """The docs-relative page that shows a category file's entries: api-map/<category>.md."""
    return f"{MAP_DIR}{path.stem}.md"


def category_title(docs_dir: Path, path: Path) -> str:
    """The title of a category's page (its first heading, without "API map: ")."""
    page = docs_dir / page_of(path)
    try:
        heading = title(page.read_text(encoding="utf-8"))
    except OSError:
        raise DataError(path, 1, f"no page shows this category: write docs/{page_of(path)}") from None
    if not heading:
        raise DataError(page, 1, "a category page starts with a '# ' title")
    return heading.removeprefix("API map: ")


_ALL: dict[Path, tuple[tuple, list[Entry]]] = {}


def all_entries(docs_dir: Path) -> list[Entry]:
    """Every entry of every category, in the order of the files; an id used in two files is a
    :class:`DataError` at the second (each id is one anchor, and one set of checked values).
    Checked again only when a file changes: every page part of a build asks for them."""
    stamp = tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files(docs_dir))
    known = _ALL.get(docs_dir)
    if known and known[0] == stamp:
        return list(known[1])
    entries = [entry for path in files(docs_dir) for entry in load(path)]
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in first:
            other = first[entry.id]
            raise DataError(entry.path, entry.line, f"entry {entry.id!r}: id already used in {other.path}:{other.line}")
        first[entry.id] = entry
    check_backed(entries)
    _ALL[docs_dir] = (stamp, entries)
    return entries
