""" "Check my code" on the API map's index: the reading of pasted code (usage.py, and the page's
script that does the same in the browser), the coverage line it measures at build time, and
the form in a real Chromium: exact lists for real scripts, aliases and methods, an empty and a
1 MB paste, the keyboard, a screen reader's status, and nothing typed reaching the page as HTML.
"""

from __future__ import annotations

import json
import re
import textwrap
from urllib.parse import urljoin

import pytest
from conftest import ROOT, page_html

from sidebyside.apimap import checker, schema
from sidebyside.apimap.usage import Lookup, answered, answers, uses

ENTRIES = schema.all_entries(ROOT / "docs")
LOOKUP = Lookup.of(answered(ENTRIES).items())
BY_ID = {entry.id: entry for entry in ENTRIES}

# Written for this test, one per direction: what a porter pastes, with the aliases people use.
FROM_PYTORCH = textwrap.dedent("""\
    import torch
    import torch.nn as nn
    from torch.nn import functional as F
    from torch.utils.data import DataLoader, TensorDataset

    class Net(nn.Module):  # nn.GRU in a comment is not a use
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
            self.norm = nn.BatchNorm2d(8)

        def forward(self, x):
            x = F.gelu(self.norm(self.conv(x)))
            return x.permute(0, 2, 3, 1).flatten(1)

    loader = DataLoader(TensorDataset(torch.randn(8, 3, 8, 8)), batch_size=4)
    net = Net()
    note = "torch.gather inside a string is not a use"
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    """)
FROM_KERAS = textwrap.dedent("""\
    import tensorflow as tf
    from tensorflow import keras
    from keras import layers

    model = keras.Sequential([
        layers.Conv2D(8, 3, strides=2, padding="same"),
        tf.keras.layers.BatchNormalization(),
        layers.LSTM(16),
        keras.layers.Dense(10),
    ])
    ds = (tf.data.Dataset.from_tensor_slices(tf.zeros([8, 4]))
          .shuffle(8)
          .batch(4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model(tf.zeros([2, 8, 8, 3])))
    grads = tape.gradient(loss, model.trainable_variables)
    """)
EXPECTED = {
    "from-pytorch": (
        [
            "torch.nn.Module",
            "torch.nn.Conv2d",
            "torch.nn.BatchNorm2d",
            "torch.nn.functional.gelu",
            ".permute",
            ".flatten",
            "torch.utils.data.DataLoader",
            "torch.optim.Adam",
            ".parameters",
        ],
        ["torch.utils.data.TensorDataset", "torch.randn"],
    ),
    "from-keras": (
        [
            "keras.Sequential",
            "keras.layers.Conv2D",
            "keras.layers.BatchNormalization",
            "keras.layers.LSTM",
            "keras.layers.Dense",
            "tf.data.Dataset.from_tensor_slices",
            ".shuffle",
            ".batch",
            "tf.GradientTape",
            "tf.reduce_mean",
            ".gradient",
        ],
        ["tf.zeros"],
    ),
}


def listed(code: str) -> tuple[list[str], list[str]]:
    """What the checker lists for ``code``: the names in the map, then those that are not."""
    found = uses(code, LOOKUP)
    return [u.name for u in found if u.entries], [u.name for u in found if not u.entries]


@pytest.mark.parametrize(("code", "name"), [(FROM_PYTORCH, "from-pytorch"), (FROM_KERAS, "from-keras")])
def test_aliases_methods_comments_and_strings_are_read_as_a_porter_means_them(code, name):
    assert listed(code) == EXPECTED[name]


def test_a_method_matches_only_in_the_framework_the_code_imports():
    pytorch = "import torch\nx = torch.ones(3)\ny = x.permute(0).gradient()\n"
    assert listed(pytorch) == ([".permute"], ["torch.ones"])  # .gradient is TensorFlow's
    assert [u.written for u in uses("import numpy as np\nnp.mean(x)\n", LOOKUP)] == []


def test_an_entry_answers_for_the_full_names_its_heading_shows():
    known = {"torch.utils.data.DataLoader"}
    assert answers("torch.optim.SGD(momentum=...)", "pytorch") == ["torch.optim.SGD"]
    assert answers("x.permute", "pytorch") == ["torch.Tensor.permute"]
    assert answers("len(DataLoader)", "pytorch", known) == ["torch.utils.data.DataLoader"]
    assert answers("torch.nn.init.zeros_, ones_, constant_", "pytorch") == [
        "torch.nn.init.zeros_",
        "torch.nn.init.ones_",
        "torch.nn.init.constant_",
    ]
    assert answers("torch.gather(x, 0, i)", "pytorch") == ["torch.gather"]
    assert answers("keras.layers.Layer.__call__(training=...)", "tensorflow") == ["keras.layers.Layer"]
    assert answers("x[x > 0]", "pytorch") == []


