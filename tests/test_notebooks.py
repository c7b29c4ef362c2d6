"""The notebooks: two per page with pairs, made from the page and the captured outputs, served
as pages with their .ipynb, and runnable: executed top to bottom they print what the page shows."""

from __future__ import annotations

import json
import posixpath
import re

import nbformat
import pytest
from conftest import REPO_URL, ROOT, page_html, pair_html, shown_output

from sidebyside import notebooks
from sidebyside.links import page_url
from sidebyside.scan import scan_references
from sidebyside.snippets import FRAMEWORKS, load_pair

NOTEBOOKS = notebooks.notebooks_for(ROOT / "docs")


def read(site, notebook: notebooks.Notebook) -> nbformat.NotebookNode:
    path = site.directory / notebooks.DIRECTORY / notebook.filename.removesuffix(".ipynb") / notebook.filename
    return nbformat.read(path, as_version=4)


def test_every_page_with_pairs_has_two_notebooks():
    pages = {ref.page for ref in scan_references(ROOT / "docs")}
    assert {(nb.page, nb.framework) for nb in NOTEBOOKS} == {(p, f) for p in pages for f in FRAMEWORKS}
    assert len({nb.filename for nb in NOTEBOOKS}) == len(NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.filename)
def test_code_cells_are_the_snippet_files_in_page_order_with_the_page_outputs(built_site, notebook):
    """nbformat validates it; its code cells are exactly that framework's snippet files, in the
    order the page shows the pairs, and each cell's output is the output the page shows."""
    nb = read(built_site, notebook)
    nbformat.validate(nb)
    text = (ROOT / "docs" / notebook.page).read_text(encoding="utf-8")
    snippets = [
        next(s for s in load_pair(ROOT, name).snippets if s.framework.key == notebook.framework)
        for name in notebooks.pair_names(text)
    ]
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.source for cell in code] == [s.source.rstrip("\n") for s in snippets]
    page = page_html(built_site, notebook.page)
    for cell, snippet in zip(code, snippets):
        shown = shown_output(pair_html(page, snippet.pair), snippet.relpath)
        stored = "".join(output.text for output in cell.outputs)
        assert stored.rstrip("\n") == (shown or "").rstrip("\n"), snippet.relpath
    first = nb.cells[0].source
    assert first.startswith(f"# {notebook.title}: {FRAMEWORKS[notebook.framework].label}")
    assert re.search(r"pip install (torch|tensorflow-cpu)==\d+\.\d+\.\d+ ", first), first


def test_site_only_markdown_becomes_plain_markdown():
    text = (
        "---\nsearch:\n  boost: 2\n---\n\n# Title\n\nSee [the API](../api/index.md#models).\n\n"
        '## Heading {#custom}\n\n### The `fit` loop\n\n!!! warning "Careful"\n    Indented body.\n\n'
        '```python exec="on"\nprint(table())\n```\n\n<div class="x" markdown>\n\nInside.\n\n</div>\n'
    )
    nb = notebooks.build(notebooks.Notebook("graphs/index.md", "pytorch", "Title"), text, {}, {}, "https://x.org/s/")
    body = "\n\n".join(cell["source"] for cell in nb["cells"][1:])
    assert "[the API](https://x.org/s/api/#models)" in body
    assert "## Heading\n" in body + "\n" and "{#custom}" not in body
    assert "### The fit loop\n" in body  # as mkdocs-jupyter's table of contents anchors it
    assert "> **Careful**\n>\n> Indented body." in body
    assert "exec=" not in body and "print(table())" not in body and "see [the page](https://x.org/s/graphs/)" in body
    assert "<div" not in body and "Inside." in body and "boost" not in body


def test_topic_pages_link_their_notebooks_and_notebook_pages_their_file_colab_and_page(built_site):
    for notebook in NOTEBOOKS:
        page = page_html(built_site, notebook.page)
        here = page_url(notebook.page)
        target = posixpath.relpath(f"notebooks/{notebook.filename.removesuffix('.ipynb')}", here or ".")
        assert f'href="{target}/"' in page, notebook.page
        nb_page = (
            built_site.directory / notebooks.DIRECTORY / notebook.filename.removesuffix(".ipynb") / "index.html"
        ).read_text()
        assert f'<a href="{notebook.filename}" download>' in nb_page
        colab = f"https://colab.research.google.com/github/{REPO_URL.removeprefix('https://github.com/')}/blob/notebooks/{notebook.filename}"
        assert f'href="{colab}"' in nb_page, "SITE_REPO_URL is a GitHub address: Colab's link is there"
        json.loads(
            (
                built_site.directory
                / notebooks.DIRECTORY
                / notebook.filename.removesuffix(".ipynb")
                / notebook.filename
            ).read_text()
        )
    assert notebooks.colab_url("https://gitlab.com/a/b", NOTEBOOKS[0]) is None
    assert notebooks.colab_url(None, NOTEBOOKS[0]) is None


def test_notebooks_barely_grow_the_search_index(built_site):
    """Their pages are found by title and headings; their cells, which repeat the page, are not indexed."""
    index = json.loads((built_site.directory / "search" / "search_index.json").read_text())
    docs = index["docs"]
    notebook_text = sum(len(d["text"]) for d in docs if d["location"].startswith(notebooks.DIRECTORY + "/"))
    other_text = sum(len(d["text"]) for d in docs if not d["location"].startswith(notebooks.DIRECTORY + "/"))
    assert notebook_text <= 0.3 * other_text
    assert any(d["location"] == f"{notebooks.DIRECTORY}/graphs-pytorch/" for d in docs)


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_a_notebook_run_top_to_bottom_prints_what_it_stores(built_site, framework, tmp_path):
    """The home page's notebook, executed by nbclient in a fresh kernel (in an empty folder, as
    a reader runs it), prints in each code cell what the build captured (C++ log lines aside,
    which output.clean removes from both)."""
    from nbclient import NotebookClient

    from sidebyside.output import clean

    notebook = next(nb for nb in NOTEBOOKS if nb.page == "index.md" and nb.framework == framework)
    stored = read(built_site, notebook)
    ran = nbformat.from_dict(json.loads(json.dumps(stored)))
    for cell in ran.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(ran, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for before, after in zip(stored.cells, ran.cells):
        if before.cell_type != "code" or before.metadata.get("sidebyside", {}).get("varies"):
            continue
        assert not [o for o in after.outputs if o.output_type == "error"], after.outputs
        printed = "".join(o.text for o in after.outputs if o.output_type == "stream")
        expected = "".join(o.text for o in before.outputs)
        shown = clean(printed, str(ROOT), str(tmp_path)).text
        assert shown.rstrip("\n") == expected.rstrip("\n"), before.metadata["sidebyside"]["snippet"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.filename)
def test_the_cells_of_varies_snippets_are_marked_on_the_notebook_page(built_site, notebook):
    """Timings differ from build to build: on the notebook's page, exactly the cells of `varies`
    snippets carry data-sbs-varies (the two-builds test leaves them out of its comparison)."""
    nb = read(built_site, notebook)
    expected = {cell.id for cell in nb.cells if cell.cell_type == "code" and cell.metadata["sidebyside"]["varies"]}
    page = (
        built_site.directory / notebooks.DIRECTORY / notebook.filename.removesuffix(".ipynb") / "index.html"
    ).read_text()
    marked = set(re.findall(r'<div class="jp-Cell jp-CodeCell[^"]*" data-sbs-varies id="cell-id=([^"]+)"', page))
    assert marked == expected
