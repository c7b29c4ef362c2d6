"""Checking API-map entries: each side's values, from the store or run now in the framework's
worker, and what the entry claims about them (the numbers agree, or differ where it says so).

The entries not stored yet go to each framework's worker in one batch: a JSON file of requests
and a two-line script that hands it to :mod:`sidebyside.apimap.harness`, which answers through
``measured``. Each entry's values are stored under a hash of the entry, the harness and the
versions, so that editing one entry runs that entry again and a warm build runs nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import machine
from ..cache import installed_versions
from ..compare import DEFAULT_ATOL, DEFAULT_RTOL, Verdict, compare
from ..data import DataError
from ..outcome import Outcome
from ..snippets import FRAMEWORKS, Options, Snippet
from ..store import key
from . import defaults
from .schema import ROOTS, Entry, names_in

FORMAT = 5  # bump when the stored values change shape
_HARNESS = hashlib.sha256(
    b"".join((Path(__file__).parent / f).read_bytes() for f in ("harness.py", "introspect.py"))
).hexdigest()


def _key(entry: Entry, framework: str) -> str:
    material = {
        "format": FORMAT,
        "harness": _HARNESS,
        "entry": entry.material(),
        "framework": framework,
        "versions": installed_versions(FRAMEWORKS[framework].distributions),
        "machine": machine.describe(),
    }
    return key(material)


def _request(entry: Entry, framework: str) -> dict:
    """What the harness needs of an entry on one side."""
    resolve = names_in(entry.code(framework), ROOTS[framework]) if entry.check == "resolves" else []
    return {
        "id": entry.id,
        "codes": entry.expressions(framework),
        "inputs": entry.material()["inputs"],
        "resolve": resolve,
        # the code whose values agree is differentiated too: the match where defaults differ
        "gradient": None if entry.check == "resolves" else (1 if entry.match else 0),
        "defaults": defaults.names(entry, framework),
    }


def _batch(framework: str, todo: list[Entry], folder: Path) -> Snippet:
    """The script a framework's worker runs for ``todo``: it reads their requests from a JSON file."""
    requests = folder / f"api_map_{framework}.json"
    requests.write_text(json.dumps([_request(entry, framework) for entry in todo]), encoding="utf-8")
    source = (
        f"from sidebyside.apimap.harness import check_file\nmeasured = check_file({framework!r}, {str(requests)!r})\n"
    )
    path = folder / f"api_map_{framework}.py"
    path.write_text(source, encoding="utf-8")
    return Snippet("api_map", FRAMEWORKS[framework], path, path.name, source, Options(timeout=600))


def values(entries: list[Entry], engine) -> dict[tuple[str, str], dict]:
    """{(entry id, framework): {"values": {"0": encoded, "1": ...}, "versions": {...}}}, from the
    engine's store or run now in its workers, one batch per framework."""
    found: dict[tuple[str, str], dict] = {}
    missing: dict[str, list[Entry]] = {}
    for entry in entries:
        for framework in FRAMEWORKS:
            stored = engine.store.read("api-map", _key(entry, framework))
            if isinstance(stored, dict) and "values" in stored and "backward" in stored:
                found[(entry.id, framework)] = stored
            else:
                missing.setdefault(framework, []).append(entry)
    stats = getattr(engine, "stats", None)
    if stats is not None:  # for the build's summary line: each entry once, however often asked
        ran = {entry.id for todo in missing.values() for entry in todo}
        for entry in entries:
            stats.map_entries[entry.id] = stats.map_entries.get(entry.id, False) or entry.id in ran
    if not missing:
        return found
    outcomes: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="apimap-") as folder:
        batches = [_batch(framework, todo, Path(folder)) for framework, todo in missing.items()]
        engine.runner().run_all(batches, lambda snippet, outcome: outcomes.__setitem__(snippet.framework.key, outcome))
    for framework, todo in missing.items():
        outcome = outcomes[framework]
        if not outcome.ok or not isinstance(outcome.measured, dict):
            detail = outcome.error.message if outcome.error else "no answer"
            raise DataError(
                todo[0].path, todo[0].line, f"the {framework} checks did not run: {detail}\n{outcome.output[-2000:]}"
            )
        for entry in todo:
            answer = outcome.measured[entry.id]
            if "error" in answer:
                raise _raised(entry, framework, answer)
            backward = answer.get("backward", {"none": "nothing runs on this machine"})
            stored = {**answer, "backward": backward, "versions": outcome.versions}
            engine.store.write("api-map", _key(entry, framework), stored)
            found[(entry.id, framework)] = stored
    return found


def _raised(entry: Entry, framework: str, answer: dict) -> DataError:
    """The DataError for code that raised: the entry's line, and the line inside its code."""
    number, line = answer["code"], answer["line"]
    which = framework if number == 0 else f"match: {framework}"
    start = entry.starts[list(FRAMEWORKS).index(framework)][number] if entry.starts else 0
    at = start + line - 1 if start and line else start or entry.line  # resolves: the code's line
    return DataError(entry.path, at, f"entry {entry.id!r}: {which}: {answer['error']}")


