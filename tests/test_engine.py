"""The engine on a small fixture site (tests/fixture_site), one behaviour per test.

Most tests drive the engine directly and share one Runner (so the frameworks are imported once);
the last ones run ``mkdocs build`` in a subprocess, as a contributor would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE, SERVING, SUMMARY, add_pair, build_env, engine_for, mkdocs_build, mkdocs_serve, write

from sidebyside import cache as cache_mod
from sidebyside.engine import Engine, PairFailure
from sidebyside.settings import Settings
from sidebyside.snippets import SnippetError, load_pair


def failure_of(engine: Engine, name: str) -> str:
    with pytest.raises(PairFailure) as caught:
        engine.render(name)
    return str(caught.value)


# --------------------------------------------------------------------------- cache


def test_cold_build_runs_and_warm_build_runs_nothing(project, runner):
    cold = engine_for(project, runner)
    cold.collect()
    assert (cold.stats.run, cold.stats.cached, cold.stats.failed) == (2, 0, 0)
    html = cold.render("demo/add").markdown
    assert "sum: [1.5, 2.25]" in html

    warm = Engine(Settings.for_project(project))  # its own runner: it must never need one
    warm.collect()
    assert (warm.stats.run, warm.stats.cached, warm.stats.failed) == (0, 2, 0)
    assert not warm.results.started, "a warm build started a worker"
    assert warm.render("demo/add").markdown == html


def test_changed_snippet_runs_again_alone(project, runner):
    engine = engine_for(project, runner)
    engine.collect()
    path = project / "snippets/demo/add_pytorch.py"
    path.write_text(path.read_text().replace('"sum:"', '"total:"'))
    engine.collect()  # the files changed: a new collection, like a rebuild under mkdocs serve
    assert (engine.stats.run, engine.stats.cached) == (1, 1)
    assert "total: [1.5, 2.25]" in engine.render("demo/add").markdown


def test_declared_data_file_is_part_of_the_key(project, runner):
    write(project, "snippets/demo/data.txt", "3\n")
    reader = """
        # snippet: reads=data.txt
        from pathlib import Path
        print("read", Path(__file__).with_name("data.txt").read_text().strip())
    """
    add_pair(project, "demo/reads", reader, reader)
    engine = engine_for(project, runner)
    engine.collect()
    assert "read 3" in engine.render("demo/reads").markdown
    write(project, "snippets/demo/data.txt", "4\n")
    again = engine_for(project, runner)
    again.collect()
    assert again.stats.run == 2, "changing a declared data file did not invalidate its snippets"
    assert "read 4" in again.render("demo/reads").markdown


def test_corrupt_cache_entry_is_a_miss(project, runner):
    engine = engine_for(project, runner)
    engine.collect()
    entries = engine.store.records()
    assert len(entries) == 2
    entries[0].write_text('{"key": "truncated')
    entries[1].write_text(json.dumps({"key": "another key", "ok": True}))
    again = engine_for(project, runner)
    again.collect()
    assert (again.stats.run, again.stats.cached, again.stats.failed) == (2, 0, 0)


def test_cache_dir_from_environment(project, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SNIPPETS_CACHE_DIR", str(tmp_path / "elsewhere"))
    engine = engine_for(project, runner)
    engine.collect()
    assert len(list((tmp_path / "elsewhere").glob("*.json"))) == 2
    assert not (project / ".cache").exists()


def test_key_covers_framework_versions(project, monkeypatch):
    engine = engine_for(project, None)
    pair = engine.collect().pairs["demo/add"]
    before = cache_mod.key_for(pair.snippets[0])
    monkeypatch.setattr(cache_mod, "installed_versions", lambda dists: {"torch": "9.9.9"})
    assert cache_mod.key_for(pair.snippets[0]) != before


def test_key_covers_every_package_a_snippet_imports(project, monkeypatch):
    """Upgrading onnxruntime must re-run the snippets that import it, and only those."""
    add_pair(project, "demo/ort", "import json\nimport onnxruntime as ort\nfrom numpy import linalg\n", "x = 1\n")
    assert cache_mod.imported_distributions("import onnxruntime as ort\nfrom numpy import linalg\n") == (
        "numpy",
        "onnxruntime",
    )
    assert cache_mod.imported_distributions("import json\nfrom . import sibling\n") == ()
    pairs = engine_for(project, None).collect().pairs
    importer, other = pairs["demo/ort"].snippets[0], pairs["demo/add"].snippets[0]
    before = {s.relpath: cache_mod.key_for(s) for s in (importer, other)}
    real = cache_mod.installed_versions

    def upgraded(dists):
        found = real(dists)
        if "onnxruntime" in dists:
            found["onnxruntime"] = "99.0"
        return found

    monkeypatch.setattr(cache_mod, "installed_versions", upgraded)
    assert cache_mod.key_for(importer) != before[importer.relpath]
    assert cache_mod.key_for(other) == before[other.relpath]


# --------------------------------------------------------------------------- running


def test_output_is_complete_ordered_and_free_of_local_paths(project, runner):
    snippet = """
        import os, sys, warnings
        print("stdout 1")
        sys.stderr.write("stderr 2\\n")
        os.write(1, b"fd 3\\n")
        warnings.warn("careful 4")
        print(os.getcwd())
        print(__file__)
    """
    add_pair(project, "demo/streams", snippet, snippet)
    engine = engine_for(project, runner)
    outcome = engine.collect().outcomes["snippets/demo/streams_pytorch.py"]
    lines = outcome.output.splitlines()
    assert lines[:3] == ["stdout 1", "stderr 2", "fd 3"]
    assert "UserWarning: careful 4" in lines[3]
    assert lines[3].startswith("snippets/demo/streams_pytorch.py:5")
    assert lines[-2:] == [".", "snippets/demo/streams_pytorch.py"]
    assert str(project) not in outcome.output


# What TensorFlow's import writes to stderr on some CPUs (AMD EPYC), and ExecuTorch's runtime on
# any: C++ log lines with a timestamp, a thread id or a source location. This snippet writes them
# itself, to file descriptor 2 as C++ does, so the test fails on every machine, not only on the
# CPUs that trigger them.
CPP_LOGS = """
    {options}import os
    print("before", flush=True)
    os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n")
    os.write(2, b"I0000 00:00:1796152154.709814    9318 port.cc:153] oneDNN custom operations are on.\\n")
    os.write(2, b"I0000 00:00:1796157988.839837    9206 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.\\nTo enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.\\n")
    os.write(2, b"W1201 20:29:23.123456   42 some_file.cc:210] a warning\\n")
    os.write(2, b"[cpuinfo_utils.cpp:71] Reading file /sys/devices/soc0/image_version\\n")
    print("I see [brackets] and 10:20:30 in prose: kept   ")  # spaces go
    result = 1.0
