"""The engine behind the ``pair`` fence: collect → results → render, once per build.

Asked for anything, the engine first collects: it scans ``docs/`` for every ``pair`` fence, loads
every pair they name, and gets every snippet's outcome (:mod:`sidebyside.results`: from the
store, or run now, both frameworks in parallel). Every later call renders from memory. When the
files under ``docs/`` or ``snippets/`` change (a rebuild under ``mkdocs serve``), the next call
collects again, and only changed snippets run. The engine needs no site-generator events, so any
builder that runs markdown-exec's fences runs it; the optional MkDocs plugin marks builds
(collecting at the start of each, when it writes the notebooks) and prints the summary line.
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cache as cache_mod
from . import machine as machine_mod
from .compare import DEFAULT_ATOL, DEFAULT_RTOL, Verdict, compare
from .outcome import Outcome
from .render import render_pair
from .results import Results, Stats
from .runner import Runner
from .scan import Reference, Scan, scan
from .settings import Settings
from .snippets import Pair, Snippet, SnippetError, load_pair
from .store import Store

try:  # under MkDocs a BuildError aborts the build with its message, with or without --strict
    from mkdocs.exceptions import BuildError as _FailureBase
except ImportError:  # another builder: the exception still propagates out of the fence
    _FailureBase = Exception  # type: ignore[misc,assignment]


class PairFailure(_FailureBase):
    """A pair cannot be shown: the message names the page, the snippet file and line, the error."""


@dataclass
class BuildPairs:
    """What a build's pages show: every pair they name, each snippet's outcome, and why a
    pair cannot be shown."""

    signature: tuple
    scanned: Scan
    pairs: dict[str, Pair] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # snippet relpath -> outcome
    problems: dict[str, str] = field(default_factory=dict)  # pair name -> why it cannot render

    @property
    def references(self) -> list[Reference]:
        return self.scanned.references

    def versions(self) -> dict[str, str]:
        """What the snippets actually ran with, as reported by the workers."""
        found: dict[str, str] = {}
        for outcome in self.outcomes.values():
            for name, version in outcome.versions.items():
                found.setdefault(name, version)
        return found

    def machines(self) -> list[str]:
        """The machines the snippets' results came from (one, unless a cache was shared)."""
        return sorted({machine_mod.label(outcome.machine) for outcome in self.outcomes.values()})


@dataclass(frozen=True)
class Rendered:
    """What the fence shows of a pair: its Markdown, and whether it varies from run to run."""

    markdown: str
    varies: bool


