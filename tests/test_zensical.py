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
from sidebyside.scan import scan_references
from sidebyside.render import anchor

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
