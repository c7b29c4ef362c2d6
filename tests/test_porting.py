"""The Porting page: its matrix says what each porting script printed, cell by cell, and a cell
the scripts did not measure as the tables expect stops the build instead of rendering."""

from __future__ import annotations

import re

import pytest
from conftest import page_html, pair_html, shown_output, visible_text

from sidebyside import porting
from sidebyside.render import anchor

PAGE = "porting/index.md"
SIDES = {
    "pytorch": (
        "PyTorch → Keras, by hand",
        "PyTorch → ONNX (torch.onnx) → ONNX Runtime",
        "PyTorch → Keras (nobuco)",
        "PyTorch → ONNX → TensorFlow (onnx2tf)",
        "PyTorch → LiteRT (litert-torch)",
    ),
    "tensorflow": (
        "Keras → PyTorch, by hand",
        "Keras → ONNX (tf2onnx) → ONNX Runtime",
        "Keras → ONNX → PyTorch (onnx2torch)",
    ),
}
# What a porting script prints for a path: its largest difference, or "failed: <error>".
PRINTED = re.compile(
    r"^(by hand|ONNX Runtime|nobuco|onnx2tf|litert-torch|onnx2torch): (?:max \|difference\| (\S+),|failed: (\w+))",
    re.MULTILINE,
)


def _matrix(text: str) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """The first table of the page: its headings, and per row (text, link) of every cell."""
    found = re.search(r"<table.*?</table>", text, re.DOTALL)
    assert found, "the page shows no table"
    table = found.group(0)
    headings = [visible_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.DOTALL)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        rows.append([(visible_text(c).strip(), (re.findall(r'href="#([^"]+)"', c) or [""])[0]) for c in cells])
    return headings, rows


def test_each_matrix_cell_is_what_the_porting_script_printed_and_links_to_it(built_site):
    text = page_html(built_site, PAGE)
    headings, rows = _matrix(text)
    assert headings[1:] == [*SIDES["pytorch"], *SIDES["tensorflow"]]
    pairs = list(dict.fromkeys(link for row in rows for _, link in row[1:]))
    assert len(rows) >= 5 and len(pairs) >= 5, "five architectures, at least"
    for pair in pairs:
        name = "porting/" + pair.removeprefix("pair-porting-").replace("-", "_")
        assert anchor(name) == pair
        block = pair_html(text, name)
        mine = [row for row in rows if all(link == pair for _, link in row[1:])]
        for side, columns in SIDES.items():
            printed = PRINTED.findall(shown_output(block, f"snippets/{name}_{side}.py") or "")
            shown = []
            for row in mine:
                for column in columns:
                    shown.append(row[headings.index(column)][0])
            expected = [f"✓ {value}" if value else f"✗ {error}" for _, value, error in printed]
            assert shown == expected, f"{name}, {side}: the matrix shows {shown}, the script printed {expected}"


def test_a_port_by_hand_agrees_within_float32_rounding_on_every_model(built_site):
    headings, rows = _matrix(page_html(built_site, PAGE))
    for row in rows:
        for column in (SIDES["pytorch"][0], SIDES["tensorflow"][0]):
            text = row[headings.index(column)][0]
            assert text.startswith("✓ ") and float(text[2:]) < 1e-5, (row[0][0], column, text)


def _cell(**changes):
    cell = {
        "model": "MLP",
        "path": "by hand",
        "converted": True,
        "error": None,
        "max_abs": 2.4e-7,
        "max_rel": 1.9e-7,
        "trainable": "yes, 6 weights",
    }
    return cell | changes


@pytest.mark.parametrize(
    ("side", "cell", "problem"),
    [
        (
            "pytorch",
            _cell(path="onnx2torch"),
            "unknown path 'onnx2torch'; known: by hand, ONNX Runtime, nobuco, onnx2tf, litert-torch",
        ),
        ("pytorch", {"model": "MLP"}, "a cell must have exactly the keys"),
        ("tensorflow", _cell(converted=False), "a converted cell has figures, a failed one its error"),
        ("tensorflow", _cell(error="ValueError: x"), "a converted cell has figures, a failed one its error"),
    ],
)
def test_a_cell_the_tables_cannot_show_is_named(side, cell, problem):
    assert problem in (porting._problem(side, cell) or "")
    assert porting._problem(side, _cell()) is None


def test_a_failed_path_shows_its_error_and_a_path_not_run_says_so():
    failed = _cell(
        converted=False,
        error="InvalidGraph: ... `Erfc` with domain_version of 15",
        max_abs=None,
        max_rel=None,
        trainable=None,
    )
    heading = porting.PATHS[("tensorflow", "ONNX Runtime")]
    cells = [
        ("porting/mlp", porting.PATHS[("pytorch", "by hand")], _cell()),
        ("porting/mlp", heading, failed),
        ("porting/gru", porting.PATHS[("pytorch", "by hand")], _cell(model="GRU")),
    ]
    matrix = porting.matrix_markdown(cells)
    assert "| MLP | [✓ 2.4e-07](#pair-porting-mlp) | [✗ InvalidGraph](#pair-porting-mlp) |" in matrix
    assert "| GRU | [✓ 2.4e-07](#pair-porting-gru) | not measured |" in matrix
    table = porting.cells_markdown(cells)
    assert "no: `InvalidGraph: ... 'Erfc' with domain_version of 15` | – | –" in table
    assert "| 2.4e-07 | 1.9e-07 | yes, 6 weights |" in table


