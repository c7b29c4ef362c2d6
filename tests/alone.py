"""Every snippet run as a reader runs it: ``python snippet.py`` in an empty directory, with a HOME
and a TMPDIR of its own (as importing the frameworks leaves them), and once more there when the
first run left a file behind. tests/test_snippets.py compares these runs with the build.

The runs start when the test session does (:func:`start`, from conftest.py), two at a time, at
the lowest CPU priority: they take only what the build and the other tests leave idle, and most
are done before tests/test_snippets.py asks for them. A run's timeout is then its snippet's own
plus :data:`WAITING`, the longest a run may wait behind the rest of the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sidebyside.output import clean
from sidebyside.runner import worker_env
from sidebyside.snippets import DEFAULT_TIMEOUT, FRAMEWORKS, Snippet, load_snippet, pair_name_of

ROOT = Path(__file__).resolve().parent.parent
# Puts tests/reader_run/sitecustomize.py on the path: it reports `result` and `measured`.
READER_RUN = Path(__file__).parent / "reader_run"
# Variables that would move a library's files out of HOME (and out of what the test watches).
_ELSEWHERE = (
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "KERAS_HOME",
    "HF_HOME",
    "TORCH_HOME",
    "MPLCONFIGDIR",
    "TORCHINDUCTOR_CACHE_DIR",
)
WAITING = 1200.0  # seconds: a cold build and the browser tests, with both cores busy


@dataclass
class ReaderRun:
    output: str  # as a page shows it (output.clean)
    result: dict | None = None  # `result`, encoded as the build encodes it
    measured: object = None


def run_alone(snippet: Snippet, cwd: Path, home: Path | None = None, niced: bool = False) -> ReaderRun:
    """``python snippet.py`` in ``cwd``, as a reader runs it; with ``home``, under that folder's
    ``home`` and ``tmp`` as HOME and TMPDIR, and with what the script bound to ``result`` and
    ``measured`` read back (tests/reader_run/sitecustomize.py). ``niced``: at the lowest CPU
    priority, with :data:`WAITING` more time."""
    env = worker_env()
    report = None
    if home is not None:
        for name in _ELSEWHERE:
            env.pop(name, None)
        report = home / "report.json"
        report.unlink(missing_ok=True)
        env.update(HOME=str(home / "home"), TMPDIR=str(home / "tmp"), SIDEBYSIDE_REPORT=str(report))
        env["PYTHONPATH"] = os.pathsep.join([str(READER_RUN), env["PYTHONPATH"]])
    command = [sys.executable, str(snippet.path)]
    result = subprocess.run(
        ["nice", "-n", "19", *command] if niced else command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=snippet.timeout(DEFAULT_TIMEOUT) + (WAITING if niced else 0.0),
    )
    output = clean(result.stdout, str(ROOT), str(cwd)).text
    assert result.returncode == 0, f"{snippet.relpath} failed on its own (exit {result.returncode}):\n{output}"
    run = ReaderRun(output)
    if report is not None:
        reported = json.loads(report.read_text(encoding="utf-8"))
        run.result, run.measured = reported["result"], reported["measured"]
    return run


def _files(base: Path) -> dict[str, tuple[int, int]]:
    """Every file in a run's directory, HOME and TMPDIR: its size and modification time. An
    empty folder left behind (Inductor makes its cache folder on import) changes no second run."""
    found = {}
    for path in (p for name in ("cwd", "home", "tmp") for p in (base / name).rglob("*")):
        if not path.is_dir():
            stat = path.lstat()
            found[str(path.relative_to(base))] = (stat.st_size, stat.st_mtime_ns)
    return found


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "__pycache__")


@dataclass
class Runs:
    first: ReaderRun
    second: ReaderRun | None  # only when the first left something behind
    left: list[str]  # what the first run left in its directory, HOME or TMPDIR
    beside: list[str]  # files that appeared next to the snippet while it ran


def _run_as_a_reader(snippet: Snippet, base: Path, home: Future[Path]) -> Runs:
    shutil.copytree(home.result(), base, dirs_exist_ok=True)
    cwd = base / "cwd"
    cwd.mkdir()
    before, folder = _files(base), _listing(snippet.path.parent)
    first = run_alone(snippet, cwd, base, niced=True)
    after = _files(base)
    left = sorted(name for name in after.keys() | before.keys() if after.get(name) != before.get(name))
    second = run_alone(snippet, cwd, base, niced=True) if left else None
    beside = sorted(set(_listing(snippet.path.parent)) - set(folder))
    return Runs(first, second, left, beside)


def _framework_home(base: Path) -> Path:
    """A HOME and a TMPDIR as importing the frameworks leaves them (Keras writes its
    ~/.keras/keras.json): what a reader's home holds before a snippet runs."""
    for name in ("home", "tmp"):
        (base / name).mkdir()
    env = worker_env()
    for name in _ELSEWHERE:
        env.pop(name, None)
    env.update(HOME=str(base / "home"), TMPDIR=str(base / "tmp"))
    command = [sys.executable, "-c", "import torch, tensorflow, keras"]
    subprocess.run(["nice", "-n", "19", *command], cwd=base, env=env, check=True, timeout=WAITING)
    return base


def start(paths: list[Path], folders) -> tuple[ThreadPoolExecutor, dict[Path, Future[Runs]]]:
    """Each snippet of ``paths`` run as a reader, two at a time, in the background; ``folders``
    makes a new empty folder (pytest's ``tmp_path_factory.mktemp``)."""
    pool = ThreadPoolExecutor(max_workers=2)
    if not paths:
        return pool, {}
    home = pool.submit(_framework_home, folders("framework-home"))
    futures = {}
    for path in paths:
        named = pair_name_of(ROOT, path)
        if named:
            snippet = load_snippet(ROOT, named[0], FRAMEWORKS[named[1]])
            futures[path] = pool.submit(_run_as_a_reader, snippet, folders("run"), home)
    return pool, futures