"""
CPP_LOGS_KEPT = "before\nI see [brackets] and 10:20:30 in prose: kept\n"


@pytest.mark.parametrize("options", ["", "# snippet: fresh\n    "], ids=["worker", "fresh"])
def test_cpp_log_lines_never_reach_the_output_and_are_counted(project, runner, options):
    snippet = CPP_LOGS.format(options=options)
    add_pair(project, "demo/logs", snippet, snippet)
    collected = engine_for(project, runner).collect()
    for framework in ("pytorch", "tensorflow"):
        outcome = collected.outcomes[f"snippets/demo/logs_{framework}.py"]
        assert outcome.output == CPP_LOGS_KEPT
        assert outcome.log_lines_dropped == 5


def test_cpp_log_lines_are_dropped_for_the_cli_and_a_standalone_run(project):
    snippet = CPP_LOGS.format(options="")
    add_pair(project, "demo/logs", snippet, snippet)
    command = [sys.executable, "-m", "sidebyside", "--root", str(project), "run", "demo/logs"]
    shown = subprocess.run(command, capture_output=True, text=True, env=build_env(), timeout=600)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count(CPP_LOGS_KEPT) == 2
    assert "port.cc" not in shown.stdout + shown.stderr and "cpuinfo" not in shown.stdout
    # tests/test_snippets.py runs each snippet as a reader does and cleans it with the same function.
    from alone import run_alone

    assert run_alone(load_pair(project, "demo/logs").snippets[0], project).output == CPP_LOGS_KEPT


def test_each_snippet_gets_a_fresh_namespace_and_an_empty_directory(project, runner):
    first = """
        import os
        leaked = 1
        with open("left-behind.txt", "w") as handle:
            handle.write("x")
        print(sorted(os.listdir(".")))
    """
    second = """
        import os
        print("leaked" in globals(), sorted(os.listdir(".")))
    """
    add_pair(project, "demo/first", first, first)
    add_pair(project, "demo/second", second, second)
    engine = engine_for(project, runner)
    collected = engine.collect()
    for framework in ("pytorch", "tensorflow"):
        assert collected.outcomes[f"snippets/demo/first_{framework}.py"].output == "['left-behind.txt']\n"
        assert collected.outcomes[f"snippets/demo/second_{framework}.py"].output == "False []\n"


def test_workers_never_import_the_other_framework(project, runner):
    add_pair(
        project,
        "demo/modules",
        'import sys\nprint("tensorflow" in sys.modules, "keras" in sys.modules)\n',
        'import sys\nprint("torch" in sys.modules)\n',
    )
    collected = engine_for(project, runner).collect()
    assert collected.outcomes["snippets/demo/modules_pytorch.py"].output == "False False\n"
    assert collected.outcomes["snippets/demo/modules_tensorflow.py"].output == "False\n"


def test_a_worker_that_imported_the_other_framework_is_not_reused(project, runner):
    """tensorboard imports TensorFlow: the PyTorch snippets after it must not run with it loaded."""
    add_pair(project, "demo/foreign", "import tensorflow\n", "x = 1\n")
    add_pair(project, "demo/after", "import sys\nprint('tensorflow' in sys.modules)\n", "x = 1\n")
    pairs = engine_for(project, runner).collect().pairs
    first = runner.run(pairs["demo/foreign"].snippets[0])
    assert first.ok and "tensorflow" in first.versions
    assert runner.run(pairs["demo/after"].snippets[0]).output == "False\n"


def test_fresh_snippet_runs_in_a_new_interpreter(project, runner):
    fresh = """
        # snippet: fresh
        import sys
        print("torch" in sys.modules, "tensorflow" in sys.modules)
    """
    add_pair(project, "demo/fresh", fresh, fresh)
    collected = engine_for(project, runner).collect()
    # The reused workers import their framework up front; a fresh interpreter has imported nothing.
    assert collected.outcomes["snippets/demo/fresh_pytorch.py"].output == "False False\n"
    assert collected.outcomes["snippets/demo/fresh_tensorflow.py"].output == "False False\n"


def test_an_alone_snippet_runs_with_nothing_else_running(project, runner, monkeypatch):
    """Timing snippets say `alone`: the build runs them after the others, one at a time, while
    the other snippets of both frameworks run side by side as usual."""
    monkeypatch.setenv("SNIPPETS_ALONE", "1")  # what every build does but `.ci/run`'s
    timed = """
        # snippet: {options}
        import time
        start = time.time()
        time.sleep(0.6)
        result = [start, time.time()]
    """
    add_pair(project, "demo/busy", timed.format(options="timeout=60"), timed.format(options="timeout=60"))
    add_pair(project, "demo/timing", timed.format(options="alone"), timed.format(options="alone fresh"))
    collected = engine_for(project, runner).collect()
    spans = {
        path: outcome.result["data"] if outcome.result else []
        for path, outcome in collected.outcomes.items()
        if path.startswith("snippets/demo/") and ("busy" in path or "timing" in path)
    }
    assert len(spans) == 4, collected.problems

    def overlap(a, b):
        return a[0] < b[1] and b[0] < a[1]

    alone = [spans.pop("snippets/demo/timing_pytorch.py"), spans.pop("snippets/demo/timing_tensorflow.py")]
    assert not overlap(*alone), alone
    assert not any(overlap(a, b) for a in alone for b in spans.values()), (alone, spans)


def test_with_snippets_alone_0_a_timing_snippet_takes_its_lane_and_another_key(project, monkeypatch):
    """`.ci/run` sets SNIPPETS_ALONE=0 on a fresh clone, whose store is thrown away: timing
    snippets then run beside the others, and what they measure is stored under another key, so
    that no build that runs them alone ever shows it."""
    from sidebyside.cache import key_for
    from sidebyside.lanes import lanes

    add_pair(project, "demo/busy", "x = 1\n", "x = 1\n")
    add_pair(project, "demo/timing", "# snippet: alone\nx = 1\n", "# snippet: alone fresh\nx = 1\n")
    snippets = [*load_pair(project, "demo/busy").snippets, *load_pair(project, "demo/timing").snippets]
    busy, timing = snippets[:2], snippets[2:]
    monkeypatch.setenv("SNIPPETS_ALONE", "1")  # every build's default (`.ci/run` sets 0)
    keys = [key_for(s) for s in snippets]
    in_lanes, after = lanes(snippets, alone=True)
    assert after == timing and [s for lane in in_lanes.values() for s in lane] == busy
    monkeypatch.setenv("SNIPPETS_ALONE", "0")
    in_lanes, after = lanes(snippets, alone=False)
    assert after == [] and sorted(s.relpath for lane in in_lanes.values() for s in lane) == sorted(
        s.relpath for s in snippets
    )
    assert [key_for(s) for s in busy] == keys[:2]
    assert all(key_for(s) != k for s, k in zip(timing, keys[2:], strict=True))


# --------------------------------------------------------------------------- failures


def test_raising_snippet_names_page_file_line_and_error(project, runner):
    add_pair(project, "demo/raises", "x = 1\ny = 0\nprint(x / y)\n", "print('fine')\n")
    message = failure_of(engine_for(project, runner), "demo/raises")
    assert "docs/index.md:7" in message
    assert "snippets/demo/raises_pytorch.py:3" in message
    assert "ZeroDivisionError: division by zero" in message


def test_hanging_snippet_times_out_names_its_line_and_the_worker_is_replaced(project, runner):
    add_pair(
        project,
        "demo/hangs",
        "# snippet: timeout=3\nimport time\nprint('before')\ntime.sleep(600)\n",
        "print('fine')\n",
    )
    add_pair(project, "demo/after", "print('next one runs')\n", "print('fine')\n")
    engine = engine_for(project, runner)
    collected = engine.collect()
    message = failure_of(engine, "demo/hangs")
    assert "snippets/demo/hangs_pytorch.py:4: timed out after 3 s" in message
    assert "before" in message  # what it printed before it hung
    assert collected.outcomes["snippets/demo/after_pytorch.py"].output == "next one runs\n"


@pytest.mark.parametrize(
    "crash, line",
    [
        ("import os\nprint('going')\nos._exit(3)\n", 3),
        ("import ctypes\nprint('going')\nctypes.string_at(0)\n", 3),
    ],
    ids=["os_exit", "segfault"],
)
def test_crashing_snippet_names_its_line(project, runner, crash, line):
    add_pair(project, "demo/crashes", "print('fine')\n", crash)
    add_pair(project, "demo/after", "print('fine')\n", "print('next one runs')\n")
    engine = engine_for(project, runner)
    collected = engine.collect()
    message = failure_of(engine, "demo/crashes")
    assert f"snippets/demo/crashes_tensorflow.py:{line}: the interpreter died with exit code" in message
    assert "going" in message
    assert collected.outcomes["snippets/demo/after_tensorflow.py"].output == "next one runs\n"


def test_missing_pair_names_the_page_and_the_file(project, runner):
    (project / "docs/other.md").write_text("# Other\n\nText.\n\n```pair\ndemo/nowhere\n```\n")
    message = failure_of(engine_for(project, runner), "demo/add")
    assert "docs/other.md:5" in message
    assert "snippets/demo/nowhere_pytorch.py does not exist" in message


def test_different_numbers_fail_and_a_stated_tolerance_accepts_them(project, runner):
    add_pair(project, "demo/differ", "result = [1.0, 2.0]\n", "result = [1.0, 2.001]\n")
    engine = engine_for(project, runner)
    message = failure_of(engine, "demo/differ")
    assert "different numbers" in message and "element 1 differs" in message
    assert "Same numbers" in engine.render("demo/differ", rtol=1e-3).markdown


def test_result_on_one_side_only_fails(project, runner):
    add_pair(project, "demo/onesided", "result = 1.0\n", "print('no result')\n")
    message = failure_of(engine_for(project, runner), "demo/onesided")
    assert "binds `result` but snippets/demo/onesided_tensorflow.py does not" in message


def test_measured_figures_are_kept_per_side_and_never_compared(project, runner):
    add_pair(
        project,
        "demo/measured",
        "import numpy as np\nresult = 1.0\nmeasured = {'rows': [{'ms': np.float32(0.5), 'bytes': 10}]}\n",
        "result = 1.0\nmeasured = {'rows': [{'ms': 7.25, 'bytes': None}]}\n",
    )
    engine = engine_for(project, runner)
    assert "Same numbers" in engine.render("demo/measured").markdown  # 0.5 vs 7.25 is no mismatch
    assert engine.measured("demo/measured") == {
        "pytorch": {"rows": [{"ms": 0.5, "bytes": 10}]},
        "tensorflow": {"rows": [{"ms": 7.25, "bytes": None}]},
    }
    with pytest.raises(PairFailure, match="snippets/demo/add_pytorch.py binds no `measured` value"):
        engine.measured("demo/add")
    with pytest.raises(PairFailure, match="no page shows the pair"):
        engine.measured("demo/nowhere")


def test_deployment_table_is_generated_from_both_sides_measurements(project, runner):
    from sidebyside import engine as engine_mod
    from sidebyside.pages import deployment_table

    row = (
        "{{'format': '{0}', 'runtime': 'rt 1.0', 'bytes': {1}, 'load_ms': {2},"
        " 'b1': {{'median': 0.0123, 'q1': 0.012, 'q3': 0.0131}},"
        " 'b32': {{'median': 2.5, 'q1': 2.25, 'q3': 3.0}}, 'max_diff': 3.5e-07}}"
    )
    setup = "'threads': 1, 'cores': 2, 'machine': 'x86_64'"
    add_pair(
        project,
        "demo/formats",
        f"measured = {{'rows': [{row.format('pt2', 41216, 36.7)}], {setup}}}\n",
        f"measured = {{'rows': [{row.format('eager', None, None)}], {setup}}}\n",
    )
    engine_mod.use_engine(engine_for(project, runner))
    try:
        table = deployment_table("demo/formats")
    finally:
        engine_mod.use_engine(None)
    assert not table.startswith("<div data-sbs-varies")  # neither side is `varies`
    lines = table.splitlines()
    assert "| PyTorch | pt2 | `rt 1.0` | 40.2 KiB | 36.7 | 12.3<br><small>12–13.1</small> " in lines[2]
    assert "| 2.5e+03<br><small>2.25e+03–3e+03</small> | 3.5e-07 |" not in table  # µs, not sci
    assert "| 2,500<br><small>2,250–3,000</small> | 3.5e-07 |" in lines[2]
    assert lines[3].startswith("| TensorFlow | eager | `rt 1.0` | – | – |")
    assert "PyTorch: 1 thread per runtime, 2 logical cores, x86_64" in table
    assert "[demo/formats](#pair-demo-formats)" in table


def table_block(call: str) -> str:
    return f'\nSome prose.\n\n```python exec="on"\nfrom sidebyside.pages import *\nprint({call})\n```\n'


@pytest.mark.parametrize(
    "page, call, problem",
    [
        ("typo.md", 'verbosity_table("indx.md")', "docs/indx.md does not exist"),
        ("empty.md", 'libraries_table("empty.md")', "docs/empty.md shows no pair"),
        ("other.md", 'deployment_table("demo/add")', "docs/other.md does not show pair demo/add"),
        ("index.md", 'deployment_table("demo/add")', "binds no `measured` value"),
        ("index.md", 'deployment_table("demo/partial")', "lacks 'rows'"),
    ],
    ids=["missing-page", "page-without-pairs", "pair-elsewhere", "no-measured", "incomplete-measured"],
)
def test_generated_tables_fail_closed_naming_page_and_line(project, runner, page, call, problem):
    from sidebyside import engine as engine_mod
    from sidebyside.pages import TableError

    add_pair(project, "demo/partial", "measured = {'threads': 1}\n", "measured = {'threads': 1}\n")
    (project / "docs/other.md").write_text("# Other\n\n```pair\ndemo/partial\n```\n")
    path = project / "docs" / page
    text = path.read_text() if path.exists() else "# A page\n"
    path.write_text(text + table_block(call))
    line = len(text.splitlines()) + 6  # the print(...) line of the block
    engine_mod.use_engine(engine_for(project, runner))
    try:
        with pytest.raises(TableError) as caught:
            eval(call, vars(__import__("sidebyside.pages", fromlist=["*"])))
    finally:
        engine_mod.use_engine(None)
    assert f"docs/{page}:{line}: {call.split('(')[0]}(" in str(caught.value)
    assert problem in str(caught.value)


def test_a_run_time_is_stated_only_for_scripts_that_ran_alone(project, runner):
    """Scripts that share the cores overlap: their times add up to no wall-clock time."""
    from sidebyside import engine as engine_mod
    from sidebyside.pages import TableError
    from sidebyside.performance import run_time

    (project / "docs/index.md").write_text(
        (project / "docs/index.md").read_text() + table_block('run_time("index.md")')
    )
    engine_mod.use_engine(engine_for(project, runner))
    try:
        with pytest.raises(TableError, match=r"docs/index.md:\d+: run_time\('index.md'\): .* does not run alone"):
            run_time("index.md")
    finally:
        engine_mod.use_engine(None)


def test_a_table_that_cannot_be_made_stops_the_build(project, tmp_path):
    (project / "docs/index.md").write_text(
        (project / "docs/index.md").read_text() + table_block('verbosity_table("gone.md")')
    )
    built = mkdocs_build(project, tmp_path / "site", "--strict")
    assert built.returncode != 0
    assert "docs/index.md:11: verbosity_table('gone.md'): docs/gone.md does not exist" in built.stdout


def test_measured_must_be_plain_data(project, runner):
    add_pair(project, "demo/badmeasure", "measured = {'when': object()}\n", "measured = {}\n")
    message = failure_of(engine_for(project, runner), "demo/badmeasure")
    assert "measured['when'] must be numbers, strings, booleans, None" in message


def test_unknown_snippet_option_names_file_and_line(project, runner):
    add_pair(project, "demo/option", "# Adds.\n# snippet: timout=3\nprint(1)\n", "print(1)\n")
    message = failure_of(engine_for(project, runner), "demo/option")
    assert "snippets/demo/option_pytorch.py:2: unknown snippet option 'timout=3'" in message


def test_lines_of_code_leave_out_blank_and_comment_lines():
    from sidebyside.snippets import code_lines

    source = "# header\n\nimport torch\n   # indented comment\nx = 1  # trailing\ny = (\n    2)\n"
    assert code_lines(source) == 4  # import, x = 1, and the two lines of y


def test_pair_names_are_checked():
    with pytest.raises(SnippetError, match="not a pair name"):
        from sidebyside.snippets import load_pair

        load_pair(FIXTURE, "../etc/passwd")


def test_preview_runs_nothing_and_says_so(project, monkeypatch):
    monkeypatch.setenv("SNIPPETS_EXECUTE", "0")
    engine = Engine(Settings.for_project(project))
    html = engine.render("demo/add").markdown
    assert "Preview: not executed" in html
    assert not engine.results.started and (engine.stats.run, engine.stats.cached) == (0, 0)


# --------------------------------------------------------------------------- mkdocs builds

_PROBE = """
import logging, sys
from mkdocs.commands.build import build
logging.basicConfig(level=logging.INFO, format="%(message)s")  # what the mkdocs CLI sets up
from mkdocs.config import load_config
build(load_config("mkdocs.yml", site_dir=sys.argv[1]))
print("imported:", sorted(m for m in ("torch", "tensorflow", "keras") if m in sys.modules))
"""


def test_warm_mkdocs_build_runs_nothing_and_imports_no_framework(project, tmp_path):
    runs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, str(tmp_path / "site")],
            cwd=project,
            env=build_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        runs.append(result)
    cold, warm = (SUMMARY.findall(r.stderr) for r in runs)
    assert cold == [("2", "0", "0")] and warm == [("0", "2", "0")]  # exactly one summary line each
    assert "imported: []" in runs[1].stdout
    assert "sum: [1.5, 2.25]" in (tmp_path / "site/index.html").read_text()


def test_failing_snippet_fails_the_build_without_strict(project, tmp_path):
    add_pair(project, "demo/raises", "print('fine')\n", "import json\njson.loads('{')\n")
    result = mkdocs_build(project, tmp_path / "site")  # no --strict
    assert result.returncode != 0
    assert "docs/index.md:7" in result.stdout
    assert "snippets/demo/raises_tensorflow.py:2: json.decoder.JSONDecodeError" in result.stdout
    assert SUMMARY.findall(result.stdout) == [("3", "0", "1")]
    # What did run is kept: the next build only runs the broken snippet again.
    (project / "snippets/demo/raises_tensorflow.py").write_text("print('fixed')\n")
    fixed = mkdocs_build(project, tmp_path / "site")
    assert fixed.returncode == 0, fixed.stdout
    assert SUMMARY.findall(fixed.stdout) == [("1", "3", "0")]
    assert re.search(r"fixed", (tmp_path / "site/index.html").read_text())


def test_a_whole_build_removes_the_stored_results_no_page_uses(project, tmp_path):
    """An edited snippet leaves its old result behind: the next whole build stores the new one
    and removes the old, so the store does not grow with every edit; a preview build removes
    nothing."""
    from sidebyside.store import Store

    store = Store(project / ".cache" / "snippets")
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    before = {path.name for path in store.records()}
    path = project / "snippets/demo/add_pytorch.py"
    path.write_text(path.read_text().replace('"sum:"', '"total:"'))
    preview = mkdocs_build(project, tmp_path / "site", SNIPPETS_EXECUTE="0")
    assert "no page uses" not in preview.stdout and {p.name for p in store.records()} == before
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode == 0 and "snippets: removed 1 stored result no page uses" in built.stdout
    after = {path.name for path in store.records()}
    assert len(after) == len(before) == 2 and len(after & before) == 1


def test_a_build_removes_nothing_from_a_store_other_checkouts_may_share(project, tmp_path):
    """SNIPPETS_CACHE_DIR can point several checkouts at one store: a whole build of one leaves
    the others' results where they are."""
    from sidebyside.store import Store

    shared = Store(tmp_path / "shared")
    shared.write("snippet", "0" * 64, {"from": "another checkout"})
    built = mkdocs_build(project, tmp_path / "site", SNIPPETS_CACHE_DIR=str(shared.directory))
    assert built.returncode == 0 and "no page uses" not in built.stdout
    assert len(shared.records()) == 3 and shared.read("snippet", "0" * 64) == {"from": "another checkout"}


