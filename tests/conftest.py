"""Shared fixtures: the project's paths, and the real site built once per test session."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"snippets: (\d+) run, (\d+) from cache, (\d+) failed")
# What the workflows set; the built site then links every snippet to its file in the repository.
REPO_URL = "https://github.com/example/side-by-side"


def build_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
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


@dataclass
class BuiltSite:
    directory: Path
    log: str


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The real site, built strictly with the project's cache (warm after the first build)."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site, "--strict")
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
    match = re.search(r'sbs-output[^>]*>.*?<code>(.*?)</code>', side, re.DOTALL)
    return visible_text(match.group(1)) if match else None
