"""The built site in a real Chromium: clean pages, linked tabs, two columns, search, palette.

Each test opens its own browser context (fresh localStorage) against one local server and one
browser shared by the module. Run only these with ``pytest -m browser``.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from browser import chromium, site_pages
from conftest import ROOT, TIMEOUT_MS, search_ready, serve_sitemap_for_this_origin
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sidebyside import links as links_mod
from sidebyside.apimap import schema

pytestmark = pytest.mark.browser

NARROW = 390
WIDE = 1280
FRAMEWORKS = ("PyTorch", "TensorFlow")


def pair_blocks(pair):
    """{label text: tabbed-block locator} for one .sbs-pair, matched by position."""
    labels = pair.locator(":scope > .tabbed-set > .tabbed-labels > label")
    blocks = pair.locator(":scope > .tabbed-set > .tabbed-content > .tabbed-block")
    texts = [text.strip() for text in labels.all_inner_texts()]
    assert sorted(texts) == sorted(FRAMEWORKS), f"pair labels: {texts}"
    assert blocks.count() == len(texts), "one tabbed-block per label"
    return {text: blocks.nth(i) for i, text in enumerate(texts)}


def pair_labels(pair):
    labels = pair.locator(":scope > .tabbed-set > .tabbed-labels > label")
    return {labels.nth(i).inner_text().strip(): labels.nth(i) for i in range(labels.count())}


def visible_frameworks(page) -> dict[str, list[str]]:
    """{pair id: frameworks whose block is visible} for every pair on the page."""
    shown = {}
    pairs = page.locator(".sbs-pair")
    for i in range(pairs.count()):
        pair = pairs.nth(i)
        blocks = pair_blocks(pair)
        shown[pair.get_attribute("id")] = [name for name in FRAMEWORKS if blocks[name].is_visible()]
    return shown


# -- 1. Every page loads cleanly, stays on the local server and passes axe, in both schemes ----


@dataclass
class Visit:
    loading: list[str]  # console errors, page errors, failed loads, requests to other origins
    axe: list[str]  # axe-core's violations


def visit(site, browser, name: str, color_scheme: str) -> Visit:
    """``name`` loaded in a new context (a cold cache: every page makes all of its own requests)
    at the width that shows both columns of a pair, then checked by axe-core."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": WIDE, "height": 900}, color_scheme=color_scheme)
    context.set_default_timeout(TIMEOUT_MS)
    found = Visit([], [])
    outside: list[str] = []

    def on_request(request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:")) or url in outside:
            return
        if not (url == site.origin or url.startswith(site.origin + "/")):
            outside.append(url)
            found.loading.append(f"{name}: request outside the site: {url}")

    def on_console(message) -> None:
        if message.type == "error":
            found.loading.append(f"{name}: console error: {message.text} at {message.location}")

    try:
        context.on("request", on_request)  # the context also sees the search worker's requests
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: found.loading.append(f"{name}: page error: {error}"))
        response = page.goto(site.base + name, wait_until="networkidle")
        if response is None or not response.ok:
            found.loading.append(f"{name}: HTTP {response and response.status}")
        page.wait_for_selector("article.md-content__inner")
        found.axe = axe_problems(Axe(), page, name)
    finally:
        context.close()
    return found


# Pages made from one template over different content are checked in the dark scheme on a
# sample, and every one of them in the light scheme: the API map's index and three categories
# that between them hold every kind of entry (differs, resolves, missing, shown by), and one
# notebook per framework. What the dark scheme adds is its palette, which the sample covers.
DARK_SAMPLE = (
    "api-map/index.html",
    "api-map/images/index.html",
    "api-map/distributed/index.html",
    "api-map/masking/index.html",
    "notebooks/deployment-pytorch/index.html",
    "notebooks/deployment-tensorflow/index.html",
)


def pages_in(color_scheme: str, pages: list[str]) -> list[str]:
    if color_scheme == "light":
        return pages
    assert set(DARK_SAMPLE) <= set(pages), "a page of DARK_SAMPLE is gone: choose another"
    return [name for name in pages if not name.startswith(("api-map/", "notebooks/")) or name in DARK_SAMPLE]


