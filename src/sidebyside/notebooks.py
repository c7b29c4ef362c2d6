"""Every page with pairs as two Jupyter notebooks, one per framework, made from the page and the
outputs the build captured (nothing runs a second time).

A notebook holds the page's headings and prose as Markdown cells, in page order, and each pair
as one code cell: that framework's snippet file, with the output the build captured for it as
the cell's output. Its first cell says which versions made those outputs and what to
``pip install``. Markdown that only the site understands is turned into plain Markdown:
admonitions become quotes, attribute lists and ``markdown`` divs go, links to other pages
become absolute links to the published site, and blocks that generate a table at build time
are replaced by a link to the page that shows it.

The MkDocs plugin writes the notebooks into the snippet cache (``<cache>/notebook-pages/``,
never into ``docs/``: they are build output) and hands them to mkdocs-jupyter as pages under
``notebooks/``; see :mod:`sidebyside.mkdocs_plugin`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import machine as machine_mod
from .links import FENCE_LINE, closes, page_url, relative_url, without_front_matter
from .outcome import Outcome
from .scan import FENCE as PAIR_FENCE
from .scan import scan_references
from .snippets import FRAMEWORKS, Pair

DIRECTORY = "notebooks"  # the site's folder for them, and the cache's
COLAB_BRANCH = "notebooks"  # the branch the deploy workflow publishes them to, for Colab
_PIP = {"pytorch": ("torch", "numpy"), "tensorflow": ("tensorflow", "keras", "numpy")}


@dataclass(frozen=True)
class Notebook:
    page: str  # docs-relative source, like graphs/index.md
    framework: str  # a FRAMEWORKS key
    title: str  # the page's title

    @property
    def slug(self) -> str:
        stem = page_url(self.page).strip("/") or "home"
        return stem.replace("/", "-")

    @property
    def filename(self) -> str:
        return f"{self.slug}-{self.framework}.ipynb"

    @property
    def src_uri(self) -> str:
        return f"{DIRECTORY}/{self.filename}"

    @property
    def label(self) -> str:
        return f"{self.title}: {FRAMEWORKS[self.framework].label}"


def page_title(text: str, page: str) -> str:
    match = re.search(r"^# (.+)$", without_front_matter(text), re.M)
    return match.group(1).strip() if match else page


def notebooks_for(docs_dir: Path) -> list[Notebook]:
    """Two notebooks for every page that shows a pair, in the order of the pages' first pair."""
    pages = list(dict.fromkeys(ref.page for ref in scan_references(docs_dir)))
    found = []
    for page in pages:
        title = page_title((docs_dir / page).read_text(encoding="utf-8"), page)
        found += [Notebook(page, framework, title) for framework in FRAMEWORKS]
    return found


