"""Lighthouse on one page of each kind of the built site, in the categories whose scores do not
depend on timing: accessibility, best practices and SEO must be 100.

Performance is simulated from a trace of this machine's CPU and moves by a few points from run
to run: `make lighthouse` measures it on every page (target 95), as the weekly benchmarks
workflow does, and CI does not gate on it. Every page's accessibility is also checked by axe-core
in both colour schemes (tests/test_browser.py).
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from browser import serve, site_pages
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import lighthouse  # noqa: E402  benchmarks/lighthouse.py: the same runs the benchmark makes

pytestmark = pytest.mark.browser
# The site's kinds of page, each with the page that stands for it (the largest of its kind, where
# there are several: the most for Lighthouse to find).
SECTIONS = ("api-map", "notebooks", "decision", "performance")
KINDS = {
    "home": lambda pages: ["index.html"],
    "topic": lambda pages: [p for p in pages if p.count("/") == 1 and p.split("/")[0] not in SECTIONS],
    "api-map index": lambda pages: ["api-map/index.html"],
    "api-map category": lambda pages: [p for p in pages if p.startswith("api-map/") and p != "api-map/index.html"],
    "decision": lambda pages: ["decision/index.html"],
    "performance": lambda pages: ["performance/index.html"],
    "notebook": lambda pages: [p for p in pages if p.startswith("notebooks/")],
}


@pytest.fixture(scope="module")
def results(built_site, tmp_path_factory) -> dict[str, tuple[str, dict]]:
    """{kind: (page, Lighthouse's summary)}, two runs at a time: these scores do not depend on
    how busy the machine is."""
    if not lighthouse.LIGHTHOUSE.exists():
        pytest.fail(f"{lighthouse.LIGHTHOUSE} is missing: `make test` installs it (npm ci in benchmarks/)")
    pages = site_pages(built_site.directory)
    reports = tmp_path_factory.mktemp("lighthouse")

    def measure(kind: str) -> tuple[str, dict]:
        candidates = KINDS[kind](pages)
        assert candidates, f"the built site has no {kind} page"
        page = max(candidates, key=lambda name: (built_site.directory / name).stat().st_size)
        url = base + page.removesuffix("index.html")
        report = lighthouse.lighthouse(url, reports / f"{kind.replace(' ', '-')}.json", lighthouse.UNTIMED)
        return page, lighthouse.summary(report)

    with serve(built_site.directory, 0, lighthouse.GzipHandler) as base, ThreadPoolExecutor(2) as pool:
        return dict(zip(KINDS, pool.map(measure, KINDS)))


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_of_each_kind_scores_100_in_the_untimed_categories(results, kind):
    page, result = results[kind]
    assert not lighthouse.below(result), f"{page}: {result['scores']}, failing audits: {result['failing']}"
