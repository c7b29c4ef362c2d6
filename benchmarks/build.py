"""How long the site takes to build, against two floors, measured in one run.

    python benchmarks/build.py [--repeat N] [--warm-only | --api-map | --pages]

- cold: ``mkdocs build`` with an empty snippet cache (every snippet runs), median of --repeat;
- warm: the same build again (every result from the cache; no framework is imported);
- floor: ``SNIPPETS_EXECUTE=0``, a preview that neither runs nor reads anything;
- separate: every referenced snippet run as its own ``python file.py`` process, one after another
  (what a build without reused workers and parallel frameworks would cost at least);
- api map (``--api-map``): a build whose cache holds every snippet but none of the API map's
  checks, against the same build again with them cached: what checking the whole map costs a
  cold build (target: at most 60 s on 2 cores). Uses a copy of the project's cache (``make build``
  fills it).
- pages (``--pages``): what each page's pairs cost a cold build, read from the run times the
  project's cache holds for today's code, versions and machine (``make build`` fills it; it builds
  nothing). A page whose snippets all run ``alone`` costs the build their sum; others overlap
  with the other framework's worker, so their sum is an upper bound. Target: the Performance page
  under 6 minutes on 2 cores.

Targets: warm/floor <= 1.10 (the cache costs little) and cold/separate <= 0.5 (reused workers and
two frameworks in parallel pay off). ``--warm-only`` measures warm and floor alone, with the
project's own cache (``make build`` fills it), for a quick look at the warm path. Warm and floor are the median of --repeat builds. Times are
wall-clock seconds on a shared machine: compare the ratios, which come from one run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sidebyside import machine  # noqa: E402
from sidebyside.cache import default_dir, key_for  # noqa: E402
from sidebyside.runner import worker_env  # noqa: E402
from sidebyside.scan import scan_references  # noqa: E402
from sidebyside.snippets import load_pair  # noqa: E402
from sidebyside.store import Store  # noqa: E402


def run(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-4000:]}")
    return elapsed, result.stdout


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    return run(command, env, cwd)[0]


def api_map(build: list[str], env: dict[str, str], repeat: int, tmp_path: Path) -> None:
    """Builds without, then with, the API map's cached checks, in turns (see the docstring)."""
    project_cache = Path(os.environ.get("SNIPPETS_CACHE_DIR") or ROOT / ".cache" / "snippets")
    summary = re.compile(r"snippets: (\d+) run.*api map: (\d+) checked, (\d+) from cache")
    cold: list[float] = []
    warm: list[float] = []
    entries = 0
    for attempt in range(repeat):
        cache = tmp_path / f"map-{attempt}"
        shutil.copytree(project_cache, cache, ignore=shutil.ignore_patterns("api-map-*.json"))
        for times, expect_checked in ((cold, True), (warm, False)):
            elapsed, output = run(build, dict(env, SNIPPETS_CACHE_DIR=str(cache)))
            found = summary.search(output)
            if not found or found.group(1) != "0":
                sys.exit("every snippet must come from the project's cache: run `make build` first")
            entries = int(found.group(2)) + int(found.group(3))
            if (found.group(2) != "0") != expect_checked:
                sys.exit(f"unexpected API-map summary: {found.group(0)}")
            times.append(elapsed)
    cold_map, warm_map = statistics.median(cold), statistics.median(warm)
    print(f"api map entries: {entries}, cpus: {os.cpu_count()}")
    print(f"build, map checks cold (median): {cold_map:7.2f} s   every snippet from the cache")
    print(f"build, all cached (median):      {warm_map:7.2f} s")
    print(f"the map's cold checks add {cold_map - warm_map:.1f} s (target: at most 60 s)")


def pages(limit: float = 360.0, page: str = "performance/index.md") -> None:
    """Seconds each page's snippets took in the build that filled the project's cache."""
    store = Store(default_dir(ROOT))
    per_page: dict[str, list[float]] = {}
    missing = []
    # A pair a page names twice runs once: count each (page, pair) once.
    for page_name, pair in dict.fromkeys((ref.page, ref.name) for ref in scan_references(ROOT / "docs")):
        for snippet in load_pair(ROOT, pair).snippets:
            entry = store.outcome(key_for(snippet))
            if entry is None:
                missing.append(snippet.relpath)
            else:
                per_page.setdefault(page_name, []).append(entry.seconds)
    if missing:
        sys.exit(f"no cached run of {len(missing)} snippets (first: {missing[0]}): run `make build` first")
    print(f"machine: {machine.label(machine.describe())}")
    for name, seconds in sorted(per_page.items(), key=lambda item: -sum(item[1])):
        print(f"{name:32s} {len(seconds):3d} snippets {sum(seconds):7.1f} s")
    total = sum(per_page.get(page, []))
    print(f"{page}: {total:.1f} s of snippets in a cold build (target: under {limit:.0f} s)")


def paired(build: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Medians of warm and preview builds, taken in turns, so that a busy moment of a shared
    machine weighs on both alike."""
    warm, floor = [], []
    for _ in range(repeat):
        warm.append(timed(build, env))
        floor.append(timed(build, dict(env, SNIPPETS_EXECUTE="0")))
    return statistics.median(warm), statistics.median(floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds per warm/floor figure")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--warm-only", action="store_true", help="warm and floor only, project cache")
    group.add_argument("--api-map", action="store_true", help="what the API map's cold checks add")
    group.add_argument("--pages", action="store_true", help="each page's snippet time, from the cache")
    args = parser.parse_args()
    if args.pages:
        pages()
        return

    names = sorted({ref.name for ref in scan_references(ROOT / "docs")})
    snippets = [s for name in names for s in load_pair(ROOT, name).snippets]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]

        if args.api_map:
            api_map(build, env, args.repeat, tmp_path)
            return
        if args.warm_only:
            warm, floor = paired(build, env, args.repeat)
            print(f"pairs: {len(names)}, snippets: {len(snippets)}, cpus: {os.cpu_count()}")
            print(f"warm build (median):     {warm:7.2f} s   the project's cache")
            print(f"preview floor (median):  {floor:7.2f} s   SNIPPETS_EXECUTE=0")
            print(f"warm/floor={warm / floor:.2f}")
            return
        colds = []
        for attempt in range(args.repeat):  # each with an empty cache of its own
            cold_env = dict(env, SNIPPETS_CACHE_DIR=str(tmp_path / f"cold-{attempt}"))
            colds.append(timed(build, cold_env))
        cold = statistics.median(colds)
        # Warm: the cache the last cold build filled, so that every warm build finds it full
        # (with its own empty cache, the first "warm" build would be a cold one).
        env["SNIPPETS_CACHE_DIR"] = str(tmp_path / f"cold-{args.repeat - 1}")
        warm, floor = paired(build, env, args.repeat)

        separate = 0.0
        for snippet in snippets:
            workdir = tmp_path / "run" / snippet.id.replace("/", "_")
            workdir.mkdir(parents=True)
            separate += timed([sys.executable, str(snippet.path)], worker_env(), cwd=workdir)

    print(f"pairs: {len(names)}, snippets: {len(snippets)}, cpus: {os.cpu_count()}")
    print(f"cold build (median):     {cold:7.2f} s")
    print(f"warm build (median):     {warm:7.2f} s")
    print(f"preview floor (median):  {floor:7.2f} s   SNIPPETS_EXECUTE=0")
    print(f"separate processes:      {separate:7.2f} s   each snippet as `python file.py`, in sequence")
    print(f"warm/floor={warm / floor:.2f} cold/separate={cold / separate:.2f}")


if __name__ == "__main__":
    main()
