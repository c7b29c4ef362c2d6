"""The map's coverage of the libraries themselves: which of torch.nn's layers and
torch.nn.functional's functions, and of keras.layers' and keras.ops', have an entry. The names
come from the installed versions (each framework's worker lists them, :func:`.introspect.public_api`;
stored under the versions, so a new release's new layer shows up as not covered).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from .. import machine
from ..cache import installed_versions
from ..data import DataError
from ..engine import get_engine
from ..outcome import Outcome
from ..render import preview_note
from ..snippets import FRAMEWORKS, Options, Snippet
from ..store import key
from .schema import DATA_DIR, all_entries
from .usage import answered

_CODE = hashlib.sha256((Path(__file__).parent / "introspect.py").read_bytes()).hexdigest()
# What each namespace is, in the sentence that counts it.
WHAT = {
    "torch.nn": "layers (classes) in `torch.nn`",
    "torch.nn.functional": "functions in `torch.nn.functional`",
    "keras.layers": "classes in `keras.layers`",
    "keras.ops": "functions in `keras.ops`",
}


def _key(framework: str) -> str:
    versions = installed_versions(FRAMEWORKS[framework].distributions)
    return key(
        {"public": 1, "code": _CODE, "framework": framework, "versions": versions, "machine": machine.describe()}
    )


def public_names(engine) -> dict[str, list[str]]:
    """{namespace: public names} of both frameworks, from the store or from their workers."""
    found: dict[str, list[str]] = {}
    todo = []
    for framework in FRAMEWORKS:
        stored = engine.store.read("api-map", _key(framework))
        if isinstance(stored, dict) and "public" in stored:
            found.update(stored["public"])
        else:
            todo.append(framework)
    if not todo:
        return found
    outcomes: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="apimap-") as folder:
        batches = []
        for framework in todo:
            path = Path(folder) / f"public_{framework}.py"
            source = f"from sidebyside.apimap.introspect import public_api\nmeasured = public_api({framework!r})\n"
            path.write_text(source, encoding="utf-8")
            batches.append(Snippet("api_map", FRAMEWORKS[framework], path, path.name, source, Options(timeout=600)))
        engine.runner().run_all(batches, lambda snippet, outcome: outcomes.__setitem__(snippet.framework.key, outcome))
    for framework in todo:
        outcome = outcomes[framework]
        if not outcome.ok or not isinstance(outcome.measured, dict):
            detail = outcome.error.message if outcome.error else "no answer"
            raise DataError(engine.docs_dir / DATA_DIR, 1, f"the {framework} public API could not be listed: {detail}")
        engine.store.write("api-map", _key(framework), {"public": outcome.measured})
        found.update(outcome.measured)
    return found


def covered(names: dict[str, list[str]], answers: set[str]) -> dict[str, tuple[list[str], list[str]]]:
    """{namespace: (names with an entry, names without)}."""
    return {
        space: ([n for n in listed if f"{space}.{n}" in answers], [n for n in listed if f"{space}.{n}" not in answers])
        for space, listed in names.items()
    }


def library_coverage() -> str:
    """Markdown: per namespace, how many of its public names the map answers for, and the rest."""
    engine = get_engine()
    if not engine.execute:
        return preview_note("the libraries' public names are listed when the site is built")
    entries = all_entries(engine.docs_dir)
    answers = {name for sides in answered(entries).values() for names in sides.values() for name in names}
    lines, notes = [], []
    for space, (have, missing) in covered(public_names(engine), answers).items():
        total = len(have) + len(missing)
        lines.append(f"- {len(have)} of the {total} {WHAT[space]} ({100 * len(have) / total:.0f} %) have an entry.")
        if missing:
            listed = ", ".join(missing)  # plain text: a code span each costs the page a node per name
            notes += ["", f'??? note "The {len(missing)} in `{space}` without an entry"', "", f"    {listed}"]
    return "\n".join(lines + notes)