@pytest.fixture(scope="module")
def visits(site) -> dict[tuple[str, str], Visit]:
    """{(colour scheme, page): Visit} for every page of the built site in the light scheme and
    :func:`pages_in` the dark one (Material follows prefers-color-scheme on a first visit), two
    pages at a time: each thread drives a browser of its own (Playwright's objects belong to the
    thread that made them)."""
    todo: queue.Queue[tuple[str, str]] = queue.Queue()
    for color_scheme in ("light", "dark"):
        for name in pages_in(color_scheme, site_pages(site.directory)):
            todo.put((color_scheme, name))
    found: dict[tuple[str, str], Visit] = {}

    def work() -> None:
        with chromium() as browser:
            while True:
                try:
                    color_scheme, name = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    found[color_scheme, name] = visit(site, browser, name, color_scheme)
                except Exception as error:  # noqa: BLE001 - reported by the test, with its page
                    found[color_scheme, name] = Visit([f"{name} ({color_scheme}): {error}"], [])

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def test_every_page_loads_without_errors_or_outside_requests(site, visits):
    pages = site_pages(site.directory)
    assert "index.html" in pages and "about/index.html" in pages, pages
    # The sitemap lists the same pages (under the configured site_url).
    sitemap = (site.directory / "sitemap.xml").read_text(encoding="utf-8")
    listed = {urlsplit(loc).path for loc in re.findall(r"<loc>(.*?)</loc>", sitemap)}
    found = {"/" + page.removesuffix("index.html") for page in pages}
    assert listed == found, f"sitemap {sorted(listed)} vs built pages {sorted(found)}"
    assert set(visits) == {(scheme, name) for scheme in ("light", "dark") for name in pages_in(scheme, pages)}
    problems = [problem for visit_ in visits.values() for problem in visit_.loading]
    assert not problems, "\n".join(problems)


# -- 2. Linked tabs: one choice holds for every pair on every page ----------------------------


ONLY_TENSORFLOW_SHOWN = """() => [...document.querySelectorAll('.sbs-pair')].every(pair => {
    const labels = [...pair.querySelectorAll('.tabbed-labels > label')].map(l => l.textContent.trim());
    const blocks = [...pair.querySelectorAll('.tabbed-content > .tabbed-block')];
    return blocks.every((block, i) => (block.offsetParent !== null) === (labels[i] === 'TensorFlow'));
})"""


def assert_only_tensorflow(page, where: str) -> None:
    shown = visible_frameworks(page)
    assert shown, f"{where}: no pair on the page"
    wrong = {pair: names for pair, names in shown.items() if names != ["TensorFlow"]}
    assert not wrong, f"{where}: pairs not showing only TensorFlow: {wrong}"


def test_linked_tabs_persist_across_pages(site, new_page):
    context, page = new_page(NARROW)
    serve_sitemap_for_this_origin(site, context)
    page.goto(site.base + "index.html", wait_until="networkidle")
    pairs = page.locator(".sbs-pair")
    assert pairs.count() == 2
    assert all(names == ["PyTorch"] for names in visible_frameworks(page).values()), (
        f"first visit should show PyTorch: {visible_frameworks(page)}"
    )

    pair_labels(pairs.first)["TensorFlow"].click()
    with contextlib.suppress(PlaywrightTimeout):  # the linked tabs switch in a script
        page.wait_for_function(ONLY_TENSORFLOW_SHOWN, timeout=3000)
    assert_only_tensorflow(page, "index.html after the click")

    # Instant navigation, through the drawer's nav link: the document must not reload.
    page.evaluate("window.__sbsSamePage = true")
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.locator('.md-nav--primary a.md-nav__link[href$="about/"]').click()
    page.wait_for_url(re.compile(r"/about/(index\.html)?$"))
    page.wait_for_selector("#pair-home-matmul-softmax")
    assert page.evaluate("window.__sbsSamePage === true"), (
        "the nav link did a full page load: instant navigation did not handle it"
    )
    assert_only_tensorflow(page, "about/ after instant navigation")

    # A full load of the page reads the stored choice too.
    page.goto(site.base + "about/index.html", wait_until="networkidle")
    assert_only_tensorflow(page, "about/index.html after page.goto")
    page.goto(site.base + "index.html", wait_until="networkidle")
    assert_only_tensorflow(page, "index.html after page.goto")


# -- 3. Two columns from 1220 px, tabs below ------------------------------------------------