def test_mkdocs_serve_reruns_only_the_changed_snippet(project):
    """A contributor keeps `mkdocs serve` running; editing a snippet rebuilds and runs only it."""
    with mkdocs_serve(project) as next_match:
        assert next_match(SUMMARY, 300) == ("2", "0", "0")
        next_match(SERVING, 60)  # the watcher is started before this line
        path = project / "snippets/demo/add_tensorflow.py"
        path.write_text(path.read_text().replace('"sum:"', '"edited sum:"'))
        assert next_match(SUMMARY, 300) == ("1", "1", "0")


def test_cli_runs_one_pair_alone(project):
    """`python -m sidebyside run NAME`, as CONTRIBUTING.md tells a contributor to use it."""
    command = [sys.executable, "-m", "sidebyside", "--root", str(project), "run", "demo/add"]
    first = subprocess.run(command, capture_output=True, text=True, env=build_env(), timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("sum: [1.5, 2.25]") == 2
    assert "snippets: 2 run, 0 from cache, 0 failed" in first.stdout
    assert "== same numbers: 2 compared" in first.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=build_env(), timeout=600)
    assert "snippets: 0 run, 2 from cache, 0 failed" in again.stdout
    (project / "snippets/demo/add_pytorch.py").write_text("result = [0.0, 0.0]\n")
    broken = subprocess.run(command, capture_output=True, text=True, env=build_env(), timeout=600)
    assert broken.returncode == 1
    assert "different numbers" in broken.stderr


