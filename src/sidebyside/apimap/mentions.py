"""Links from the other pages to the API map: inline code that names a mapped API links to its
entry at its first mention (never inside code blocks, links or headings).
"""

from __future__ import annotations

import re
from pathlib import Path

from .schema import MAP_DIR, files, load, page_of

# Spellings a page may use for a name the map writes in full.
_ALIASES = (("torch.nn.functional.", "F."), ("torch.nn.", "nn."), ("keras.", "tf.keras."))
_CALLABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
# Inline code outside code blocks, links, headings and scripts: those are left as they are.
_PROTECTED = re.compile(r"<(pre|a|h[1-6]|script|style|textarea)\b.*?</\1>", re.S)
_INLINE_CODE = re.compile(r"<code>([^<]+)</code>")


def mention_index(docs_dir: Path) -> dict[str, tuple[str, str]]:
    """{API name: (page, entry id)}: each heading name of the map (``torch.gather``,
    ``tf.GradientTape``) and its short spellings (``F.conv2d``, ``nn.Linear``), with the
    category page that shows the entry; the first entry that names it wins."""
    mentions: dict[str, tuple[str, str]] = {}
    for path in files(docs_dir):
        for entry in load(path):
            for name in entry.names:
                if not _CALLABLE.fullmatch(name) or name.split(".")[0] not in ("torch", "tf", "keras"):
                    continue
                spellings = [name] + [short + name[len(full) :] for full, short in _ALIASES if name.startswith(full)]
                for spelling in spellings:
                    mentions.setdefault(spelling, (page_of(path), entry.id))
    return mentions


def mentioned(code_text: str) -> str:
    """The API name an inline code span mentions: ``tf.function(jit_compile=True)`` -> ``tf.function``."""
    name = code_text.strip().split("(")[0]
    return name if _CALLABLE.fullmatch(name) else ""


def link_mentions(page_html: str, page: str, mentions: dict[str, tuple[str, str]]) -> tuple[str, int]:
    """The page's HTML with the first mention of each mapped API linked to its entry, and how
    many links were made. ``page`` is the docs-relative source path (``graphs/index.md``); the
    map's own pages are left as they are."""
    from ..links import href

    if page.startswith(MAP_DIR) or not mentions:
        return page_html, 0
    linked: set[str] = set()
    parts, last = [], 0

    def link(match: re.Match) -> str:
        name = mentioned(match.group(1).replace("&amp;", "&"))
        found = mentions.get(name)
        if found is None or name in linked:
            return match.group(0)
        linked.add(name)
        target = href(found[0], f"api-{found[1]}", page)
        return f'<a class="sbs-api-link" href="{target}" title="API map: {name}">{match.group(0)}</a>'

    for protected in _PROTECTED.finditer(page_html):
        parts.append(_INLINE_CODE.sub(link, page_html[last : protected.start()]))
        parts.append(protected.group(0))
        last = protected.end()
    parts.append(_INLINE_CODE.sub(link, page_html[last:]))
    return "".join(parts), len(linked)