def test_pairs_are_two_columns_wide_and_tabs_narrow(site, new_page):
    for name in ("index.html", "about/index.html"):
        _, page = new_page(WIDE)
        page.goto(site.base + name, wait_until="networkidle")
        pairs = page.locator(".sbs-pair")
        assert pairs.count() >= 1, f"{name}: no pair"
        for i in range(pairs.count()):
            pair = pairs.nth(i)
            where = f"{name} {pair.get_attribute('id')} at {WIDE} px"
            blocks = pair_blocks(pair)
            assert blocks["PyTorch"].is_visible() and blocks["TensorFlow"].is_visible(), (
                f"{where}: both blocks should be visible"
            )
            box = pair.bounding_box()
            torch_box = blocks["PyTorch"].bounding_box()
            tf_box = blocks["TensorFlow"].bounding_box()
            assert abs(torch_box["y"] - tf_box["y"]) <= 3, f"{where}: tops {torch_box} {tf_box}"
            assert tf_box["x"] >= torch_box["x"] + torch_box["width"], (
                f"{where}: TensorFlow {tf_box} does not start right of PyTorch {torch_box}"
            )
            for framework, block in (("PyTorch", torch_box), ("TensorFlow", tf_box)):
                assert block["width"] <= box["width"] / 2 + 1, (
                    f"{where}: {framework} block {block['width']:.0f} px wide in a {box['width']:.0f} px pair"
                )
                assert block["width"] >= box["width"] / 3, f"{where}: {framework} block too narrow"
            # The labels head their columns.
            labels = pair_labels(pair)
            for framework, block in (("PyTorch", torch_box), ("TensorFlow", tf_box)):
                label_box = labels[framework].bounding_box()
                assert labels[framework].is_visible(), f"{where}: {framework} heading hidden"
                assert abs(label_box["x"] - block["x"]) <= 3, (
                    f"{where}: {framework} heading at x={label_box['x']:.0f}, its column at x={block['x']:.0f}"
                )
                assert label_box["y"] + label_box["height"] <= block["y"] + 1, (
                    f"{where}: {framework} heading is not above its column"
                )

        _, page = new_page(NARROW)
        page.goto(site.base + name, wait_until="networkidle")
        pairs = page.locator(".sbs-pair")
        for i in range(pairs.count()):
            pair = pairs.nth(i)
            where = f"{name} {pair.get_attribute('id')} at {NARROW} px"
            blocks = pair_blocks(pair)
            shown = [framework for framework in FRAMEWORKS if blocks[framework].is_visible()]
            assert len(shown) == 1, f"{where}: visible blocks {shown}, expected exactly one"
            labels = pair_labels(pair)
            for framework in FRAMEWORKS:
                assert labels[framework].is_visible(), f"{where}: {framework} label hidden"
                # Actionability: visible, stable, enabled and the topmost element at its centre.
                labels[framework].click(trial=True, timeout=3000)
            # Switching really works, in both directions.
            other = next(framework for framework in FRAMEWORKS if framework not in shown)
            for framework in (other, shown[0]):
                labels[framework].click()
                blocks[framework].wait_for(state="visible", timeout=3000)
                hidden = next(f for f in FRAMEWORKS if f != framework)
                assert not blocks[hidden].is_visible(), f"{where}: {hidden} still shown"
                assert labels[hidden].is_visible(), f"{where}: {hidden} label hidden"


# -- 4. Search reaches the code of the snippets ----------------------------------------------


