"""The API map's data and checks: bad entries name their file and line, a wrong claim or a
missing attribute stops the build, and only entries that changed run again."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from conftest import MAP_ENTRIES as GOOD
from conftest import ROOT

from sidebyside import links
from sidebyside.apimap import check as checking
from sidebyside.apimap import mentions, schema
from sidebyside.apimap.render import markdown
from sidebyside.compare import Verdict
from sidebyside.data import DataError
from sidebyside.store import Store


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def requests(batch) -> list[dict]:
    """The entries a batch script hands the harness: the JSON file its source names."""
    named = re.search(r"check_file\('\w+', '([^']+)'\)", batch.source)
    assert named, batch.source
    return json.loads(Path(named[1]).read_text())


@pytest.fixture
def engine(tmp_path, runner):
    """What checking.values needs of the engine: a cache directory and the workers."""
    calls = []

    def run_all(snippets, done):  # each batch's entries, by framework
        calls.append({s.framework.key: [request["id"] for request in requests(s)] for s in snippets})
        runner.run_all(snippets, done)

    counting = SimpleNamespace(run_all=run_all)
    return SimpleNamespace(store=Store(tmp_path / "cache"), runner=lambda: counting, calls=calls)


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("  check: same\n", "  check: maybe\n", 6, "check must be one of same, differs, resolves"),
        ("  inputs: {x: [3, 4]}\n", "  inputs: {x: [3, 0]}\n", 5, "sizes are whole numbers"),
        ("  concept: sum along an axis\n", "", 1, "missing concept"),
        ("- id: std\n", "- id: sum-axis\n", 9, "id already used on line 1"),
        ("- id: std\n", "- id: Std dev\n", 9, "id must be a slug"),
        ("  check: differs\n", "  check: differs\n  rtol: lots\n", 15, "rtol must be a number"),
        ("  pytorch: torch.sum(x, dim=1)\n", "  pytorch: torch.sum(x, dim=1\n", 3, "never closed"),
        (
            "  pytorch: torch.sum(x, dim=1)\n",
            "  pytorch: |\n    y = x + 1\n    z = y = 2\n",
            5,
            "the last line must be an expression",
        ),
        (
            "  pytorch: torch.sum(x, dim=1)\n",
            "  pytorch: |\n    y = x + 1\n    torch.sum(y, dim=1)\n",
            3,
            "give names:",
        ),
        (
            "  check: same\n",
            "  check: same\n  match: {pytorch: x, tensorflow: x}\n",
            7,
            "match belongs to check: differs",
        ),
        (
            "  match:\n    pytorch: torch.std(x, correction=0)\n    tensorflow: tf.math.reduce_std(x)\n",
            "",
            14,
            "check: differs needs a match",
        ),
    ],
    ids=[
        "bad-check",
        "bad-shape",
        "missing-key",
        "duplicate-id",
        "bad-id",
        "bad-rtol",
        "syntax-error",
        "block-without-expression",
        "block-without-names",
        "match-with-same",
        "no-match",
    ],
)
def test_a_bad_entry_names_the_file_and_the_line(tmp_path, old, new, line, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        schema.load(path)
    assert f"{path}:{line}:" in str(caught.value) and words in str(caught.value)


def verdict(item: checking.Checked, matched: bool = False) -> Verdict:
    """The verdict of the code as written (or of the match pair), which a compared entry has."""
    found = item.matched if matched else item.written
    assert found is not None, item.entry.id
    return found


def checked(path: Path, engine) -> list[checking.Checked]:
    entries = schema.load(path)
    found = checking.values(entries, engine)
    return [checking.check(entry, found) for entry in entries]


def test_both_sides_run_and_only_a_changed_entry_runs_again(tmp_path, engine):
    path = write(tmp_path, GOOD)
    first = checked(path, engine)
    assert [verdict(c).same for c in first] == [True, False]  # std: n - 1 against n, shown
    assert verdict(first[1], matched=True).same and verdict(first[0]).compared == 3
    assert [sorted(call) for call in engine.calls] == [["pytorch", "tensorflow"]]
    checked(path, engine)  # warm: nothing runs
    assert len(engine.calls) == 1
    path.write_text(GOOD.replace("dim=1", "dim=0").replace("axis=1", "axis=0"), encoding="utf-8")
    again = checked(path, engine)
    assert verdict(again[0]).compared == 4 and len(engine.calls) == 2
    # The second batch held only the edited entry: the std entry came from the cache.
    assert engine.calls[1] == {"pytorch": ["sum-axis"], "tensorflow": ["sum-axis"]}


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("tf.reduce_sum(x, axis=1)", "tf.reduce_sum(x, axis=0)", "the two sides differ"),
        ("torch.sum(x, dim=1)", "torch.summ(x, dim=1)", "pytorch: AttributeError"),
        ("torch.std(x)", "torch.std(x, correction=0)", "says check: differs, but both computed the same"),
    ],
    ids=["wrong-number", "missing-attribute", "not-different"],
)
def test_a_claim_that_does_not_hold_stops_the_build_with_file_and_line(tmp_path, engine, old, new, words, request):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        checked(path, engine)
    message = str(caught.value)
    line = {"wrong-number": 1, "missing-attribute": 3}.get(request.node.callspec.id, 9)  # raised: its code's line
    assert message.startswith(f"{path}:{line}:") and words in message, message


KINKS = """\
- id: abs-kink
  concept: absolute value
  pytorch: torch.abs(x)
  tensorflow: tf.abs(x)
  inputs: {x: [4, 4]}
  check: same
  differences: []

