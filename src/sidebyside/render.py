"""Markdown for one pair: a content tab per framework (shown side by side on wide screens by
``docs/assets/sidebyside.css``), each with the code, the captured output and a footer, then the
verdict of the equivalence check. Only Markdown extensions that Material documents are used:
``pymdownx.tabbed``, ``pymdownx.superfences``, ``md_in_html`` and ``admonition``.
"""

from __future__ import annotations

import html
import re
import textwrap

from .compare import Verdict
from .outcome import Outcome
from .snippets import Pair, Snippet


def _code_block(text: str, info: str) -> str:
    """A code fence that no run of backticks inside ``text`` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip(chr(10))}\n{ticks}"


def _seconds(value: float) -> str:
    if value < 0.005:
        return "under 0.01 s"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _footer(snippet: Snippet, outcome: Outcome | None, source_url: str | None) -> str:
    parts = [f"{snippet.code_lines} lines of code"]
    if outcome is not None:
        versions = outcome.versions
        module = snippet.framework.module
        if module in versions:
            parts.append(f"{module} {html.escape(versions[module])}")
        if module == "tensorflow" and "keras" in versions:
            parts.append(f"keras {html.escape(versions['keras'])}")
        if "python" in versions:
            parts.append(f"Python {html.escape(versions['python'])}")
        parts.append(varying(f"ran in {_seconds(outcome.seconds)}", "span"))
        if snippet.options.varies:
            parts.append("timings differ from run to run: these are the build's")
    if source_url:  # the path itself is the code block's title
        parts.append(f'<a href="{html.escape(source_url)}">source</a>')
    # A Markdown paragraph with its class from attr_list: raw <p> HTML inside a content tab
    # would be wrapped in a second <p> (invalid HTML).
    return " · ".join(parts) + "\n{: .sbs-meta }"


def _tab(snippet: Snippet, outcome: Outcome | None, source_url: str | None) -> str:
    blocks = [_code_block(snippet.source, f'python title="{snippet.relpath}"')]
    if outcome is not None:
        output = outcome.output
        if output.strip():
            blocks.append(_code_block(output, '{ .text .sbs-output title="Output" }'))
        else:
            blocks.append('<p class="sbs-empty">This snippet prints nothing.</p>')
    blocks.append(_footer(snippet, outcome, source_url))
    body = "\n\n".join(blocks)
    return f'=== "{snippet.framework.label}"\n\n' + textwrap.indent(body, "    ", lambda _: True)


def _verdict(verdict: Verdict | None, preview: bool) -> str:
    if preview:
        return (
            '!!! warning "Preview: not executed"\n\n'
            "    This page was built with `SNIPPETS_EXECUTE=0`: the code is shown, but nothing ran, "
            "so there is no output and no equivalence check."
        )
    if verdict is None:
        return ""
    numbers = "number" if verdict.compared == 1 else "numbers"
    return (
        '!!! success "Same numbers"\n\n'
        f"    Both sides bind `result`; the build compared {verdict.compared} {numbers}: "
        f"largest difference {verdict.max_abs:.3g} "
        f"(tolerance: atol {verdict.atol:g} + rtol {verdict.rtol:g} × |value|)."
    )


def anchor(name: str) -> str:
    """The pair's id on its page: ``graphs/eager`` -> ``pair-graphs-eager``."""
    return "pair-" + name.replace("/", "-").replace("_", "-")


# What differs from build to build on one machine (wall times, the output of `varies` snippets,
# the figures they feed) carries this attribute, and nothing else does: tests/test_site.py builds
# the site again from results in which all of these are changed and requires every page to be
# the same outside such elements.
VARIES = "data-sbs-varies"


def preview_note(what: str) -> str:
    """What a page part shows in a preview build, which runs nothing: what appears, and when."""
    return f"*Preview build: {what}.*"


def varying(content: str, tag: str = "div") -> str:
    """``content`` marked as a measurement that differs from run to run. A ``div`` holds
    Markdown (``md_in_html``), a ``span`` inline HTML."""
    if tag == "span":
        return f"<span {VARIES}>{content}</span>"
    return f'<div {VARIES} markdown="1">\n\n{content}\n\n</div>'


def wrap(name: str, inner_html: str, varies: bool = False) -> str:
    """The element that carries the pair's anchor and the layout class around its rendered tabs;
    marked as varying when a side of the pair prints timings."""
    marker = f" {VARIES}" if varies else ""
    return f'<div class="sbs-pair" id="{anchor(name)}" data-pair="{html.escape(name)}"{marker}>{inner_html}</div>'


def render_pair(
    pair: Pair,
    outcomes: dict[str, Outcome] | None,
    verdict: Verdict | None,
    source_urls: dict[str, str | None],
) -> str:
    """Markdown for the tabs and the verdict; ``outcomes`` is None in a preview build."""
    sides = "\n\n".join(
        _tab(s, outcomes[s.framework.key] if outcomes else None, source_urls.get(s.framework.key))
        for s in pair.snippets
    )
    verdict_md = _verdict(verdict, outcomes is None)
    return sides + ("\n\n" + verdict_md if verdict_md else "") + "\n"
