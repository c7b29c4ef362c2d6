"""docs/data/releases.yml: the newest release of every pin, and the day they were looked up."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from sidebyside import releases
from sidebyside.data import DataError

PYPROJECT = """\
[project]
name = "demo"
dependencies = ["torch==2.13.0", "numpy==2.4.6; sys_platform == 'linux'", "rich>=13"]
"""


def project(tmp_path: Path, data: str) -> tuple[Path, Path]:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    path = tmp_path / "docs" / releases.DATA
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(data))
    return tmp_path, path


GOOD = """\
    reviewed: "2026-12-06"
    packages:
      torch: {newest: 2.15.0}
      numpy: {newest: 2.4.6}
    """


def test_the_site_lists_every_pin_with_a_newest_release_not_older_than_it():
    reviewed, listed = releases.load(ROOT, ROOT / "docs")
    assert reviewed <= datetime.date.today()
    assert {release.name for release in listed} >= set(releases.pins(ROOT))
    assert {"torch", "keras", "numpy", "mkdocs-material", "keras-hub"} <= {release.name for release in listed}


def test_the_table_says_the_pin_and_the_newest_release_of_the_review_day(tmp_path):
    root, _ = project(tmp_path, GOOD)
    table = releases.table(root, root / "docs")
    assert "| Package | Pinned | Newest release on December 6, 2026 |" in table
    assert "| `torch` | `2.13.0` | `2.15.0` |" in table and "| `numpy` | `2.4.6` | the same |" in table


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ('"2026-12-06"', '"2026-12-08"', 1, "is in the future"),
        ("numpy: {newest: 2.4.6}", "numpy: {newest: 2.4.5}", 4, "the pin 2.4.6 is newer than the newest release"),
        ("      numpy: {newest: 2.4.6}\n", "", 3, "the pins of numpy are not listed"),
        ("numpy: {newest: 2.4.6}", "numpy: {newest: 2.4.6}\n      rich: {newest: 14.0.0}", 5, "rich: not pinned"),
        ("torch: {newest: 2.15.0}", "torch: {latest: 2.15.0}", 3, "missing newest"),
    ],
    ids=["future-review", "pin-newer-than-newest", "pin-not-listed", "listed-not-pinned", "missing-key"],
)
def test_a_wrong_review_stops_the_build_at_its_line(tmp_path, old, new, line, words):
    root, path = project(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataError) as caught:
        releases.load(root, root / "docs", today=datetime.date(2026, 12, 7))
    assert f"{path}:{line}:" in str(caught.value) and words in str(caught.value)