def preview_page_part(project: Path, monkeypatch, part, *args) -> str:
    """A generated page part that reads files only, from an engine that runs nothing."""
    from sidebyside import engine as engine_mod

    monkeypatch.setenv("SNIPPETS_EXECUTE", "0")
    engine_mod.use_engine(Engine(Settings.for_project(project)))
    try:
        return part(*args)
    finally:
        engine_mod.use_engine(None)


def test_verbosity_table_counts_each_side_from_the_files(project, monkeypatch):
    from sidebyside.pages import verbosity_table

    add_pair(project, "demo/short", "# comment\n\nx = 1\n", "x = 1\ny = 2\nz = 3\n")
    table = preview_page_part(project, monkeypatch, verbosity_table, "index.md")
    assert "| [demo/add](#pair-demo-add) | 4 | 4 | +0 |" in table
    assert "| [demo/short](#pair-demo-short) | 1 | 3 | -2 |" in table
    assert "| **All 2 pairs** | **5** | **7** | **-2** |" in table
    assert table.endswith("TensorFlow longer by 2 lines (40.0%).")


def test_libraries_table_lists_what_the_page_imports_with_versions(project, monkeypatch):
    from importlib import metadata

    from sidebyside.pages import libraries_table

    add_pair(project, "demo/libs", "import numpy as np\nimport yaml\n", "import numpy\n")
    table = preview_page_part(project, monkeypatch, libraries_table, "index.md")
    numpy_row = next(line for line in table.splitlines() if line.startswith("| numpy |"))
    assert f"`{metadata.version('numpy')}`" in numpy_row and "[demo/libs](#pair-demo-libs)" in numpy_row
    assert f"| PyYAML | `{metadata.version('pyyaml')}` | [demo/libs](#pair-demo-libs) |" in table


