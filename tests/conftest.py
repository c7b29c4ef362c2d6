"""Shared fixtures: the project's paths, and the real site built once per test session."""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sidebyside.engine import Engine
    from sidebyside.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"snippets: (\d+) run, (\d+) from cache, (\d+) failed")
# mkdocs serve logs this once its file watcher has started: an edit after it is seen.
SERVING = re.compile(r"Serving on (http://\S+)")
# What the workflows set; the built site then links every snippet to its file in the repository.
REPO_URL = "https://github.com/example/side-by-side"


def build_env(**extra: str) -> dict[str, str]:
    """The environment of a build in a test: the caller's, but the store is the project's own
    (``.cache/snippets``) unless ``extra`` names one."""
    env = dict(os.environ)
    env.pop("SNIPPETS_CACHE_DIR", None)
    env.update(NO_MKDOCS_2_WARNING="1", SITE_REPO_URL=REPO_URL, SITE_EDIT_URI="edit/main/docs/")
    env.update(extra)
    return env


def mkdocs_build(project: Path, site_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``mkdocs build`` as a contributor runs it, in a subprocess; output is stdout+stderr."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir), *args],
        cwd=project,
        env=build_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1800,
    )


@contextlib.contextmanager
def mkdocs_serve(project: Path):
    """``mkdocs serve`` on a free port of 127.0.0.1, as a contributor keeps it running; yields
    ``next_match(pattern, seconds)``, which waits for the next output line matching ``pattern``
    and returns its groups."""
    import queue
    import socket
    import threading
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=build_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def next_match(pattern: re.Pattern, limit: float) -> tuple[str, ...]:
        deadline = time.monotonic() + limit
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            found = pattern.search(line)
            if found:
                return found.groups()
        raise AssertionError(f"no line matching {pattern.pattern!r} in time:\n" + "".join(seen[-30:]))

    try:
        yield next_match
    finally:
        server.terminate()
        server.wait(timeout=60)


# Two API-map entries as a category file holds them: one that agrees, one whose defaults differ.
MAP_ENTRIES = """\
- id: sum-axis
  concept: sum along an axis
  pytorch: torch.sum(x, dim=1)
  tensorflow: tf.reduce_sum(x, axis=1)
  inputs: {x: [3, 4]}
  check: same
  differences: []

- id: std
  concept: standard deviation
  pytorch: torch.std(x)
  tensorflow: tf.math.reduce_std(x)
  inputs: {x: [5, 4]}
  check: differs
  match:
    pytorch: torch.std(x, correction=0)
    tensorflow: tf.math.reduce_std(x)
  differences: ["n - 1 against n"]
"""


# -- A fixture project: tests/fixture_site copied, with pairs added (tests/test_engine.py, test_faults.py)

FIXTURE = ROOT / "tests" / "fixture_site"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the fixture site, whose results go to its own store (.cache/snippets)."""
    monkeypatch.delenv("SNIPPETS_CACHE_DIR", raising=False)
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def add_pair(root: Path, name: str, pytorch: str, tensorflow: str, page: str = "index.md") -> None:
    """Write both snippets of a pair and name it in a page."""
    write(root, f"snippets/{name}_pytorch.py", pytorch)
    write(root, f"snippets/{name}_tensorflow.py", tensorflow)
    page_path = root / "docs" / page
    existing = page_path.read_text() if page_path.exists() else "# Page\n"
    page_path.write_text(existing + f"\n```pair\n{name}\n```\n")


def engine_for(root: Path, runner: Runner | None) -> Engine:
    from sidebyside.engine import Engine
    from sidebyside.settings import Settings

    return Engine(Settings.for_project(root), runner=runner)


@pytest.fixture(scope="module")
def runner():
    """One Runner per test module, so that each framework is imported once per module (the
    engine and API-map tests drive it directly; a snippet may set its own, longer timeout)."""
    from sidebyside.runner import Runner

    shared = Runner(default_timeout=60)
    yield shared
    shared.close()


@dataclass
class BuiltSite:
    directory: Path
    log: str


# The test of tests/test_snippets.py that compares each run with the page (by name: a renamed
# test finds no run and fails).
READER_TEST = "test_snippet_run_alone_prints_what_the_page_shows"


@pytest.fixture(scope="session", autouse=True)
def reader_runs(request, tmp_path_factory):
    """{snippet path: Future of its runs as a reader} for the selected tests of
    tests/test_snippets.py, started with the session (tests/alone.py): they use what the build
    and the other tests leave of the two cores."""
    import alone

    selected = [item.callspec.params["path"] for item in request.session.items if item.originalname == READER_TEST]
    pool, futures = alone.start(list(dict.fromkeys(selected)), tmp_path_factory.mktemp)
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly with the project's cache (warm after the first build)."""
    site = tmp_path_factory.mktemp("site")
    store = {name: value for name, value in os.environ.items() if name == "SNIPPETS_CACHE_DIR"}
    result = mkdocs_build(ROOT, site, "--strict", **store)
    assert result.returncode == 0, result.stdout[-6000:]
    return BuiltSite(site, result.stdout)