@dataclass(frozen=True)
class Checked:
    entry: Entry
    written: Verdict | None  # of the code as written (None: check: resolves, or a preview)
    matched: Verdict | None  # of the match pair, where defaults differ
    versions: dict[str, str]
    backward: Verdict | None = None  # the gradients of the code that agrees, where both have them
    unmatched: str = ""  # why the gradients were not compared


def backward(entry: Entry, pt: dict, tf_: dict, rtol: float) -> tuple[Verdict | None, str]:
    """The two sides' gradients compared, or why they were not: a side that raised, or whose
    value is not differentiable in the float inputs (PyTorch's verdict first)."""
    a, b = pt["backward"], tf_["backward"]
    if "grads" in a and "grads" in b:  # a backward pass rounds more: ten times the tolerance
        return compare(a["grads"], b["grads"], 10 * rtol, 10 * DEFAULT_ATOL), ""
    side, label = (a, "PyTorch") if "grads" not in a else (b, "TensorFlow")
    return None, f"{label}: {side['none']}" if side.get("raised") or label == "TensorFlow" else side["none"]


def leaves(value: dict) -> list[dict]:
    """The arrays inside an encoded value (lists and dicts of arrays), in order."""
    if value["kind"] == "array":
        return [value]
    if value["kind"] == "list":
        return [leaf for item in value["items"] for leaf in leaves(item)]
    if value["kind"] == "dict":
        return [leaf for key in sorted(value["items"]) for leaf in leaves(value["items"][key])]
    return []


def shapes(value: dict) -> str:
    found = [tuple(leaf["shape"]) for leaf in leaves(value)]
    return str(found[0]) if len(found) == 1 else " + ".join(map(str, found)) or "no array"


def numbers(value: dict) -> list[float]:
    return [x for leaf in leaves(value) for x in leaf["data"]]


def dtypes(value: dict) -> str:
    return "/".join(dict.fromkeys(leaf["dtype"] for leaf in leaves(value))) or "text"


def check(entry: Entry, found: dict[tuple[str, str], dict]) -> Checked:
    """Compare what the two sides computed; DataError (file:line, both values) if the entry's
    claim does not hold: different numbers where it says same, equal ones where it differs."""
    pt, tf_ = found[(entry.id, "pytorch")], found[(entry.id, "tensorflow")]
    versions = {**tf_["versions"], **pt["versions"]}
    if entry.check == "resolves":  # the harness resolved every name, or raised
        return Checked(entry, None, None, versions)
    rtol = DEFAULT_RTOL if entry.rtol is None else entry.rtol

    def verdict(number: str) -> Verdict:
        return compare(pt["values"][number], tf_["values"][number], rtol, DEFAULT_ATOL)

    def shown(number: str) -> str:
        a, b = pt["values"][number], tf_["values"][number]
        return f"PyTorch {shapes(a)} {numbers(a)[:6]} vs TensorFlow {shapes(b)} {numbers(b)[:6]}"

    written = verdict("0")
    matched = verdict("1") if entry.match else None
    if entry.check == "same" and not written.same:
        raise DataError(
            entry.path, entry.line, f"entry {entry.id!r}: the two sides differ: {written.problem}; {shown('0')}"
        )
    if entry.check == "differs":
        if written.same:
            raise DataError(
                entry.path,
                entry.line,
                f"entry {entry.id!r} says check: differs, but both computed the same numbers: {shown('0')}",
            )
        assert matched is not None  # check: differs needs a match (schema)
        if not matched.same:
            raise DataError(
                entry.path, entry.line, f"entry {entry.id!r}: the match pair differs: {matched.problem}; {shown('1')}"
            )
    grads, unmatched = backward(entry, pt, tf_, rtol)  # the values hold: now their gradients
    if grads is None and entry.gradients == "differ":
        raise DataError(entry.path, entry.line, f"entry {entry.id!r} says gradients: differ, but {unmatched}")
    if grads is not None and grads.same == (entry.gradients == "differ"):
        said = "agree" if grads.same else f"differ: {grads.problem}"
        fix = "take out gradients: differ" if grads.same else "say why in differences and add gradients: differ"
        raise DataError(entry.path, entry.line, f"entry {entry.id!r}: the gradients {said}; {fix}")
    return Checked(entry, written, matched, versions, grads, unmatched)


def gap(a: dict, b: dict) -> float:
    """Largest |a - b| relative to the largest |b|; infinite when the shapes differ."""
    if [leaf["shape"] for leaf in leaves(a)] != [leaf["shape"] for leaf in leaves(b)]:
        return float("inf")
    x, y = numbers(a), numbers(b)
    scale = max((abs(v) for v in y), default=0.0) or 1.0
    return max((abs(p - q) for p, q in zip(x, y)), default=0.0) / scale


def difference(a: dict, b: dict) -> str:
    """How two encoded values differ, for the line of an entry whose defaults differ."""
    if gap(a, b) == float("inf"):
        return f"shapes {shapes(a)} and {shapes(b)}"
    return f"largest difference {largest(a, b):.3g}"


def largest(a: dict, b: dict) -> float:
    """The largest absolute difference of two encoded values of the same shapes."""
    return max((abs(p - q) for p, q in zip(numbers(a), numbers(b))), default=0.0)
