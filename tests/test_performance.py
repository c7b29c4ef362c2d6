"""The Performance page's generated parts: charts readable in both palettes with their finding
as alt text, sentences whose numbers come from the data, and every timing pair run alone."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, page_html

import sidebyside.charts as charts
import sidebyside.performance as performance
from sidebyside.postprocess import lean_svg
from sidebyside.scan import scan_references
from sidebyside.snippets import load_pair

ROWS = [
    {
        "framework": "pytorch",
        "model": "MLP",
        "variant": "eager",
        "metric": "samples/s",
        "batch": 64,
        "median": 1000.0,
        "q1": 950.0,
        "q3": 1040.0,
        "first_call_s": 0.01,
    },
    {
        "framework": "pytorch",
        "model": "MLP",
        "variant": "torch.compile",
        "metric": "samples/s",
        "batch": 64,
        "median": 3000.0,
        "q1": 2900.0,
        "q3": 3100.0,
        "first_call_s": 9.5,
    },
    {
        "framework": "tensorflow",
        "model": "MLP",
        "variant": "tf.function",
        "metric": "samples/s",
        "batch": 64,
        "median": 1500.0,
        "q1": 1400.0,
        "q3": 1600.0,
        "first_call_s": 0.4,
    },
]


def test_the_finding_names_each_framework_s_best_and_their_ratio():
    sentence = performance.finding_text(ROWS, "samples/s")
    assert sentence == (
        "PyTorch's best is `torch.compile` at 3,000 samples/s; TensorFlow's best is `tf.function` at "
        "1,500 samples/s: PyTorch is 2.0× ahead."
    )
    latency = [dict(row, metric="ms/batch") for row in ROWS]
    assert "TensorFlow's best is `tf.function` at 1.5e+03" not in performance.finding_text(latency, "ms/batch")
    assert performance.finding_text(latency, "ms/batch").startswith("PyTorch's best is `eager` at 1,000")


def test_a_chart_is_an_svg_in_the_page_s_colours_with_its_finding_as_title():
    first = charts._figure_html(ROWS, "samples/s", "MLP throughput", "demo", "The finding.")
    again = charts._figure_html(ROWS, "samples/s", "MLP throughput", "demo", "The finding.")
    assert first == again, "the same data draws the same SVG: no dates, no random ids"
    svg = first[first.index("<svg") : first.index("</svg>")]
    assert 'role="img" aria-labelledby="chart-demo"' in svg
    assert '<title id="chart-demo">MLP throughput: The finding.</title>' in svg
    assert "currentColor" in svg and "#010203" not in svg and "<image" not in svg
    assert re.search(r"<text[^>]*>|font", svg), "labels are text, not paths"
    assert all(label in svg for label in ("PyTorch eager", "PyTorch torch.compile", "TensorFlow tf.function"))
    assert "<figcaption>MLP throughput. The finding." in first
    # No style sheet of its own (the page's CSS sets matplotlib's stroke defaults), no RDF, and
    # every <g> left carries an attribute that draws (a transform, a style, a clip path).
    assert "<style" not in svg and "<metadata" not in svg
    assert not re.search(r'<g(?:\s+id="[^"]*")?\s*>', svg)
    assert all(f'id="{target}"' in svg for target in re.findall(r'(?:href="#|url\(#)([^")]+)', svg))


def test_a_lean_chart_keeps_every_shape_and_every_group_that_draws_or_is_referred_to():
    raw = (
        '<svg><metadata><rdf:RDF></rdf:RDF></metadata>\n <defs>\n  <style type="text/css">*{stroke-linecap: butt}</style>\n </defs>\n'
        ' <g id="figure_1">\n  <g id="patch_1"><path d="M 0 1\nL 2 3" style="fill: none"/></g>\n'
        '  <g id="tick"><g><use xlink:href="#m1" x="1"/></g></g>\n'
        '  <g transform="translate(1 2)"><text x="0">PyTorch eager</text></g>\n'
        '  <g id="empty"/><g clip-path="url(#p1)"><path d="M 1 1"/></g>\n </g>\n'
        ' <defs><g id="m1"><path d="M 0 0"/></g><clipPath id="p1"><rect/></clipPath></defs>\n</svg>'
    )
    assert lean_svg(raw) == (
        '<svg><path d="M 0 1\nL 2 3" style="fill: none"/><use xlink:href="#m1" x="1"/>'
        '<g transform="translate(1 2)"><text x="0">PyTorch eager</text></g>'
        '<g clip-path="url(#p1)"><path d="M 1 1"/></g>'
        '<defs><g id="m1"><path d="M 0 0"/></g><clipPath id="p1"><rect/></clipPath></defs></svg>'
    )


def timing_pairs() -> list[str]:
    return sorted({ref.name for ref in scan_references(ROOT / "docs") if ref.page == "performance/index.md"})


def test_every_timing_pair_runs_alone_in_a_fresh_interpreter():
    names = timing_pairs() + ["graphs/compile_speedup", "deployment/measure"]
    assert len(names) >= 8
    for name in names:
        for snippet in load_pair(ROOT, name).snippets:
            assert snippet.options.alone and snippet.options.fresh and snippet.options.varies, snippet.relpath


def test_the_performance_page_draws_each_question_and_quotes_only_generated_numbers(built_site):
    html = page_html(built_site, "performance/index.md")
    charts = re.findall(r'<svg role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) >= 6, charts
    for ident in charts:
        assert re.search(rf'<title id="{ident}">[^<]+\d', html), f"{ident}: its title states a figure"
    source = (ROOT / "docs" / "performance" / "index.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", source, flags=re.S)
    # A measurement: a ratio (2.0×, not the dimensions 3 × 3), a share or a unit of time or memory.
    typed = re.findall(r"\b\d+(?:\.\d+)?\s*(?:×(?!\s*\d)|%|ms\b|µs|s\b|samples/s|MiB)", prose)
    assert not typed, f"numbers typed into the prose instead of generated: {typed}"


@pytest.mark.parametrize("name", timing_pairs())
def test_each_timing_pair_reports_its_method_fields(built_site, name):
    from sidebyside.cache import default_dir, key_for
    from sidebyside.store import Store

    store = Store(default_dir(ROOT))
    for snippet in load_pair(ROOT, name).snippets:
        outcome = store.outcome(key_for(snippet))
        assert outcome is not None and outcome.ok, snippet.relpath
        measured = outcome.measured
        assert isinstance(measured, dict), snippet.relpath
        timed = any(row["q1"] is not None for row in measured["rows"])
        # A timing reports its warm-up and repetitions; one figure per process, its steps.
        fields = {"threads", "rows"} | ({"repeats", "calls", "warmup"} if timed else {"steps"})
        assert fields <= set(measured), snippet.relpath
        for row in measured["rows"]:
            if row["q1"] is not None:  # None: one process per figure (peak memory), no spread
                assert row["q1"] <= row["median"] <= row["q3"], (snippet.relpath, row)
            assert row["metric"] in performance.UNITS, row


def test_a_memory_finding_says_which_takes_more_and_a_one_model_chart_labels_only_batches():
    memory = [dict(row, metric="MiB", q1=None, q3=None, spread=False) for row in ROWS]
    assert performance.finding_text(memory, "MiB") == (
        "PyTorch's smallest is `eager` at 1,000 MiB; TensorFlow's smallest is `tf.function` at "
        "1,500 MiB: TensorFlow's takes 1.5× as much."
    )
    row = dict(ROWS[0])
    assert performance.row_label(row, with_model=False, with_batch=True) == "PyTorch eager · batch 64"
    assert performance.row_label(row, with_model=True, with_batch=False) == "PyTorch eager · MLP"
    assert performance.row_label(row, with_model=False, with_batch=False) == "PyTorch eager"
    svg = charts._figure_html(memory, "MiB", "Memory", "mem", "The finding.")
    assert "MiB (lower is better)" in svg


def test_the_page_says_how_long_its_scripts_ran_in_this_build(built_site):
    """What reproducing the page costs is the sum of its scripts' run times in the build that
    made it (they run alone, one after another), read back from the cache."""
    from sidebyside.cache import default_dir, key_for
    from sidebyside.settings import timings_alone
    from sidebyside.store import Store

    store = Store(default_dir(ROOT))
    names = dict.fromkeys(r.name for r in scan_references(ROOT / "docs") if r.page == "performance/index.md")
    snippets = [s for name in names for s in load_pair(ROOT, name).snippets]
    outcomes = [store.outcome(key_for(s)) for s in snippets]
    seconds = round(sum(outcome.seconds for outcome in outcomes if outcome))
    assert all(outcomes), "the build left a script of the page without a result"
    how = "one at a time, alone" if timings_alone() else r"beside the others \(<code>SNIPPETS_ALONE=0</code>\)"
    said = re.search(
        rf"this page's (\d+) scripts {how}: together they took "
        r"<span data-sbs-varies>(?:(\d+) min )?(\d+) s</span>",
        page_html(built_site, "performance/index.md"),
    )
    assert said, "the page states its scripts' run time"
    assert int(said.group(1)) == len(snippets)
    assert int(said.group(2) or 0) * 60 + int(said.group(3)) == seconds