def colab_url(repo_url: str | None, notebook: Notebook) -> str | None:
    """Colab's address for the published copy, when the site knows its GitHub repository."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    path = parts.path.strip("/").removesuffix(".git")
    if parts.netloc != "github.com" or path.count("/") != 1:
        return None
    return f"https://colab.research.google.com/github/{path}/blob/{COLAB_BRANCH}/{notebook.filename}"


# -- From the page's Markdown to cells ----------------------------------------------------------

_ATTR_LIST = re.compile(r"\s*\{:?\s*[#.][^}]*\}\s*$")
_LINK = re.compile(r"\]\(([^)\s]+?\.md)(#[^)\s]*)?\)")
_ADMONITION = re.compile(r'^(!!!|\?\?\?\+?)\s+(\w+)(?:\s+"([^"]*)")?\s*$')


def _absolute(target: str, anchor: str | None, page: str, site_url: str) -> str:
    import posixpath

    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
    return f"]({site_url.rstrip('/')}/{page_url(resolved)}{anchor or ''})"


def _plain(lines: list[str], page: str, site_url: str) -> list[str]:
    """Site-only Markdown made plain, line by line (see the module docstring)."""
    out: list[str] = []
    in_admonition = False
    for line in lines:
        if re.match(r"^\s*</?div\b[^>]*>\s*$", line):  # md_in_html wrappers
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            title = admonition.group(3) or admonition.group(2).capitalize()
            out.append(f"> **{title}**")
            out.append(">")
            in_admonition = True
            continue
        if in_admonition:
            if line.startswith("    ") or not line.strip():
                out.append("> " + line[4:] if line.strip() else ">")
                continue
            in_admonition = False
        line = _ATTR_LIST.sub("", line) if line.lstrip().startswith("#") or line.strip().startswith("{") else line
        out.append(_LINK.sub(lambda m: _absolute(m.group(1), m.group(2), page, site_url), line))
    while out and out[-1] in (">", ""):
        out.pop()
    return out


def _markdown_cell(lines: list[str], page: str, site_url: str) -> dict | None:
    text = "\n".join(_plain(lines, page, site_url)).strip("\n")
    return _cell("markdown", text) if text.strip() else None


def _cell(kind: str, source: str, outputs: list[dict] | None = None) -> dict:
    cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=outputs or [])
    return cell


def _code_cell(pair: Pair, framework: str, outcome: Outcome | None) -> dict:
    snippet = next(s for s in pair.snippets if s.framework.key == framework)
    outputs = []
    if outcome is not None and outcome.output:
        outputs.append({"output_type": "stream", "name": "stdout", "text": outcome.output})
    cell = _cell("code", snippet.source.rstrip("\n"), outputs)
    cell["metadata"] = {"sidebyside": {"snippet": snippet.relpath, "varies": snippet.options.varies}}
    return cell


def _first_cell(notebook: Notebook, versions: dict[str, str], site_url: str, machine: str) -> dict:
    framework = FRAMEWORKS[notebook.framework]
    other = next(f for key, f in FRAMEWORKS.items() if key != notebook.framework)
    pins = " ".join(f"{name}=={versions[name].split('+')[0]}" for name in _PIP[notebook.framework] if name in versions)
    if notebook.framework == "tensorflow" and "tensorflow" in versions:  # the CPU build, as on the site
        pins = pins.replace("tensorflow==", "tensorflow-cpu==", 1)
    url = f"{site_url.rstrip('/')}/{page_url(notebook.page)}"
    built = ", ".join(f"{name} {versions[name]}" for name in (*_PIP[notebook.framework], "python") if name in versions)
    outputs = (
        f"The outputs below are the ones the site's build captured ({built}; {machine})."
        if versions
        else "This copy comes from a preview build, which ran nothing: its cells have no output."
    )
    lines = [
        f"# {notebook.label}",
        "",
        f"The {framework.label} side of the page [{notebook.title}]({url}) of Side by Side, as a notebook: "
        f"the page's text, and each of its {framework.label} snippets as a code cell. {outputs}",
        "",
        f"The text compares both frameworks; the {other.label} code is in the page's other notebook.",
        "Run the cells from the top, in a fresh kernel; to get the same versions first:"
        if pins
        else "Run the cells from the top, in a fresh kernel, after installing what it imports:",
        "",
        f"    pip install {pins}" if pins else f"    pip install {' '.join(_PIP[notebook.framework])}",
    ]
    return _cell("markdown", "\n".join(lines))


def build(notebook: Notebook, text: str, pairs: dict[str, Pair], outcomes: dict[str, Outcome], site_url: str) -> dict:
    """The notebook (nbformat 4, as a dict) for ``notebook`` from its page's Markdown ``text``."""
    body = without_front_matter(text)
    cells: list[dict] = []
    pending: list[str] = []
    versions: dict[str, str] = {}
    machine = "the build machine"

    def flush() -> None:
        cell = _markdown_cell(pending, notebook.page, site_url)
        if cell:
            cells.append(cell)
        pending.clear()

    lines = body.splitlines()
    title_skipped = False
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = FENCE_LINE.match(line)
        if opened:
            fence, info = opened.group(2), opened.group(3).strip()
            end = index + 1
            while end < len(lines) and not closes(lines[end], fence):
                end += 1
            inner = lines[index + 1 : end]
            if info.split(" ")[0] == "pair":  # options may follow: ```pair rtol="8e-3"
                name = "\n".join(inner).strip()
                pair = pairs.get(name)
                if pair is not None:
                    flush()
                    snippet = next(s for s in pair.snippets if s.framework.key == notebook.framework)
                    outcome = outcomes.get(snippet.relpath)
                    if outcome is not None:
                        versions = versions or dict(outcome.versions)
                        machine = machine_mod.label(outcome.machine) if outcome.machine else machine
                    cells.append(_code_cell(pair, notebook.framework, outcome))
            elif 'exec="on"' in info or "exec='on'" in info:
                flush()
                url = f"{site_url.rstrip('/')}/{page_url(notebook.page)}"
                cells.append(
                    _cell(
                        "markdown",
                        f"*The page shows a table here, generated when the site is built: see [the page]({url}).*",
                    )
                )
            else:
                pending.extend(lines[index : end + 1])
            index = end + 1
            continue
        if line.startswith("# ") and not title_skipped:  # the first cell carries the title
            title_skipped = True
        elif re.match(r"^#{2,6} ", line):
            flush()
            pending.append(line)
        else:
            pending.append(line)
        index += 1
    flush()
    cells.insert(0, _first_cell(notebook, versions, site_url, machine))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": versions.get("python", "3")},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(notebook: dict) -> str:
    """Stable JSON, one key order, so that an unchanged notebook is an unchanged file."""
    import nbformat

    node = nbformat.from_dict(notebook)
    for number, cell in enumerate(node.cells):  # ids from the position: stable across builds
        cell["id"] = f"cell-{number}"
    nbformat.validate(node)
    return json.dumps(node, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def source_dir(engine) -> Path:
    """The folder that stands in for ``docs/`` for the notebooks: they are ``notebooks/<name>``
    in it, as they are in the site."""
    return engine.store.directory / "notebook-pages"


def write_all(engine, site_url: str, which: list[Notebook] | None = None) -> list[tuple[Notebook, Path]]:
    """The notebooks (default: every one), written under :func:`source_dir` when their content
    changed, so that mkdocs-jupyter's own cache sees the same file."""
    directory = source_dir(engine) / DIRECTORY
    directory.mkdir(parents=True, exist_ok=True)
    collected = engine.collect()
    written = []
    for notebook in which if which is not None else notebooks_for(engine.docs_dir):
        text = (engine.docs_dir / notebook.page).read_text(encoding="utf-8")
        content = dumps(build(notebook, text, collected.pairs, collected.outcomes, site_url))
        path = directory / notebook.filename
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
        written.append((notebook, path))
    return written


def pair_names(text: str) -> list[str]:
    """The pairs a page's Markdown names, in order (what its notebooks' code cells are)."""
    return [match.group("body").strip() for match in PAIR_FENCE.finditer(text)]


def links_line(mine: list[Notebook], page: str) -> str:
    """Markdown for a topic page: its notebooks, linked relative to the page's source file."""
    import posixpath

    here = posixpath.dirname(page)
    links = [f"[{FRAMEWORKS[nb.framework].label}]({posixpath.relpath(nb.src_uri, here or '.')})" for nb in mine]
    return f"*This page as a notebook:* {' · '.join(links)}\n{{: .sbs-notebook-links }}"


def header(notebook: Notebook, repo_url: str | None) -> str:
    """HTML above a notebook's page: download it, open it in Colab, back to its page."""
    import html

    back = relative_url(notebook.page, notebook.src_uri.removesuffix(".ipynb") + ".md")
    parts = [
        f'<a href="{html.escape(notebook.filename)}" download>Download {html.escape(notebook.filename)}</a>',
    ]
    colab = colab_url(repo_url, notebook)
    if colab:
        parts.append(f'<a href="{html.escape(colab)}">Open in Colab</a>')
    parts.append(f'<a href="{html.escape(back)}">{html.escape(notebook.title)}, the page</a>')
    intro = (
        f"<p>The {FRAMEWORKS[notebook.framework].label} side of {html.escape(notebook.title)} as a "
        "Jupyter notebook: the page's text, each snippet as a code cell, and the outputs the site's "
        "build captured.</p>"
    )
    return '<p class="sbs-notebook-links">' + " · ".join(parts) + "</p>\n" + intro + "\n"


# nbconvert's page template loads MathJax from an empty address and Mermaid from a CDN when a
# notebook has diagrams; these notebooks have neither maths nor diagrams.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*jp-Mermaid.*?</script>', re.S)


def without_loaders(page_html: str) -> str:
    """A rendered notebook without the script loaders it has no use for."""
    return _MERMAID.sub("", _MATHJAX.sub("", page_html))


# mkdocs-jupyter puts JupyterLab's whole stylesheet (575 kB: the file browser, widgets, menus and
# every other part of the application) into each notebook's page as <style> blocks. Lighthouse
# (unused-css-rules, and the style recalculation that every rule costs) put the notebook pages
# at 70 to 94 for performance. The page needs only the rules that can match its own elements.
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
# In a selector: what is inside a functional pseudo-class (:not(.a), :is(.a, .b)) need not be on
# the page, so it is left out before the page's classes and ids are asked for.
_IN_PARENS = re.compile(r"\([^()]*\)")
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_SELECTOR_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")


def _selector_can_match(selector: str, classes: set[str], ids: set[str]) -> bool:
    outer = selector
    while _IN_PARENS.search(outer):
        outer = _IN_PARENS.sub("", outer)
    if ":root" in outer and not outer.lstrip().startswith(":root"):
        return False  # ".jupyter-wrapper :root": the root element is no element's descendant
    # Material's scripts add md- classes at run time (md-typeset__scrollwrap around each table)
    named = {name for name in _SELECTOR_CLASS.findall(outer) if not name.startswith("md-")}
    return named <= classes and set(_SELECTOR_ID.findall(outer)) <= ids


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(...))."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(prelude):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            parts.append(prelude[start:position])
            start = position + 1
    return parts + [prelude[start:]]