def search_result_pages(site, new_page, word: str) -> list[str]:
    """Type ``word`` into Material's search as a user would; the result pages, best first."""
    _, page = new_page(WIDE)
    page.goto(site.base + "index.html", wait_until="networkidle")
    search_ready(page)
    search = page.locator("input.md-search__input")
    # Material searches on key events. Typed letter by letter, each prefix ("define-by-") is a
    # query of its own whose answer ("No matching documents", other pages) can be on screen for
    # a moment under load: the whole word goes in at once, then one key event searches for it.
    search.fill(word)
    search.press("End")
    # Wait for results, then until two reads a moment apart agree; none in time: an empty list.
    try:
        page.wait_for_selector(".md-search-result__item", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        return []
    read = ".md-search-result__item a"
    hrefs = page.eval_on_selector_all(read, "links => links.map(link => link.href)")
    for _ in range(20):
        page.wait_for_timeout(250)
        again = page.eval_on_selector_all(read, "links => links.map(link => link.href)")
        if again == hrefs:
            break
        hrefs = again
    # Result links carry ?h=<query> (search.highlight) and a section anchor.
    pages = []
    for href in hrefs:
        target = urlsplit(href)._replace(query="", fragment="").geturl()
        target = site.base if target == urljoin(site.base, "index.html") else target
        if target not in pages:
            pages.append(target)
    return pages


INDEX_TIMES = """() => {
  const index = performance.getEntriesByType('resource').find(e => e.name.endsWith('/search_index.json'));
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const [navigation] = performance.getEntriesByType('navigation');
  return index && {index: index.startTime, paint: paint.startTime, load: navigation.loadEventEnd};
}"""


@pytest.mark.parametrize("name", ["api-map/data/index.html", "performance/index.html"])
def test_the_search_index_is_requested_after_the_first_paint_and_the_load(site, new_page, name):
    """The search index (the text of every page, the largest file a page fetches) waits until
    the page has painted and loaded (overrides/main.html): requested earlier, Lighthouse's
    simulated slow connection counted its transfer into the page's largest paint."""
    _, page = new_page(WIDE)
    page.goto(site.base + name, wait_until="load")
    page.wait_for_function(INDEX_TIMES, timeout=TIMEOUT_MS)
    times = page.evaluate(INDEX_TIMES)
    assert times["index"] > times["paint"] and times["index"] >= times["load"] > 0, times


def test_search_fetches_its_index_as_soon_as_the_reader_reaches_for_it(site, new_page):
    """Before the page falls idle, the reader's click in the search box fetches the index, and
    the first query finds its page. The browser here is never idle (requestIdleCallback never
    calls back), so only the click can have asked for the index."""
    context, page = new_page(WIDE)
    context.add_init_script("window.requestIdleCallback = () => 0;")
    page.goto(site.base + "index.html", wait_until="networkidle")  # settled: nothing more to fetch
    assert page.evaluate(INDEX_TIMES) is None, "the index was requested before the reader searched"
    first = typed_search_links(page, "AutoGraph")[0]
    assert urlsplit(first).path.endswith("/graphs/"), first


def test_search_finds_a_word_only_in_snippet_code(site, new_page):
    word = "default_rng"
    prose = [p.name for p in (ROOT / "docs").rglob("*.md") if word in p.read_text(encoding="utf-8")]
    assert not prose, f"{word} must appear only in snippet code, but the prose of {prose} has it"
    pages = search_result_pages(site, new_page, word)
    assert site.base in pages, (
        f"no search result for {word!r} links to the home page, whose snippets "
        f"(snippets/home/matmul_softmax_*.py) use it: {pages}"
    )


@pytest.mark.parametrize("term", ["tf.function", "torch.compile", "AutoGraph"])
def test_search_for_graph_terms_lands_on_the_graphs_page(site, new_page, term):
    pages = search_result_pages(site, new_page, term)
    assert pages and pages[0] == urljoin(site.base, "graphs/"), f"search for {term!r}: {pages}"


# -- 5. The palette follows the system's colour scheme on a first visit -----------------------


# Every change to Material's colour-switching mark on <body>: true when it is put on.
SWITCHING = """
window.sbsSwitching = [];
new MutationObserver(records => {
  for (const record of records) window.sbsSwitching.push(record.target.hasAttribute("data-md-color-switching"));
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-md-color-switching"] });
"""


@pytest.mark.parametrize(("color_scheme", "md_scheme"), [("dark", "slate"), ("light", "default")])
def test_palette_follows_color_scheme(site, new_page, color_scheme, md_scheme):
    _, page = new_page(WIDE, color_scheme)
    page.add_init_script(SWITCHING)
    page.goto(site.base + "index.html", wait_until="networkidle")
    with contextlib.suppress(PlaywrightTimeout):  # the palette script may run after load
        page.wait_for_function(
            "scheme => document.body.getAttribute('data-md-color-scheme') === scheme",
            arg=md_scheme,
            timeout=5000,
        )
    actual = page.locator("body").get_attribute("data-md-color-scheme")
    assert actual == md_scheme, (
        f"prefers-color-scheme {color_scheme}: body data-md-color-scheme is {actual!r}, expected {md_scheme!r}"
    )
    # Material marks <body> while it switches colours (transitions off) and takes the mark off
    # in a later task. overrides/main.html holds the mark back when no colour changes, so that
    # a load in the page's own palette (light: the first in mkdocs.yml) is not styled twice; a
    # load that switches to the system's dark palette is marked, as is a toggle.
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')", timeout=5000)
    on_load = [] if md_scheme == "default" else [True, False]
    assert page.evaluate("window.sbsSwitching") == on_load, f"{color_scheme}: marks on load"
    # The browser's own parts (scrollbars, form controls) take the palette's scheme from the
    # root's color-scheme (docs/assets/sidebyside.css), as they took it from the meta tag
    # Material adds and overrides/main.html keeps out; toggling the palette turns them too.
    expected = {"default": "light", "slate": "dark"}
    root = "() => getComputedStyle(document.documentElement).colorScheme"
    assert page.evaluate(root) == expected[md_scheme]
    assert not page.locator("head meta[name=color-scheme]").count()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    other = "slate" if md_scheme == "default" else "default"
    page.wait_for_function(
        "scheme => document.body.getAttribute('data-md-color-scheme') === scheme", arg=other, timeout=5000
    )
    assert page.evaluate(root) == expected[other]
    # A toggle changes the colours: the mark is on while they change, and off after.
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')", timeout=5000)
    assert page.evaluate("window.sbsSwitching") == [*on_load, True, False], "transitions on during the toggle"


def typed_search_links(page, word: str) -> list[str]:
    """Click in the open page's search box, type ``word`` key by key; the result links, best
    first, without the ?h= query."""
    search_ready(page)
    page.locator("input.md-search__input").press_sequentially(word, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=TIMEOUT_MS)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(link => link.href)")
    return [urlsplit(href)._replace(query="").geturl() for href in hrefs]


def search_result_links(site, new_page, word: str) -> list[str]:
    """The links of the search results for ``word`` on the home page, best first."""
    _, page = new_page(WIDE)
    page.goto(site.base + "index.html", wait_until="networkidle")
    return typed_search_links(page, word)


@pytest.mark.parametrize(
    "name, entry",
    [
        ("torch.gather", "gather"),
        ("tf.gather_nd", "gather-nd"),
        ("tf.einsum", "einsum"),
        ("reduce_std", "std"),
        ("stop_gradient", "stop-gradient"),
        ("channels_last", "channels-last"),
        ("GradientTape", "gradient-tape"),
        ("torch.nn.GRU", "gru-module"),
    ],
)
def test_search_lands_on_the_api_map_entry(site, new_page, name, entry):
    """A porter types an API name: the API map's entry, at its own anchor, is among the first three."""
    page = next(
        schema.page_of(path) for path in schema.files(ROOT / "docs") if any(e.id == entry for e in schema.load(path))
    )
    links = search_result_links(site, new_page, name)
    assert urljoin(site.base, f"{links_mod.page_url(page)}#api-{entry}") in links[:3], links[:5]


# Names from every part of the map, each typed into one page's search box in turn (a page per
# name would cost a page load each).
MORE_NAMES = [
    ("nn.CrossMapLRN2d", "cross-map-lrn2d"),
    ("ReversibleEmbedding", "tied-embedding"),
    ("TFSMLayer", "saved-model-as-layer"),
    ("nn.Softmin", "softmin"),
    ("hardtanh", "hardtanh"),
    ("StackedRNNCells", "stacked-rnn-cells"),
    ("RepeatVector", "repeat-vector"),
    ("TextVectorization", "text-vectorization"),
    ("StringLookup", "string-lookup"),
    ("MultiMarginLoss", "multi-margin"),
    ("poisson_nll_loss", "poisson-nll"),
    ("EmbeddingBag", "embedding-bag"),
    ("conv_tbc", "conv-tbc"),
    ("SpatialDropout2D", "dropout-spatial"),
    ("InstanceNorm2d", "instance-norm"),
    ("scaled_dot_product_attention", "scaled-dot-product-attention"),
    ("TransformerEncoderLayer", "transformer-encoder-layer"),
    ("ReflectionPad2d", "reflection-pad"),
    ("PixelShuffle", "pixel-shuffle-modules"),
    ("MaxUnpool2d", "max-unpool"),
]


def test_search_lands_on_entries_from_every_part_of_the_map(site, new_page):
    """Twenty more API names, typed one after another: each one's entry is in the first three."""
    pages = {e.id: schema.page_of(path) for path in schema.files(ROOT / "docs") for e in schema.load(path)}
    _, page = new_page(WIDE)
    page.goto(site.base + "index.html", wait_until="networkidle")
    missed = []

    def read() -> list[str]:
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(link => link.href)")
        return [urlsplit(href)._replace(query="").geturl() for href in hrefs]

    for name, entry in MORE_NAMES:
        page.locator("input.md-search__input").fill("")
        page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=TIMEOUT_MS)
        links = typed_search_links(page, name)
        for _ in range(20):  # the results of the last key: two reads a moment apart agree
            page.wait_for_timeout(150)
            again = read()
            if again == links:
                break
            links = again
        if urljoin(site.base, f"{links_mod.page_url(pages[entry])}#api-{entry}") not in links[:3]:
            missed.append((name, [urlsplit(link).fragment for link in links[:3]]))
    assert not missed and len(MORE_NAMES) == 20, missed


