"""Results, the middle step of a build (collect → results → render): each snippet's outcome,
read from the store, or run now with every other missing one.

A snippet's key is computed once per build. The missing snippets run together in the runner's
workers, both frameworks at once, and each outcome is stored the moment it succeeds, so that a
later failure loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import cache as cache_mod
from .outcome import Outcome
from .runner import Runner
from .snippets import Framework, Snippet
from .store import Store, log


@dataclass
class Stats:
    """What a build did, for its summary line."""

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


class Results:
    def __init__(self, store: Store, timeout: float, runner: Runner | None = None):
        self.store = store
        self.timeout = timeout
        self.stats = Stats()
        self._keys: dict[Snippet, str] = {}
        self._runner = runner
        self._owns_runner = runner is None

    def new_build(self) -> None:
        """Count afresh and compute keys afresh (a file or a package may have changed)."""
        self._keys.clear()
        self.stats = Stats()
        self.store.used.clear()

    def key(self, snippet: Snippet) -> str:
        """The snippet's key in the store, once per build (OSError: a declared file is unreadable)."""
        key = self._keys.get(snippet)
        if key is None:
            key = self._keys[snippet] = cache_mod.key_for(snippet)
        return key

    def missing_frameworks(self, snippets: list[Snippet]) -> list[Framework]:
        """The frameworks whose worker the missing snippets need (a fresh one needs none)."""
        needed: dict[str, Framework] = {}
        for snippet in snippets:
            try:
                if not snippet.options.fresh and self.store.outcome(self.key(snippet)) is None:
                    needed[snippet.framework.key] = snippet.framework
            except OSError:  # reported when the build collects
                continue
        return list(needed.values())

    def get(self, snippets: list[Snippet], refresh: bool = False) -> tuple[dict[str, Outcome], dict[str, str]]:
        """The outcome of each snippet, by path: from the store, or run now, all missing ones at
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
            stored = None if refresh else self.store.outcome(key)
            if stored is not None:
                outcomes[snippet.relpath] = stored
                self.stats.cached += 1
            else:
                missing.append((snippet, key))
        if missing:
            self._run_missing(missing, outcomes)
        return outcomes, unreadable

    def _run_missing(self, missing: list[tuple[Snippet, str]], outcomes: dict[str, Outcome]) -> None:
        keys = {snippet.relpath: key for snippet, key in missing}
        total, finished = len(missing), [0]
        log.info("snippets: running %d snippet%s", total, "" if total == 1 else "s")

        def done(snippet: Snippet, outcome: Outcome) -> None:
            outcome.key = keys[snippet.relpath]
            outcomes[snippet.relpath] = outcome
            finished[0] += 1
            count = f"[{finished[0]}/{total}]"
            if outcome.ok:
                self.stats.run += 1
                self.store.put(outcome)  # stored at once: a later failure loses nothing
                dropped = outcome.log_lines_dropped
                removed = f" ({dropped} C++ log line{'s' * (dropped != 1)} removed)" if dropped else ""
                log.info("snippets: %s %s ok in %.2f s%s", count, snippet.id, outcome.seconds, removed)
            else:
                self.stats.failed += 1
                log.error("snippets: %s %s FAILED: %s", count, snippet.id, outcome.failure())

        try:
            self.runner().run_all([snippet for snippet, _ in missing], done)
        except KeyboardInterrupt:
            log.warning(
                "snippets: interrupted: %d of %d finished (what succeeded is stored); the rest run next build",
                finished[0],
                total,
            )
            raise

    @property
    def started(self) -> bool:
        """Whether the runner exists: a warm or preview build never makes one."""
        return self._runner is not None

    def runner(self) -> Runner:
        """The runner (its framework workers), made on first use: the pairs' and the API map's
        checks run in it."""
        if self._runner is not None and self._owns_runner and self._runner.stopping.is_set():
            self.close()  # stopped by an error in an earlier build (mkdocs serve): start afresh
        if self._runner is None:
            self._runner = Runner(self.timeout)
        return self._runner

    def close(self) -> None:
        if self._runner is not None and self._owns_runner:
            self._runner.close()
            self._runner = None
