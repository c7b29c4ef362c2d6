"""The whole map as data: ``api-map/api-map.json`` in the built site, described by the JSON
Schema ``docs/api-map/api-map.schema.json`` beside it.

One record per entry, made from the same checked values as the pages (read from the store after
the pages asked for them), so the file says what the pages say.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..snippets import FRAMEWORKS
from ..store import write_text
from . import defaults
from .check import Checked, check, difference, dtypes, largest, values
from .schema import MAP_DIR, MAP_PAGE, ROOTS, Entry, all_entries, category_title, files, names_in
from .usage import answered

FILE = MAP_DIR + "api-map.json"  # under the site's root
SCHEMA = "api-map.schema.json"  # its schema, in the same folder
FORMAT = 3  # bump when a record changes shape (and the schema with it)


def _sides(pytorch: str, tensorflow: str) -> dict[str, str]:
    return {"pytorch": pytorch, "tensorflow": tensorflow}


def _result(item: Checked, found: dict[tuple[str, str], dict]) -> dict:
    """What the build compared: the verdict and, where values ran, the figures the page shows."""
    e = item.entry
    if e.check == "resolves":
        return {"verdict": "names resolve", "names": [n for fw in FRAMEWORKS for n in names_in(e.code(fw), ROOTS[fw])]}
    written = found[(e.id, "pytorch")]["values"]["0"], found[(e.id, "tensorflow")]["values"]["0"]
    agreed = item.written if e.check == "same" else item.matched
    assert agreed is not None  # check() compared them
    result: dict[str, object] = {
        "verdict": "same" if e.check == "same" else "differs as written, agrees when matched",
        "compared": agreed.compared,
        "largest_difference": agreed.max_abs,
        "dtypes": _sides(dtypes(written[0]), dtypes(written[1])),
    }
    if e.check == "differs":
        result["as_written"] = difference(*written)
    if item.backward is None:
        result["backward"] = {"compared": False, "why_not": item.unmatched}
    else:
        result["backward"] = {
            "compared": True,
            "same": item.backward.same,
            "largest_difference": largest(*(found[(e.id, fw)]["backward"]["grads"] for fw in FRAMEWORKS)),
        }
    return result


def record(item: Checked, found: dict[tuple[str, str], dict], category: str, title: str, answers: dict) -> dict:
    e: Entry = item.entry
    return {
        "id": e.id,
        "category": category,
        "category_title": title,
        "url": f"{MAP_DIR}{category}/#api-{e.id}",
        "concept": e.concept,
        "names": _sides(*e.names),
        "answers": answers,
        "code": _sides(e.pytorch, e.tensorflow),
        "match": _sides(*e.match) if e.match else None,
        "missing": e.missing,
        "check": e.check,
        "rtol": e.rtol,
        "differences": [defaults.fill(text, defaults.read_values(e, found)) for text in e.differences],
        "defaults": defaults.read_values(e, found),
        "shown_by": list(e.shown_by),
        "result": _result(item, found),
        "versions": dict(sorted(item.versions.items())),
    }


def document(engine) -> dict:
    """Every entry of the map, checked, as the JSON document the site publishes."""
    docs = engine.docs_dir
    titles = {path.stem: category_title(docs, path) for path in files(docs)}
    entries = all_entries(docs)
    found = values(entries, engine)
    answers = answered(entries)
    records = [record(check(e, found), found, e.path.stem, titles[e.path.stem], answers[e.id]) for e in entries]
    return {"$schema": f"./{SCHEMA}", "format": FORMAT, "count": len(records), "entries": records}


def write(engine, site_dir: Path) -> Path | None:
    """``api-map.json`` into the built site (atomically), next to the schema MkDocs copied; None
    for a site without the map's index page (a site that shows a category on a page of its own)."""
    if not (engine.docs_dir / MAP_PAGE).exists() or not files(engine.docs_dir):
        return None
    path = site_dir / FILE
    write_text(path, json.dumps(document(engine), ensure_ascii=False, separators=(",", ":")) + "\n")
    return path
