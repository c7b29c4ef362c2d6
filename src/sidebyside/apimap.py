"""The API map: for one concept, the PyTorch and the TensorFlow expression, checked by running both.

Entries live in ``docs/data/api_map/<category>.yml`` (the schema is at the top of each file) and
are read through :mod:`sidebyside.data`, so a bad entry names its file and line. Each entry's
expressions are evaluated on the same NumPy inputs, once per framework, in the framework's
worker: all the entries of a build that are not cached yet go into one generated script per
framework, and each entry's values are then cached under a hash of the entry, the harness and
the versions, so that editing one entry re-runs that entry only and a warm build runs nothing.

An entry that raises (a misspelt attribute, a wrong argument) or whose numbers disagree stops the
build with the data file, the entry's line and both values. Where the two frameworks' defaults
differ, the entry says ``same: false`` and gives a ``match`` pair that agrees: the build checks
that the plain pair does differ, and shows by how much.
"""

from __future__ import annotations

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
FORMAT = 1  # bump when the stored values or the harness change shape
_FIELDS = ("id", "concept", "pytorch", "tensorflow", "inputs", "same", "differences")
_OPTIONAL = ("match", "rtol")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Entry:
    id: str
    concept: str
    pytorch: str
    tensorflow: str
    inputs: dict[str, tuple[str, tuple[int, ...]]]  # name -> (kind, shape): float or index
    same: bool
    differences: tuple[str, ...]
    match: tuple[str, str] | None  # (pytorch, tensorflow) that agree where defaults differ
    rtol: float | None
    path: Path
    line: int

    def expressions(self, framework: str) -> list[str]:
        plain = self.pytorch if framework == "pytorch" else self.tensorflow
        matched = [self.match[0 if framework == "pytorch" else 1]] if self.match else []
        return [plain, *matched]

    def material(self) -> dict:
        return {
            "inputs": {name: [kind, list(shape)] for name, (kind, shape) in self.inputs.items()},
            "pytorch": self.pytorch, "tensorflow": self.tensorflow, "match": self.match, "id": self.id,
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


def _entry(located: Located, index: int) -> Entry:
    fields = located.mapping(f"entry {index + 1}")
    ident = fields["id"].text(f"entry {index + 1}: id") if "id" in fields else f"entry {index + 1}"
    what = f"entry {ident!r}"
    if not _SLUG.fullmatch(ident):
        raise fields["id"].error(f"{what}: id must be a slug (a-z, 0-9, single hyphens): it is the anchor")
    require_keys(located, {k: v for k, v in fields.items() if k not in _OPTIONAL}, _FIELDS, what)
    inputs = {}
    for name, spec in fields["inputs"].mapping(f"{what}: inputs").items():
        if not name.isidentifier():
            raise spec.error(f"{what}: input name {name!r} is not a Python name")
        kind, shape_node = "float", spec
        if isinstance(spec.node, yaml.MappingNode):  # {index: [shape]}: integers for indexing
            parts = spec.mapping(f"{what}: input {name}")
            require_keys(spec, parts, ("index",), f"{what}: input {name}")
            kind, shape_node = "index", parts["index"]
        inputs[name] = (kind, _shape(shape_node, f"{what}: input {name}"))
    same_node = fields["same"].node
    same = same_node.value if isinstance(same_node, yaml.ScalarNode) else ""
    if same not in ("true", "false"):
        raise fields["same"].error(f"{what}: same must be true or false, got {same!r}")
    match = None
    if "match" in fields:
        parts = fields["match"].mapping(f"{what}: match")
        require_keys(fields["match"], parts, ("pytorch", "tensorflow"), f"{what}: match")
        match = (parts["pytorch"].text(f"{what}: match"), parts["tensorflow"].text(f"{what}: match"))
    if same == "false" and match is None:
        raise located.error(f"{what}: same: false needs a match (the expressions that do agree)")
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
        pytorch=fields["pytorch"].text(f"{what}: pytorch"),
        tensorflow=fields["tensorflow"].text(f"{what}: tensorflow"),
        inputs=inputs,
        same=same == "true",
        differences=tuple(
            item.text(f"{what}: differences") for item in fields["differences"].items(f"{what}: differences")
        ),
        match=match,
        rtol=rtol,
        path=located.path,
        line=located.line,
    )


def load(path: Path | str) -> list[Entry]:
    """The entries of one category file, checked; :class:`DataError` names the file and line."""
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


