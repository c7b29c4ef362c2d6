"""Links and anchors between the site's pages, computed the way the built site has them.

A markdown-exec block's output is converted by its own Markdown instance and pasted into the page
as HTML, so MkDocs neither rewrites its links nor validates them. Generated page parts therefore
link to the built pages' URLs (``../deployment/#anchor``, for MkDocs' default
``use_directory_urls: true``) with :func:`href`, and check the target with :func:`anchors_of`:
a heading's id, computed the way Python-Markdown's ``toc`` extension computes it for this site,
or a pair's id.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import markdown
from markdown.extensions.toc import slugify

from .blocks import fences, prose_lines
from .render import anchor as pair_anchor

# The toc settings of mkdocs.yml: `toc: {permalink: true}`, default slugify and separator.
_TOC_CONFIG = {"permalink": True, "slugify": slugify, "separator": "-"}


def page_url(page: str) -> str:
    """MkDocs' URL for a docs-relative page with ``use_directory_urls``: ``a/index.md`` -> ``a/``."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        stem = stem.removesuffix("/index")
    return stem + "/"


def relative_url(page: str, from_page: str) -> str:
    """The built page ``page``'s URL relative to the built page ``from_page`` (docs-relative
    sources): ``../deployment/``, or ``./`` for the page itself."""
    relative = posixpath.relpath(page_url(page) or ".", page_url(from_page) or ".")
    relative = "" if relative == "." else relative
    if relative and not relative.endswith("/"):
        relative += "/"
    return relative or "./"


def href(page: str, anchor: str, from_page: str) -> str:
    """The link from the built page ``from_page`` to ``anchor`` on ``page`` (docs-relative)."""
    return f"{relative_url(page, from_page)}#{anchor}"


_HEADING = re.compile(r"^#{1,6}\s+\S")


def page_anchors(page_file: Path) -> set[str]:
    """Every id a page's Markdown gives its headings and its pairs.

    Headings go through Python-Markdown with the site's ``toc`` settings (and ``attr_list``,
    for ``{#custom-id}``), so inline code, links and duplicates get the ids the site gives them.
    """
    text = page_file.read_text(encoding="utf-8")
    anchors = {pair_anchor(fence.text) for fence in fences(text) if fence.language == "pair"}
    headings = [line.strip() for _, line in prose_lines(text) if _HEADING.match(line)]
    if headings:
        md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": _TOC_CONFIG})
        md.convert("\n\n".join(headings))
        stack = list(md.toc_tokens)  # type: ignore[attr-defined]  # set by the toc extension
        while stack:
            token = stack.pop()
            anchors.add(token["id"])
            stack.extend(token["children"])
    return anchors
