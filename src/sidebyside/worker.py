"""The worker process: imports one framework once, then runs snippets sent to it, one at a time.

Run as ``python -m sidebyside.worker MODULE`` (MODULE is ``torch``, ``tensorflow`` or ``-`` for a
fresh interpreter that imports nothing up front). It reads one JSON request per line on stdin and
answers one JSON line on the file descriptor that was stdout when it started. While a snippet runs,
file descriptors 1 and 2 point at the request's output file, so everything the snippet and the
libraries under it print (Python, C++ logs, warnings, a crash dump) is captured, in order.

This module imports only the standard library (and numpy, lazily, to encode ``result``), so it
never brings in the other framework.
"""

from __future__ import annotations

import builtins
import contextlib
import faulthandler
import importlib
import json
import linecache
import os
import signal
import sys
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from typing import Any

EXIT_MARKER = "sidebyside: the snippet ended the interpreter with os._exit"
# Python's warning filters as the interpreter started, before a framework changed them: every
# snippet runs under these, so it shows the warnings that `python snippet.py` would show.
INITIAL_FILTERS = list(warnings.filters)


class ResultError(TypeError):
    pass


def json_data(value: object, where: str = "measured") -> object:
    """A snippet's ``measured`` as plain JSON (numbers, strings, booleans, None, dicts, lists).

    ``measured`` holds figures for a generated table (sizes, timings): stored with the outcome
    and never compared between the two sides.
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): json_data(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_data(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # NumPy / tensor scalar
        return value.item()
    raise ResultError(
        f"{where} must be numbers, strings, booleans, None, or dicts/lists of them; got {type(value).__name__}"
    )


def encode(value: Any, where: str = "result") -> dict:
    """Turn a snippet's ``result`` into JSON: numbers keep dtype and shape, dicts and lists nest."""
    if isinstance(value, str):
        return {"kind": "text", "value": value}
    if isinstance(value, dict):
        return {"kind": "dict", "items": {str(k): encode(v, f"{where}[{k!r}]") for k, v in value.items()}}
    import numpy as np

    if hasattr(value, "detach"):  # torch.Tensor without importing torch here
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        value = value.numpy()
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and the like
        array = None
    if isinstance(value, (list, tuple)) and (array is None or array.dtype.kind in "OUS"):  # mixed, or strings
        return {"kind": "list", "items": [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if array is None or array.dtype.kind not in "biuf" and array.dtype.name != "bfloat16":
        raise ResultError(
            f"{where} must be numbers, arrays, tensors, strings, or dicts/lists of them; got {type(value).__name__}"
        )
    dtype = array.dtype.name
    return {
        "kind": "array",
        "dtype": dtype,
        "shape": list(array.shape),
        "data": array.astype("float64").ravel().tolist(),
    }


def stop_strays(deadline: float = 5.0) -> int:
    """Kill what a snippet left running in this worker's process group, and reap it.

    The worker leads its own process group, and processes a snippet starts stay in it unless
    they leave on purpose; a snippet that fails half way must not leave servers or training
    processes behind. Called after a failed snippet only: after a successful one, the group may
    hold a framework's own helpers (Inductor's compile workers) that later snippets reuse.
    A fresh interpreter's whole group is killed by the runner when it ends.
    Returns how many processes were stopped.
    """
    me, group = os.getpid(), os.getpgid(0)
    stopped = 0
    if os.path.isdir("/proc"):
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    stopped += 1
                except ProcessLookupError:
                    pass
    reaped, ends = 0, time.monotonic() + deadline
    while reaped < stopped and time.monotonic() < ends:  # reap them: no zombie is left
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            reaped += 1
        else:
            time.sleep(0.01)
    return stopped


def _snippet_line(tb: traceback.StackSummary, path: str) -> int | None:
    lines = [frame.lineno for frame in tb if frame.filename == path]
    return lines[-1] if lines else None


@contextlib.contextmanager
def _as_main(path: str, cwd: str) -> Iterator[types.ModuleType]:
    """A new ``__main__`` module for the snippet, with the ``sys.argv``, ``sys.path[0]`` and
    working directory that ``python snippet.py`` gives; all put back afterwards."""
    module = types.ModuleType("__main__")
    module.__file__ = path
    vars(module)["__builtins__"] = builtins
    saved = (sys.modules.get("__main__"), list(sys.argv), list(sys.path), os.getcwd())
    sys.modules["__main__"] = module
    sys.argv[:] = [path]
    sys.path[0:1] = [os.path.dirname(path)]
    os.chdir(cwd)
    try:
        yield module
    finally:
        main, argv, syspath, previous = saved
        sys.modules["__main__"] = main  # type: ignore[assignment]
        sys.argv[:] = argv
        sys.path[:] = syspath
        os.chdir(previous)


@contextlib.contextmanager
def _output_into(filename: str) -> Iterator[None]:
    """File descriptors 1 and 2 into ``filename``: what Python and C++ code print, in order."""
    sys.stdout.flush()
    sys.stderr.flush()
    out_fd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    saved_fds = os.dup(1), os.dup(2)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved_fds[0], 1)
        os.dup2(saved_fds[1], 2)
        os.close(saved_fds[0])
        os.close(saved_fds[1])


def _execute(source: str, path: str, namespace: dict) -> None:
    with warnings.catch_warnings():
        warnings.filters[:] = INITIAL_FILTERS  # type: ignore[index]  # a list at run time
        # A filter equal to the default action; adding it also forgets which warnings were
        # already shown, so a warning an earlier snippet triggered shows again.
        warnings.filterwarnings("default", category=Warning, append=True)
        try:
            exec(compile(source, path, "exec"), namespace)
        except SystemExit as stop:
            if stop.code not in (None, 0):
                raise


def _report(exc: BaseException, path: str) -> dict:
    """Print the traceback from the snippet's first frame on, as `python snippet.py` would, and
    return the error for the reply: its message and the snippet's line."""
    tb = traceback.extract_tb(exc.__traceback__)
    first = next((i for i, f in enumerate(tb) if f.filename == path), 0)
    entries = traceback.format_list(tb[first:]) if not isinstance(exc, ResultError) else []
    text = "Traceback (most recent call last):\n" + "".join(entries) if entries else ""
    text += "".join(traceback.format_exception_only(type(exc), exc))
    sys.stderr.write(text)
    return {
        "message": "".join(traceback.format_exception_only(type(exc), exc)).strip(),
        "line": _snippet_line(tb, path),
    }


class ProcessSettings:
    """What a snippet can change for the whole process and `python snippet.py` starts afresh:
    NumPy's and PyTorch's print options, PyTorch's default dtype, thread count and determinism,
    Keras' float type, dtype policy, epsilon and image layout, eager tf.functions. Read when the
    worker starts (Keras, imported later, from its defaults) and put back after every snippet,
    so that no snippet's output depends on the ones that ran before it in the same worker."""

    _KERAS = {"floatx": "float32", "dtype_policy": "float32", "epsilon": 1e-07, "image_data_format": "channels_last"}

    def __init__(self) -> None:
        import numpy

        self.numpy = numpy.get_printoptions()
        torch = sys.modules.get("torch")
        self.torch = None
        if torch is not None:
            printing = dict(vars(torch._tensor_str.PRINT_OPTS))
            deterministic = torch.are_deterministic_algorithms_enabled()
            self.torch = (torch.get_default_dtype(), torch.get_num_threads(), deterministic, printing)

    def restore(self) -> None:
        sys.modules["numpy"].set_printoptions(**self.numpy)
        torch = sys.modules.get("torch")
        if torch is not None and self.torch is not None:
            dtype, threads, deterministic, printing = self.torch
            torch.set_default_dtype(dtype)
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(deterministic)
            vars(torch._tensor_str.PRINT_OPTS).update(printing)
        keras = sys.modules.get("keras")
        if keras is not None and hasattr(keras, "config"):
            for name, value in self._KERAS.items():
                getattr(keras.config, f"set_{name}")(value)
        tf = sys.modules.get("tensorflow")
        if tf is not None and hasattr(tf, "config"):
            tf.config.run_functions_eagerly(False)


def run_one(request: dict, settings: ProcessSettings | None = None) -> dict:
    path = request["path"]
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    # The source is also what inspect/AutoGraph/TorchDynamo read back, through linecache.
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    error = result = measured = None
    with _as_main(path, request["cwd"]) as module, _output_into(request["output"]):
        # Dump every thread's stack just before the parent's deadline, so a hang names its line.
        faulthandler.dump_traceback_later(request["timeout"], exit=False)
        started = time.perf_counter()
        try:
            _execute(source, path, module.__dict__)
            seconds = time.perf_counter() - started
            result = encode(module.__dict__["result"]) if "result" in module.__dict__ else None
            measured = json_data(module.__dict__["measured"]) if "measured" in module.__dict__ else None
        except BaseException as exc:  # noqa: BLE001 - a snippet may raise anything; report it all
            seconds = time.perf_counter() - started
            result = measured = None
            error = _report(exc, path)
        finally:
            faulthandler.cancel_dump_traceback_later()
            stray = stop_strays() if error is not None else 0
            if stray:
                sys.stderr.write(f"sidebyside: stopped {stray} process(es) the snippet left running\n")
    if settings is not None:  # after the output is restored: a problem here goes to the build log
        try:
            settings.restore()
        except Exception as problem:  # noqa: BLE001 - the worker must answer all the same
            sys.stderr.write(f"sidebyside: could not restore the process settings: {problem!r}\n")
    return {"ok": error is None, "seconds": seconds, "result": result, "measured": measured, "error": error}


def versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for name in ("torch", "tensorflow", "keras", "numpy"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__version__", None):
            found[name] = str(module.__version__)
    return found


def main() -> None:
    module_name = sys.argv[1]
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    # Until a snippet runs, whatever the framework prints goes to our stderr (the build log).
    os.dup2(2, 1)
    faulthandler.enable(all_threads=True)
    real_exit = os._exit

    def exit_with_trace(code: int) -> None:
        sys.stderr.write(f"\n{EXIT_MARKER}({code})\n")
        sys.stderr.flush()
        faulthandler.dump_traceback(all_threads=False)
        real_exit(code)

    os._exit = exit_with_trace  # type: ignore[assignment]

    if module_name != "-":
        importlib.import_module(module_name)  # Keras stays lazy: it loads when a snippet uses it
    settings = ProcessSettings() if module_name != "-" else None  # a fresh interpreter runs one snippet
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        response = run_one(request, settings)
        # Versions after the run: a fresh interpreter imports its framework inside the snippet.
        response["versions"] = versions()
        protocol.write(json.dumps(response) + "\n")


if __name__ == "__main__":
    main()