class Engine:
    def __init__(self, settings: Settings, runner: Runner | None = None):
        self.settings = settings
        self.results = Results(Store(settings.cache_dir), settings.timeout, runner)
        # Set by the MkDocs plugin, which calls new_build() before each build: within a build
        # nothing changes, so no call needs to look for changed files. Other builders leave
        # it off, and each call compares the files' signature instead.
        self.builds_marked = False
        self._collected: BuildPairs | None = None
        self._lock = threading.Lock()
        self.rendered: list[str] = []  # every pair the fence asked for, in order: see the plugin

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def docs_dir(self) -> Path:
        return self.settings.docs_dir

    @property
    def execute(self) -> bool:
        return self.settings.execute

    @property
    def store(self) -> Store:
        return self.results.store

    @property
    def stats(self) -> Stats:
        return self.results.stats

    def runner(self) -> Runner:
        return self.results.runner()

    def close(self) -> None:
        self.results.close()

    def configure(self, settings: Settings) -> None:
        """New settings (``mkdocs serve`` reads mkdocs.yml again for each build): what was
        collected under the old ones is forgotten, the workers stay."""
        if settings != self.settings:
            with self._lock:
                self.settings = settings
                self.results.store = Store(settings.cache_dir)
                self.results.timeout = settings.timeout
                self._collected = None
                self.results.new_build()

    def new_build(self) -> None:
        """Forget what was collected: the next call collects again. The plugin calls this when
        MkDocs reads the configuration, which it does for each build."""
        with self._lock:
            self._collected = None
            self.rendered.clear()
            self.results.new_build()
        cache_mod.forget_installed()

    def prestart(self) -> None:
        """Start the workers the coming build will need, before the first page renders:
        importing TensorFlow takes seconds, and this overlaps with the builder's own start-up. A
        warm build starts none. Problems are left for the collection to report."""
        if self.execute:
            pairs, _ = _load_pairs(self.root, scan(self.docs_dir).references)
            needed = self.results.missing_frameworks([s for pair in pairs.values() for s in pair.snippets])
            if needed:
                self.runner().start(needed)

    def collect(self) -> BuildPairs:
        """This build's pairs and outcomes, collected on the first call (and again when a file
        under docs/ or snippets/ changed, where no plugin marks builds)."""
        with self._lock:
            if self._collected is not None and self.builds_marked:
                return self._collected
            signature = _signature(self.docs_dir, self.root / "snippets")
            if self._collected is None or self._collected.signature != signature:
                if self._collected is not None:
                    self.results.new_build()  # files changed: this is a new build
                self._collected = self._collect(signature)
            return self._collected

    def _collect(self, signature: tuple) -> BuildPairs:
        collected = BuildPairs(signature, scan(self.docs_dir))
        collected.pairs, collected.problems = _load_pairs(self.root, collected.references)
        self.stats.failed += len(collected.problems) + len(collected.scanned.problems)
        if not self.execute:
            return collected
        pairs = list(collected.pairs.values())
        collected.outcomes, unreadable = self.results.get([s for pair in pairs for s in pair.snippets])
        for pair in pairs:
            for snippet in pair.snippets:
                if snippet.relpath in unreadable:
                    collected.problems[pair.name] = unreadable[snippet.relpath]
        return collected

    def source_url(self, snippet: Snippet) -> str | None:
        if not self.settings.repo_url:
            return None
        return f"{self.settings.repo_url}/blob/{self.settings.edit_branch}/{snippet.relpath}"

    def render(self, name: str, rtol: float | None = None, atol: float | None = None) -> Rendered:
        """The pair's tabs and verdict; PairFailure, naming every problem of the build, if any
        pair cannot be shown (the first fence stops the build)."""
        self.rendered.append(name)
        collected = self.collect()
        problems = failures(collected)
        if problems:
            count = len(problems)
            raise PairFailure(
                f"{count} pair problem{'s stop' if count > 1 else ' stops'} the build "
                f"(while rendering pair {name!r}):\n" + "\n".join(f"- {m}" for m in problems)
            )
        pair = collected.pairs.get(name)
        if pair is None:  # the fence was not found by the scan (e.g. generated content)
            try:
                load_pair(self.root, name)
            except SnippetError as error:  # the name itself is wrong
                raise PairFailure(str(error)) from None
            raise PairFailure(
                f"pair {name!r} is rendered but the scan of {self.docs_dir} did not find its fence; "
                "write it as a ```pair fence in a page under docs/"
            )
        varies = any(s.options.varies for s in pair.snippets)
        urls = {s.framework.key: self.source_url(s) for s in pair.snippets}
        if not self.execute:
            return Rendered(render_pair(pair, None, None, urls), varies)
        outcomes = {s.framework.key: collected.outcomes[s.relpath] for s in pair.snippets}
        return Rendered(render_pair(pair, outcomes, verdict(pair, outcomes, rtol, atol), urls), varies)

    def measured(self, name: str) -> dict[str, Any]:
        """What each side of pair ``name`` bound to ``measured`` (figures for a generated table),
        by framework key; empty in a preview build. The pair must be on a page of this build."""
        collected = self.collect()
        if not self.execute:
            return {}
        pair = collected.pairs.get(name)
        if pair is None:
            raise PairFailure(
                f"measurements of pair {name!r} are asked for, but no page shows the pair "
                f"({collected.problems.get(name, 'no ```pair fence names it')})"
            )
        found = {}
        for snippet in pair.snippets:
            outcome = collected.outcomes[snippet.relpath]
            if not outcome.ok:
                raise PairFailure(f"pair {name!r}: {outcome.failure()}")
            if outcome.measured is None:
                raise PairFailure(f"pair {name!r}: {snippet.relpath} binds no `measured` value")
            found[snippet.framework.key] = outcome.measured
        return found


