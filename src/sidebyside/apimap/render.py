"""The API map's Markdown: each category's page of entries, the index of every entry, the
pitfalls, and the line ``python -m sidebyside api-map`` prints for an entry.
"""

from __future__ import annotations

import re

from ..data import DataError
from ..engine import get_engine
from ..links import href, relative_url
from ..render import preview_note
from ..snippets import FRAMEWORKS
from . import defaults
from .check import Checked, check, difference, dtypes, gap, values
from .schema import DATA_DIR, MAP_PAGE, ROOTS, Entry, all_entries, category_title, files, load, names_in, page_of


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}".replace("|", "\\|")


def _titled_code(code: str, title: str) -> str:
    return f'```python title="{title}"\n{code}\n```'


def _code_rows(e: Entry) -> list[str]:
    """Both sides' code: a table row each for one-liners, titled blocks side by side otherwise."""
    rows = [(e.pytorch, e.tensorflow)] + ([e.match] if e.match else [])
    if not any("\n" in code for row in rows for code in row):
        table = ["| PyTorch | TensorFlow |", "| --- | --- |"]
        return table + [f"| {_code(pt)} | {_code(tf_)} |" for pt, tf_ in rows]
    blocks = []
    for number, row in enumerate(rows):
        suffix = "" if number == 0 else ", matching"
        sides = []
        for side, (label, code) in enumerate(zip(("PyTorch", "TensorFlow"), row)):
            if number and code == rows[0][side]:  # the match keeps this side's code as it was
                sides.append(f"*{label}, matching: the same code as above.*")
            else:
                sides.append(_titled_code(code, f"{label}{suffix}"))
        blocks += ['<div class="sbs-api-code" markdown>', "", sides[0], "", sides[1], "", "</div>", ""]
    return blocks[:-1]


def _backward_line(item: Checked, found: dict[tuple[str, str], dict]) -> str:
    """What the backward pass compared: the gradients with respect to the float inputs."""
    e = item.entry
    if item.backward is None:
        return f" Backward: not compared ({item.unmatched})." if item.unmatched else ""
    grads = found[(e.id, "pytorch")]["backward"]["grads"]
    names = ", ".join(f"`{name}`" for name in grads["items"])
    at = "at the inputs with half their elements moved to the nearest multiple of 0.5 (the kinks)"
    if not item.backward.same:
        shown = difference(grads, found[(e.id, "tensorflow")]["backward"]["grads"])
        return f" Backward: the gradients with respect to {names} **differ** ({shown}), {at}."
    return (
        f" Backward: the gradients with respect to {names} agree ({item.backward.compared} compared, "
        f"largest difference {item.backward.max_abs:.3g}), {at}."
    )


def _checked_line(item: Checked, found: dict[tuple[str, str], dict] | None) -> str:
    return _forward_line(item, found) + (_backward_line(item, found) if found else "")


def _forward_line(item: Checked, found: dict[tuple[str, str], dict] | None) -> str:
    e = item.entry
    if found is None:
        return "- **Not checked:** this is a preview build."
    if e.check == "resolves":
        names = [name for fw in FRAMEWORKS for name in names_in(e.code(fw), ROOTS[fw])]
        return (
            f"- **Checked:** every name resolves in the installed versions "
            f"({', '.join(_code(n) for n in names)}); this code is not run on the build machine."
        )
    inputs = ", ".join(
        f"`{name}` {'int64 indices' if kind == 'index' else 'float32'} {shape}"
        for name, (kind, shape) in e.inputs.items()
    )
    on = f" on {inputs}" if inputs else ""
    a, b = found[(e.id, "pytorch")]["values"]["0"], found[(e.id, "tensorflow")]["values"]["0"]
    assert item.written is not None  # checked: check() compared them
    if e.check == "same":
        da, db = dtypes(a), dtypes(b)
        kinds = f"both {da}" if da == db else f"{da} from PyTorch, {db} from TensorFlow"
        return (
            f"- **Checked:** same numbers{on}: {item.written.compared} compared, largest "
            f"difference {item.written.max_abs:.3g}; {kinds}."
        )
    first, second = (
        ("first row's expressions", "second row's")
        if "\n" not in e.pytorch + e.tensorflow
        else ("first pair of blocks", "matching pair's")
    )
    assert item.matched is not None  # check: differs has a match
    return (
        f"- **Checked:**{on + ',' if on else ''} the {first} differ ({difference(a, b)}); the {second} agree "
        f"({item.matched.compared} compared, largest difference {item.matched.max_abs:.3g})."
    )


