"""Shared fixtures: the project's paths, and the real site built once per test session."""

from __future__ import annotations

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