def _running(pid: int, within: float = 5.0) -> bool:
    """Whether ``pid`` still runs (a zombie does not) once ``within`` seconds have passed: a
    SIGKILL is delivered asynchronously, so a loaded machine may show the process a moment
    longer."""
    deadline = time.monotonic() + within
    while True:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                running = handle.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            running = False
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


@pytest.mark.parametrize("fresh", [False, True], ids=["reused_worker", "fresh_interpreter"])
def test_processes_a_failing_snippet_started_are_stopped(project, runner, fresh):
    starts = (
        ("# snippet: fresh\n" if fresh else "")
        + "import subprocess\n"
        + "child = subprocess.Popen(['sleep', '600'])\n"
        + "print('child', child.pid)\n"
        + "raise RuntimeError('failed with a child running')\n"
    )
    add_pair(project, "demo/spawns", starts, "print('fine')\n")
    engine = engine_for(project, runner)
    outcome = engine.collect().outcomes["snippets/demo/spawns_pytorch.py"]
    pid = int(outcome.output.split("child ")[1].split()[0])
    assert "RuntimeError: failed with a child running" in failure_of(engine, "demo/spawns")
    assert not _running(pid), "the snippet's child process outlived it"


def test_processes_left_by_a_fresh_snippet_are_stopped(project, runner):
    leaves = "# snippet: fresh\nimport subprocess\nprint('child', subprocess.Popen(['sleep', '600']).pid)\n"
    add_pair(project, "demo/leaves", leaves, "print('fine')\n")
    outcome = engine_for(project, runner).collect().outcomes["snippets/demo/leaves_pytorch.py"]
    assert outcome.ok
    assert not _running(int(outcome.output.split()[1]))


