"""Collect, run, render: the engine behind the ``pair`` fence.

On its first call in a build the engine scans ``docs/`` for every ``pair`` fence, loads every pair
they name, and runs the snippets whose results are not in the cache, both frameworks in parallel.
Every later call renders from memory. When the files under ``docs/`` or ``snippets/`` change (a
rebuild under ``mkdocs serve``), the next call collects again, and only changed snippets run.
The engine needs no site-generator events for this, so any builder that runs markdown-exec's
fences runs it; the optional MkDocs plugin adds the end-of-build summary and build boundaries.
"""

from __future__ import annotations

import atexit
import logging
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
from .runner import Runner
from .scan import Reference, scan_references
from .settings import Settings
from .snippets import Pair, Snippet, SnippetError, load_pair
from .store import Store

log = logging.getLogger("mkdocs.plugins.sidebyside")

try:  # under MkDocs a BuildError aborts the build with its message, with or without --strict
    from mkdocs.exceptions import BuildError as _FailureBase
except ImportError:  # another builder: the exception still propagates out of the fence
    _FailureBase = Exception  # type: ignore[misc,assignment]


class PairFailure(_FailureBase):
    """A pair cannot be shown: the message names the page, the snippet file and line, the error."""


@dataclass
class Stats:
    run: int = 0
    cached: int = 0
    failed: int = 0

    map_entries: dict[str, bool] = field(default_factory=dict)  # API-map entry id -> ran this build

    def line(self) -> str:
        line = f"snippets: {self.run} run, {self.cached} from cache, {self.failed} failed"
        if self.map_entries:
            ran = sum(self.map_entries.values())
            line += f"; api map: {ran} checked, {len(self.map_entries) - ran} from cache"
        return line


@dataclass
class Collected:
    signature: tuple
    references: list[Reference]
    pairs: dict[str, Pair] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # snippet relpath -> outcome
    problems: dict[str, str] = field(default_factory=dict)  # pair name -> why it cannot render


