"""Run snippets in worker processes: one reused worker per framework, or a fresh interpreter.

Each snippet gets a new ``__main__`` module and its own temporary working directory. A snippet
that outlives its timeout is stopped: its worker (and everything it started) is killed and the
next snippet of that framework gets a new worker. A worker that dies while running a snippet
(``os._exit``, a segfault) is reported with what the snippet printed up to then. An interrupted
run (Ctrl-C) kills every worker, reports nothing for the snippets it cut short, and re-raises.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from . import machine
from .lanes import Queues, lanes
from .outcome import Failure, Outcome
from .output import clean as clean_output
from .settings import timings_alone
from .snippets import FRAMEWORKS, Framework, Snippet

STARTUP_TIMEOUT = 300.0  # importing TensorFlow on a busy 2-core machine can take a while
GRACE = 3.0  # after the timeout, time for the worker's stack dump to land
OUTPUT_LIMIT = 100_000  # characters a snippet may print: the page, search index, notebook and store hold them


class Interrupted(Exception):
    """The runner was stopped while a snippet ran: that snippet has no outcome."""


def worker_env(home: Path | None = None) -> dict[str, str]:
    """The environment every snippet runs in, in a worker or standalone (tests use it too).

    With ``home`` (a run's directory), TorchInductor's cache directory is ``home/inductor``:
    every snippet of the run shares it, and it goes when the run ends. The CPU-probe programs a
    snippet builds there are loaded by the later ones, and the directory a compile with
    ``force_disable_caches`` leaves behind (PyTorch does not delete it) is removed with the run
    instead of piling up in the user's default cache.
    """
    env = dict(os.environ)
    if home is not None:
        env["TORCHINDUCTOR_CACHE_DIR"] = str(home / "inductor")
    # TensorFlow's C++ INFO/WARNING lines carry timestamps; what this does not silence on some
    # CPUs, output.clean() removes.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleave in the order they were written
    env["PYTHONHASHSEED"] = "0"
    src = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


class Worker:
    def __init__(self, module: str, home: Path):
        """A worker of the run whose directory is ``home``."""
        self.home = Path(tempfile.mkdtemp(prefix="worker-", dir=home))
        self.log_path = self.home / "worker.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "sidebyside.worker", module],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=self.home,
                env=worker_env(home),
                start_new_session=True,  # its own process group: a kill reaches what it started
                text=True,
                encoding="utf-8",
            )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = False

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, timeout: float) -> dict | None:
        """The next message, or None when the worker died or said nothing in time."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:  # end of the pipe: the worker is exiting; let it finish to read its code
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
            return None
        return json.loads(line)

    def wait_ready(self) -> str | None:
        """None when ready, else why not."""
        if self.ready:
            return None
        message = self._next(STARTUP_TIMEOUT)
        if message and message.get("ready"):
            self.ready = True
            return None
        self.kill()
        log = self.log_path.read_text(errors="replace")[-4000:]
        return f"the worker did not start (exit code {self.proc.returncode}):\n{log}"

    def request(self, payload: dict, timeout: float) -> dict | None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return None
        return self._next(timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Kill the worker and every process still in its group, even after the worker exited."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        shutil.rmtree(self.home, ignore_errors=True)


def _line_in(text: str, path: str) -> int | None:
    """The snippet's line in the innermost frame of a faulthandler dump or a traceback."""
    lines = re.findall(rf'File "{re.escape(path)}", line (\d+)', text)
    if not lines:
        return None
    # faulthandler prints the innermost frame first, tracebacks print it last.
    return int(lines[0] if "most recent call first" in text else lines[-1])


class Pool:
    """The workers of a run: one reused per framework, and the fresh ones while they run."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="sidebyside-"))
        self.workers: dict[str, Worker] = {}
        self.live: set[Worker] = set()  # every worker not yet closed, the fresh ones too
        self.stopping = threading.Event()
        self.lock = threading.RLock()

    def new(self, module: str) -> Worker:
        with self.lock:  # stop() holds it too: a worker is either killed by it or never started
            if self.stopping.is_set():
                raise Interrupted
            worker = Worker(module, self.home)
            self.live.add(worker)
            return worker

    def start(self, frameworks: Iterable[Framework]) -> None:
        """Start workers ahead of time, so that both frameworks import in parallel."""
        with self.lock:
            for fw in frameworks:
                if fw.key not in self.workers or not self.workers[fw.key].alive():
                    self.workers[fw.key] = self.new(fw.module)

    def for_snippet(self, snippet: Snippet) -> Worker:
        if snippet.options.fresh:
            return self.new("-")
        self.start([snippet.framework])
        return self.workers[snippet.framework.key]

    def forget(self, snippet: Snippet, worker: Worker) -> None:
        """No later snippet of this framework goes to ``worker``."""
        with self.lock:
            if self.workers.get(snippet.framework.key) is worker:
                del self.workers[snippet.framework.key]

    def close_one(self, worker: Worker) -> None:
        worker.close()
        with self.lock:
            self.live.discard(worker)

    def stop(self) -> None:
        """Kill every worker now (from any thread); the pool starts no new one."""
        with self.lock:
            self.stopping.set()
            workers = list(self.live)
        for worker in workers:
            worker.kill()

    def close(self) -> None:
        self.stop()  # a build still running in another thread (mkdocs serve's) stops here
        with self.lock:
            workers, self.workers, self.live = list(self.live), {}, set()
        for worker in workers:
            worker.close()
        shutil.rmtree(self.home, ignore_errors=True)


class Runner:
    """Runs snippets in a :class:`Pool` of workers, started on first use."""

    def __init__(self, default_timeout: float):
        self.default_timeout = default_timeout
        self.pool = Pool()
        self.home = self.pool.home
        self.stopping = self.pool.stopping  # set once stop() or close() was called

    def start(self, frameworks: Iterable[Framework]) -> None:
        self.pool.start(frameworks)

    def stop(self) -> None:
        self.pool.stop()

    def close(self) -> None:
        self.pool.close()

    def run(self, snippet: Snippet) -> Outcome:
        timeout = snippet.timeout(self.default_timeout)
        worker = self.pool.for_snippet(snippet)
        workdir = Path(tempfile.mkdtemp(prefix="run-", dir=self.home))
        cwd = workdir / "cwd"
        cwd.mkdir()
        output_path = workdir / "output.txt"
        root = str(snippet.path)[: -len(snippet.relpath) - 1]
        outcome = Outcome(snippet.relpath, machine=machine.describe())

        def clean(text: str) -> str:
            cleaned = clean_output(text, root, str(cwd))
            outcome.log_lines_dropped += cleaned.dropped
            return cleaned.text

        try:
            problem = worker.wait_ready()
            if problem:
                outcome.error = Failure(problem, None)
                return outcome
            started = time.perf_counter()
            reply = worker.request(
                {"path": str(snippet.path), "cwd": str(cwd), "output": str(output_path), "timeout": timeout},
                timeout + GRACE,
            )
            outcome.seconds = time.perf_counter() - started
            raw = output_path.read_text(encoding="utf-8", errors="replace") if output_path.exists() else ""
            if len(raw) > OUTPUT_LIMIT:
                outcome.output = clean(raw[-2000:])
                outcome.error = Failure(
                    f"printed {len(raw):,} characters; a pair shows at most {OUTPUT_LIMIT:,}: print less", None
                )
                return outcome
            outcome.output = clean(raw)
            if reply is None:
                outcome.error = self._lost(snippet, worker, timeout, _line_in(raw, str(snippet.path)))
                return outcome
            outcome.ok = reply["ok"]
            outcome.seconds = round(reply["seconds"], 4)
            outcome.result = reply["result"]
            outcome.measured = reply["measured"]
            outcome.versions = reply["versions"]
            if reply["error"]:
                outcome.error = Failure(clean(reply["error"]["message"]), reply["error"]["line"])
            return outcome
        finally:
            self._after(snippet, worker, outcome)
            shutil.rmtree(workdir, ignore_errors=True)

    def _lost(self, snippet: Snippet, worker: Worker, timeout: float, line: int | None) -> Failure:
        """A worker that did not answer: it timed out (and is killed now) or it died."""
        timed_out = worker.alive()
        worker.kill()
        self.pool.forget(snippet, worker)
        if timed_out:
            return Failure(f"timed out after {timeout:g} s (worker killed)", line)
        return Failure(f"the interpreter died with exit code {worker.proc.returncode}", line)

    def _after(self, snippet: Snippet, worker: Worker, outcome: Outcome) -> None:
        # A reused worker that now holds the other framework (a snippet imported a library
        # that imports it, like tensorboard importing TensorFlow) would run the next
        # snippets with both loaded, unlike `python snippet.py`: retire it.
        foreign = [
            fw.module for fw in FRAMEWORKS.values() if fw.key != snippet.framework.key and fw.module in outcome.versions
        ]
        if snippet.options.fresh:
            self.pool.close_one(worker)
        elif foreign:
            self.pool.forget(snippet, worker)
            self.pool.close_one(worker)

    def run_all(self, snippets: list[Snippet], done: Callable[[Snippet, Outcome], None]) -> None:
        """Run snippets, one thread per framework so that both workers are busy at once (a
        thread whose lane is done takes the other lane's fresh snippets); then the snippets
        marked ``alone``, one at a time, with nothing else running. ``done`` gets each outcome;
        on an interrupt (or an error in ``done``) it gets none of those cut short, every worker
        is killed and the exception is raised here."""
        by_framework, alone = lanes(snippets, timings_alone())
        queues = Queues(by_framework)
        errors: list[BaseException] = []

        def lane(key: str) -> None:
            try:
                self._run_lane(lambda: queues.take(key), done)
            except BaseException as error:  # raised again in the main thread, below
                errors.append(error)
                self.stop()

        threads = [threading.Thread(target=lane, args=(key,)) for key in by_framework]
        try:
            self.start(items[0].framework for items in by_framework.values() if any(not s.options.fresh for s in items))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
            after = iter(alone)
            self._run_lane(lambda: next(after, None), done)  # the workers are idle: each has the machine
        except BaseException:
            self.stop()
            for thread in threads:
                if thread.ident is not None:
                    thread.join()
            raise

    def _run_lane(self, take: Callable[[], Snippet | None], done: Callable[[Snippet, Outcome], None]) -> None:
        while (snippet := take()) is not None:
            outcome = self.run(snippet)
            if self.stopping.is_set():  # cut short by stop(): neither a result nor a failure
                raise Interrupted
            done(snippet, outcome)