def _heard_line(e: Entry, found: dict[tuple[str, str], dict] | None) -> list[str]:
    """The errors the entry's code caught and the warnings it raised: each one's start, linked
    to the whole message on the "Errors and warnings" page."""
    from ..messages import PAGE, Message

    said = []
    for fw in FRAMEWORKS:
        for text in (found or {}).get((e.id, fw), {}).get("heard", []):
            short = text if len(text) <= 70 else text[:60].rsplit(" ", 1)[0] + " …"
            target = href(PAGE, Message(*text.partition(": ")[::2]).ident, page_of(e.path))
            said.append(f"{FRAMEWORKS[fw].label}: [{_message(short)}]({target})")
    return [f"- **Messages while it ran:** {'; '.join(said)}."] if said else []


def _message(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _shown_by(e: Entry) -> str:
    """The entries whose code shows this one's differences, linked where they stand."""
    by_id = {entry.id: entry for entry in all_entries(get_engine().docs_dir)}
    links = []
    for other in e.shown_by:
        page = page_of(by_id[other].path)
        target = f"#api-{other}" if page == page_of(e.path) else href(page, f"api-{other}", page_of(e.path))
        links.append(f"[{by_id[other].concept}]({target})")
    return f"- **Shown by:** {'; '.join(links)}."


def summary(item: Checked, found: dict[tuple[str, str], dict]) -> str:
    """One line for the command line: the entry's check line without its Markdown."""
    return re.sub(r"\*\*|`", "", _checked_line(item, found))[2:]


def markdown(checked: list[Checked], found: dict[tuple[str, str], dict] | None) -> str:
    """Markdown: an entry per concept, each in its own block: a heading (anchor api-<id>, a
    section of its category's page) with both names, both sides' code, what differs and the
    result of the check."""
    parts = []
    for item in checked:
        e = item.entry
        pt_name, tf_name = (
            _code(name) + (" (no direct equivalent)" if e.missing == fw else "")
            for name, fw in zip(e.names, FRAMEWORKS)
        )
        lines = [
            '<div class="sbs-api-entry" markdown>',
            "",
            f"## {pt_name} and {tf_name}: {e.concept} {{#api-{e.id}}}",
            "",
            *_code_rows(e),
            "",
        ]
        if e.missing:
            other = FRAMEWORKS["tensorflow" if e.missing == "pytorch" else "pytorch"].label
            lines.append(
                f"- **No direct equivalent in {FRAMEWORKS[e.missing].label}:** its code above is "
                f"what to write instead of {other}'s call."
            )
        quoted = defaults.read_values(e, found)
        lines += [f"- {defaults.fill(text, quoted)}" for text in e.differences] + defaults.line(e, found)
        if e.shown_by:
            lines.append(_shown_by(e))
        lines += [_checked_line(item, found), *_heard_line(e, found), "", "</div>"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# The map's filter box: hidden until docs/assets/apimap.js shows it (without JavaScript every
# entry is listed and there is no box that does nothing). The script tag sits in the content
# because Material's instant navigation runs content scripts on each visit; the map is at
# api-map/. defer: on a first visit the lists are parsed and painted before it runs.
_FILTER = """\
<form class="sbs-api-filter" role="search" hidden>
<label for="sbs-api-filter-input">Filter the map</label>
<input id="sbs-api-filter-input" type="search" autocomplete="off" spellcheck="false"
 placeholder="torch.gather, GradientTape, channels_last …" aria-describedby="sbs-api-filter-status">
<p id="sbs-api-filter-status" aria-live="polite">{count} entries</p>
</form>
<script src="../assets/apimap.js" defer></script>"""


def filter_box() -> str:
    """HTML: the filter box over every entry of the map (with their number)."""
    return _FILTER.format(count=len(all_entries(get_engine().docs_dir)))


def index() -> str:
    """Markdown: every entry of the map, by category (in the order of their titles): its concept
    (a link to the entry on its category's page) and each side's name, one list item each. The
    filter box narrows them."""
    engine = get_engine()
    titles = {path: category_title(engine.docs_dir, path) for path in files(engine.docs_dir)}
    parts = []
    for path, title in sorted(titles.items(), key=lambda item: item[1]):
        # The URLs of the built pages: MkDocs does not rewrite the links of generated output.
        target = relative_url(page_of(path), MAP_PAGE)
        items = []
        for entry in load(path):
            names = " and ".join(
                _code(name) + (" (no direct equivalent)" if entry.missing == framework else "")
                for name, framework in zip(entry.names, FRAMEWORKS)
            )
            items.append(f"- [{entry.concept}]({href(page_of(path), f'api-{entry.id}', MAP_PAGE)}): {names}")
        parts += [
            f"### [{title}]({target})",
            "",
            '<div class="sbs-api-index" markdown>',
            "",
            *items,
            "",
            "</div>",
            "",
        ]
    return "\n".join(parts)


def pitfalls() -> str:
    """Markdown list: every entry whose defaults or gradients differ, the largest difference first, with
    what the difference is and a link to the entry (from the same cached checks)."""
    engine = get_engine()
    entries = [e for e in all_entries(engine.docs_dir) if e.check == "differs" or e.gradients == "differ"]
    if not entries:
        raise DataError(engine.docs_dir / DATA_DIR, 1, "no entry says check: differs: no pitfall to list")
    if not engine.execute:
        return preview_note("the differences are measured when the site is built")
    found = values(entries, engine)
    rows = []
    for entry in entries:
        check(entry, found)  # the claim holds, or the build stops here
        pt, tf_ = found[(entry.id, "pytorch")], found[(entry.id, "tensorflow")]
        if entry.check == "differs":
            a, b = pt["values"]["0"], tf_["values"]["0"]
            rows.append((gap(a, b), entry, difference(a, b)))
        if entry.gradients == "differ":
            a, b = pt["backward"]["grads"], tf_["backward"]["grads"]
            rows.append((gap(a, b), entry, f"gradients: {difference(a, b)}"))
    rows.sort(key=lambda row: -row[0])
    items = []
    for relative, entry, shown in rows:
        percent = relative * 100
        share = f"{percent:.0f}" if percent >= 10 else f"{percent:.2g}"
        measured = shown if relative == float("inf") else f"{shown} ({share} % of the largest value)"
        what = (
            f" {defaults.fill(entry.differences[0], defaults.read_values(entry, found))}" if entry.differences else ""
        )
        link = href(page_of(entry.path), f"api-{entry.id}", MAP_PAGE)
        items.append(f"- **[{entry.concept}]({link}):**{what} *Measured:* {measured}.")
    return "\n".join(['<div class="sbs-api-pitfalls" markdown>', "", *items, "", "</div>"])


def defaults_table() -> str:
    """Markdown table: every declared default whose two sides differ (or that one side lacks),
    as the installed versions define them, each row linked to its entry."""
    engine = get_engine()
    if not engine.execute:
        return preview_note("the defaults are read from the installed libraries when the site is built")
    entries = [entry for entry in all_entries(engine.docs_dir) if entry.defaults]
    found = values(entries, engine)
    rows = ["| Entry | PyTorch | TensorFlow / Keras |", "| --- | --- | --- |"]
    for entry, pair, read in defaults.differing(entries, found):
        link = href(page_of(entry.path), f"api-{entry.id}", MAP_PAGE)
        cells = [defaults.call(name, read) if name else "(no such parameter)" for name in pair]
        rows.append(f"| [{entry.concept}]({link}) | {cells[0]} | {cells[1]} |")
    versions = check(entries[0], found).versions if entries else {}
    said = (
        f"Read from torch {versions.get('torch', '?')} and keras {versions.get('keras', '?')} when this page was built."
    )
    return "\n".join([said, "", *rows])


def api_map(category: str) -> str:
    """The page part for ``docs/data/api_map/<category>.yml``: every entry, checked."""
    engine = get_engine()
    path = engine.docs_dir / DATA_DIR / f"{category}.yml"
    entries = load(path)
    if not engine.execute:  # the entries as written, so that a writer sees them; nothing checked
        unchecked = [Checked(entry, None, None, {}) for entry in entries]
        return (
            preview_note(f"these {len(entries)} entries are checked when the site is built")
            + "\n\n"
            + markdown(unchecked, None)
        )
    found = values(entries, engine)
    checked = [check(entry, found) for entry in entries]
    versions = checked[0].versions
    opening = (
        f"The PyTorch and the TensorFlow name for the same thing: {len(checked)} entries of the "
        f"[API map]({relative_url(MAP_PAGE, page_of(path))}), each run by torch {versions.get('torch', '?')} and tensorflow "
        f"{versions.get('tensorflow', '?')} (keras {versions.get('keras', '?')}) when this page was "
        f"built. The map's index lists every entry of every category, then the pitfalls; to "
        f"find the entries a script of yours needs, paste it into "
        f"[Check my code]({href(MAP_PAGE, 'check-my-code', page_of(path))})."
    )
    return opening + "\n\n" + markdown(checked, found)