class Engine:
    def __init__(self, settings: Settings, runner: Runner | None = None):
        self.settings = settings
        self.store = Store(settings.cache_dir)
        self.stats = Stats()
        # Set by the MkDocs plugin, which calls new_build() before each build: within a build
        # nothing changes, so no call needs to look for changed files. Other builders leave
        # it off, and each call compares the files' signature instead.
        self.bounded = False
        self._collected: Collected | None = None
        self._keys: dict[Snippet, str] = {}  # each snippet's cache key, once per build
        self._runner = runner
        self._owns_runner = runner is None
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def docs_dir(self) -> Path:
        return self.settings.docs_dir

    @property
    def execute(self) -> bool:
        return self.settings.execute

    def configure(self, settings: Settings) -> None:
        """New settings (``mkdocs serve`` reads mkdocs.yml again for each build): what was
        collected under the old ones is forgotten, the workers stay."""
        if settings != self.settings:
            with self._lock:
                self.settings = settings
                self.store = Store(settings.cache_dir)
                self._collected = None
                self._keys.clear()

    # ----------------------------------------------------------------------------- collect
    def _signature(self) -> tuple:
        entries = []
        for base in (self.docs_dir, self.root / "snippets"):
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    stat = path.stat()
                    entries.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(entries)

    def new_build(self) -> None:
        """Forget what was collected and the keys: the next pair collects again. The plugin
        calls this when MkDocs reads the configuration, which it does for each build."""
        with self._lock:
            self._collected = None
            self._keys.clear()
            self.stats = Stats()
            self.store.used.clear()
        cache_mod.forget_installed()

    def key(self, snippet: Snippet) -> str:
        """The snippet's cache key, computed once per build (OSError: a declared file is unreadable)."""
        key = self._keys.get(snippet)
        if key is None:
            key = self._keys[snippet] = cache_mod.key_for(snippet)
        return key

    def prestart(self) -> None:
        """Start the workers that the coming build will need, before the first page renders.

        Importing TensorFlow takes seconds; started here, it overlaps with the builder's own
        start-up. Only frameworks with a snippet missing from the cache are started, so a warm
        build still imports nothing. Problems are left for the collection to report.
        """
        if not self.execute:
            return
        needed = {}
        pairs, _ = self._load_pairs(scan_references(self.docs_dir))
        for snippet in (s for pair in pairs.values() for s in pair.snippets):
            try:
                if not snippet.options.fresh and self.store.outcome(self.key(snippet)) is None:
                    needed[snippet.framework.key] = snippet.framework
            except OSError:
                continue
        if needed:
            self.runner().start(needed.values())

    def collect(self) -> Collected:
        with self._lock:
            if self._collected is not None and self.bounded:
                return self._collected
            signature = self._signature()
            if self._collected is None or self._collected.signature != signature:
                if self._collected is not None:
                    self.stats = Stats()  # files changed: this is a new build
                    self._keys.clear()
                self._collected = self._collect(signature)
            return self._collected

    def _collect(self, signature: tuple) -> Collected:
        collected = Collected(signature, scan_references(self.docs_dir))
        collected.pairs, collected.problems = self._load_pairs(collected.references)
        self.stats.failed += len(collected.problems)
        if not self.execute:
            return collected
        pairs = list(collected.pairs.values())
        collected.outcomes, unreadable = self.results([s for pair in pairs for s in pair.snippets])
        for pair in pairs:
            for snippet in pair.snippets:
                if snippet.relpath in unreadable:
                    collected.problems[pair.name] = unreadable[snippet.relpath]
        return collected

    def _load_pairs(self, references: list[Reference]) -> tuple[dict[str, Pair], dict[str, str]]:
        """Each referenced pair, loaded once; and why, for the names that cannot be loaded."""
        pairs: dict[str, Pair] = {}
        problems: dict[str, str] = {}
        for ref in references:
            if ref.name in pairs or ref.name in problems:
                continue
            try:
                pairs[ref.name] = load_pair(self.root, ref.name)
            except SnippetError as error:
                problems[ref.name] = str(error)
        return pairs, problems

    def results(self, snippets: list[Snippet], refresh: bool = False) -> tuple[dict[str, Outcome], dict[str, str]]:
        """The outcome of each snippet, by path: from the cache, or run now, all missing ones at
        once; and why, for snippets whose declared data files cannot be read."""
        outcomes: dict[str, Outcome] = {}
        unreadable: dict[str, str] = {}
        missing: list[tuple[Snippet, str]] = []
        for snippet in snippets:
            try:
                key = self.key(snippet)
            except OSError as error:
                unreadable[snippet.relpath] = f"{snippet.relpath}: cannot read a declared file: {error}"
                self.stats.failed += 1
                continue
            entry = None if refresh else self.store.outcome(key)
            if entry is not None:
                outcomes[snippet.relpath] = entry
                self.stats.cached += 1
            else:
                missing.append((snippet, key))
        if missing:
            self._run(missing, outcomes)
        return outcomes, unreadable

    def _run(self, missing: list[tuple[Snippet, str]], outcomes: dict[str, Outcome]) -> None:
        keys = {snippet.relpath: key for snippet, key in missing}
        total = len(missing)
        counter = [0]
        log.info("snippets: running %d snippet%s", total, "" if total == 1 else "s")

        def done(snippet: Snippet, outcome: Outcome) -> None:
            outcome.key = keys[snippet.relpath]
            outcomes[snippet.relpath] = outcome
            counter[0] += 1
            if outcome.ok:
                self.stats.run += 1
                self.store.put(outcome)  # stored at once: a later failure loses nothing
                dropped = outcome.log_lines_dropped
                removed = f" ({dropped} C++ log line{'s' * (dropped != 1)} removed)" if dropped else ""
                log.info("snippets: [%d/%d] %s ok in %.2f s%s", counter[0], total, snippet.id, outcome.seconds, removed)
            else:
                self.stats.failed += 1
                log.error("snippets: [%d/%d] %s FAILED: %s", counter[0], total, snippet.id, describe(snippet, outcome))

        self.runner().run_all([snippet for snippet, _ in missing], done)

    def runner(self) -> Runner:
        """The engine's runner (its framework workers), made on first use: the pairs' and the
        API map's checks run in it."""
        if self._runner is None:
            self._runner = Runner(self.settings.timeout)
        return self._runner

    def close(self) -> None:
        if self._runner is not None and self._owns_runner:
            self._runner.close()
            self._runner = None

    # ------------------------------------------------------------------------------ render
    def _where(self, collected: Collected, name: str) -> str:
        pages = [f"docs/{r.page}:{r.line}" for r in collected.references if r.name == name]
        return ", ".join(pages) or "(no page)"

    def failures(self, collected: Collected) -> list[str]:
        """Every reason the site cannot be built, one paragraph each."""
        messages = [f"{self._where(collected, name)}: {problem}" for name, problem in collected.problems.items()]
        for name, pair in collected.pairs.items():
            for snippet in pair.snippets:
                outcome = collected.outcomes.get(snippet.relpath)
                if outcome is not None and not outcome.ok:
                    messages.append(f"{self._where(collected, name)}: {describe(snippet, outcome)}")
        return messages

    def source_url(self, snippet: Snippet) -> str | None:
        if not self.settings.repo_url:
            return None
        return f"{self.settings.repo_url}/blob/{self.settings.edit_branch}/{snippet.relpath}"

    def render(self, name: str, rtol: float | None = None, atol: float | None = None) -> str:
        collected = self.collect()
        failures = self.failures(collected)
        if failures:
            count = len(failures)
            raise PairFailure(
                f"{count} pair problem{'s stop' if count > 1 else ' stops'} the build "
                f"(while rendering pair {name!r}):\n" + "\n".join(f"- {m}" for m in failures)
            )
        pair = collected.pairs.get(name)
        if pair is None:  # the fence was not found by the scan (e.g. generated content)
            try:
                pair = load_pair(self.root, name)
            except SnippetError as error:
                raise PairFailure(str(error)) from None
            raise PairFailure(
                f"pair {name!r} is rendered but the scan of {self.docs_dir} did not find its fence; "
                "write it as a ```pair fence in a page under docs/"
            )
        urls = {s.framework.key: self.source_url(s) for s in pair.snippets}
        if not self.execute:
            return render_pair(pair, None, None, urls)
        outcomes = {s.framework.key: collected.outcomes[s.relpath] for s in pair.snippets}
        verdict = self.verdict(pair, outcomes, rtol, atol)
        return render_pair(pair, outcomes, verdict, urls)

    def verdict(
        self, pair: Pair, outcomes: dict[str, Outcome], rtol: float | None, atol: float | None
    ) -> Verdict | None:
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
        verdict = compare(a, b, DEFAULT_RTOL if rtol is None else rtol, DEFAULT_ATOL if atol is None else atol)
        if not verdict.same:
            raise PairFailure(
                f"pair {pair.name!r}: the two sides computed different numbers: {verdict.problem} "
                f"({pair.snippets[0].relpath} vs {pair.snippets[1].relpath}; set rtol=/atol= on the "
                "pair fence if the difference is expected and explained on the page)"
            )
        return verdict

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
                raise PairFailure(f"pair {name!r}: {describe(snippet, outcome)}")
            if outcome.measured is None:
                raise PairFailure(f"pair {name!r}: {snippet.relpath} binds no `measured` value")
            found[snippet.framework.key] = outcome.measured
        return found

    def versions(self) -> dict[str, str]:
        """What the snippets actually ran with, as reported by the workers."""
        found: dict[str, str] = {}
        collected = self.collect()
        for outcome in collected.outcomes.values():
            for name, version in outcome.versions.items():
                found.setdefault(name, version)
        return found

    def machines(self) -> list[str]:
        """The machines the snippets' results came from (one, unless a cache was shared)."""
        return sorted({machine_mod.label(outcome.machine) for outcome in self.collect().outcomes.values()})


def describe(snippet: Snippet, outcome: Outcome) -> str:
    error = outcome.error
    line = error.line if error else None
    where = f"{snippet.relpath}:{line}" if line else snippet.relpath
    text = f"{where}: {error.message if error else 'failed'}"
    output = outcome.output.rstrip()
    if output:
        tail = "\n".join(output.splitlines()[-15:])
        text += "\n  output (last lines):\n" + "\n".join("    " + line for line in tail.splitlines())
    return text


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