def _signature(*folders: Path) -> tuple:
    """Every file under ``folders``, with its modification time and size: a change shows."""
    entries = []
    for base in folders:
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def _load_pairs(root: Path, references: list[Reference]) -> tuple[dict[str, Pair], dict[str, str]]:
    """Each referenced pair, loaded once; and why, for the names that cannot be loaded."""
    pairs: dict[str, Pair] = {}
    problems: dict[str, str] = {}
    for ref in references:
        if ref.name in pairs or ref.name in problems:
            continue
        try:
            pairs[ref.name] = load_pair(root, ref.name)
        except SnippetError as error:
            problems[ref.name] = str(error)
    return pairs, problems


def failures(collected: BuildPairs) -> list[str]:
    """Every reason the site cannot be built, one paragraph each, with the pages that name it."""

    def where(name: str) -> str:
        return ", ".join(f"docs/{r.page}:{r.line}" for r in collected.references if r.name == name) or "(no page)"

    messages = list(collected.scanned.problems)
    messages += [f"{where(name)}: {problem}" for name, problem in collected.problems.items()]
    for name, pair in collected.pairs.items():
        for snippet in pair.snippets:
            outcome = collected.outcomes.get(snippet.relpath)
            if outcome is not None and not outcome.ok:
                messages.append(f"{where(name)}: {outcome.failure()}")
    return messages


def verdict(pair: Pair, outcomes: dict[str, Outcome], rtol: float | None, atol: float | None) -> Verdict | None:
    """The comparison of the two sides' ``result``; None when neither binds one. PairFailure
    when only one does, or when they differ beyond the tolerances."""
    bound = [s for s in pair.snippets if outcomes[s.framework.key].result is not None]
    if not bound:
        return None
    if len(bound) != len(pair.snippets):
        unbound = [s.relpath for s in pair.snippets if s not in bound]
        raise PairFailure(
            f"pair {pair.name!r}: {bound[0].relpath} binds `result` but {', '.join(unbound)} does not; "
            "bind it on both sides (the same quantity) or on neither"
        )
    a, b = (outcomes[s.framework.key].result for s in pair.snippets)
    assert a is not None and b is not None  # both bound: checked above
    found = compare(a, b, DEFAULT_RTOL if rtol is None else rtol, DEFAULT_ATOL if atol is None else atol)
    if not found.same:
        raise PairFailure(
            f"pair {pair.name!r}: the two sides computed different numbers: {found.problem} "
            f"({pair.snippets[0].relpath} vs {pair.snippets[1].relpath}; set rtol=/atol= on the "
            "pair fence if the difference is expected and explained on the page)"
        )
    return found


_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()
_current: Engine | None = None


def engine_for(settings: Settings) -> Engine:
    """The process's engine for ``settings.root``, configured with ``settings``: one per project
    and process, so that ``mkdocs serve`` keeps its workers between rebuilds."""
    with _engines_lock:
        engine = _engines.get(settings.root)
        if engine is None:
            engine = _engines[settings.root] = Engine(settings)
            atexit.register(engine.close)
    engine.configure(settings)
    return engine


def get_engine() -> Engine:
    """The engine a page part asks for: the one the MkDocs plugin chose; without the plugin
    (another builder, such as Zensical), that of the project in ``SNIPPETS_ROOT``, else of the
    current directory, where builders run."""
    if _current is not None:
        return _current
    root = Path(os.environ.get("SNIPPETS_ROOT", os.getcwd())).resolve()
    with _engines_lock:
        engine = _engines.get(root)
    return engine if engine is not None else engine_for(Settings.for_project(root))


def use_engine(engine: Engine | None) -> None:
    global _current
    _current = engine