# -- Checking: every uncached entry, one generated script per framework --------------------------

# The harness each framework's worker runs: the same NumPy inputs for an entry on both sides
# (seeded from the entry's id), converted to the framework's tensors; each expression's value
# back as NumPy. An expression that raises is recorded, not fatal to the batch.
_HARNESS = """\
import hashlib
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


result = {{}}
for entry_id, expressions, spec in ENTRIES:
    scope = {{"np": np, **{names}}}
    scope.update({{k: {convert} for k, v in inputs(entry_id, spec).items()}})
    values = {{}}
    try:
        for number, expression in enumerate(expressions):
            value = eval(expression, scope)
            values[str(number)] = np.asarray({to_numpy})
        result[entry_id] = {{"values": values}}
    except Exception as error:  # reported with the entry's file and line
        result[entry_id] = {{"error": f"{{type(error).__name__}}: {{error}}"}}
"""
_SIDES = {
    "pytorch": dict(imports="import torch", names='{"torch": torch}', convert="torch.from_numpy(v)",
                    to_numpy="value.detach().numpy() if hasattr(value, 'detach') else value"),
    "tensorflow": dict(imports="import keras\nimport tensorflow as tf", names='{"tf": tf, "keras": keras}',
                       convert="tf.constant(v)", to_numpy="value.numpy() if hasattr(value, 'numpy') else value"),
}
_HARNESS_HASH = hashlib.sha256(_HARNESS.encode()).hexdigest()


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
    if not missing:
        return found
    with tempfile.TemporaryDirectory(prefix="apimap-") as home:
        batches = []
        for framework, todo in missing.items():
            source = _HARNESS.format(
                entries=[(e.id, e.expressions(framework), e.material()["inputs"]) for e in todo],
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
                raise DataError(entry.path, entry.line, f"entry {entry.id!r}: {framework}: {value['error']['value']}")
            stored = {"values": value["values"]["items"], "versions": outcome.versions}
            _store(engine.cache.directory, _key(entry, framework), stored)
            found[(entry.id, framework)] = stored
    return found


@dataclass(frozen=True)
class Checked:
    entry: Entry
    plain: object  # Verdict of the two plain expressions
    matched: object | None  # Verdict of the match pair, where defaults differ
    versions: dict[str, str]


def check(entry: Entry, found: dict[tuple[str, str], dict]) -> Checked:
    """Compare what the two sides computed; DataError (file:line, both values) if the entry's
    claim does not hold: different numbers where it says same, equal ones where it says not."""
    pt, tf_ = found[(entry.id, "pytorch")], found[(entry.id, "tensorflow")]
    rtol = DEFAULT_RTOL if entry.rtol is None else entry.rtol

    def verdict(number: str):
        return compare(pt["values"][number], tf_["values"][number], rtol, DEFAULT_ATOL)

    def shown(number: str) -> str:
        a, b = pt["values"][number], tf_["values"][number]
        return (
            f"PyTorch {tuple(a['shape'])} {a['data'][:6]} vs "
            f"TensorFlow {tuple(b['shape'])} {b['data'][:6]}"
        )

    plain = verdict("0")
    matched = verdict("1") if entry.match else None
    if entry.same and not plain.same:
        raise DataError(entry.path, entry.line, f"entry {entry.id!r}: the two sides differ: {plain.problem}; {shown('0')}")
    if not entry.same:
        if plain.same:
            raise DataError(entry.path, entry.line, f"entry {entry.id!r} says same: false, but both computed the same numbers: {shown('0')}")
        if not matched.same:
            raise DataError(entry.path, entry.line, f"entry {entry.id!r}: the match pair differs: {matched.problem}; {shown('1')}")
    versions = {**tf_["versions"], **pt["versions"]}
    return Checked(entry, plain, matched, versions)


def _difference(a: dict, b: dict) -> str:
    """How two encoded arrays differ, for the line of an entry whose defaults differ."""
    if a["shape"] != b["shape"]:
        return f"shapes {tuple(a['shape'])} and {tuple(b['shape'])}"
    gap = max((abs(x - y) for x, y in zip(a["data"], b["data"])), default=0.0)
    return f"largest difference {gap:.3g}"


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}".replace("|", "\\|")