- id: hardtanh-kink
  concept: clip to [-1, 1]
  pytorch: torch.nn.functional.hardtanh(x * 2)
  tensorflow: keras.ops.clip(x * 2, -1.0, 1.0)
  inputs: {x: [4, 4]}
  check: same
  differences: []
"""


def test_gradients_are_compared_at_kinks_and_a_difference_must_be_declared(tmp_path, engine):
    """Ports break in gradients too: at a bound of the clip (x * 2 = ±1) PyTorch's hardtanh
    passes no gradient and Keras' clip passes it whole. The build compares the gradients of
    the same random cotangent at inputs half of which sit on kinks, and stops on a difference
    that the entry does not declare, or on a declared one that is not there."""
    from sidebyside.apimap import harness

    kinked = harness.kinked("hardtanh-kink", harness.inputs("hardtanh-kink", {"x": ["float", [4, 4]]}))["x"]
    assert (kinked == 0).any() and (abs(kinked) == 0.5).any()  # relu's kink and the clip's bounds
    path = write(tmp_path, KINKS)
    with pytest.raises(DataError) as caught:
        checked(path, engine)
    assert str(caught.value).startswith(f"{path}:9: entry 'hardtanh-kink': the gradients differ: result['x']")
    assert "add gradients: differ" in str(caught.value)
    path.write_text(KINKS + "  gradients: differ\n")
    absolute, clip = checked(path, engine)
    assert absolute.backward is not None and absolute.backward.same and absolute.backward.compared == 16
    assert clip.backward is not None and not clip.backward.same
    page = markdown([absolute, clip], checking.values(schema.load(path), engine))
    assert "Backward: the gradients with respect to `x` agree (16 compared" in page
    assert "Backward: the gradients with respect to `x` **differ** (largest difference" in page
    path.write_text(KINKS.replace("  differences: []\n", "  gradients: differ\n  differences: []\n", 1))
    with pytest.raises(DataError, match="entry 'abs-kink': the gradients agree; take out gradients: differ"):
        checked(path, engine)


BLOCKS = """\
- id: lstm-state
  concept: the last hidden state of a recurrent layer
  names: {pytorch: torch.nn.RNN, tensorflow: keras.layers.SimpleRNN}
  pytorch: |
    rnn = torch.nn.RNN(3, 2, batch_first=True, bias=False)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(w)
        rnn.weight_hh_l0.copy_(u)
    rnn(x)[1][0]
  tensorflow: |
    rnn = keras.layers.SimpleRNN(2, use_bias=False)
    rnn.build((2, 4, 3))
    rnn.set_weights([tf.transpose(w).numpy(), tf.transpose(u).numpy()])
    rnn(x)
  inputs: {x: [2, 4, 3], w: [2, 3], u: [2, 2]}
  check: same
  differences: []