def _used_rules(nodes, classes: set[str], ids: set[str]) -> list:
    import tinycss2

    kept = []
    for node in nodes:
        if node.type == "qualified-rule":
            prelude = tinycss2.serialize(node.prelude)
            if any(_selector_can_match(s, classes, ids) for s in _selectors(prelude)):
                kept.append(node)
        elif node.type == "at-rule" and node.lower_at_keyword in ("media", "supports", "layer") and node.content:
            inner = _used_rules(
                tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), classes, ids
            )
            if inner:
                kept.append(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}{{{''.join(map(_css, inner))}}}")
        elif node.type == "at-rule":  # @charset, @font-face, @keyframes, @import: kept as written
            kept.append(node)
    return kept


def _css(node) -> str:
    return node if isinstance(node, str) else node.serialize()


def lean_styles(page_html: str) -> str:
    """A rendered notebook whose <style> blocks keep only the rules that can match an element of
    the page: a rule stays when one of its selectors names only classes and ids the page has
    (what a functional pseudo-class such as ``:not()`` names does not count; element and
    attribute selectors always stay, and ``:root`` after a combinator never does). The notebook
    is static: no script changes the classes of its elements, except Material's, whose classes
    (``md-``) always count."""
    import tinycss2

    classes = {name for attr in _CLASS_ATTR.findall(page_html) for name in attr.split()}
    ids = set(_ID_ATTR.findall(page_html))

    def lean(match: re.Match) -> str:
        nodes = tinycss2.parse_stylesheet(match.group(2), skip_comments=True, skip_whitespace=True)
        return match.group(1) + "".join(map(_css, _used_rules(nodes, classes, ids))) + match.group(3)

    return _STYLE.sub(lean, page_html)


# nbconvert opens each code cell twice, an outer div and one with the cell's id: count the latter.
_CODE_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell\b[^"]*"(?= id="cell-id=)')


def mark_varying(page_html: str, notebook_path: Path) -> str:
    """The rendered notebook with each cell of a ``varies`` snippet marked ``data-sbs-varies``,
    as its pair is on the topic page: its output (timings) differs from build to build."""
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    flags = iter(
        [c.get("metadata", {}).get("sidebyside", {}).get("varies", False) for c in cells if c["cell_type"] == "code"]
    )
    return _CODE_CELL.sub(lambda m: m.group(0) + (" data-sbs-varies" if next(flags, False) else ""), page_html)