def test_the_coverage_on_the_index_is_what_the_site_s_snippets_measure(built_site):
    """The shares on the page are generated: the same reading over every snippet the pages show."""
    sources = sorted((ROOT / "snippets").rglob("*.py"))
    found = checker.measure([path.read_text(encoding="utf-8") for path in sources], LOOKUP)
    text = re.sub(r"<[^>]+>", "", page_html(built_site, schema.MAP_PAGE))
    assert f"The site's {found.files} snippets" in text
    for label, framework in (("PyTorch", "pytorch"), ("TensorFlow", "tensorflow")):
        covered, missing = found.covered[framework], found.missing[framework]
        total = len(covered) + len(missing)
        assert f"{label}: {len(covered)} of the {total} distinct names" in text
        assert f"({100 * len(covered) / total:.0f} %)" in text
        assert all(name in text for name in missing)


def test_the_published_map_says_what_each_entry_answers_for(built_site):
    data = json.loads((built_site.directory / "api-map" / "api-map.json").read_text(encoding="utf-8"))
    published = {record["id"]: record["answers"] for record in data["entries"]}
    assert published == answered(ENTRIES)


# -- In the browser ----------------------------------------------------------------------------

SNIPPETS = (
    "snippets/api/training_loop_pytorch.py",
    "snippets/api/input_pipeline_tensorflow.py",
    "snippets/porting/resnet_pytorch.py",
    "snippets/graphs/retracing_tensorflow.py",
)


def check_in_page(page, code: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Paste ``code`` into the form and read back the lists: names in the map, names not in
    it, and each listed name's entry links."""
    page.locator("#sbs-check-code").fill(code)
    page.get_by_role("button", name="Check this code").click()
    page.wait_for_function("document.querySelector('#sbs-check-status').textContent.includes('not in the map')")
    names = page.eval_on_selector_all(".sbs-check-found > li", "els => els.map(el => el.dataset.name)")
    links = page.eval_on_selector_all(
        ".sbs-check-found > li",
        "els => els.map(el => Array.from(el.querySelectorAll('ul a'), a => a.getAttribute('href')))",
    )
    missing = page.eval_on_selector_all(".sbs-check-missing li", "els => els.map(el => el.textContent)")
    return names, missing, dict(zip(names, links))


@pytest.mark.browser
def test_pasted_scripts_list_their_entries_exactly_as_the_build_reads_them(site, new_page):
    context, page = new_page(1280)
    page.goto(site.base + "api-map/", wait_until="networkidle")
    scripts = {name: code for name, code in (("from-pytorch", FROM_PYTORCH), ("from-keras", FROM_KERAS))}
    scripts.update({path: (ROOT / path).read_text(encoding="utf-8") for path in SNIPPETS})
    for name, code in scripts.items():
        names, missing, links = check_in_page(page, code)
        assert (names, missing) == listed(code), name
        if name in EXPECTED:
            assert (names, missing) == EXPECTED[name]
        for use in uses(code, LOOKUP):  # each entry linked where it stands on its category page
            expected = [urljoin(page.url, f"{BY_ID[i].path.stem}/#api-{i}") for i in use.entries]
            assert [urljoin(page.url, href) for href in links.get(use.name, [])] == expected, (name, use.name)
    # Every snippet of the site, read by the page's script without the form: the same lists.
    sources = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in (ROOT / "snippets").rglob("*.py")
    }
    read = page.evaluate(
        """async (sources) => {
             const data = await (await fetch('api-map.json')).json();
             const lookup = window.sbsCheckCode.lookupOf(data.entries);
             const out = {};
             for (const [path, code] of Object.entries(sources)) {
               out[path] = window.sbsCheckCode.uses(code, lookup).map(u => [u.name, u.entries]);
             }
             return out;
           }""",
        sources,
    )
    assert read == {path: [[u.name, list(u.entries)] for u in uses(code, LOOKUP)] for path, code in sources.items()}


