"""The engine does not depend on MkDocs: Zensical, the successor of Material for MkDocs, builds
the same mkdocs.yml with every pair rendered (from the cache the site build filled).

Zensical runs no MkDocs plugins, so this is the pair fence and markdown-exec on their own: the
engine finds the pairs by scanning docs/ itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, build_env, page_html

from sidebyside import cache as cache_mod
from sidebyside.render import anchor
from sidebyside.scan import scan_references

ZENSICAL = Path(sys.executable).with_name("zensical")


def test_zensical_builds_the_site_with_every_pair(built_site, tmp_path):
    project = tmp_path / "project"
    for part in ("docs", "snippets", "overrides"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    built = subprocess.run(
        [str(ZENSICAL), "build", "--strict", "-f", "mkdocs.yml"],
        cwd=project,
        env=build_env(SNIPPETS_CACHE_DIR=str(cache_mod.default_dir(ROOT))),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    site = type(built_site)(project / "site", built.stdout)
    missing = []
    for ref in scan_references(ROOT / "docs"):
        text = page_html(site, ref.page)
        if f'id="{anchor(ref.name)}"' not in text or "Preview: not executed" in text:
            missing.append(f"docs/{ref.page}:{ref.line}: {ref.name}")
    assert not missing, "pairs not rendered by Zensical:\n" + "\n".join(missing)
    for path in site.directory.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "language-pair" not in text and 'exec="' not in text, f"{path}: a block was left unexecuted"


def test_after_a_zensical_build_the_notebooks_are_files_to_download(built_site, tmp_path):
    """Zensical runs no plugin and no mkdocs-jupyter: `make zensical` writes the notebooks as
    files next to its pages, the same notebooks the MkDocs build serves."""
    import nbformat

    import sidebyside.notebooks as notebooks

    out = tmp_path / "site" / "notebooks"
    written = subprocess.run(
        [sys.executable, "-m", "sidebyside", "--root", str(ROOT), "notebooks", str(out)],
        env=build_env(SNIPPETS_CACHE_DIR=str(cache_mod.default_dir(ROOT))),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert written.returncode == 0, written.stderr
    assert "snippets: 0 run" in written.stdout  # from the cache the site build filled
    for notebook in notebooks.notebooks_for(ROOT / "docs"):
        nbformat.validate(nbformat.read(out / notebook.filename, as_version=4))


def test_after_a_zensical_build_the_map_as_data_is_the_one_mkdocs_publishes(built_site, tmp_path):
    """`make zensical` writes api-map/api-map.json with the command line, from the same store:
    the same file as the MkDocs build's plugin writes."""
    written = subprocess.run(
        [sys.executable, "-m", "sidebyside", "--root", str(ROOT), "api-map-json", str(tmp_path / "site")],
        env=build_env(SNIPPETS_CACHE_DIR=str(cache_mod.default_dir(ROOT))),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert written.returncode == 0, written.stderr
    published = built_site.directory / "api-map" / "api-map.json"
    assert (tmp_path / "site" / "api-map" / "api-map.json").read_bytes() == published.read_bytes()
