"""The real site, built strictly: every pair is on its page with its output, nothing unexecuted."""

from __future__ import annotations

import collections
import difflib
import html
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest
from conftest import REPO_URL, ROOT, SUMMARY, mkdocs_build, page_html, pair_html, visible_text

from sidebyside import cache as cache_mod
from sidebyside.outcome import VARYING
from sidebyside.scan import scan_references
from sidebyside.snippets import load_pair
from sidebyside.store import Store

REFERENCES = scan_references(ROOT / "docs")


def test_build_reports_one_summary_line_without_failures(built_site):
    lines = SUMMARY.findall(built_site.log)
    assert len(lines) == 1, built_site.log[-3000:]
    assert lines[0][2] == "0"


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda r: f"{r.page}:{r.line}:{r.name}")
def test_pair_is_on_its_page_with_code_output_and_source_links(built_site, ref):
    block = pair_html(page_html(built_site, ref.page), ref.name)
    shown = visible_text(block)
    store = Store(cache_mod.default_dir(ROOT))
    results = []
    for snippet in load_pair(ROOT, ref.name).snippets:
        outcome = store.outcome(cache_mod.key_for(snippet))
        assert outcome is not None, f"{snippet.relpath}: the build left no result"
        results.append(outcome.result)
        missing = [line for line in outcome.output.splitlines() if line.strip() not in shown]
        assert not missing, f"{snippet.relpath}: output lines not on the page: {missing}"
        assert f'href="{REPO_URL}/blob/main/{snippet.relpath}"' in block
        assert snippet.relpath in shown  # the code block's title
        assert f"{snippet.code_lines} lines of code" in shown
    checked = all(r is not None for r in results)
    assert ("Same numbers" in shown) == checked


def test_no_block_is_left_unexecuted(built_site):
    offenders = []
    for path in built_site.directory.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for marker in ("```", "~~~", 'exec="', "language-pair", "Preview: not executed"):
            if marker in text:
                offenders.append(f"{path.relative_to(built_site.directory)}: {marker}")
    assert not offenders, "\n".join(offenders)


def test_ids_are_unique_on_every_page(built_site):
    duplicates = {}
    for path in built_site.directory.rglob("*.html"):
        ids = re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))
        repeated = [i for i, n in collections.Counter(ids).items() if n > 1]
        if repeated:
            duplicates[str(path.relative_to(built_site.directory))] = repeated
    assert not duplicates


def test_no_paragraph_wraps_a_block(built_site):
    """A <p> that opens with a block element is invalid HTML (the browser closes it early and
    leaves an empty paragraph): raw HTML inside tabs and markdown-exec output with headings did
    this to every pair's footer and to the API map's sections."""
    wrapped = re.compile(r"<p>\s*<(?:p|div|h[1-6]|ul|ol|table|pre)[\s>]")
    offenders = {
        str(path.relative_to(built_site.directory)): len(found)
        for path in built_site.directory.rglob("*.html")
        if (found := wrapped.findall(path.read_text(encoding="utf-8")))
    }
    assert not offenders


def test_home_page_shows_the_versions_the_snippets_ran_with(built_site):
    text = page_html(built_site, "index.md")
    for distribution in ("torch", "keras", "mkdocs-material", "markdown-exec"):
        version = metadata.version(distribution)
        assert f"<code>{version}</code>" in text, f"{distribution} {version} not on the home page"
    assert f"<code>{metadata.version('tensorflow-cpu')}</code>" in text