- id: process-group
  concept: join a group of training processes
  pytorch: torch.distributed.init_process_group("nccl")
  tensorflow: tf.distribute.MultiWorkerMirroredStrategy()
  check: resolves
  missing: tensorflow
  differences: []
"""


def test_blocks_run_as_statements_and_resolves_checks_names_without_running(tmp_path, engine):
    """A block's statements run and its last line is compared; a `resolves` entry is not run
    (NCCL does not exist on this machine: running it would raise), only its names are looked up."""
    path = write(tmp_path, BLOCKS)
    rnn, group = checked(path, engine)
    assert verdict(rnn).same and verdict(rnn).compared == 4  # (batch 2, units 2)
    assert group.written is None
    found = checking.values(schema.load(path), engine)
    page = markdown([rnn, group], found)
    assert '```python title="PyTorch"\nrnn = torch.nn.RNN(3, 2' in page  # blocks keep their lines
    assert "## `torch.nn.RNN` and `keras.layers.SimpleRNN`: the last hidden state" in page
    assert "`tf.distribute.MultiWorkerMirroredStrategy` (no direct equivalent)" in page
    assert "every name resolves in the installed versions (`torch.distributed.init_process_group`" in page


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("rnn(x)[1][0]", "rnn(x)[1][0].nope", 9, "pytorch: AttributeError"),  # the block's own line
        ("rnn.set_weights([", "rnn.set_weightz([", 13, "tensorflow: AttributeError"),
        (
            "tf.distribute.MultiWorkerMirroredStrategy()",
            "tf.distribute.MultiWorkerMirrorStrategy()",
            22,
            "tf.distribute.MultiWorkerMirrorStrategy does not exist",
        ),
    ],
    ids=["pytorch-block", "tensorflow-block", "unresolved-name"],
)
def test_an_error_in_a_block_names_its_line_in_the_file(tmp_path, engine, old, new, line, words):
    path = write(tmp_path, BLOCKS.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        checked(path, engine)
    assert str(caught.value).startswith(f"{path}:{line}:") and words in str(caught.value), str(caught.value)


def test_every_category_of_the_site_loads():
    files = sorted((ROOT / "docs" / schema.DATA_DIR).glob("*.yml"))
    entries = [entry for path in files for entry in schema.load(path)]
    assert len(files) >= 8 and len(entries) >= 80
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids)), "an id repeats across categories: anchors would clash"
    pages = sorted((ROOT / "docs" / "api-map").glob("*.md"))
    assert {page.stem for page in pages} == {path.stem for path in files} | {"index"}, "a category without its page"
    for path in files:
        page = (ROOT / "docs" / schema.page_of(path)).read_text(encoding="utf-8")
        assert f'api_map("{path.stem}")' in page, f"{schema.page_of(path)} does not show its category"


def test_pitfalls_list_every_differing_default_largest_first(built_site):
    from conftest import page_html, visible_text

    html = page_html(built_site, "api-map/index.md")
    table = visible_text(html[html.index('id="pitfalls-largest-first"') : html.index("</article>")])
    differing = [
        entry
        for path in sorted((ROOT / "docs" / schema.DATA_DIR).glob("*.yml"))
        for entry in schema.load(path)
        if entry.check == "differs"
    ]
    positions = [table.index(entry.concept + ":") for entry in differing]  # "leaky ReLU" is in "leaky ReLU as a layer"
    assert len(set(positions)) == len(differing) >= 8
    shares = [float(m) for m in re.findall(r"\(([0-9.]+) % of the largest value\)", table)]
    assert shares == sorted(shares, reverse=True) and shares, shares


def test_every_entry_checked_again_shows_what_its_page_shows(built_site, runner, tmp_path):
    """The map's numbers do not depend on the run: every entry of every category, checked again
    with a cache of its own, renders the Markdown its page was built from."""
    from sidebyside.cache import default_dir

    def no_runner():
        raise AssertionError("the site's build left an entry unchecked")

    entries = [entry for path in schema.files(ROOT / "docs") for entry in schema.load(path)]
    stored = checking.values(entries, SimpleNamespace(store=Store(default_dir(ROOT)), runner=no_runner))
    again = checking.values(entries, SimpleNamespace(store=Store(tmp_path / "cache"), runner=lambda: runner))
    assert len(again) == 2 * len(entries) >= 160
    shown, shown_again = (
        markdown([checking.check(entry, found) for entry in entries], found) for found in (stored, again)
    )
    assert shown_again == shown


def test_a_mention_links_its_entry_once_outside_code_blocks_links_and_headings():
    index = {"torch.gather": ("api-map/indexing.md", "gather"), "F.conv2d": ("api-map/layers.md", "conv2d")}
    page = (
        "<h2>About <code>torch.gather</code></h2>"
        "<p>Use <code>torch.gather(x, 1, i)</code> or <code>F.conv2d</code>; again <code>torch.gather</code>.</p>"
        '<pre><code>torch.gather</code></pre><a href="x"><code>F.conv2d</code></a><p><code>tf.nope</code></p>'
    )
    linked, count = mentions.link_mentions(page, "graphs/index.md", index)
    assert count == 2
    assert linked.count('href="../api-map/indexing/#api-gather"') == 1
    assert linked.count('href="../api-map/layers/#api-conv2d"') == 1
    assert "<h2>About <code>torch.gather</code></h2>" in linked  # headings are left alone
    assert (
        '<a class="sbs-api-link" href="../api-map/indexing/#api-gather" title="API map: torch.gather"><code>torch.gather(x, 1, i)</code></a>'
        in linked
    )
    assert "<pre><code>torch.gather</code></pre>" in linked and "again <code>torch.gather</code>." in linked
    for own in (schema.MAP_PAGE, "api-map/indexing.md"):  # the map's own pages: no links
        assert mentions.link_mentions(page, own, index) == (page, 0)
    assert mentions.link_mentions(page, "index.md", index)[0].count('href="api-map/indexing/#api-gather"') == 1


def entry_ids_by_url(built_site) -> dict[str, set[str]]:
    """{site-relative URL of a category page: the entry anchors it holds}."""
    from conftest import page_html

    return {
        links.page_url(schema.page_of(path)): set(
            re.findall(r'<h2 id="(api-[^"]+)"', page_html(built_site, schema.page_of(path)))
        )
        for path in schema.files(ROOT / "docs")
    }


def lands_on_an_entry(page: str, link: str, entries: dict[str, set[str]]) -> bool:
    """Whether ``link``, on the built page ``page`` (``graphs/index.html``), opens an entry."""
    target = urljoin("http://site/" + page, link).removeprefix("http://site/")
    url, _, anchor = target.partition("#")
    return anchor in entries.get(url, set())


def test_the_index_lists_every_entry_once_and_each_link_opens_it(built_site):
    from conftest import page_html

    html = page_html(built_site, schema.MAP_PAGE)
    listed = html[html.index('id="every-entry"') : html.index('id="pitfalls-largest-first"')]
    hrefs = re.findall(r'<li><a href="([^"]+)"', listed)
    entries = entry_ids_by_url(built_site)
    assert len(hrefs) == sum(len(ids) for ids in entries.values()) >= 80
    assert len(set(hrefs)) == len(hrefs), "an entry is listed twice"
    assert all(lands_on_an_entry("api-map/index.html", href, entries) for href in hrefs), "a link to no entry"
    pitfalls = re.findall(r'<li><strong><a href="([^"]+)"', html[html.index('id="pitfalls-largest-first"') :])
    assert pitfalls and all(lands_on_an_entry("api-map/index.html", href, entries) for href in pitfalls)


def test_every_page_links_its_first_mention_of_a_mapped_api_to_an_existing_entry(built_site):
    """Generated and checked: each page's inline code naming a mapped API (outside code blocks,
    links and headings) is linked at its first mention, and every link lands on an entry."""

    index = mentions.mention_index(ROOT / "docs")
    entries = entry_ids_by_url(built_site)
    links = 0
    for path in sorted(built_site.directory.rglob("*.html")):
        page = path.relative_to(built_site.directory).as_posix()
        # Notebook pages copy a topic page's text, whose mentions are linked on the topic page.
        if page.startswith(("api-map/", "assets/", "search/", "notebooks/")) or page == "404.html":
            continue
        text = path.read_text(encoding="utf-8")
        content = text[text.index("<article") : text.index("</article>")]
        targets = re.findall(r'<a class="sbs-api-link" href="([^"]*)" title="API map: ([^"]+)">', content)
        assert not [t for t, _ in targets if not lands_on_an_entry(page, t, entries)], f"{page}: a link to no entry"
        linked = {name for _, name in targets}
        free = mentions._PROTECTED.sub("", content)
        unlinked = {mentions.mentioned(code) for code in mentions._INLINE_CODE.findall(free)} & set(index) - linked
        assert not unlinked, f"{page}: mapped APIs mentioned without a link: {sorted(unlinked)}"
        links += len(targets)
    assert links >= 5


MAP_SUMMARY = re.compile(r"api map: (\d+) checked, (\d+) from cache")


def test_mkdocs_serve_checks_only_the_edited_entry_again(tmp_path):
    """A contributor keeps `mkdocs serve` running and edits one entry: that entry alone runs again."""
    import shutil

    from conftest import SERVING, mkdocs_serve

    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixture_site", project)
    data = project / "docs" / schema.DATA_DIR / "demo.yml"
    data.parent.mkdir(parents=True)
    data.write_text(GOOD, encoding="utf-8")
    page = project / "docs" / "index.md"
    page.write_text(
        page.read_text() + '\n```python exec="on" idprefix="" updatetoc="no"\n'
        'from sidebyside.apimap import api_map\nprint(api_map("demo"))\n```\n'
    )
    with mkdocs_serve(project) as next_match:
        assert next_match(MAP_SUMMARY, 300) == ("2", "0")
        next_match(SERVING, 60)  # the watcher is started before this line
        data.write_text(GOOD.replace("dim=1", "dim=0").replace("axis=1", "axis=0"), encoding="utf-8")
        assert next_match(MAP_SUMMARY, 300) == ("1", "1")


def test_a_category_without_its_page_names_the_file_to_write(tmp_path):
    data = tmp_path / schema.DATA_DIR / "extra.yml"
    data.parent.mkdir(parents=True)
    data.write_text(GOOD, encoding="utf-8")
    with pytest.raises(DataError, match=r"extra\.yml:1: no page shows this category: write docs/api-map/extra\.md"):
        schema.category_title(tmp_path, data)
    (tmp_path / "api-map").mkdir()
    (tmp_path / "api-map" / "extra.md").write_text("# API map: Extra things\n\nText.\n", encoding="utf-8")
    assert schema.category_title(tmp_path, data) == "Extra things"


def test_a_difference_that_shows_an_argument_is_code_the_map_runs(tmp_path):
    """A sentence like "`torch.gather(x, dim, i)` is `tf.gather(..., batch_dims=dim)`" was wrong
    for every axis but the last, and no entry ran it: a call with a keyword argument in the
    differences must be run by the entry or by one it names in shown_by."""
    path = tmp_path / schema.DATA_DIR / "reductions.yml"
    path.parent.mkdir(parents=True)
    claim = 'differences: ["`tf.math.reduce_std(x, keepdims=True)` keeps the axis"]'
    text = GOOD.replace('differences: ["n - 1 against n"]', claim)
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        schema.all_entries(tmp_path)
    assert f"{path}:18: entry 'std': differences show `tf.math.reduce_std(x, keepdims=True)`" in str(caught.value)
    assert "calls reduce_std with keepdims=" in str(caught.value)
    shown = textwrap.dedent("""
        - id: std-keepdims
          concept: standard deviation, keeping the axis
          pytorch: torch.std(x, dim=1, correction=0, keepdim=True)
          tensorflow: tf.math.reduce_std(x, axis=1, keepdims=True)
          inputs: {x: [5, 4]}
          check: same
          differences: []
        """)
    path.write_text(text.replace(claim, claim + "\n  shown_by: [std-keepdims]") + shown)
    entries = schema.all_entries(tmp_path)
    assert entries[1].shown_by == ("std-keepdims",)
    path.write_text(text.replace(claim, claim + "\n  shown_by: [std-keep]") + shown)
    with pytest.raises(DataError, match="shown_by: 'std-keep' is not another entry"):
        schema.all_entries(tmp_path)


def test_a_heading_answers_only_for_names_its_code_calls(tmp_path):
    """The libraries' coverage counts the names headings show: an entry that shows
    `torch.nn.GELU` but runs only `F.gelu` would count a layer nobody checked."""
    path = tmp_path / schema.DATA_DIR / "reductions.yml"
    path.parent.mkdir(parents=True)
    names = '\n  names: {pytorch: "torch.sum, torch.nansum", tensorflow: tf.reduce_sum}'
    path.write_text(GOOD.replace("concept: sum along an axis", "concept: sum along an axis" + names))
    with pytest.raises(DataError) as caught:
        schema.all_entries(tmp_path)
    assert f"{path}:1: entry 'sum-axis': its heading names torch.nansum, which its pytorch code" in str(caught.value)
    path.write_text(
        GOOD.replace("torch.sum(x, dim=1)", "torch.sum(x, dim=1) + torch.nansum(x, dim=1) * 0").replace(
            "concept: sum along an axis", "concept: sum along an axis" + names
        )
    )
    assert [e.id for e in schema.all_entries(tmp_path)] == ["sum-axis", "std"]
    # A member of a class is used on an instance: `x.sum` stands for torch.Tensor.sum.
    member = names.replace("torch.sum, torch.nansum", "torch.Tensor.sum")
    path.write_text(
        GOOD.replace("torch.sum(x, dim=1)", "x.sum(dim=1)").replace(
            "concept: sum along an axis", "concept: sum along an axis" + member
        )
    )
    assert schema.all_entries(tmp_path)[0].names[0] == "torch.Tensor.sum"


def test_shown_by_links_the_entries_that_show_a_difference(built_site):
    from conftest import page_html

    html = page_html(built_site, "api-map/indexing.md")
    entry = html[html.index('id="api-gather"') :]
    entry = entry[: entry.index('class="sbs-api-entry"')]
    assert "Shown by:" in entry
    assert 'href="#api-gather-first-axis"' in entry and 'href="#api-gather-middle-axis"' in entry


def test_the_map_as_data_follows_its_schema_and_says_what_the_pages_say(built_site):
    import jsonschema

    site = built_site.directory / "api-map"
    data = json.loads((site / "api-map.json").read_text(encoding="utf-8"))
    described = json.loads((ROOT / "docs" / "api-map" / "api-map.schema.json").read_text(encoding="utf-8"))
    assert json.loads((site / "api-map.schema.json").read_text(encoding="utf-8")) == described  # published
    validator = jsonschema.Draft202012Validator(described)
    validator.validate(data)
    broken = json.loads(json.dumps(data))
    del broken["entries"][0]["result"]["compared"]
    assert not validator.is_valid(broken), "the schema must require what a compared entry reports"
    entries = schema.all_entries(ROOT / "docs")
    assert [record["id"] for record in data["entries"]] == [entry.id for entry in entries]
    assert data["count"] == len(entries)
    pages: dict[str, str] = {}
    for record in data["entries"]:
        page, anchor = record["url"].split("#")
        html = pages.setdefault(page, (built_site.directory / page / "index.html").read_text(encoding="utf-8"))
        shown = html[html.index(f'id="{anchor}"') :]
        shown = shown[: shown.index("</ul>")]  # the entry's list: differences, then the checked line
        result = record["result"]
        if "compared" in result:
            assert f"{result['compared']} compared, largest difference {result['largest_difference']:.3g}" in shown
        if "as_written" in result:
            assert result["as_written"] in shown


_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])"


def typed_defaults(entries: list[schema.Entry]) -> list[str]:
    """Numbers a sentence types right after a parameter whose default some entry declares,
    written as code (`eps` 1e-5, `lr` 0.01 vs 0.001), or after ε (ε is 1e-3)."""
    from sidebyside.apimap.defaults import QUOTE

    parameters = {name.rsplit(".", 1)[1] for e in entries for pair in e.defaults for name in pair if name}
    named = "|".join(sorted((f"«{re.escape(p)}»" for p in parameters), key=len, reverse=True) + ["ε"])
    said = re.compile(rf"(?:{named})\s*(?:is|of|=|:)?\s*({_NUMBER})(?:\s*(?:vs|against)\s*({_NUMBER}))?")
    found = []
    for e in entries:
        for sentence in e.differences:
            prose = re.sub(r"`([A-Za-z_]\w*)`", r"«\1»", QUOTE.sub("{}", sentence))  # `eps` is a name
            prose = re.sub(r"`[^`]*`", "", prose)  # other code is not prose
            found += [f"{e.id}: {m[0].replace('«', '').replace('»', '')!r}" for m in said.finditer(prose)]
    return found


def test_no_default_is_typed_in_prose(tmp_path):
    """A default typed into a sentence goes stale when a release changes it: the entries quote
    the defaults the build reads from the libraries ({torch.nn.LayerNorm.eps}) instead."""
    from sidebyside.apimap.defaults import check_quotes

    entries = [entry for path in schema.files(ROOT / "docs") for entry in schema.load(path)]
    assert sum(len(e.defaults) for e in entries) >= 20
    assert typed_defaults(entries) == []
    typed = textwrap.dedent("""
        - id: ln
          concept: layer normalization
          pytorch: torch.nn.LayerNorm(4)(x)
          tensorflow: keras.layers.LayerNormalization(epsilon=1e-5)(x)
          inputs: {x: [3, 4]}
          check: same
          defaults:
            - [torch.nn.LayerNorm.eps, keras.layers.LayerNormalization.epsilon]
          differences: ["ε is 1e-5 in PyTorch and `epsilon` 1e-3 in Keras."]
        """)
    path = write(tmp_path, typed)
    assert typed_defaults(schema.load(path)) == ["ln: 'ε is 1e-5'", "ln: 'epsilon 1e-3'"]
    quoted = "{torch.nn.LayerNorm.eps} in PyTorch and `epsilon` {keras.layers.LayerNormalization.epsilon}"
    path.write_text(typed.replace("1e-5 in PyTorch and `epsilon` 1e-3", quoted))
    assert typed_defaults(schema.load(path)) == []
    path.write_text(typed.replace("ε is 1e-5", "ε is {torch.nn.LayerNorm.epsilon}"))
    with pytest.raises(DataError, match=r"differences quote \{torch.nn.LayerNorm.epsilon\}, which defaults"):
        check_quotes(schema.load(path)[0])


def test_the_defaults_table_holds_what_the_installed_libraries_define(built_site):
    """Every row of "Defaults that differ" is what the installed libraries define: each call it
    shows has the default that the libraries' signatures give in this process, and the two
    sides differ."""
    from conftest import page_html, visible_text

    from sidebyside.apimap.defaults import shown
    from sidebyside.apimap.introspect import default

    roots = {"torch": "torch", "tf": "tensorflow", "keras": "keras"}
    html = page_html(built_site, "api-map/index.md")
    table = html[html.index('id="defaults-that-differ"') :]
    table = table[table.index("<table") : table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) >= 15
    for row in rows:
        cells = [visible_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        calls = [re.fullmatch(r"([\w.]+)\((\w+)=(.*)\)", cell.strip()) for cell in cells[1:]]
        assert all(calls), cells
        values = [call[3] for call in calls if call]
        assert values[0] != values[1], cells
        for call in calls:
            assert call and shown(default(f"{call[1]}.{call[2]}", roots)) == call[3], cells