# -- The API map's filter box -----------------------------------------------------------------


def visible_items(page) -> list[str]:
    """The links of the index's items a reader sees (hidden ones have no layout box)."""
    return page.eval_on_selector_all(
        ".sbs-api-index li",
        "els => els.filter(el => el.getClientRects().length).map(el => el.querySelector('a').getAttribute('href'))",
    )


@pytest.mark.parametrize("instant", [False, True], ids=["loaded", "instant-navigation"])
def test_the_api_map_filter_narrows_the_entries_by_keyboard(site, new_page, instant):
    """Typing narrows the index to the entries holding every word; Escape brings them back. The
    box also works when Material's instant navigation brings the reader to the page."""
    context, page = new_page(WIDE)
    if instant:
        serve_sitemap_for_this_origin(site, context)
        page.goto(site.base + "index.html", wait_until="networkidle")
        page.locator(".md-nav a[href$='api-map/']").first.click()
        page.wait_for_url("**/api-map/", timeout=TIMEOUT_MS)
    else:
        page.goto(site.base + "api-map/", wait_until="networkidle")
    box = page.get_by_label("Filter the map")
    box.wait_for(state="visible")
    everything = visible_items(page)
    assert len(everything) == page.locator(".sbs-api-index li").count() >= 80
    status = page.locator("#sbs-api-filter-status")
    assert status.inner_text() == f"{len(everything)} entries"
    box.focus()
    page.keyboard.type("gather", delay=10)
    found = visible_items(page)
    assert 0 < len(found) < len(everything)
    # text_content: a list far down the page is not laid out until it nears the viewport
    # (content-visibility), and inner_text, which reads the layout, is empty there.
    items = page.locator(".sbs-api-index li")
    shown = [
        items.nth(i).text_content().lower()
        for i in range(items.count())
        if items.nth(i).get_attribute("hidden") is None
    ]
    assert len(shown) == len(found) and all("gather" in text for text in shown)
    assert status.inner_text() == f"{len(found)} of {len(everything)} entries match \u201cgather\u201d"
    assert status.get_attribute("aria-live") == "polite"
    # A category without a match is hidden with its heading; the pitfalls section too.
    assert not page.locator("#linear-algebra").is_visible() and not page.locator("#pitfalls-largest-first").is_visible()
    page.keyboard.type(" gather_nd", delay=10)  # every word must match: fewer entries
    narrower = visible_items(page)
    assert urljoin(page.url, "indexing/#api-gather-nd") in narrower and set(narrower) < set(found)
    page.keyboard.press("Escape")
    assert box.input_value() == "" and visible_items(page) == everything
    assert page.locator("#pitfalls-largest-first").is_visible()


