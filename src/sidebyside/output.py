"""What a page shows of a snippet's captured output: the same text on any machine.

Two things in raw output depend on where and when a snippet ran, not on its code (and trailing
spaces, invisible on a page, are dropped too):

- absolute paths (the project, the temporary working directory, site-packages, the standard
  library), which are shortened;
- log lines that C++ libraries write straight to file descriptor 2, with a timestamp, a thread
  id and a source location: glog/absl lines (``I0000 00:00:1796152154.709814    9318
  port.cc:153] oneDNN custom operations are on ...``), absl's notice that it logs to stderr
  before ``absl::InitializeLog()``, and bracketed ``[cpuinfo_utils.cpp:71] ...`` lines. Whether
  they appear depends on the CPU (TensorFlow prints its oneDNN notice at import on some CPUs
  only), on whether the framework was imported before the capture started, and on the clock.
  No log-level variable silences them all, so they are removed here and counted.

Everything that shows output uses :func:`clean`: the worker runner, a fresh interpreter, the
command line and the test that runs each snippet alone, so they all agree.
"""

from __future__ import annotations

import os
import re
import sysconfig
from dataclasses import dataclass

# One line each; the message after the location is free text. Before absl::InitializeLog() the
# time is printed as 00:00:<seconds since 1970>. TensorFlow's CPU-feature notice (shown when
# TF_CPP_MIN_LOG_LEVEL is below 1) goes on over a second line, which goes with it.
_GLOG = (
    r"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./+-]+:\d+\] .*"
    r"(?:\nTo enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags\.)?"
)
_ABSL_PREINIT = r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
_SOURCE_LOCATION = r"\[[\w./+-]+\.(?:c|cc|cpp|cxx|h|hpp):\d+\] .*"
LOG_LINE = re.compile(rf"^(?:{_GLOG}|{_ABSL_PREINIT}|{_SOURCE_LOCATION})\n?", re.MULTILINE)


@dataclass(frozen=True)
class Cleaned:
    text: str
    dropped: int  # log lines removed


def drop_log_lines(text: str) -> Cleaned:
    """Remove C++ log lines (timestamps, thread ids, source locations), counting them."""
    text, count = LOG_LINE.subn("", text)
    return Cleaned(text, count)


def shorten_paths(text: str, root: str, workdir: str) -> str:
    """No absolute paths: the working directory, site-packages, the standard library and the
    project root become relative or named placeholders."""
    paths = sysconfig.get_paths()
    replacements = [
        (workdir + os.sep, ""),
        (workdir, "."),
        (paths["purelib"] + os.sep, "<site-packages>/"),
        (paths["platlib"] + os.sep, "<site-packages>/"),
        (paths["stdlib"] + os.sep, "<python>/"),
        (root + os.sep, ""),
    ]
    # Longest first: the working directory and site-packages may lie inside the project root.
    for old, new in sorted(replacements, key=lambda pair: -len(pair[0])):
        text = text.replace(old, new)
    return text


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def clean(text: str, root: str, workdir: str) -> Cleaned:
    """The output as a page shows it: log lines dropped, paths shortened, and no trailing
    spaces, which Markdown drops from a page anyway (a line of spaces becomes an empty line), so
    that what is stored is exactly what the page shows."""
    dropped = drop_log_lines(text)
    text = _TRAILING_SPACE.sub("", shorten_paths(dropped.text, root, workdir))
    return Cleaned(text, dropped.dropped)
