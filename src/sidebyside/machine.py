"""The machine snippets run on: CPU model and logical cores.

Results can depend on it (TensorFlow turns oneDNN on or off by CPU, timings do), so it is part
of every cache key and the home page names it. Standard library only.
"""

from __future__ import annotations

import functools
import os
import platform


@functools.lru_cache(maxsize=1)
def cpu_model() -> str:
    """``AMD EPYC``, ``Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz``: what the OS calls it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() in ("model name", "Model", "cpu model") and value.strip():
                    return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def describe() -> dict[str, object]:
    return {"cpu": cpu_model(), "cores": os.cpu_count() or 1}


def label(described: dict) -> str:
    """``describe()``'s record for a reader: ``AMD EPYC, 2 logical cores``."""
    cores = "logical core" if described["cores"] == 1 else "logical cores"
    return f"{described['cpu']}, {described['cores']} {cores}"
