"""Faults a build must survive or report: each ends in a correct site or in a failed build whose
message names the file and line, never in a wrong page, a wrong stored result or a traceback.

Most run a preview build of tests/fixture_site (nothing executes) or drive one piece directly.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

import pytest
from conftest import MAP_ENTRIES, add_pair, mkdocs_build, write

from sidebyside import notebooks
from sidebyside.apimap import schema
from sidebyside.data import DataError
from sidebyside.engine import Engine, PairFailure
from sidebyside.settings import Settings
from sidebyside.snippets import load_pair
from sidebyside.store import Store


def preview_engine(root: Path) -> Engine:
    return Engine(dataclasses.replace(Settings.for_project(root), execute=False))


def problem_of(root: Path) -> str:
    with pytest.raises(PairFailure) as caught:
        preview_engine(root).render("demo/add")
    return str(caught.value)


def test_a_pair_fence_never_closed_stops_the_build_at_its_line(project):
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\n\nMore text.\n\n```pair\ndemo/add\n")
    line = page.read_text().split("\n").index("More text.") + 3
    assert f"docs/index.md:{line}: this ```pair fence is never closed: end it with ```" in problem_of(project)


def test_a_pair_fence_that_runs_into_the_next_block_says_its_close_is_missing(project):
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\n```pair\ndemo/add\n\nProse the fence swallows.\n\n```python\nx = 1\n```\n")
    message = problem_of(project)
    assert "a pair fence holds one pair name, this one runs over 4 lines (from 'demo/add')" in message
    assert "is the ``` that closes it missing?" in message and len(message) < 600


def test_a_pair_fence_superfences_does_not_take_stops_the_build(project, tmp_path):
    """An unquoted option makes SuperFences show the fence as text: the build stops instead."""
    page = project / "docs" / "index.md"
    page.write_text(page.read_text().replace("```pair\ndemo/add", "```pair rtol=1e-3\ndemo/add"))
    built = mkdocs_build(project, tmp_path / "site", SNIPPETS_EXECUTE="0")
    assert built.returncode != 0
    assert "docs/index.md:3: this ```pair fence (demo/add) did not render as a pair" in built.stdout
    assert "Traceback" not in built.stdout


def test_an_api_map_error_stops_the_build_with_its_line_and_no_traceback(project, tmp_path):
    write(
        project, "docs/data/api_map/demo.yml", MAP_ENTRIES.replace("  check: same\n", "  check: same\n  colour: red\n")
    )
    write(project, "docs/api-map/demo.md", '# API map: Demo\n\n```python exec="on"\nprint(1)\n```\n')
    built = mkdocs_build(project, tmp_path / "site", SNIPPETS_EXECUTE="0")
    assert built.returncode != 0
    assert re.search(r"docs/data/api_map/demo\.yml:\d+: entry 'sum-axis'.*colour", built.stdout), built.stdout[-3000:]
    assert "Traceback" not in built.stdout


def test_an_api_map_id_used_in_two_files_names_both(tmp_path):
    """Ids were unique per file only: two entries with one id shared one anchor and one set of
    checked values, and the page of one showed the other's numbers."""
    write(tmp_path, "data/api_map/a.yml", MAP_ENTRIES)
    write(tmp_path, "data/api_map/b.yml", MAP_ENTRIES.replace("sum along an axis", "another sum"))
    for category in "ab":
        write(tmp_path, f"api-map/{category}.md", f"# API map: {category}\n")
    with pytest.raises(DataError, match=r"b\.yml:1: entry 'sum-axis': id already used in .*a\.yml:1"):
        schema.all_entries(tmp_path)


def test_two_checkouts_sharing_a_store_keep_their_own_notebooks(tmp_path):
    shared = tmp_path / "store"
    one, two = (Engine(dataclasses.replace(Settings.for_project(tmp_path / n), cache_dir=shared)) for n in "ab")
    assert notebooks.source_dir(one) != notebooks.source_dir(two)
    assert notebooks.source_dir(one).parent == shared / "notebook-pages"


