"""The "Errors and warnings" page: each message is read from what a pair shows (never retyped),
every message the pairs show is on it, its links open the pairs that print it, and a message
pasted into the site's search lands on it."""

from __future__ import annotations

import re
import textwrap
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ROOT, page_html, pair_html, search_ready, shown_output, visible_text

from sidebyside import links
from sidebyside.apimap import schema
from sidebyside.messages import PAGE, read
from sidebyside.render import anchor
from sidebyside.scan import scan_references

OUTPUT = textwrap.dedent("""\
    int + float -> InvalidArgumentError:
        cannot compute AddV2 as input #1 was expected
        to be a int32 tensor
    next line
    1. HWIO kernel as is: RuntimeError
      size mismatch for conv.weight
    nobuco: failed: ModuleNotFoundError: No module named 'keras.src.engine'
    ONNX Runtime: failed: InvalidGraph: [ONNXRuntimeError] : 10
    <site-packages>/torch/ao/utils.py:72: UserWarning: quantized tensors are deprecated
      qweight = torch.quantize_per_tensor(
    <site-packages>/tensorflow/lite/interpreter.py:457: UserWarning:     Warning: deprecated and
        scheduled for deletion.
    Exception encountered when calling Sequential.call().
    raises ValueError when asked
    """)


def test_messages_are_read_in_the_shapes_python_and_the_snippets_print_them():
    assert read(OUTPUT) == [
        ("InvalidArgumentError", "cannot compute AddV2 as input #1 was expected to be a int32 tensor"),
        ("RuntimeError", "size mismatch for conv.weight"),
        ("ModuleNotFoundError", "No module named 'keras.src.engine'"),
        ("InvalidGraph", "[ONNXRuntimeError] : 10"),
        ("UserWarning", "quantized tensors are deprecated"),  # not the source line under it
        ("UserWarning", "Warning: deprecated and scheduled for deletion."),
    ]


def _shown(text: str) -> list[tuple[str, str, list[str]]]:
    """(id, message, links to where it comes from) for every message section of the page."""
    found = []
    for section in re.split(r"(?=<h3 )", text)[1:]:
        ident = re.match(r'<h3 id="([^"]+)"', section)
        assert ident, section[:200]
        quote = re.search(r'<blockquote class="sbs-message">\s*<p>(.*?)</p>', section, re.S)
        heading = re.sub(r'<a class="headerlink".*?</a>', "", section[: section.index("</h3>")])
        message = visible_text(quote.group(1) if quote else heading).strip()
        printed = re.findall(r"<li><strong>(?:Printed by|Raised in|Warned in)</strong>.*?</li>", section, re.S)
        assert printed, f"{ident.group(1)} names nothing it comes from"
        found.append((ident.group(1), message, re.findall(r'href="([^"]+)"', "".join(printed))))
    return found


def _entry_links(built_site, page: str, entry_id: str) -> list[str]:
    """The message anchors an API-map entry links under "Messages while it ran"."""
    text = page_html(built_site, page)
    start = text.index(f'id="api-{entry_id}"')
    end = text.find('class="sbs-api-entry"', start)
    line = re.search(r"<strong>Messages while it ran:</strong>(.*?)</li>", text[start:end], re.S)
    return [urlsplit(href).fragment for href in re.findall(r'href="([^"]+)"', line.group(1))] if line else []


def _pair_messages(built_site, page: str, name: str) -> list[str]:
    block = pair_html(page_html(built_site, page), name)
    return [
        f"{cls}: {words}" if words else cls
        for side in ("pytorch", "tensorflow")
        for cls, words in read(shown_output(block, f"snippets/{name}_{side}.py") or "")
    ]


def test_every_message_is_what_a_pair_or_an_entry_shows_and_every_shown_one_is_listed(built_site):
    text = page_html(built_site, PAGE)
    listed = _shown(text)
    assert len(listed) >= 20
    here = urljoin("http://site/", links.page_url(PAGE))
    refs = {(links.page_url(r.page), anchor(r.name)): r for r in scan_references(ROOT / "docs")}
    entries = {(links.page_url(schema.page_of(e.path)), f"api-{e.id}"): e for e in schema.all_entries(ROOT / "docs")}
    from_entries = 0
    for ident, message, hrefs in listed:
        for target in (urlsplit(urljoin(here, href)) for href in hrefs):
            where = (target.path.lstrip("/"), target.fragment)
            from_entries += where in entries
            if where in entries:  # the entry links the message back: the same record
                assert ident in _entry_links(built_site, schema.page_of(entries[where].path), entries[where].id)
            else:
                shown = _pair_messages(built_site, refs[where].page, refs[where].name)
                assert message in shown, f"{ident}: {target.path}#{target.fragment} does not show {message!r}"
    everything = {m for ref in refs.values() for m in _pair_messages(built_site, ref.page, ref.name)}
    linked = {i for e in entries.values() for i in _entry_links(built_site, schema.page_of(e.path), e.id)}
    assert from_entries >= 5, "the map's entries catch errors and warn: their messages are listed"
    assert everything <= {message for _, message, _ in listed}, "a message a pair shows is not listed"
    assert {ident for ident, message, _ in listed if message not in everything} <= linked
    assert linked <= {ident for ident, _, _ in listed}


def pasted_search(page, text: str) -> list[str]:
    """Paste ``text`` into the site's search box; the result links, best first."""
    page.locator("input.md-search__input").click()
    page.evaluate(
        """(text) => {
             const box = document.querySelector('input.md-search__input');
             box.value = text;
             box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));
           }""",
        text,
    )
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(link => link.href)")
    for _ in range(20):  # until two reads a moment apart agree
        page.wait_for_timeout(250)
        again = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(link => link.href)")
        if again == hrefs:
            break
        hrefs = again
    return [urlsplit(href)._replace(query="").geturl() for href in hrefs]


@pytest.mark.browser
def test_a_pasted_message_lands_on_it_in_the_top_three(built_site, site, new_page):
    """Every message of the page, pasted whole into the search box (the characters that lunr
    reads as operators, "-1", "https:", included): its section is among the first three links."""
    listed = _shown(page_html(built_site, PAGE))
    context, page = new_page(1280)
    page.goto(site.base + "index.html", wait_until="networkidle")
    search_ready(page)
    missed = []
    for ident, message, _ in listed:
        found = pasted_search(page, message)
        if urljoin(site.base, f"{links.page_url(PAGE)}#{ident}") not in found[:3]:
            missed.append((message[:60], [urlsplit(f).path + "#" + urlsplit(f).fragment for f in found[:3]]))
        page.keyboard.press("Escape")
    assert not missed and len(listed) >= 10, missed