def test_without_javascript_every_entry_is_listed_and_no_dead_box(site, new_page):
    context, page = new_page(WIDE, java_script_enabled=False)
    page.goto(site.base + "api-map/")
    assert page.locator(".sbs-api-index li:visible").count() == page.locator(".sbs-api-index li").count() >= 80
    assert not page.locator("form.sbs-api-filter").is_visible()


# -- Notebook pages ---------------------------------------------------------------------------


NOTEBOOK = "notebooks/graphs-pytorch/"
CELL_BACKGROUND = "() => getComputedStyle(document.querySelector('.jp-CodeCell .highlight-ipynb')).backgroundColor"


def test_a_notebook_page_serves_its_notebook_and_follows_the_palette_toggle(site, new_page):
    """The download link gives a valid notebook; the cells' colours change with Material's
    light/dark toggle, as the rest of the page does."""
    import nbformat

    context, page = new_page(WIDE, "light")
    page.goto(site.base + NOTEBOOK, wait_until="networkidle")
    link = page.locator("a[download]")
    response = context.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.ok
    nbformat.validate(nbformat.reads(response.text(), as_version=4))
    light = page.evaluate(CELL_BACKGROUND)
    page.locator("label[for='__palette_1']").first.click()  # Material's toggle to dark
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = page.evaluate(CELL_BACKGROUND)
    lightness = lambda rgb: sum(int(v) for v in re.findall(r"\d+", rgb)[:3])  # noqa: E731
    assert lightness(dark) < 200 < lightness(light), (light, dark)