def test_a_store_that_cannot_be_written_warns_once_and_keeps_nothing(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    store = Store(blocker / "snippets")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.sidebyside"):
        store.write("snippet", "0" * 64, {"a": 1})
        store.write("snippet", "1" * 64, {"b": 2})
    assert [r.getMessage() for r in caplog.records if "results are not kept" in r.getMessage()] == [
        f"snippets: results are not kept: cannot write to {blocker / 'snippets'} (Not a directory)"
    ]
    assert store.read("snippet", "0" * 64) is None


def test_a_store_removed_while_a_build_runs_keeps_what_comes_after(tmp_path):
    """`make clear-cache` during a build: the next results are stored all the same, whole."""
    import shutil

    store = Store(tmp_path / "snippets")
    store.write("snippet", "0" * 64, {"a": 1})
    shutil.rmtree(tmp_path / "snippets")
    store.write("snippet", "1" * 64, {"b": 2})
    assert store.read("snippet", "1" * 64) == {"b": 2} and store.read("snippet", "0" * 64) is None
    assert [path.name for path in (tmp_path / "snippets").iterdir()] == [f"snippet-{'1' * 64}.json"]


def test_a_build_with_a_store_it_cannot_write_still_publishes_every_output(project, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    built = mkdocs_build(project, tmp_path / "site", SNIPPETS_CACHE_DIR=str(blocker / "snippets"))
    assert built.returncode == 0, built.stdout[-3000:]
    assert built.stdout.count("results are not kept") == 1 and "Traceback" not in built.stdout
    assert "sum: [1.5, 2.25]" in (tmp_path / "site" / "index.html").read_text()


def test_a_snippet_does_not_see_what_the_one_before_it_set_for_the_process(project, runner):
    """Snippets share a worker: print options, the default dtype and thread counts one of them
    sets are put back before the next runs, as `python snippet.py` would start."""
    add_pair(
        project,
        "demo/sets",
        "import numpy as np, torch\nnp.set_printoptions(precision=1)\ntorch.set_printoptions(precision=1)\n"
        "torch.set_default_dtype(torch.float64)\ntorch.set_num_threads(1)\n",
        "import numpy as np\nnp.set_printoptions(precision=1)\n",
    )
    shows = "import numpy as np, torch\nprint(np.array([0.123456]), torch.tensor([0.123456]), torch.ones(1).dtype)\n"
    add_pair(project, "demo/shows", shows, "import numpy as np\nprint(np.array([0.123456]))\n")
    alone = runner.run(load_pair(project, "demo/shows").snippets[0]).output
    for name in ("demo/sets", "demo/shows"):
        outcomes = [runner.run(snippet) for snippet in load_pair(project, name).snippets]
        assert all(outcome.ok for outcome in outcomes), [o.failure() for o in outcomes]
    assert outcomes[0].output == alone == "[0.123456] tensor([0.1235]) torch.float32\n"
    assert outcomes[1].output == "[0.123456]\n"


def test_a_snippet_that_prints_too_much_fails_naming_it(project, runner):
    add_pair(project, "demo/loud", "print('x' * 150_000)\n", "print(1)\n")
    outcome = runner.run(load_pair(project, "demo/loud").snippets[0])
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.message == "printed 150,001 characters; a pair shows at most 100,000: print less"
    assert "snippets/demo/loud_pytorch.py" in outcome.failure()


def test_a_list_of_strings_is_a_result(project, runner):
    """CONTRIBUTING allows strings in lists; a list of them used to be refused."""
    add_pair(project, "demo/words", "result = ['a', 'b']\n", "result = ('a', 'b')\n")
    outcomes = [runner.run(snippet) for snippet in load_pair(project, "demo/words").snippets]
    assert [o.ok for o in outcomes] == [True, True], [o.failure() for o in outcomes]
    assert (
        outcomes[0].result
        == outcomes[1].result
        == {
            "kind": "list",
            "items": [{"kind": "text", "value": "a"}, {"kind": "text", "value": "b"}],
        }
    )


def _processes_with(marker: str) -> list[int]:
    """The processes whose environment holds ``marker``: a build's and everything it started."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:  # gone, or not ours
            continue
    return found


def test_ctrl_c_during_a_build_stops_every_snippet_and_keeps_what_finished(project, tmp_path):
    """Ctrl-C while snippets run: the build stops within seconds, says so, logs no failure and no
    traceback, leaves no process behind (the fresh interpreter included) and stores what finished."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from conftest import build_env

    slow = "import time\n\ntime.sleep(600)\nresult = 1.0\n"
    add_pair(project, "demo/slow", slow, "# snippet: fresh\n" + slow)
    marker = f"SBS_INTERRUPT_TEST={uuid.uuid4().hex}"
    temp = tmp_path / "tmp"
    temp.mkdir()
    # A shell runs a background job with SIGINT ignored, and Python keeps an ignored SIGINT
    # ignored: under `.ci/run &` the build would never see this Ctrl-C. A terminal's build has
    # Python's own handler, so this one installs it first.
    ctrl_c_on = "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            ctrl_c_on + "runpy.run_module('mkdocs', run_name='__main__', alter_sys=True)",
            "build",
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=project,
        env=build_env(**dict([marker.split("=")]), TMPDIR=str(temp), PYTHONFAULTHANDLER="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a terminal's Ctrl-C reaches its whole foreground group
    )
    assert build.stdout is not None
    log = []
    for line in build.stdout:  # the quick pair's two snippets finish first, one per framework
        log.append(line)
        if sum(" ok in " in seen for seen in log) == 2:
            break
    time.sleep(2)  # the slow snippets are running now, one of them in a fresh interpreter
    os.killpg(build.pid, signal.SIGINT)
    started = time.monotonic()
    try:
        rest, _ = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # faulthandler then prints where each thread of the build waits
        os.killpg(build.pid, signal.SIGABRT)
        rest, _ = build.communicate()
        raise AssertionError("the build did not stop within 60 s of Ctrl-C:\n" + "".join(log) + rest) from None
    output = "".join(log) + rest
    assert build.returncode != 0 and time.monotonic() - started < 30, output
    assert "snippets: interrupted: 2 of 4 finished" in output, output
    assert "FAILED" not in output and "Traceback" not in output, output
    deadline = time.monotonic() + 10
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(marker) == []
    stored = sorted(path.name for path in (project / ".cache" / "snippets").iterdir() if path.is_file())
    assert len(stored) == 2 and all(re.fullmatch(r"snippet-[0-9a-f]{64}\.json", name) for name in stored), stored
    assert list(temp.iterdir()) == []  # the run's folders, workers' included, are gone
