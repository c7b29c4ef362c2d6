"""The API map's data and checks: bad entries name their file and line, a wrong claim or a
missing attribute stops the build, and only entries that changed run again."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT
from sidebyside import apimap
from sidebyside.cache import Cache
from sidebyside.data import DataError

GOOD = """\
- id: sum-axis
  concept: sum along an axis
  pytorch: torch.sum(x, dim=1)
  tensorflow: tf.reduce_sum(x, axis=1)
  inputs: {x: [3, 4]}
  same: true
  differences: []

- id: std
  concept: standard deviation
  pytorch: torch.std(x)
  tensorflow: tf.math.reduce_std(x)
  inputs: {x: [5, 4]}
  same: false
  match:
    pytorch: torch.std(x, correction=0)
    tensorflow: tf.math.reduce_std(x)
  differences: ["n - 1 against n"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def engine(tmp_path, runner):
    """What apimap.values needs of the engine: a cache directory and the workers."""
    calls = []

    def run_all(snippets, done):
        calls.append({s.framework.key: s.source for s in snippets})
        runner.run_all(snippets, done)

    counting = SimpleNamespace(run_all=run_all)
    return SimpleNamespace(cache=Cache(tmp_path / "cache"), runner=lambda: counting, calls=calls)


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("  same: true\n", "  same: maybe\n", 6, "same must be true or false"),
        ("  inputs: {x: [3, 4]}\n", "  inputs: {x: [3, 0]}\n", 5, "sizes are whole numbers"),
        ("  concept: sum along an axis\n", "", 1, "missing concept"),
        ("- id: std\n", "- id: sum-axis\n", 9, "id already used on line 1"),
        ("- id: std\n", "- id: Std dev\n", 9, "id must be a slug"),
        ("  same: false\n", "  same: false\n  rtol: lots\n", 15, "rtol must be a number"),
        ("  match:\n    pytorch: torch.std(x, correction=0)\n    tensorflow: tf.math.reduce_std(x)\n", "", 9,
         "same: false needs a match"),
    ],
    ids=["bad-same", "bad-shape", "missing-key", "duplicate-id", "bad-id", "bad-rtol", "no-match"],
)
def test_a_bad_entry_names_the_file_and_the_line(tmp_path, old, new, line, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        apimap.load(path)
    assert f"{path}:{line}:" in str(caught.value) and words in str(caught.value)


def checked(path: Path, engine) -> list[apimap.Checked]:
    entries = apimap.load(path)
    found = apimap.values(entries, engine)
    return [apimap.check(entry, found) for entry in entries]


def test_both_sides_run_and_only_a_changed_entry_runs_again(tmp_path, engine):
    path = write(tmp_path, GOOD)
    first = checked(path, engine)
    assert [c.plain.same for c in first] == [True, False]  # std: n - 1 against n, shown
    assert first[1].matched.same and first[0].plain.compared == 3
    assert [sorted(call) for call in engine.calls] == [["pytorch", "tensorflow"]]
    checked(path, engine)  # warm: nothing runs
    assert len(engine.calls) == 1
    path.write_text(GOOD.replace("dim=1", "dim=0").replace("axis=1", "axis=0"), encoding="utf-8")
    again = checked(path, engine)
    assert again[0].plain.compared == 4 and len(engine.calls) == 2
    # The second batch held only the edited entry: the std entry came from the cache.
    for source in engine.calls[1].values():
        assert "'sum-axis'" in source and "'std'" not in source


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("tf.reduce_sum(x, axis=1)", "tf.reduce_sum(x, axis=0)", "the two sides differ"),
        ("torch.sum(x, dim=1)", "torch.summ(x, dim=1)", "pytorch: AttributeError"),
        ("torch.std(x)", "torch.std(x, correction=0)", "says same: false, but both computed the same"),
    ],
    ids=["wrong-number", "missing-attribute", "not-different"],
)
def test_a_claim_that_does_not_hold_stops_the_build_with_file_and_line(tmp_path, engine, old, new, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        checked(path, engine)
    message = str(caught.value)
    line = 1 if "sum" in old or "reduce_sum" in old else 9
    assert message.startswith(f"{path}:{line}:") and words in message, message


def test_every_category_of_the_site_loads():
    files = sorted((ROOT / "docs" / apimap.DATA_DIR).glob("*.yml"))
    entries = [entry for path in files for entry in apimap.load(path)]
    assert len(files) >= 8 and len(entries) >= 80
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids)), "an id repeats across categories: anchors would clash"
    page = (ROOT / "docs" / "api-map" / "index.md").read_text(encoding="utf-8")
    assert all(f'api_map("{path.stem}")' in page for path in files), "a category is not on the page"


def test_pitfalls_list_every_differing_default_largest_first(built_site):
    from conftest import page_html, visible_text

    html = page_html(built_site, "api-map/index.md")
    table = visible_text(html[html.index('id="pitfalls-largest-first"') : html.index('id="creating-tensors"')])
    differing = [
        entry for path in sorted((ROOT / "docs" / apimap.DATA_DIR).glob("*.yml"))
        for entry in apimap.load(path) if not entry.same
    ]
    positions = [table.index(entry.concept) for entry in differing]
    assert len(set(positions)) == len(differing) >= 8
    shares = [float(m) for m in re.findall(r"\(([0-9.]+) % of the largest value\)", table)]
    assert shares == sorted(shares, reverse=True) and shares, shares