# Every element of a notebook, by document order, with the computed properties that show.
STYLES_OF_NOTEBOOK = """() => {
  const props = ['color', 'background-color', 'font-family', 'font-size', 'font-weight',
    'font-style', 'line-height', 'display', 'position', 'white-space', 'overflow-x', 'width',
    'height', 'margin-top', 'margin-left', 'padding-top', 'padding-left', 'border-top-width',
    'border-top-style', 'border-top-color', 'border-left-width', 'text-align', 'visibility',
    'opacity', 'box-shadow', 'text-decoration-line'];
  return Array.from(document.querySelectorAll('.jupyter-wrapper *'), el => {
    const style = getComputedStyle(el);
    return [el.tagName + '.' + el.className, props.map(p => p + ': ' + style.getPropertyValue(p))];
  });
}"""


@pytest.mark.parametrize("framework", ["pytorch", "tensorflow"])
def test_a_notebook_looks_the_same_with_only_the_css_rules_its_page_keeps(site, new_page, framework):
    """The notebook pages keep only the CSS rules of JupyterLab's stylesheet that can match their
    elements (postprocess.lean_styles): every element of the notebook, rendered by mkdocs-jupyter
    as the build renders it, has the same computed style with the whole stylesheet and with the
    rules kept, in a tenth of the bytes or less."""
    from mkdocs_jupyter.nbconvert2 import nb2html

    import sidebyside.postprocess as postprocess

    name = f"graphs-{framework}"
    whole = nb2html(str(site.directory / "notebooks" / name / f"{name}.ipynb"))
    lean = postprocess.lean_styles(whole)
    css = lambda html: sum(len(m.group(2)) for m in postprocess._STYLE.finditer(html))  # noqa: E731
    assert css(lean) * 10 < css(whole), (css(lean), css(whole))
    context, page = new_page(WIDE, "light")
    shown = {}
    for label, html in (("whole", whole), ("lean", lean)):
        page.set_content(f"<!doctype html><html><body>{html}</body></html>")
        shown[label] = page.evaluate(STYLES_OF_NOTEBOOK)
    assert len(shown["lean"]) == len(shown["whole"]) > 100
    differ = [
        f"{element}: {prop} -> {lean_prop}"
        for (element, props), (_, lean_props) in zip(shown["whole"], shown["lean"])
        for prop, lean_prop in zip(props, lean_props)
        if prop != lean_prop
    ]
    assert not differ, f"{len(differ)} computed styles differ:\n" + "\n".join(differ[:20])


SKIPPED = """() => {
  const skipped = element => getComputedStyle(element).contentVisibility === 'auto';
  const top = element => Math.round(element.getBoundingClientRect().top + scrollY);
  const cells = [...document.querySelectorAll('.jp-Notebook > .jp-Cell')];
  return {
    cells: cells.length,
    skippedCells: cells.filter(skipped).length,
    skipped: [...document.querySelectorAll('.md-content *')].filter(skipped)
      .map(element => [element.id || element.className.split(' ')[0], top(element)]),
  };
}"""


@pytest.mark.parametrize(("width", "height"), [(412, 823), (1350, 940)], ids=["phone", "desktop"])
def test_a_page_skips_rendering_only_below_its_first_screen(site, new_page, width, height):
    """Pages skip the rendering of what is off screen (content-visibility, in
    docs/assets/sidebyside.css), but nothing in the first screen: a block there would be painted
    as its placeholder and then at its own height, and the page would jump under the reader
    (Lighthouse measured a layout shift of 0.475 when every notebook cell was skipped).
    Lighthouse's phone screen and a laptop's; every page. Something is skipped on the long
    pages (a notebook of more than ten cells, the Performance page, the API map's index), so
    that the rule cannot fall away unnoticed."""
    pages = site_pages(site.directory)
    _, page = new_page(width, height=height)
    early, unskipped = {}, []
    for name in pages:
        page.goto(site.base + name)
        found = page.evaluate(SKIPPED)
        early.update({f"{name}: {what}": top for what, top in found["skipped"] if top < height})
        long = found["cells"] > 10 or name in {"performance/index.html", "api-map/index.html"}
        if long and not (found["skippedCells"] if found["cells"] else found["skipped"]):
            unskipped.append(name)
    assert len([p for p in pages if p.startswith("notebooks/")]) >= 10, pages
    assert not unskipped, f"long pages with nothing skipped: {unskipped}"
    assert not early, f"skipped in the first {height} px: {early}"


