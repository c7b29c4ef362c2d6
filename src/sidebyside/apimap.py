"""The API map: for one concept, the PyTorch and the TensorFlow code, checked by running both.

Entries live in ``docs/data/api_map/<category>.yml`` and are read through :mod:`sidebyside.data`,
so a bad entry names its file and line. Each category has its page, ``docs/api-map/<category>.md``
(its title and an ``api_map("<category>")`` block); the index, ``docs/api-map/index.md``, lists
every entry (``index()``) and the pitfalls (``pitfalls()``). Each file is a list of entries; an
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
    ``same``: the two values agree; ``differs``: the defaults differ, the plain code must give
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

Each entry's code is evaluated once per framework in the framework's worker: all the entries
of a build that are not cached yet go into one generated script per framework, and each entry's
values are then cached under a hash of the entry, the harness and the versions, so that editing
one entry re-runs that entry only and a warm build runs nothing.

Code that raises, names that do not resolve, or numbers that contradict the entry's ``check``
stop the build with the data file, the line and both values.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import cache as cache_mod
from . import machine
from .compare import DEFAULT_ATOL, DEFAULT_RTOL, compare
from .data import DataError, Located, load_yaml, require_keys
from .snippets import FRAMEWORKS, Options, Snippet

DATA_DIR = Path("data") / "api_map"  # relative to the site's docs directory
MAP_DIR = "api-map/"  # the map's pages: index.md lists every entry, <category>.md shows them
MAP_PAGE = MAP_DIR + "index.md"
FORMAT = 2  # bump when the stored values or the harness change shape
CHECKS = ("same", "differs", "resolves")
_FIELDS = ("id", "concept", "pytorch", "tensorflow", "check", "differences")
_OPTIONAL = ("inputs", "match", "names", "missing", "rtol")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ROOTS = {"pytorch": ("torch",), "tensorflow": ("tf", "keras")}


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
    starts: tuple[tuple[int, int], ...] = ()  # file line of each code, per framework: (plain, match)

    @property
    def same(self) -> bool:
        return self.check == "same"

    def code(self, framework: str) -> str:
        return self.pytorch if framework == "pytorch" else self.tensorflow

    def expressions(self, framework: str) -> list[str]:
        matched = [self.match[0 if framework == "pytorch" else 1]] if self.match else []
        return [self.code(framework), *matched]

    def material(self) -> dict:
        return {
            "inputs": {name: [kind, list(shape)] for name, (kind, shape) in self.inputs.items()},
            "pytorch": self.pytorch, "tensorflow": self.tensorflow, "match": self.match,
            "check": self.check, "id": self.id,
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
    return located.line + (1 if located.node.style in ("|", ">") else 0)


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
            located.path, first + tree.body[-1].lineno - 1,
            f"{what}: the last line must be an expression: its value is what the check compares",
        )
    return code


def _names_in(code: str, roots: tuple[str, ...]) -> list[str]:
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


def _label(code: str) -> str:
    """The heading's name for one-line code: what it calls (``torch.gather``), else the code."""
    return code.split("(")[0] if "\n" not in code else ""


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
    inputs = {}
    if "inputs" in fields:
        for name, spec in fields["inputs"].mapping(f"{what}: inputs").items():
            if not name.isidentifier():
                raise spec.error(f"{what}: input name {name!r} is not a Python name")
            kind, shape_node = "float", spec
            if isinstance(spec.node, yaml.MappingNode):  # {index: [shape]}: integers for indexing
                parts = spec.mapping(f"{what}: input {name}")
                require_keys(spec, parts, ("index",), f"{what}: input {name}")
                kind, shape_node = "index", parts["index"]
            inputs[name] = (kind, _shape(shape_node, f"{what}: input {name}"))
    code = {fw: _read_code(fields[fw], f"{what}: {fw}", check) for fw in FRAMEWORKS}
    match = None
    if "match" in fields:
        if check != "differs":
            raise fields["match"].error(f"{what}: match belongs to check: differs (the code that does agree)")
        parts = fields["match"].mapping(f"{what}: match")
        require_keys(fields["match"], parts, tuple(FRAMEWORKS), f"{what}: match")
        match = tuple(_read_code(parts[fw], f"{what}: match: {fw}", check) for fw in FRAMEWORKS)
    if check == "differs" and match is None:
        raise fields["check"].error(f"{what}: check: differs needs a match (the code that does agree)")
    if check == "resolves":
        for fw in FRAMEWORKS:
            if not _names_in(code[fw], _ROOTS[fw]):
                raise fields[fw].error(f"{what}: {fw}: check: resolves needs at least one {'/'.join(_ROOTS[fw])} name")
    labels = {fw: _label(code[fw]) for fw in FRAMEWORKS}
    if "names" in fields:
        parts = fields["names"].mapping(f"{what}: names")
        require_keys(fields["names"], parts, tuple(FRAMEWORKS), f"{what}: names")
        labels = {fw: parts[fw].text(f"{what}: names: {fw}") for fw in FRAMEWORKS}
    for fw, label in labels.items():
        if not label:
            raise fields[fw].error(f"{what}: {fw} is a block: give names: {{pytorch: ..., tensorflow: ...}} for the heading")
    missing = None
    if "missing" in fields:
        missing = fields["missing"].text(f"{what}: missing")
        if missing not in FRAMEWORKS:
            raise fields["missing"].error(f"{what}: missing must be pytorch or tensorflow, got {missing!r}")
    rtol = None
    if "rtol" in fields:
        node = fields["rtol"].node
        try:
            rtol = float(node.value if isinstance(node, yaml.ScalarNode) else "")
        except ValueError:
            raise fields["rtol"].error(f"{what}: rtol must be a number") from None
    return Entry(
        id=ident,
        concept=fields["concept"].text(f"{what}: concept"),
        pytorch=code["pytorch"],
        tensorflow=code["tensorflow"],
        inputs=inputs,
        check=check,
        differences=tuple(
            item.text(f"{what}: differences") for item in fields["differences"].items(f"{what}: differences")
        ),
        match=match,
        names=(labels["pytorch"], labels["tensorflow"]),
        missing=missing,
        rtol=rtol,
        path=located.path,
        line=located.line,
        starts=tuple(
            (_start(fields[fw]), _start(fields["match"].mapping("match")[fw]) if match else 0) for fw in FRAMEWORKS
        ),
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
    entries, seen = [], {}
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


# -- Checking: every uncached entry, one generated script per framework --------------------------

# The harness each framework's worker runs: the same NumPy inputs for an entry on both sides
# (seeded from the entry's id), converted to the framework's tensors; each piece of code's value
# back as NumPy. Each entry gets a fresh namespace and an empty working directory, the
# framework's seeds set to 0, and global state put back afterwards. Code that raises is
# recorded with its line, not fatal to the batch.
_HARNESS = """\
import ast
import hashlib
import importlib
import linecache
import os
import tempfile
import traceback

import numpy as np
{imports}

ENTRIES = {entries!r}


def inputs(entry_id, spec):
    seed = int(hashlib.sha256(entry_id.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    made = {{}}
    for name, (kind, shape) in spec.items():
        if kind == "index":  # 0, 1 or 2: a valid index into any axis of size 3 or more
            made[name] = rng.integers(0, 3, size=shape).astype(np.int64)
        else:
            made[name] = rng.standard_normal(shape).astype(np.float32)
    return made


def evaluate(code, scope, name):
    # The source goes into linecache under the code's own name, so that what reads a function's
    # source (AutoGraph in tf.function, torch.jit.script, inspect) finds it, as in a file.
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    tree = ast.parse(code)
    last = tree.body.pop()
    exec(compile(tree, name, "exec"), scope)
    return eval(compile(ast.Expression(last.value), name, "eval"), scope)


def resolve(name):
    root, *parts = name.split(".")
    value, path = {names}[root], {modules}[root]
    for part in parts:
        path = f"{{path}}.{{part}}"
        try:
            value = getattr(value, part)
        except AttributeError:
            try:
                value = importlib.import_module(path)
            except ImportError:
                raise AttributeError(f"{{name}} does not exist: no {{part!r}} in {{path.rsplit('.', 1)[0]}}") from None
    return name


def plain(value):
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {{str(k): plain(v) for k, v in value.items()}}
    return {to_numpy}


result = {{}}
home = os.getcwd()
for entry_id, codes, spec, names in ENTRIES:
    scope = {{"__name__": "api_map_entry", "np": np, **{names}}}
    scope.update({{k: {convert} for k, v in inputs(entry_id, spec).items()}})
    values, number = {{}}, 0
    with tempfile.TemporaryDirectory() as place:
        os.chdir(place)
        try:
            {seed}
            if names:  # check: resolves
                values["0"] = " ".join(resolve(name) for name in names)
            for number, code in enumerate(codes if not names else []):
                values[str(number)] = plain(evaluate(code, scope, f"<api-map {{entry_id}} {{number}}>"))
            result[entry_id] = {{"values": values}}
        except Exception as error:  # reported with the entry's file and line
            lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<api-map ")]
            result[entry_id] = {{"error": f"{{type(error).__name__}}: {{error}}", "code": number,
                                "line": lines[-1] if lines else 0}}
        finally:
            os.chdir(home)
            {restore}
"""
_SIDES = {
    "pytorch": dict(
        imports="import torch", names='{"torch": torch}', modules='{"torch": "torch"}',
        convert="torch.from_numpy(v)", seed="torch.manual_seed(0)",
        restore="torch.set_default_dtype(torch.float32); torch.set_grad_enabled(True)",
        to_numpy="value.detach().numpy() if hasattr(value, 'detach') else np.asarray(value)",
    ),
    "tensorflow": dict(
        imports="import keras\nimport tensorflow as tf", names='{"tf": tf, "keras": keras}',
        modules='{"tf": "tensorflow", "keras": "keras"}', convert="tf.constant(v)",
        seed="keras.utils.set_random_seed(0)",
        restore='keras.mixed_precision.set_global_policy("float32"); tf.config.run_functions_eagerly(False)',
        to_numpy="np.asarray(value.numpy() if hasattr(value, 'numpy') else value)",
    ),
}
_HARNESS_HASH = hashlib.sha256((_HARNESS + json.dumps(_SIDES, sort_keys=True)).encode()).hexdigest()


def _key(entry: Entry, framework: str) -> str:
    fw = FRAMEWORKS[framework]
    material = {
        "format": FORMAT, "harness": _HARNESS_HASH, "entry": entry.material(), "framework": framework,
        "versions": cache_mod.installed_versions(fw.distributions), "machine": machine.describe(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _cached(directory: Path, key: str) -> dict | None:
    try:
        stored = json.loads((directory / f"apimap-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) and "values" in stored else None


def _store(directory: Path, key: str, value: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with open(fd, "w", encoding="utf-8") as handle:
        json.dump(value, handle)
    Path(tmp).replace(directory / f"apimap-{key}.json")


def values(entries: list[Entry], engine) -> dict[tuple[str, str], dict]:
    """{(entry id, framework): {"values": [encoded, ...], "versions": {...}}}, from the cache or
    run now in the engine's workers, one batch per framework."""
    found: dict[tuple[str, str], dict] = {}
    missing: dict[str, list[Entry]] = {}
    for entry in entries:
        for framework in FRAMEWORKS:
            stored = _cached(engine.cache.directory, _key(entry, framework))
            if stored is None:
                missing.setdefault(framework, []).append(entry)
            else:
                found[(entry.id, framework)] = stored
    stats = getattr(engine, "stats", None)
    if stats is not None:  # for the build's summary line: each entry once, however often asked
        ran = {entry.id for todo in missing.values() for entry in todo}
        for entry in entries:
            stats.map_entries[entry.id] = stats.map_entries.get(entry.id, False) or entry.id in ran
    if not missing:
        return found
    with tempfile.TemporaryDirectory(prefix="apimap-") as home:
        batches = []
        for framework, todo in missing.items():
            source = _HARNESS.format(
                entries=[
                    (e.id, e.expressions(framework), e.material()["inputs"],
                     _names_in(e.code(framework), _ROOTS[framework]) if e.check == "resolves" else [])
                    for e in todo
                ],
                **_SIDES[framework],
            )
            path = Path(home) / f"api_map_{framework}.py"
            path.write_text(source, encoding="utf-8")
            batches.append(Snippet("api_map", FRAMEWORKS[framework], path, path.name, source, Options(timeout=600)))
        outcomes = {}
        engine.runner().run_all(batches, lambda snippet, outcome: outcomes.__setitem__(snippet.framework.key, outcome))
    for framework, todo in missing.items():
        outcome = outcomes[framework]
        if not outcome.ok or outcome.result is None:
            detail = outcome.error.message if outcome.error else "no result"
            raise DataError(todo[0].path, todo[0].line, f"the {framework} checks did not run: {detail}\n{outcome.output[-2000:]}")
        for entry in todo:
            value = outcome.result["items"][entry.id]["items"]
            if "error" in value:
                raise _raised(entry, framework, value)
            stored = {"values": value["values"]["items"], "versions": outcome.versions}
            _store(engine.cache.directory, _key(entry, framework), stored)
            found[(entry.id, framework)] = stored
    return found


def _raised(entry: Entry, framework: str, value: dict) -> DataError:
    """The DataError for code that raised: the entry's line, and the line inside its code."""
    message = value["error"]["value"]
    number = int(value["code"]["data"][0])
    line = int(value["line"]["data"][0])
    which = framework if number == 0 else f"match: {framework}"
    start = entry.starts[list(FRAMEWORKS).index(framework)][number] if entry.starts else 0
    at = start + line - 1 if start and line else start or entry.line  # resolves: the code's line
    return DataError(entry.path, at, f"entry {entry.id!r}: {which}: {message}")


@dataclass(frozen=True)
class Checked:
    entry: Entry
    plain: object  # Verdict of the two plain expressions
    matched: object | None  # Verdict of the match pair, where defaults differ
    versions: dict[str, str]


def _leaves(value: dict) -> list[dict]:
    """The arrays inside an encoded value (lists and dicts of arrays), in order."""
    if value["kind"] == "array":
        return [value]
    if value["kind"] == "list":
        return [leaf for item in value["items"] for leaf in _leaves(item)]
    if value["kind"] == "dict":
        return [leaf for key in sorted(value["items"]) for leaf in _leaves(value["items"][key])]
    return []


def _shapes(value: dict) -> str:
    shapes = [tuple(leaf["shape"]) for leaf in _leaves(value)]
    return str(shapes[0]) if len(shapes) == 1 else " + ".join(map(str, shapes)) or "no array"


def _numbers(value: dict) -> list[float]:
    return [x for leaf in _leaves(value) for x in leaf["data"]]


def _dtypes(value: dict) -> str:
    return "/".join(dict.fromkeys(leaf["dtype"] for leaf in _leaves(value))) or "text"


def check(entry: Entry, found: dict[tuple[str, str], dict]) -> Checked:
    """Compare what the two sides computed; DataError (file:line, both values) if the entry's
    claim does not hold: different numbers where it says same, equal ones where it differs."""
    pt, tf_ = found[(entry.id, "pytorch")], found[(entry.id, "tensorflow")]
    versions = {**tf_["versions"], **pt["versions"]}
    if entry.check == "resolves":  # the harness resolved every name, or raised
        return Checked(entry, None, None, versions)
    rtol = DEFAULT_RTOL if entry.rtol is None else entry.rtol

    def verdict(number: str):
        return compare(pt["values"][number], tf_["values"][number], rtol, DEFAULT_ATOL)

    def shown(number: str) -> str:
        a, b = pt["values"][number], tf_["values"][number]
        return f"PyTorch {_shapes(a)} {_numbers(a)[:6]} vs TensorFlow {_shapes(b)} {_numbers(b)[:6]}"

    plain = verdict("0")
    matched = verdict("1") if entry.match else None
    if entry.check == "same" and not plain.same:
        raise DataError(entry.path, entry.line, f"entry {entry.id!r}: the two sides differ: {plain.problem}; {shown('0')}")
    if entry.check == "differs":
        if plain.same:
            raise DataError(entry.path, entry.line, f"entry {entry.id!r} says check: differs, but both computed the same numbers: {shown('0')}")
        if not matched.same:
            raise DataError(entry.path, entry.line, f"entry {entry.id!r}: the match pair differs: {matched.problem}; {shown('1')}")
    return Checked(entry, plain, matched, versions)


def _gap(a: dict, b: dict) -> float:
    """Largest |a - b| relative to the largest |b|; infinite when the shapes differ."""
    if [leaf["shape"] for leaf in _leaves(a)] != [leaf["shape"] for leaf in _leaves(b)]:
        return float("inf")
    x, y = _numbers(a), _numbers(b)
    scale = max((abs(v) for v in y), default=0.0) or 1.0
    return max((abs(p - q) for p, q in zip(x, y)), default=0.0) / scale


def _difference(a: dict, b: dict) -> str:
    """How two encoded values differ, for the line of an entry whose defaults differ."""
    if _gap(a, b) == float("inf"):
        return f"shapes {_shapes(a)} and {_shapes(b)}"
    gap = max((abs(p - q) for p, q in zip(_numbers(a), _numbers(b))), default=0.0)
    return f"largest difference {gap:.3g}"


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}".replace("|", "\\|")


def _fence(code: str, title: str) -> str:
    return f'```python title="{title}"\n{code}\n```'


def _code_rows(e: Entry) -> list[str]:
    """Both sides' code: a table row each for one-liners, titled blocks side by side otherwise."""
    rows = [(e.pytorch, e.tensorflow)] + ([e.match] if e.match else [])
    if not any("\n" in code for row in rows for code in row):
        table = ["| PyTorch | TensorFlow |", "| --- | --- |"]
        return table + [f"| {_code(pt)} | {_code(tf_)} |" for pt, tf_ in rows]
    blocks = []
    for number, row in enumerate(rows):
        suffix = "" if number == 0 else ", matching"
        sides = []
        for side, (label, code) in enumerate(zip(("PyTorch", "TensorFlow"), row)):
            if number and code == rows[0][side]:  # the match keeps this side's code as it was
                sides.append(f"*{label}, matching: the same code as above.*")
            else:
                sides.append(_fence(code, f"{label}{suffix}"))
        blocks += ['<div class="sbs-api-code" markdown>', "", sides[0], "", sides[1], "", "</div>", ""]
    return blocks[:-1]


def _checked_line(item: Checked, found: dict[tuple[str, str], dict] | None) -> str:
    e = item.entry
    if found is None:
        return "- **Not checked:** this is a preview build."
    if e.check == "resolves":
        names = [name for fw in FRAMEWORKS for name in _names_in(e.code(fw), _ROOTS[fw])]
        return (
            f"- **Checked:** every name resolves in the installed versions "
            f"({', '.join(_code(n) for n in names)}); this code is not run on the build machine."
        )
    inputs = ", ".join(
        f"`{name}` {'int64 indices' if kind == 'index' else 'float32'} {shape}"
        for name, (kind, shape) in e.inputs.items()
    )
    on = f" on {inputs}" if inputs else ""
    a, b = found[(e.id, "pytorch")]["values"]["0"], found[(e.id, "tensorflow")]["values"]["0"]
    if e.check == "same":
        da, db = _dtypes(a), _dtypes(b)
        dtypes = f"both {da}" if da == db else f"{da} from PyTorch, {db} from TensorFlow"
        return (
            f"- **Checked:** same numbers{on}: {item.plain.compared} compared, largest "
            f"difference {item.plain.max_abs:.3g}; {dtypes}."
        )
    first, second = ("first row's expressions", "second row's") if "\n" not in e.pytorch + e.tensorflow else ("first pair of blocks", "matching pair's")
    return (
        f"- **Checked:**{on + ',' if on else ''} the {first} differ ({_difference(a, b)}); the {second} agree "
        f"({item.matched.compared} compared, largest difference {item.matched.max_abs:.3g})."
    )


def summary(item: Checked, found: dict[tuple[str, str], dict]) -> str:
    """One line for the command line: the entry's check line without its Markdown."""
    return re.sub(r"\*\*|`", "", _checked_line(item, found))[2:]


def render(checked: list[Checked], found: dict[tuple[str, str], dict]) -> str:
    """Markdown: an entry per concept, each in its own block: a heading (anchor api-<id>, a
    section of its category's page) with both names, both sides' code, what differs and the
    result of the check."""
    parts = []
    for item in checked:
        e = item.entry
        pt_name, tf_name = (
            _code(name) + (" (no direct equivalent)" if e.missing == fw else "")
            for name, fw in zip(e.names, FRAMEWORKS)
        )
        lines = [
            '<div class="sbs-api-entry" markdown>', "",
            f"## {pt_name} and {tf_name}: {e.concept} {{#api-{e.id}}}", "",
            *_code_rows(e), "",
        ]
        if e.missing:
            other = FRAMEWORKS["tensorflow" if e.missing == "pytorch" else "pytorch"].label
            lines.append(
                f"- **No direct equivalent in {FRAMEWORKS[e.missing].label}:** its code above is "
                f"what to write instead of {other}'s call."
            )
        lines += [f"- {text}" for text in e.differences]
        lines += [_checked_line(item, found), "", "</div>"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# The map's filter box: hidden until docs/assets/apimap.js shows it (without JavaScript every
# entry is listed and there is no box that does nothing). The script tag sits in the content
# because Material's instant navigation runs content scripts on each visit; the map is at
# api-map/. defer: on a first visit the lists are parsed and painted before it runs.
_FILTER = """\
<form class="sbs-api-filter" role="search" hidden>
<label for="sbs-api-filter-input">Filter the map</label>
<input id="sbs-api-filter-input" type="search" autocomplete="off" spellcheck="false"
 placeholder="torch.gather, GradientTape, channels_last …" aria-describedby="sbs-api-filter-status">
<p id="sbs-api-filter-status" aria-live="polite">{count} entries</p>
</form>
<script src="../assets/apimap.js" defer></script>"""


def filter_box() -> str:
    """HTML: the filter box over every entry of the map (with their number)."""
    from .engine import get_engine

    return _FILTER.format(count=len(_all_entries(get_engine())))


def page_of(path: Path) -> str:
    """The docs-relative page that shows a category file's entries: api-map/<category>.md."""
    return f"{MAP_DIR}{path.stem}.md"


def category_title(docs_dir: Path, path: Path) -> str:
    """The title of a category's page (its first heading, without "API map: ")."""
    page = docs_dir / page_of(path)
    try:
        first = next((line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("# ")), "")
    except OSError:
        raise DataError(path, 1, f"no page shows this category: write docs/{page_of(path)}") from None
    if not first:
        raise DataError(page, 1, "a category page starts with a '# ' title")
    return first[2:].strip().removeprefix("API map: ")


def index() -> str:
    """Markdown: every entry of the map, by category (in the order of their titles): its concept
    (a link to the entry on its category's page) and each side's name, one list item each. The
    filter box narrows them."""
    from .engine import get_engine
    from .links import href, relative_url

    engine = get_engine()
    titles = {path: category_title(engine.docs_dir, path) for path in files(engine.docs_dir)}
    parts = []
    for path, title in sorted(titles.items(), key=lambda item: item[1]):
        # The URLs of the built pages: MkDocs does not rewrite the links of generated output.
        target = relative_url(page_of(path), MAP_PAGE)
        items = []
        for entry in load(path):
            names = " and ".join(
                _code(name) + (" (no direct equivalent)" if entry.missing == framework else "")
                for name, framework in zip(entry.names, FRAMEWORKS)
            )
            items.append(f"- [{entry.concept}]({href(page_of(path), f'api-{entry.id}', MAP_PAGE)}): {names}")
        parts += [
            f"### [{title}]({target})", "",
            '<div class="sbs-api-index" markdown>', "", *items, "", "</div>", "",
        ]
    return "\n".join(parts)


def _all_entries(engine) -> list[Entry]:
    return [entry for path in files(engine.docs_dir) for entry in load(path)]


def pitfalls() -> str:
    """Markdown list: every entry whose defaults differ, the largest difference first, with
    what the difference is and a link to the entry (from the same cached checks)."""
    from .engine import get_engine
    from .links import href

    engine = get_engine()
    entries = [entry for entry in _all_entries(engine) if entry.check == "differs"]
    if not entries:
        raise DataError(engine.docs_dir / DATA_DIR, 1, "no entry says check: differs: no pitfall to list")
    if not engine.execute:
        return "*Preview build: the differences are measured when the site is built.*"
    found = values(entries, engine)
    rows = []
    for entry in entries:
        check(entry, found)  # the claim holds, or the build stops here
        a, b = found[(entry.id, "pytorch")]["values"]["0"], found[(entry.id, "tensorflow")]["values"]["0"]
        rows.append((_gap(a, b), entry, _difference(a, b)))
    rows.sort(key=lambda row: -row[0])
    items = []
    for gap, entry, shown in rows:
        percent = gap * 100
        share = f"{percent:.0f}" if percent >= 10 else f"{percent:.2g}"
        measured = shown if gap == float("inf") else f"{shown} ({share} % of the largest value)"
        what = f" {entry.differences[0]}" if entry.differences else ""
        link = href(page_of(entry.path), f"api-{entry.id}", MAP_PAGE)
        items.append(f"- **[{entry.concept}]({link}):**{what} *Measured:* {measured}.")
    return "\n".join(['<div class="sbs-api-pitfalls" markdown>', "", *items, "", "</div>"])


def api_map(category: str) -> str:
    """The page part for ``docs/data/api_map/<category>.yml``: every entry, checked."""
    from .engine import get_engine
    from .links import relative_url

    engine = get_engine()
    path = engine.docs_dir / DATA_DIR / f"{category}.yml"
    entries = load(path)
    if not engine.execute:  # the entries as written, so that a writer sees them; nothing checked
        unchecked = [Checked(entry, None, None, {}) for entry in entries]
        return f"*Preview build: these {len(entries)} entries are checked when the site is built.*\n\n" + render(unchecked, None)
    found = values(entries, engine)
    checked = [check(entry, found) for entry in entries]
    versions = checked[0].versions
    index = relative_url(MAP_PAGE, page_of(path))
    opening = (
        f"The PyTorch and the TensorFlow name for the same thing: {len(checked)} entries of the "
        f"[API map]({index}), each run by torch {versions.get('torch', '?')} and tensorflow "
        f"{versions.get('tensorflow', '?')} (keras {versions.get('keras', '?')}) when this page was "
        f"built. The map's index lists every entry of every category, then the pitfalls."
    )
    return opening + "\n\n" + render(checked, found)


# -- Links from the other pages: a mention of an API in inline code links to its entry ----------

# Spellings a page may use for a name the map writes in full.
_ALIASES = (("torch.nn.functional.", "F."), ("torch.nn.", "nn."), ("keras.", "tf.keras."))
_CALLABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
# Inline code outside code blocks, links, headings and scripts: those are left as they are.
_PROTECTED = re.compile(r"<(pre|a|h[1-6]|script|style|textarea)\b.*?</\1>", re.S)
_INLINE_CODE = re.compile(r"<code>([^<]+)</code>")


def mention_index(docs_dir: Path) -> dict[str, tuple[str, str]]:
    """{API name: (page, entry id)}: each heading name of the map (``torch.gather``,
    ``tf.GradientTape``) and its short spellings (``F.conv2d``, ``nn.Linear``), with the
    category page that shows the entry; the first entry that names it wins."""
    mentions: dict[str, tuple[str, str]] = {}
    for path in files(docs_dir):
        for entry in load(path):
            for name in entry.names:
                if not _CALLABLE.fullmatch(name) or name.split(".")[0] not in ("torch", "tf", "keras"):
                    continue
                spellings = [name] + [short + name[len(full):] for full, short in _ALIASES if name.startswith(full)]
                for spelling in spellings:
                    mentions.setdefault(spelling, (page_of(path), entry.id))
    return mentions


def mentioned(code_text: str) -> str:
    """The API name an inline code span mentions: ``tf.function(jit_compile=True)`` -> ``tf.function``."""
    name = code_text.strip().split("(")[0]
    return name if _CALLABLE.fullmatch(name) else ""


def link_mentions(page_html: str, page: str, mentions: dict[str, tuple[str, str]]) -> tuple[str, int]:
    """The page's HTML with the first mention of each mapped API linked to its entry, and how
    many links were made. ``page`` is the docs-relative source path (``graphs/index.md``); the
    map's own pages are left as they are."""
    from .links import href

    if page.startswith(MAP_DIR) or not mentions:
        return page_html, 0
    linked: set[str] = set()
    parts, last = [], 0

    def link(match: re.Match) -> str:
        name = mentioned(match.group(1).replace("&amp;", "&"))
        found = mentions.get(name)
        if found is None or name in linked:
            return match.group(0)
        linked.add(name)
        target = href(found[0], f"api-{found[1]}", page)
        return f'<a class="sbs-api-link" href="{target}" title="API map: {name}">{match.group(0)}</a>'

    for protected in _PROTECTED.finditer(page_html):
        parts.append(_INLINE_CODE.sub(link, page_html[last:protected.start()]))
        parts.append(protected.group(0))
        last = protected.end()
    parts.append(_INLINE_CODE.sub(link, page_html[last:]))
    return "".join(parts), len(linked)