def test_a_lane_that_is_done_takes_the_other_lane_s_fresh_snippets_only(project):
    """The two lanes finish closer together: a thread out of work runs the other framework's
    fresh snippets (a new interpreter either way), never what the other's reused worker runs."""
    from sidebyside.lanes import Queues

    add_pair(project, "demo/a", "x = 1\n", "x = 1\n")
    add_pair(project, "demo/b", "# snippet: fresh\nx = 1\n", "x = 1\n")
    add_pair(project, "demo/c", "# snippet: fresh\nx = 1\n", "x = 1\n")
    a, b, c = (load_pair(project, f"demo/{name}").snippets for name in "abc")
    queues = Queues({"pytorch": [b[0], a[0], c[0]], "tensorflow": [a[1]]})
    assert queues.take("pytorch") is a[0]  # its own worker's snippets first, then the fresh ones
    assert queues.take("tensorflow") is a[1]
    assert queues.take("tensorflow") is c[0]  # done: another lane's fresh snippet, from its end
    assert queues.take("pytorch") is b[0]
    assert queues.take("pytorch") is None and queues.take("tensorflow") is None
    queues = Queues({"pytorch": [a[0], b[0]], "tensorflow": []})
    assert queues.take("tensorflow") is b[0] and queues.take("tensorflow") is None  # a[0]: not fresh


def test_timing_scripts_in_a_lane_go_first_among_the_fresh_ones(project):
    """With SNIPPETS_ALONE=0 the timing scripts (`alone`, the longest) take their lane: run
    before the other fresh snippets, they leave short ones for the end, which either lane takes."""
    from sidebyside.lanes import Queues

    add_pair(project, "demo/a", "x = 1\n", "x = 1\n")
    add_pair(project, "demo/short", "# snippet: fresh\nx = 1\n", "x = 1\n")
    add_pair(project, "demo/timing", "# snippet: alone fresh\nx = 1\n", "x = 1\n")
    a, short, timing = (load_pair(project, f"demo/{name}").snippets for name in ("a", "short", "timing"))
    queues = Queues({"pytorch": [short[0], timing[0], a[0]], "tensorflow": []})
    assert [queues.take("pytorch") for _ in range(3)] == [a[0], timing[0], short[0]]
    queues = Queues({"pytorch": [short[0], timing[0], a[0]], "tensorflow": []})
    assert queues.take("tensorflow") is short[0]  # a lane out of work takes the short one