# Every Markdown table Material found in place, and every table taken out of the page on load.
TABLES_MOVED = """
window.sbsTablesMoved = 0;
new MutationObserver(records => {
  for (const record of records) {
    for (const node of record.removedNodes) if (node.localName === "table") window.sbsTablesMoved++;
  }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.mark.parametrize(
    "name",
    ["decision/index.html", "performance/index.html", "api-map/math/index.html", "notebooks/api-pytorch/index.html"],
)
def test_every_table_keeps_the_one_scroll_wrapper_the_build_gave_it(site, new_page, name):
    """The build wraps each Markdown table in Material's scroll wrapper (mkdocs_plugin.py), and
    Material, once its bundle has mounted the page, has not moved a table to wrap it again: the
    browser styles each table once (Lighthouse total blocking time). Each table scrolls on its
    own, inside one wrapper, as Material's would."""
    _, page = new_page(NARROW)
    page.add_init_script(TABLES_MOVED)
    page.goto(site.base + name, wait_until="load")
    page.evaluate("() => new Promise(mounted => document$.subscribe(() => setTimeout(mounted, 100)))")
    found = page.evaluate("""() => [...document.querySelectorAll('.md-content table:not([class])')].map(table => [
      table.parentElement.className, table.parentElement.parentElement.className,
      table.closest('.md-typeset__scrollwrap').parentElement.closest('.md-typeset__scrollwrap') === null,
    ])""")
    assert found, f"{name}: no Markdown table"
    assert all(found_ == ["md-typeset__table", "md-typeset__scrollwrap", True] for found_ in found), found
    assert page.evaluate("window.sbsTablesMoved") == 0, f"{name}: Material took tables out to wrap them"


def test_search_lands_on_the_topic_page_before_its_notebook(site, new_page):
    pages = search_result_pages(site, new_page, "define-by-run")
    topic, notebook = urljoin(site.base, "graphs/"), urljoin(site.base, NOTEBOOK)
    assert topic in pages and pages.index(topic) < (pages.index(notebook) if notebook in pages else len(pages))


# -- Accessibility: axe-core on every page, in both colour schemes ----------------------------

# content-visibility: auto (docs/assets/sidebyside.css) skips the layout of what is off screen,
# and axe cannot tell the colours of text that is not laid out: the check lays out everything,
# and ends Material's colour transitions, which axe would otherwise catch half-way.
EVERYTHING_LAID_OUT = (
    "*, *::before, *::after { content-visibility: visible !important;"
    " transition: none !important; animation: none !important; }"
)


def axe_problems(axe, page, name: str) -> list[str]:
    """One line per axe violation of the page: rule, impact, how many nodes, the first ones."""
    page.add_style_tag(content=EVERYTHING_LAID_OUT)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    problems = []
    for violation in axe.run(page).response["violations"]:
        nodes = violation["nodes"]
        where = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
        problems.append(
            f"{name}: {violation['id']} ({violation['impact']}), {len(nodes)} nodes: {where}: {violation['help']}"
        )
    return problems


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_has_no_axe_violations(site, visits, color_scheme):
    """axe-core's default rules (WCAG 2 A and AA and its best practices) on every page of the
    built site, at the width that shows both columns of a pair, in the light and in the dark
    scheme (Material follows prefers-color-scheme on a first visit; in the dark scheme, every
    page but the template-made ones outside DARK_SAMPLE)."""
    pages = pages_in(color_scheme, site_pages(site.directory))
    assert len(pages) >= 15
    problems = [problem for name in pages for problem in visits[color_scheme, name].axe]
    assert not problems, f"{len(problems)} violations in {color_scheme}:\n" + "\n".join(problems)