def test_the_chart_s_finding_names_the_largest_port_by_hand_and_every_failure():
    cells = [
        ("porting/mlp", porting.PATHS[("pytorch", "by hand")], _cell()),
        ("porting/gpt2", porting.PATHS[("tensorflow", "by hand")], _cell(model="GPT-2", max_abs=1.1e-6)),
        ("porting/mlp", porting.PATHS[("pytorch", "ONNX Runtime")], _cell(path="ONNX Runtime")),
        (
            "porting/encoder",
            porting.PATHS[("tensorflow", "ONNX Runtime")],
            _cell(model="Encoder", path="ONNX Runtime", converted=False, error="InvalidGraph: x", max_abs=None),
        ),
    ]
    assert porting.finding(cells) == (
        "Every port by hand agrees within float32 rounding; the largest difference is 1.1e-06 "
        "(GPT-2, Keras → PyTorch, by hand). 1 of 2 converter runs give a model; 1 failed: "
        "Keras → ONNX (tf2onnx) → ONNX Runtime on the Encoder."
    )
    # A path that failed on every model is said once.
    heading = porting.PATHS[("tensorflow", "onnx2torch")]
    cells += [
        (f"porting/{name}", heading, _cell(model=model, path="onnx2torch", converted=False, error="E: x"))
        for name, model in (("mlp", "MLP"), ("gpt2", "GPT-2"), ("encoder", "Encoder"))
    ]
    assert porting.finding(cells).endswith(
        "1 of 5 converter runs give a model; 4 failed: Keras → ONNX (tf2onnx) → ONNX Runtime on the "
        "Encoder; Keras → ONNX → PyTorch (onnx2torch) on every model."
    )


def test_the_page_draws_the_matrix_with_its_finding_as_the_chart_s_title(built_site):
    text = page_html(built_site, PAGE)
    title = re.search(r'<svg role="img" aria-labelledby="chart-porting"[^>]*><title id="chart-porting">([^<]+)', text)
    assert title, "no porting chart"
    assert title.group(1).startswith("Largest difference from the source model: Every port by hand agrees")


def test_a_cost_the_table_cannot_show_is_named_and_sizes_read_as_a_reader_would():
    cost = {"model": "MLP", "path": "litert-torch", "seconds": 1.04, "bytes": 25_844}
    assert porting._cost_problem("pytorch", cost) is None
    assert "unknown path 'litert-torch'" in (porting._cost_problem("tensorflow", cost) or "")
    assert "exactly the keys" in (porting._cost_problem("pytorch", {"model": "MLP"}) or "")
    heading = porting.PATHS[("pytorch", "litert-torch")]
    costs = [
        ("porting/mlp", heading, cost),
        ("porting/gpt2", heading, cost | {"model": "GPT-2", "seconds": 12.4, "bytes": 2_345_678}),
        ("porting/gpt2", porting.PATHS[("tensorflow", "onnx2torch")], cost | {"model": "GPT-2", "bytes": None}),
    ]
    table = porting.costs_markdown(costs)
    assert "| MLP | [1.0\u00a0s, 26\u00a0kB](#pair-porting-mlp) | – |" in table
    assert (
        "| GPT-2 | [12.4\u00a0s, 2.3\u00a0MB](#pair-porting-gpt2) | [1.0\u00a0s, in memory](#pair-porting-gpt2) |"
        in table
    )


def test_every_conversion_that_gave_a_model_has_its_cost_marked_as_varying(built_site):
    text = page_html(built_site, PAGE)
    headings, rows = _matrix(text)
    marked = re.search(
        r'<div data-sbs-varies="data-sbs-varies">\s*<div class="md-typeset__scrollwrap">.*?(<table.*?</table>)'
        r"</div></div>\s*<p>(.*?)</p>",
        text,
        re.DOTALL,
    )
    assert marked, "no costs table marked as varying"
    cost_headings, cost_rows = _matrix(marked.group(1))
    assert "Measured on " in visible_text(marked.group(2))
    costs = {(row[0][0], heading): cell[0] for row in cost_rows for heading, cell in zip(cost_headings[1:], row[1:])}
    for row in rows:
        for heading, (mark, _) in zip(headings[1:], row[1:]):
            if heading in (SIDES["pytorch"][0], SIDES["tensorflow"][0]):
                continue  # by hand: the porter's own code, not a conversion to time
            cost = costs.pop((row[0][0], heading), "–")
            if mark.startswith("✓"):  # a ✗ may have a cost too: written, then refused by its runtime
                assert re.fullmatch(r"\d+\.\d\xa0s, ([\d.]+\xa0(B|kB|MB)|in memory)", cost), (row[0][0], heading, cost)
    assert not [cost for cost in costs.values() if cost != "–"], "a cost of a conversion the matrix does not show"
