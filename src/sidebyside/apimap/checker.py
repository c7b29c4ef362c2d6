"""The map's index page parts that read code: the "Check my code" form (its script,
``docs/assets/checkcode.js``, does the reading in the browser) and the map's coverage of the
site's own code, measured at build time with the same reading (:mod:`.usage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import get_engine
from ..snippets import FRAMEWORKS
from .export import FILE
from .schema import MAP_DIR, all_entries
from .usage import Lookup, answered, framework_of, uses

# Hidden until the script shows it: without JavaScript there is no box that does nothing. The
# script tag sits in the content so that Material's instant navigation runs it on each visit.
_FORM = """\
<form class="sbs-check" hidden novalidate data-map="{json}">
<label for="sbs-check-code">Your PyTorch or TensorFlow/Keras code</label>
<textarea id="sbs-check-code" rows="10" autocomplete="off" autocapitalize="off" spellcheck="false"
 aria-describedby="sbs-check-status" placeholder="import torch.nn as nn&#10;layer = nn.Conv2d(3, 8, 3, stride=2, padding=1)"></textarea>
<p><button type="button" class="md-button">Check this code</button></p>
<p id="sbs-check-status" role="status" aria-live="polite">Paste code above to check it.</p>
<div class="sbs-check-result"></div>
</form>
<noscript><p>The checker runs in your browser and needs JavaScript; the list of every entry below
does not.</p></noscript>
<script src="../assets/checkcode.js" defer></script>"""


def check_box() -> str:
    """HTML: the form that checks pasted code against the map, reading ``api-map.json``."""
    return _FORM.format(json=FILE.removeprefix(MAP_DIR))


@dataclass
class Coverage:
    """Distinct names per framework: those the map answers for and those it does not."""

    files: int = 0
    covered: dict[str, set[str]] = field(default_factory=lambda: {fw: set() for fw in FRAMEWORKS})
    missing: dict[str, set[str]] = field(default_factory=lambda: {fw: set() for fw in FRAMEWORKS})

    def add(self, code: str, lookup: Lookup) -> None:
        self.files += 1
        for use in uses(code, lookup):
            framework = framework_of(use.name)
            if framework:  # methods are left out: their misses cannot be told (see coverage())
                (self.covered if use.entries else self.missing)[framework].add(use.name)


def measure(sources: list[str], lookup: Lookup) -> Coverage:
    coverage = Coverage()
    for source in sources:
        coverage.add(source, lookup)
    return coverage


def coverage() -> str:
    """Markdown: what share of the framework names the site's own snippets use the map answers
    for, per framework, and the names it does not answer for."""
    engine = get_engine()
    entries = all_entries(engine.docs_dir)
    lookup = Lookup.of(answered(entries).items())
    snippets = [s for pair in engine.collect().pairs.values() for s in pair.snippets]
    found = measure([s.source for s in sorted(snippets, key=lambda s: s.relpath)], lookup)
    lines = []
    for framework, spec in FRAMEWORKS.items():
        covered, missing = found.covered[framework], found.missing[framework]
        total = len(covered) + len(missing)
        share = 100 * len(covered) / total if total else 0.0
        lines.append(
            f"- **{spec.label}:** {len(covered)} of the {total} distinct names the snippets use "
            f"({share:.0f} %) have an entry in the map."
        )
    parts = [
        f"The site's {found.files} snippets (the notebooks' code cells are the same files), read "
        "as the checker above reads pasted code, against the map's "
        f"{len(entries)} entries. Counted: the names written from a framework's root or imported "
        "from it (`nn.Conv2d`, `F.relu`, `layers.Dense`, `DataLoader`); not counted: methods "
        "(`x.permute`), since a call on a tensor cannot be told from a call on another object "
        "without running the code.",
        "",
        *lines,
    ]
    for framework, spec in FRAMEWORKS.items():
        absent = sorted(found.missing[framework])
        if absent:
            names = ", ".join(absent)  # plain text: a code span each costs the page a node per name
            parts += ["", f'??? note "The {len(absent)} {spec.label} names without an entry"', "", f"    {names}"]
    return "\n".join(parts)