@pytest.mark.browser
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_pitfall_is_marked_with_its_difference_and_the_status_is_announced(site, new_page, color_scheme):
    from axe_playwright_python.sync_playwright import Axe

    context, page = new_page(390, color_scheme)
    page.goto(site.base + "api-map/", wait_until="networkidle")
    status = page.locator("#sbs-check-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.locator("#sbs-check-code").focus()  # from the keyboard: type, Tab to the button, Enter
    page.keyboard.type("import torch\nv = torch.var(x)\nw = torch.nope(x)\n", delay=5)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#sbs-check-status').textContent.includes('not in the map')")
    assert status.inner_text() == (
        "1 of the APIs this code uses is in the map, 1 of them a pitfall; 1 name is not in the map."
    )
    entry = page.locator(".sbs-check-found > li[data-name='torch.var'] li").first
    assert "Pitfall:" in entry.inner_text() and "TensorFlow tf.math.reduce_variance" in entry.inner_text()
    assert page.locator(".sbs-check-missing li").all_inner_texts() == ["torch.nope"]
    violations = Axe().run(page, context="form.sbs-check").response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


@pytest.mark.browser
def test_an_empty_paste_and_a_megabyte_paste_answer_at_once_on_a_phone(site, new_page):
    context, page = new_page(390)
    page.goto(site.base + "api-map/", wait_until="networkidle")
    page.get_by_role("button", name="Check this code").click()
    page.wait_for_function("document.querySelector('#sbs-check-status').textContent.includes('Paste code')")
    code = (ROOT / SNIPPETS[2]).read_text(encoding="utf-8")
    big = (code + "\n") * (1_000_000 // len(code) + 1)
    names, missing, _ = check_in_page(page, code)  # the map is fetched once, before the timing
    # A paste: the value, then the input event a paste fires; the time until the result shows.
    elapsed = page.evaluate(
        """(big) => new Promise(resolve => {
             const box = document.querySelector('#sbs-check-code');
             const status = document.querySelector('#sbs-check-status');
             const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now() - start); });
             observer.observe(status, {childList: true, characterData: true, subtree: true});
             box.value = big;
             const start = performance.now();
             box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));
           })""",
        big,
    )
    assert elapsed < 1000, f"a 1 MB paste took {elapsed:.0f} ms to answer"
    assert page.eval_on_selector_all(".sbs-check-found > li", "els => els.map(el => el.dataset.name)") == names


@pytest.mark.browser
def test_nothing_typed_reaches_the_page_as_html(site, new_page):
    context, page = new_page(1280)
    page.goto(site.base + "api-map/", wait_until="networkidle")
    attack = (
        'import torch\n</textarea><img src=x onerror="window.pwned=1">\n'
        "torch.nope_<b>bold</b>(1)\nx = torch.var(1)  # <script>window.pwned=2</script>\n"
    )
    check_in_page(page, attack)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".sbs-check-result img, .sbs-check-result b, .sbs-check-result script").count() == 0
    assert page.locator(".sbs-check-missing li").all_inner_texts() == ["torch.nope_"]


@pytest.mark.browser
def test_without_javascript_there_is_no_dead_checker(site, new_page):
    context, page = new_page(1280, java_script_enabled=False)
    page.goto(site.base + "api-map/")
    assert not page.locator("form.sbs-check").is_visible()
    assert page.locator(".sbs-api-index li:visible").count() >= 80


def test_the_libraries_coverage_is_counted_on_the_installed_public_names(built_site):
    """The figures under "How much of the libraries the map covers" are the installed versions'
    public names against the entries' answers, as the build listed them (stored, not typed)."""
    from sidebyside.apimap import library
    from sidebyside.engine import engine_for
    from sidebyside.settings import Settings

    names = library.public_names(engine_for(Settings.for_project(ROOT)))
    assert {"Conv2d", "LSTM", "MultiheadAttention"} <= set(names["torch.nn"])
    assert not [n for n in names["torch.nn"] if n.startswith("Lazy") or n in ("Sequential", "Module")]
    assert {"conv2d", "gelu"} <= set(names["torch.nn.functional"]) and "relu_" not in names["torch.nn.functional"]
    assert {"Dense", "Conv2D"} <= set(names["keras.layers"]) and "matmul" in names["keras.ops"]
    answers = {name for sides in answered(ENTRIES).values() for listed in sides.values() for name in listed}
    text = re.sub(r"<[^>]+>", "", page_html(built_site, schema.MAP_PAGE))
    for space, (have, missing) in library.covered(names, answers).items():
        total = len(have) + len(missing)
        what = library.WHAT[space].replace("`", "")
        assert f"{len(have)} of the {total} {what} ({100 * len(have) / total:.0f} %) have an entry" in text
        assert (f"The {len(missing)} in {space} without an entry" in text) == bool(missing)
    assert "Linear" in library.covered(names, answers)["torch.nn"][0]
    # Keras' second names of a class count once, and its base classes not at all.
    assert "AvgPool2D" not in names["keras.layers"] and "AveragePooling2D" in names["keras.layers"]
    assert not {"Layer", "Wrapper"} & set(names["keras.layers"])
