"""Command line: run one pair alone, list pairs, clear the cache.

python -m sidebyside run graphs/eager      # run (or read from cache) and print both sides
python -m sidebyside run graphs/eager --fresh-cache
python -m sidebyside list                  # every pair and the pages that name it
python -m sidebyside api-map [FILE ...]    # check API-map entries (default: all), print each
python -m sidebyside notebooks DIR         # write every page's two notebooks into DIR
python -m sidebyside api-map-json SITE     # write SITE/api-map/api-map.json (what the plugin writes)
python -m sidebyside cache                 # where the cache lives and how big it is
python -m sidebyside clear-cache
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .engine import Engine, PairFailure, verdict
from .scan import scan_references
from .settings import Settings
from .snippets import SnippetError, load_pair


def _run_pair(engine: Engine, name: str, fresh_cache: bool) -> int:
    try:
        pair = load_pair(engine.root, name)
    except SnippetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    found, unreadable = engine.results.get(list(pair.snippets), refresh=fresh_cache)
    for problem in unreadable.values():
        print(f"FAILED: {problem}", file=sys.stderr)
    failed = bool(unreadable)
    for snippet in pair.snippets:
        outcome = found.get(snippet.relpath)
        if outcome is None:
            continue
        print(f"== {snippet.relpath} ({outcome.seconds:.2f} s)")
        print(outcome.output.rstrip() or "(no output)")
        if not outcome.ok:
            failed = True
            print(f"FAILED: {outcome.failure()}", file=sys.stderr)
    print(engine.stats.line())
    if failed:
        return 1
    try:
        checked = verdict(pair, {s.framework.key: found[s.relpath] for s in pair.snippets}, None, None)
    except PairFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    if checked is not None:
        print(f"== same numbers: {checked.compared} compared, largest difference {checked.max_abs:.3g}")
    return 0


def _api_map(engine: Engine, paths: list[Path]) -> int:
    from .apimap.check import check, values
    from .apimap.render import summary
    from .apimap.schema import all_entries, files, load
    from .data import DataError

    try:
        all_entries(engine.docs_dir)  # ids unique across files, differences backed by code
        for path in paths or files(engine.docs_dir):
            entries = load(path)
            found = values(entries, engine)
            for entry in entries:
                print(f"{path}:{entry.line}: {entry.id}: {summary(check(entry, found), found)}")
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _api_map_json(engine: Engine, site: Path) -> int:
    """What the plugin writes after a build, for a builder without plugins (Zensical)."""
    from .apimap import export
    from .data import DataError

    try:
        path = export.write(engine, site)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}" if path else f"no API map in {engine.docs_dir}: nothing written")
    return 0


def _notebooks(engine: Engine, out: Path, site_url: str) -> int:
    import shutil

    from . import notebooks

    out.mkdir(parents=True, exist_ok=True)
    for notebook, path in notebooks.write_all(engine, site_url):
        shutil.copyfile(path, out / notebook.filename)
        print(out / notebook.filename)
    print(engine.stats.line())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one pair and print both sides")
    run.add_argument("pair", help="pair name, like graphs/eager")
    run.add_argument("--fresh-cache", action="store_true", help="ignore cached results, run again")
    sub.add_parser("list", help="list every referenced pair and where")
    check_map = sub.add_parser("api-map", help="check API-map entries and print each one's result")
    check_map.add_argument("files", nargs="*", type=Path, help="category files (default: every one)")
    write_json = sub.add_parser("api-map-json", help="write the map as data into a built site")
    write_json.add_argument("site", type=Path, help="the built site's folder (api-map/api-map.json in it)")
    write_notebooks = sub.add_parser("notebooks", help="write every page's two notebooks into a folder")
    write_notebooks.add_argument("out", type=Path, help="folder for the .ipynb files")
    write_notebooks.add_argument("--site-url", default="http://127.0.0.1:8000/", help="where the site is published")
    sub.add_parser("cache", help="print where the cache lives")
    sub.add_parser("clear-cache", help="delete every cached result")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    engine = Engine(Settings.for_project(args.root))
    try:
        if args.command == "run":
            return _run_pair(engine, args.pair, args.fresh_cache)
        if args.command == "api-map":
            return _api_map(engine, args.files)
        if args.command == "api-map-json":
            return _api_map_json(engine, args.site)
        if args.command == "notebooks":
            return _notebooks(engine, args.out, args.site_url)
        if args.command == "list":
            for ref in scan_references(engine.docs_dir):
                print(f"{ref.name:40} docs/{ref.page}:{ref.line}")
            return 0
        if args.command == "cache":
            print(f"{engine.store.directory} ({len(engine.store.records())} results)")
            return 0
        removed = engine.store.clear()
        print(f"removed {removed} cached results from {engine.store.directory}")
        return 0
    finally:
        engine.close()
