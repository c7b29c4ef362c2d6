"""HTML post-processing, the last step of a build (collect → results → render → this): lighter
pages that look the same. Each function takes HTML and gives HTML; the MkDocs plugin applies the
page ones to every page, the notebook ones to the notebooks' pages, and the Performance page's
charts pass through :func:`lean_svg`. Each rule says what it saves and which audit it answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

# Pygments wraps every name (class "n"), run of spaces ("w"), punctuation mark ("p") and operator
# ("o") of highlighted code in a span of its own: three quarters of the elements of a topic page
# and more of the API map's, and Lighthouse's dom-size, the HTML parse and the style and layout
# time of the largest pages grow with them. Material colours a name in --md-code-hl-name-color,
# which is the code's own colour (--md-code-fg-color) in both schemes, and spaces not at all;
# docs/assets/sidebyside.css gives punctuation and operators the code's colour too (as GitHub
# does). Without these spans the code looks the same, copies the same and is searched the
# same. Only those exact classes, holding text alone, lose their span; "ow" (and, in, not)
# and every other token keep theirs.
# A notebook page keeps its operators' spans: JupyterLab's styles set them in bold.
_PLAIN_TOKEN = {
    notebook: re.compile(rf'<span class="[{classes}]">([^<]*)</span>')
    for notebook, classes in ((False, "nwpo"), (True, "nwp"))
}


# Material (content.lazy, for Lighthouse's total blocking time) mounts a code block when it first
# comes into view, and only then gives a block that scrolls sideways tabindex="0" (axe:
# scrollable-region-focusable), so a keyboard could not reach a block below the fold. Every
# block starts focusable; Material takes the tabindex off the ones that do not scroll when it
# mounts them, as it does without content.lazy.
_CODE_BLOCK = re.compile(r"(<pre[^>]*>(?:<span></span>)?)<code>")


def lean_code(page_html: str, notebook: bool = False) -> str:
    """The page's highlighted code without the spans that change nothing it shows, each block
    reachable by keyboard before Material mounts it."""
    return _CODE_BLOCK.sub(r'\1<code tabindex="0">', _PLAIN_TOKEN[notebook].sub(r"\1", page_html))


# Material wraps every Markdown table in its scroll wrapper when a page loads, and the browser
# styles and lays the table out again inside the load's longest task (Lighthouse total blocking
# time). The same wrapper is written here, at build time; overrides/main.html keeps Material from
# wrapping a table already in one.
# Only a table with no table inside it: Material wraps any other when the page loads, as before.
_TABLE = re.compile(r"<table>(?:(?!<table[\s>]).)*?</table>", re.DOTALL)


def wrapped_tables(page_html: str) -> str:
    """The page with each Markdown table inside Material's scroll wrapper, as its bundle would
    wrap it on load."""
    return _TABLE.sub(
        lambda table: f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table[0]}</div></div>',
        page_html,
    )


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


_SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_SVG_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')  # xlink:href="#id", clip-path="url(#id)"
_GROUP_TAG = re.compile(r"<(/?)g\b([^>]*?)\s*(/?)>")  # </g>; <g ...>; <g .../>, which has no </g>


def lean_svg(svg: str) -> str:
    """matplotlib's SVG with what changes nothing it draws taken out (Lighthouse performance and
    dom-size: every element is parsed, styled and laid out inside the page load's long tasks):
    - the RDF <metadata>;
    - the <style> of every chart: its `*{stroke-linejoin: round; stroke-linecap: butt}` put one
      more style sheet in the page, and one more rule that the browser tries on every element of
      it; docs/assets/sidebyside.css sets both on `.sbs-chart svg`, and they are inherited;
    - each <g> with no attribute but an id that nothing refers to (matplotlib wraps every patch,
      tick and label in one): its children are drawn as they were, in the same place.
    """
    svg = re.sub(r"\s*<defs>\s*</defs>", "", _SVG_STYLE.sub("", _SVG_METADATA.sub("", svg)))
    referred = set(_REFERENCE.findall(svg))
    kept: list[bool] = []  # for each <g> open at this point: whether its tag stays

    def group(tag: re.Match) -> str:
        closing, attributes, empty = tag.groups()
        if closing:
            return tag[0] if kept.pop() else ""
        bare = re.fullmatch(r'\s+id="([^"]*)"|', attributes)  # nothing, or an id alone
        keep = bare is None or bare[1] in referred
        if not empty:
            kept.append(keep)
        return tag[0] if keep else ""

    svg = _GROUP_TAG.sub(group, svg)
    return re.sub(r">\s+<", "><", svg)  # the indentation: a text node between every two tags