def test_no_asset_is_loaded_from_another_origin(built_site):
    offenders = []
    for path in built_site.directory.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:link|script|img|iframe)\b[^>]*>", text):
            if 'rel="canonical"' in tag:  # names the page's address, loads nothing
                continue
            for url in re.findall(r'(?:href|src)="((?:https?:)?//[^"]+)"', tag):
                offenders.append(f"{path.relative_to(built_site.directory)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_search_index_holds_words_from_snippet_code(built_site):
    index = json.loads((built_site.directory / "search/search_index.json").read_text())
    home = " ".join(doc["text"] for doc in index["docs"] if doc["location"].split("#")[0] == "")
    assert "default_rng" in home


def without_varying(text: str) -> str:
    """The page with the content of every element marked ``data-sbs-varies`` (wall times, the
    output of ``varies`` pairs and the tables they feed) replaced by an empty marker."""
    marker = re.compile(r"<(span|div)\b[^>]*\sdata-sbs-varies\b[^>]*>")
    kept, position = [], 0
    for match in marker.finditer(text):
        if match.start() < position:  # inside a region already left out
            continue
        tag, depth, cursor = match.group(1), 1, match.end()
        tokens = re.compile(rf"<{tag}\b|</{tag}>")
        while depth:
            token = tokens.search(text, cursor)
            assert token, f"unbalanced <{tag}> after {text[match.start() : match.start() + 80]!r}"
            depth += -1 if token.group().startswith("</") else 1
            cursor = token.end()
        kept.append(text[position : match.start()] + f"<{tag} data-sbs-varies/>")
        position = cursor
    return "".join(kept) + text[position:]


def test_without_varying_leaves_out_marked_elements_only():
    page = (
        "<p>a <span data-sbs-varies>ran in 1.23 s</span> b</p>"
        '<div class="sbs-pair" data-sbs-varies><div>x <span data-sbs-varies>2 s</span></div></div><p>c</p>'
    )
    assert without_varying(page) == ("<p>a <span data-sbs-varies/> b</p><div data-sbs-varies/><p>c</p>")


def _another_run(value: object) -> object:
    """What another run of a timing may measure: every float a quarter larger (ratios, and so
    the findings drawn from them, stay as they are)."""
    if isinstance(value, float):
        return value * 1.25
    if isinstance(value, dict):
        return {name: _another_run(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_another_run(item) for item in value]
    return value


def test_a_second_build_from_results_of_another_run_differs_only_where_marked(built_site, tmp_path):
    """What a page shows depends on the code, the versions and the results, not on the build,
    and what a run changes is marked: the site built again in a new process, from a copy of the
    first build's results in which everything another run may change is changed (every wall
    time; the output and `measured` figures of `varies` snippets, and the figures any snippet keeps
    under `measured["varies"]`), is the same page for page
    outside the elements marked ``data-sbs-varies``. That the other results do not change from
    run to run is checked where they are made again: tests/test_snippets.py runs each snippet
    alone and compares it with its page, tests/test_apimap.py checks every map entry again."""
    first = Store(cache_mod.default_dir(ROOT))
    second = Store(tmp_path / "cache")
    for snippet in {s for ref in REFERENCES for s in load_pair(ROOT, ref.name).snippets}:
        outcome = first.outcome(cache_mod.key_for(snippet))
        assert outcome is not None, f"{snippet.relpath}: the first build left no result"
        outcome.seconds *= 1.25
        if snippet.options.varies:
            outcome.output = re.sub(r"\d", lambda d: str((int(d[0]) + 1) % 10), outcome.output)
            outcome.measured = _another_run(outcome.measured)
        elif isinstance(outcome.measured, dict) and VARYING in outcome.measured:
            outcome.measured = {**outcome.measured, VARYING: _another_run(outcome.measured[VARYING])}
        second.put(outcome)
    for record in first.directory.glob("api-map-*.json"):  # the API map's checked values
        shutil.copy(record, second.directory)
    again = mkdocs_build(ROOT, tmp_path / "site", "--strict", SNIPPETS_CACHE_DIR=str(second.directory))
    assert again.returncode == 0, again.stdout[-6000:]
    run, cached, failed = SUMMARY.findall(again.stdout)[0]
    assert run == "0" and failed == "0" and int(cached) > 0
    different = []
    for path in sorted(built_site.directory.rglob("*.html")):
        relative = path.relative_to(built_site.directory)
        first_page = without_varying(path.read_text(encoding="utf-8"))
        second_page = without_varying((tmp_path / "site" / relative).read_text(encoding="utf-8"))
        if first_page != second_page:
            diff = difflib.unified_diff(first_page.splitlines(), second_page.splitlines(), lineterm="", n=1)
            different.append(f"{relative}:\n" + "\n".join(list(diff)[2:14]))
    assert not different, "pages differ outside what is marked as varying:\n" + "\n\n".join(different)


def test_no_page_shows_a_cpp_log_line(built_site):
    """Timestamps and thread ids of C++ log lines never reach a page (output.py removes them)."""
    log_line = re.compile(r"[IWEF][0-9]{4} [0-9:.]+ +[0-9]+ [A-Za-z_./-]+:[0-9]+\]|absl::InitializeLog")
    offenders = [
        f"{path.relative_to(built_site.directory)}: {match.group()}"
        for path in built_site.directory.rglob("*.html")
        for match in [log_line.search(path.read_text(encoding="utf-8"))]
        if match
    ]
    assert not offenders, "\n".join(offenders)


def test_lean_code_drops_only_the_spans_that_change_nothing_shown():
    """Names, spaces, punctuation and operators lose their Pygments span (the site draws them
    in the code's colour); every other token keeps its span, and the code's text is the same."""
    from sidebyside.postprocess import lean_code

    code = (
        '<pre><span></span><code><span class="n">rng</span><span class="w"> </span>'
        '<span class="o">=</span> <span class="n">np</span><span class="o">.</span>'
        '<span class="nb">print</span><span class="p">(</span><span class="mi">0</span>'
        '<span class="p">)</span>  <span class="c1"># n</span></code></pre>'
    )
    lean = lean_code(code)
    assert visible_text(lean) == visible_text(code)
    for token in ("n", "w", "o", "p"):
        assert f'class="{token}"' not in lean
    for token in ("nb", "mi", "c1"):
        assert f'<span class="{token}">' in lean
    assert lean.startswith('<pre><span></span><code tabindex="0">')


def test_markdown_tables_are_built_inside_materials_scroll_wrapper():
    """A Markdown table is written inside the two <div>s Material's bundle would wrap it in on
    load (so that the bundle need not move it); a table holding a table is left to Material, and
    a table with a class, which Material does not wrap, is left alone."""
    from sidebyside.postprocess import wrapped_tables

    table = "<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody><tr><td>1</td></tr></tbody>\n</table>"
    assert wrapped_tables(f"<p>x</p>\n{table}\n<h2>y</h2>\n{table}") == (
        f'<p>x</p>\n<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'
        f'\n<h2>y</h2>\n<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'
    )
    inner = "<table><tr><td>1</td></tr></table>"
    outer = f"<table><tr><td>{inner}</td></tr></table>"
    assert wrapped_tables(outer) == outer.replace(
        inner, f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{inner}</div></div>'
    )
    classed = '<table class="dataframe"><tr><td>1</td></tr></table>'
    assert wrapped_tables(classed) == classed


def test_the_decision_script_loads_on_the_decision_page_only(built_site):
    """decision.js: a script in the decision page's content, on no other page (Lighthouse)."""
    for path in built_site.directory.rglob("*.html"):
        relative = path.relative_to(built_site.directory).as_posix()
        loads = "assets/decision.js" in path.read_text(encoding="utf-8")
        assert loads == (relative == "decision/index.html"), relative


def test_every_link_within_the_site_opens_a_page_and_its_anchor(built_site):
    """A reader who clicks a link lands where it says: the page exists and so does the element
    its fragment names. Links that page parts print inside markdown-exec blocks are the usual
    culprits (markdown-exec prefixes every id and fragment of a block's output unless the fence
    says `idprefix=""`), as are `.md` links in data files, which MkDocs never rewrites, and
    the notebooks' tables of contents, made by mkdocs-jupyter."""
    from urllib.parse import unquote, urljoin, urlsplit

    site = built_site.directory
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            text = path.read_text(encoding="utf-8")
            ids[path] = set(re.findall(r'\sid="([^"]+)"', text)) | set(re.findall(r'\sname="([^"]+)"', text))
        return ids[path]

    problems = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        tags = re.findall(r"<a ([^>]*)>", page.read_text(encoding="utf-8"))
        for href in {m.group(1) for tag in tags if (m := re.search(r'href="([^"]+)"', tag))}:
            url = urlsplit(urljoin(f"http://site.invalid/{relative}", html.unescape(href)))
            if url.netloc != "site.invalid" or url.scheme != "http":
                continue
            target = site / unquote(url.path).lstrip("/")
            if target.is_dir() or not target.suffix:
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{relative}: {href} (no such page)")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in ids_of(target):
                problems.append(f"{relative}: {href} (no such anchor)")
    assert not problems, "\n".join(sorted(problems)[:40])
