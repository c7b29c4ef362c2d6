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

import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import machine as machine_mod
from .blocks import fences, front_matter_lines, page_lines, title, title_index
from .links import page_url, relative_url
from .outcome import Outcome
from .scan import scan_references
from .snippets import FRAMEWORKS, Pair
from .store import write_text

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
    return title(text) or page


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


def _for_jupyter(lines: list[str], page: str, site_url: str) -> list[str]:
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
        if re.match(r"#{1,6} ", line):  # mkdocs-jupyter's contents drop a code span from the anchor
            line = line.replace("`", "")  # that the heading keeps: plain text makes them agree
        out.append(_LINK.sub(lambda m: _absolute(m.group(1), m.group(2), page, site_url), line))
    while out and out[-1] in (">", ""):
        out.pop()
    return out


def _markdown_cell(lines: list[str], page: str, site_url: str) -> dict | None:
    text = "\n".join(_for_jupyter(lines, page, site_url)).strip("\n")
    return _notebook_cell("markdown", text) if text.strip() else None


def _notebook_cell(kind: str, source: str, outputs: list[dict] | None = None) -> dict:
    cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=outputs or [])
    return cell


def _code_cell(pair: Pair, framework: str, outcome: Outcome | None) -> dict:
    snippet = next(s for s in pair.snippets if s.framework.key == framework)
    outputs = []
    if outcome is not None and outcome.output:
        outputs.append({"output_type": "stream", "name": "stdout", "text": outcome.output})
    cell = _notebook_cell("code", snippet.source.rstrip("\n"), outputs)
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
    return _notebook_cell("markdown", "\n".join(lines))


def build(notebook: Notebook, text: str, pairs: dict[str, Pair], outcomes: dict[str, Outcome], site_url: str) -> dict:
    """The notebook (nbformat 4, as a dict) for ``notebook`` from its page's Markdown ``text``."""
    cells: list[dict] = []
    ran: list[Outcome] = []  # this side's outcomes, in page order
    pending: list[str] = []

    def flush() -> None:
        cell = _markdown_cell(pending, notebook.page, site_url)
        if cell:
            cells.append(cell)
        pending.clear()

    lines = page_lines(text)
    title_line = title_index(text)
    position = front_matter_lines(text)
    for fence in [*fences(text), None]:
        for index in range(position, fence.start if fence else len(lines)):
            if index == title_line:  # the first cell carries the title
                continue
            if re.match(r"^#{2,6} ", lines[index]):
                flush()
            pending.append(lines[index])
        if fence is None:
            break
        position = fence.end + 1
        if fence.language == "pair":
            pair = pairs.get(fence.text)
            if pair is not None:
                flush()
                snippet = next(s for s in pair.snippets if s.framework.key == notebook.framework)
                outcome = outcomes.get(snippet.relpath)
                ran += [outcome] if outcome is not None else []
                cells.append(_code_cell(pair, notebook.framework, outcome))
        elif 'exec="on"' in fence.info or "exec='on'" in fence.info:
            flush()
            url = f"{site_url.rstrip('/')}/{page_url(notebook.page)}"
            note = f"*The page shows a table here, generated when the site is built: see [the page]({url}).*"
            cells.append(_notebook_cell("markdown", note))
        else:
            pending.extend(lines[fence.start : fence.end + 1])
    flush()
    versions = next((dict(outcome.versions) for outcome in ran if outcome.versions), {})
    machines = [machine_mod.label(outcome.machine) for outcome in ran if outcome.machine]
    cells.insert(0, _first_cell(notebook, versions, site_url, machines[-1] if machines else "the build machine"))
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
    in it, as they are in the site. One per project: checkouts may share a store."""
    project = hashlib.sha256(str(engine.root).encode()).hexdigest()[:16]
    folder = engine.store.directory / "notebook-pages" / project
    try:
        (folder / DIRECTORY).mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only or full store: the notebooks are built all the same
        return _spare_dir(project)
    return folder if os.access(folder / DIRECTORY, os.W_OK) else _spare_dir(project)


@functools.cache
def _spare_dir(project: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"sidebyside-notebooks-{project}-"))


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
            write_text(path, content)  # atomic: `mkdocs serve` and a build may both write it
        written.append((notebook, path))
    return written


def pair_names(text: str) -> list[str]:
    """The pairs a page's Markdown names, in order (what its notebooks' code cells are)."""
    return [fence.text for fence in fences(text) if fence.language == "pair"]


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