def render(checked: list[Checked], found: dict[tuple[str, str], dict]) -> str:
    """Markdown: a heading per entry (its anchor is api-<id>), both expressions, what differs and
    the result of the check."""
    parts = []
    for item in checked:
        e = item.entry
        inputs = ", ".join(
            f"`{name}` {'int64 indices' if kind == 'index' else 'float32'} {shape}"
            for name, (kind, shape) in e.inputs.items()
        )
        on = f" on {inputs}" if inputs else ""
        lines = [
            f"### {_code(e.pytorch.split('(')[0])} and {_code(e.tensorflow.split('(')[0])}: {e.concept} {{#api-{e.id}}}",
            "",
            "| PyTorch | TensorFlow |",
            "| --- | --- |",
            f"| {_code(e.pytorch)} | {_code(e.tensorflow)} |",
        ]
        if e.match:
            lines.append(f"| {_code(e.match[0])} | {_code(e.match[1])} |")
        lines.append("")
        lines += [f"- {text}" for text in e.differences]
        if e.same:
            verdict = item.plain
            a, b = found[(e.id, "pytorch")]["values"]["0"], found[(e.id, "tensorflow")]["values"]["0"]
            dtypes = (
                f"both {a['dtype']}" if a["dtype"] == b["dtype"]
                else f"{a['dtype']} from PyTorch, {b['dtype']} from TensorFlow"
            )
            lines.append(
                f"- **Checked:** same numbers{on}: {verdict.compared} compared, largest "
                f"difference {verdict.max_abs:.3g}; {dtypes}."
            )
        else:
            a, b = found[(e.id, "pytorch")]["values"]["0"], found[(e.id, "tensorflow")]["values"]["0"]
            lines.append(
                f"- **Checked:**{on}, the first row's expressions differ "
                f"({_difference(a, b)}); the second row's agree "
                f"({item.matched.compared} compared, largest difference {item.matched.max_abs:.3g})."
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _gap(a: dict, b: dict) -> float:
    """Largest |a - b| relative to the largest |b|; infinite when the shapes differ."""
    if a["shape"] != b["shape"]:
        return float("inf")
    scale = max((abs(y) for y in b["data"]), default=0.0) or 1.0
    return max((abs(x - y) for x, y in zip(a["data"], b["data"])), default=0.0) / scale


def pitfalls() -> str:
    """Markdown table: every entry whose defaults differ, the largest difference first, with
    what the difference is and a link to the entry (from the same cached checks)."""
    from .engine import get_engine

    engine = get_engine()
    files = sorted((engine.docs_dir / DATA_DIR).glob("*.yml"))
    entries = [entry for path in files for entry in load(path) if not entry.same]
    if not entries:
        raise DataError(engine.docs_dir / DATA_DIR, 1, "no entry says same: false: no pitfall to list")
    if not engine.execute:
        return "*Preview build: the differences are measured when the site is built.*"
    found = values(entries, engine)
    rows = []
    for entry in entries:
        check(entry, found)  # the claim holds, or the build stops here
        a, b = found[(entry.id, "pytorch")]["values"]["0"], found[(entry.id, "tensorflow")]["values"]["0"]
        rows.append((_gap(a, b), entry, _difference(a, b)))
    rows.sort(key=lambda row: -row[0])
    table = ["| Pitfall | What the defaults do | Measured |", "| --- | --- | --- |"]
    for gap, entry, shown in rows:
        percent = gap * 100
        share = f"{percent:.0f}" if percent >= 10 else f"{percent:.2g}"
        measured = shown if gap == float("inf") else f"{shown} ({share} % of the largest value)"
        what = entry.differences[0] if entry.differences else ""
        table.append(f"| [{entry.concept}](#api-{entry.id}) | {what} | {measured} |")
    return "\n".join(table)


def api_map(category: str) -> str:
    """The page part for ``docs/data/api_map/<category>.yml``: every entry, checked."""
    from .engine import get_engine

    engine = get_engine()
    path = engine.docs_dir / DATA_DIR / f"{category}.yml"
    entries = load(path)
    if not engine.execute:
        return "*Preview build: the API map's checks run when the site is built.*"
    found = values(entries, engine)
    checked = [check(entry, found) for entry in entries]
    versions = checked[0].versions
    footer = (
        f"{len(checked)} entries, each evaluated on the same NumPy inputs by "
        f"torch {versions.get('torch', '?')} and tensorflow {versions.get('tensorflow', '?')} "
        f"(keras {versions.get('keras', '?')}) when this page was built."
    )
    return render(checked, found) + "\n\n" + footer