def page_html(site: BuiltSite, page: str) -> str:
    """The built HTML of a docs-relative page (MkDocs' directory URLs: a/b.md -> a/b/index.html)."""
    stem = page.removesuffix(".md")
    target = stem + ".html" if stem == "index" or stem.endswith("/index") else stem + "/index.html"
    return (site.directory / target).read_text(encoding="utf-8")


def pair_html(text: str, name: str) -> str:
    """The HTML of one rendered pair: from its anchor to the next pair (or the end)."""
    from sidebyside.render import anchor

    start = text.index(f'id="{anchor(name)}"')
    following = text.find('class="sbs-pair"', start)
    return text[start : following if following != -1 else None]


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def shown_output(block: str, relpath: str) -> str | None:
    """The output a rendered pair shows for one snippet, as text; None when it shows none."""
    title = f'<span class="filename">{relpath}</span>'
    start = block.index(title)
    following = block.find('<span class="filename">snippets/', start + len(title))
    side = block[start : following if following != -1 else None]
    match = re.search(r"sbs-output[^>]*>.*?<code[^>]*>(.*?)</code>", side, re.DOTALL)
    return visible_text(match.group(1)) if match else None


# -- The built site in Debian's Chromium (tests/test_browser.py, tests/test_decision.py) --------

TIMEOUT_MS = 10_000
# A page's first query waits for its search worker to fetch the index and build it, the longest
# step of a search and the one a busy machine stretches most (the snippets' runs as a reader go
# on in the background): a test waits for it on its own, with room, then queries in TIMEOUT_MS.
INDEX_TIMEOUT_MS = 120_000
SEARCH_READY = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta !== null && !meta.textContent.includes('Initializing search');
}"""


def search_ready(page) -> None:
    """Click in the page's search box (which fetches the index) and wait until Material has
    replaced its "Initializing search" line: the index is built."""
    page.locator("input.md-search__input").click()
    page.wait_for_function(SEARCH_READY, timeout=INDEX_TIMEOUT_MS)


@dataclass
class Site:
    base: str  # "http://127.0.0.1:<port>/"
    directory: Path
    browser: object

    @property
    def origin(self) -> str:
        return self.base.rstrip("/")


@pytest.fixture(scope="module")
def site(built_site):
    from browser import chromium, serve

    with serve(built_site.directory) as base, chromium() as browser:
        yield Site(base, built_site.directory, browser)


@pytest.fixture
def new_page(site):
    """Factory: a page in a new context of the given width and colour scheme, closed after the test."""
    contexts = []

    def make(width: int, color_scheme: str = "light", height: int = 900, **options):
        context = site.browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context, context.new_page()

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


def serve_sitemap_for_this_origin(site: Site, context) -> None:
    """Answer sitemap.xml with its URLs moved from the configured site_url to this server.

    Material's instant navigation only intercepts links listed in sitemap.xml, and when it maps
    the sitemap onto the current origin it replaces the protocol and host name but keeps the
    port. The test build's site_url is http://127.0.0.1:8000/ while this server has a random
    port, so without this every link would fall back to a full page load. Deployed, site_url is
    the address the site is served from, which this rewrite reproduces.
    """
    sitemap = (site.directory / "sitemap.xml").read_text(encoding="utf-8")
    root = min(re.findall(r"<loc>(.*?)</loc>", sitemap), key=len)

    def handle(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(root, site.base))

    context.route(site.base + "sitemap.xml", handle)
