"""The decision matrix: its data (docs/data/decision.yml), the checks that guard it, the table
the build renders, and the weighting tool in a real Chromium.

The data tests run without a build. The link and page tests use the session's built site; the
browser tests (marked ``browser``) drive Chromium against it, with JavaScript on and off.
"""

from __future__ import annotations

import datetime
import html
import json
import re
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from conftest import ROOT, serve_sitemap_for_this_origin

from sidebyside import decision
from sidebyside.decision import DecisionError

DATA = ROOT / "docs" / "data" / "decision.yml"
DOCS = ROOT / "docs"
PAGE_HTML = "decision/index.html"
# The topics the page must cover: the seed's four lines and the questions readers ask next.
REQUIRED = {
    "prototyping",  # rapid prototyping and research
    "mobile",  # mobile and edge
    "mlops",  # full MLOps pipelines
    "flexibility",  # Python-first flexibility
    "serving",
    "compilation",  # compilation speed-ups
    "distributed",  # distributed training
    "debugging",
    "learning-curve",
    "porting",  # porting cost
    "pretrained",  # pretrained-model availability
    "maintenance",  # long-term maintenance signals
}
CRITERIA = decision.load(DATA)


# -- The data ---------------------------------------------------------------------------------


def test_at_least_twelve_criteria_covering_the_required_topics():
    ids = [c.id for c in CRITERIA]
    assert len(ids) >= 12, ids
    assert len(set(ids)) == len(ids), "ids repeat"
    assert set(ids) >= REQUIRED, f"missing: {sorted(REQUIRED - set(ids))}"


# decision.load (above, at import) already enforces the schema: every field, a verdict from the
# list, evidence in every cell, https sources with a YYYY-MM-DD read date. What it cannot know:


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.id)
def test_every_source_was_read_on_a_past_date(criterion):
    for framework in ("pytorch", "tensorflow"):
        for item in criterion.side(framework).evidence:
            if not item.is_page:
                read = datetime.date.fromisoformat(item.read)
                assert datetime.date(2020, 1, 1) <= read <= datetime.date.today(), (criterion.id, item.read)


def test_verdicts_are_not_all_one_way():
    verdicts = {c.verdict for c in CRITERIA}
    assert verdicts == {"pytorch", "tensorflow", "even"}, verdicts


# -- Bad input is reported with the file and the line -----------------------------------------

GOOD_ENTRY = """\
- id: speed
  criterion: Speed
  question: Is it fast?
  pytorch:
    offers: Fast.
    evidence:
      - page: graphs/index.md
        anchor: looking-at-the-captured-graph
        label: "Graphs"
  tensorflow:
    offers: Also fast.
    evidence:
      - url: https://example.org/a
        read: "2026-11-26"
        label: "A source"
  verdict: even
  why: Both are fast.
"""


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


BAD_CASES = {
    # name: (the broken file, the line the error must name, words the message must hold)
    "verdict": (_replace(GOOD_ENTRY, "verdict: even", "verdict: maybe"), "verdict: maybe", "verdict"),
    "empty evidence": (
        _replace(
            GOOD_ENTRY,
            '    evidence:\n      - url: https://example.org/a\n        read: "2026-11-26"\n'
            '        label: "A source"\n',
            "    evidence: []\n",
        ),
        "evidence: []",
        "evidence is empty",
    ),
    "no read date": (
        _replace(GOOD_ENTRY, '        read: "2026-11-26"\n', ""),
        "- url: https://example.org/a",
        "read",
    ),
    "bad read date": (_replace(GOOD_ENTRY, '"2026-11-26"', '"26.11.2026"'), "26.11.2026", "read"),
    "http url": (
        _replace(GOOD_ENTRY, "https://example.org/a", "http://example.org/a"),
        "http://example.org/a",
        "https",
    ),
    "missing field": (_replace(GOOD_ENTRY, "  why: Both are fast.\n", ""), "- id: speed", "missing why"),
    "unknown key": (GOOD_ENTRY + "  verdcit: even\n", "verdcit", "unknown key"),
    "bad id": (_replace(GOOD_ENTRY, "id: speed", "id: Speed Test"), "- id: Speed Test", "slug"),
    "page and url": (
        _replace(
            GOOD_ENTRY,
            "        anchor: looking-at-the-captured-graph\n",
            "        anchor: looking-at-the-captured-graph\n        url: https://example.org/b\n",
        ),
        "url: https://example.org/b",
        "unknown key",
    ),
    "invalid yaml": (_replace(GOOD_ENTRY, "  question: Is it fast?", "  question: [Is it fast?"), None, "YAML"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_names_the_file_and_the_line(tmp_path, case):
    text, marker, words = BAD_CASES[case]
    path = tmp_path / "decision.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DecisionError) as caught:
        decision.load(path)
    error = caught.value
    assert error.path == str(path)
    assert str(error).startswith(f"{path}:{error.line}: "), str(error)
    assert words.lower() in error.message.lower(), str(error)
    if marker is not None:
        assert error.line == _line_of(text, marker), str(error)


def test_a_duplicate_id_names_the_second_entry(tmp_path):
    text = GOOD_ENTRY + "\n" + GOOD_ENTRY
    path = tmp_path / "decision.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DecisionError, match=r"already used by the entry on line 1") as caught:
        decision.load(path)
    assert caught.value.line == len(GOOD_ENTRY.splitlines()) + 2


def test_the_good_entry_loads(tmp_path):
    path = tmp_path / "decision.yml"
    path.write_text(GOOD_ENTRY, encoding="utf-8")
    (criterion,) = decision.load(path)
    assert criterion.id == "speed" and criterion.tensorflow.evidence[0].read == "2026-11-26"


@pytest.mark.parametrize(
    ("page", "anchor", "words"),
    [
        ("graphs/index.md", "no-such-heading", "no heading or pair"),
        ("nowhere/index.md", "x", "is not in"),
    ],
)
def test_check_links_names_a_missing_page_or_anchor(tmp_path, page, anchor, words):
    text = _replace(GOOD_ENTRY, "graphs/index.md", page)
    text = _replace(text, "looking-at-the-captured-graph", anchor)
    path = tmp_path / "decision.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DecisionError, match=words) as caught:
        decision.check_links(DOCS, path=path)
    assert caught.value.line == _line_of(text, f"- page: {page}")
    # The renderer checks too, so a broken link stops the build.
    with pytest.raises(DecisionError):
        decision.decision_table(path, docs_dir=DOCS)


# -- Links into the site -----------------------------------------------------------------------


def test_every_page_evidence_resolves_in_the_sources():
    decision.check_links(DOCS, CRITERIA, DATA)


def page_evidence():
    return sorted(
        {
            (item.page, item.anchor)
            for c in CRITERIA
            for fw in ("pytorch", "tensorflow")
            for item in c.side(fw).evidence
            if item.is_page
        }
    )


def built_ids(site_dir: Path, url_path: str) -> set[str]:
    """The ids of the built page at a site-relative URL path such as ``deployment/``."""
    target = site_dir / url_path / "index.html" if url_path.endswith("/") or not url_path else site_dir / url_path
    assert target.is_file(), f"{url_path}: no built page at {target}"
    return set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8")))


def test_every_page_evidence_resolves_in_the_built_site(built_site):
    problems = []
    for page, anchor in page_evidence():
        ids = built_ids(built_site.directory, decision.page_url(page))
        if anchor not in ids:
            problems.append(f"{page}#{anchor}")
    assert not problems, problems


@pytest.mark.parametrize("page", sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")))
def test_computed_anchors_match_the_built_headings_and_pairs(built_site, page):
    """The slugs check_links computes are the ids the site gives, for every heading and pair
    written in the page; the only others are generated: the API map's entries (api-<id>) and,
    on its index, each category's heading (a link to the category's page); the messages of
    "Errors and warnings" (msg-<words>-<hash>, msg-varies-<n>) and its sections."""
    text = (built_site.directory / decision.page_url(page) / "index.html").read_text(encoding="utf-8")
    headings = set(re.findall(r'<h[1-6] id="([^"]+)"', text))
    pairs = set(re.findall(r'class="sbs-pair" id="([^"]+)"', text))
    categories = set(re.findall(r'<h3 id="([^"]+)"><a href="[a-z]+/">', text)) if page == "api-map/index.md" else set()
    computed = decision.page_anchors(DOCS / page)
    assert computed <= headings | pairs
    generated = (headings | pairs) - computed - categories
    if page == "errors/index.md":
        generated -= {"errors", "warnings", "varying"}
    assert all(anchor.startswith(("api-", "msg-")) for anchor in generated), sorted(generated)


def decision_page(built_site) -> str:
    return (built_site.directory / PAGE_HTML).read_text(encoding="utf-8")


def widget_json(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="decision-data">(.*?)</script>', text, re.S)
    assert match, "no decision-data element"
    marker, data = json.loads(match.group(1))
    assert marker == decision.DATA_MARKER
    return data


def test_every_link_on_the_built_page_resolves(built_site):
    """Table links and the widget's links, as the browser resolves them from decision/."""
    text = decision_page(built_site)
    table = text[text.index('class="sbs-decision-table"') : text.index('id="decision-data"')]
    hrefs = set(re.findall(r'<a href="([^"]+)"', table))
    data = widget_json(text)
    for row in data["criteria"]:
        for items in row["evidence"].values():
            hrefs.update(item["href"] for item in items)
    base = "http://site.invalid/decision/"
    problems = []
    for href in sorted(hrefs):
        url = urlsplit(urljoin(base, html.unescape(href)))
        if url.netloc != "site.invalid":
            assert url.scheme == "https", href
            continue
        path = url.path.lstrip("/")
        ids = built_ids(built_site.directory, path)
        if url.fragment and url.fragment not in ids:
            problems.append(href)
    assert not problems, problems
    assert len(hrefs) >= 20


def test_the_built_table_holds_every_criterion_and_verdict(built_site):
    text = decision_page(built_site)
    table = text[text.index('class="sbs-decision-table"') : text.index('id="decision-data"')]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) == len(CRITERIA) + 1  # the header row
    for criterion, row in zip(CRITERIA, rows[1:]):
        shown = html.unescape(re.sub(r"<[^>]+>", "", row))
        assert criterion.criterion in shown
        assert f"sbs-verdict--{criterion.verdict}" in row
        assert decision.VERDICT_LABELS[criterion.verdict] in shown
        for framework in ("pytorch", "tensorflow"):
            for item in criterion.side(framework).evidence:
                assert item.label in shown, item.label
    data = widget_json(text)
    assert [row["id"] for row in data["criteria"]] == [c.id for c in CRITERIA]
    assert data["defaultWeight"] == decision.DEFAULT_WEIGHT and data["maxWeight"] == decision.MAX_WEIGHT


def test_rendered_markdown_holds_every_criterion():
    rendered = decision.decision_table(docs_dir=DOCS)
    for criterion in CRITERIA:
        assert f"**{criterion.criterion}**" in rendered
        assert f"sbs-verdict--{criterion.verdict}" in rendered
    # The JSON cannot end its element early: it holds no "<" at all.
    payload = rendered[rendered.index('id="decision-data">') + len('id="decision-data">') :]
    assert "<" not in payload[: payload.index("</script>")]


def test_the_page_is_in_the_navigation_after_deployment():
    nav = [line.strip() for line in (ROOT / "mkdocs.yml").read_text().splitlines() if line.strip().startswith("- ")]
    entries = [line for line in nav if line.endswith(".md")]
    names = [entry.split(":")[-1].strip() for entry in entries]
    assert "decision/index.md" in names
    assert names.index("decision/index.md") > names.index("deployment/index.md")


# -- The weighting tool in Chromium ------------------------------------------------------------


def expected(weights: dict[str, int]) -> tuple[str, float, float]:
    """The headline decision.js must show for these weights, computed here from the YAML."""
    scores = {fw: sum(weights[c.id] * c.score(fw) for c in CRITERIA) for fw in ("pytorch", "tensorflow")}
    labels = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}
    pt, tf = scores["pytorch"], scores["tensorflow"]
    if pt == tf:
        return f"A tie, {pt:g} each", pt, tf
    winner, loser = ("pytorch", "tensorflow") if pt > tf else ("tensorflow", "pytorch")
    return f"Recommendation: {labels[winner]}, {scores[winner]:g} to {scores[loser]:g}.", pt, tf


def open_widget(page, url: str, errors: list[str]):
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector('#decision-widget[data-ready="true"]')
    return page


def headline(page) -> str:
    # text_content, not inner_text: the tool is skipped while off screen (content-visibility),
    # and inner_text, which reads the layout, is empty there.
    return " ".join(page.locator("#decision-result .sbs-decision__headline").text_content().split())


def checked_weights(page) -> dict[str, int]:
    """The weight checked in each criterion's group, read once the widget is whole.

    Material re-fetches and re-injects the current page on the first in-page link followed after
    a full load (its location subject starts empty, so the first location it sees counts as a
    new page), and decision.js then builds the widget again from the address: read in between,
    no radio is checked. So this waits until every group has its checked radio and reads them
    in the same script, and a widget that never becomes whole fails here with a timeout."""
    return page.wait_for_function(
        """(groups) => {
            const checked = [...document.querySelectorAll('#decision-widget input[type=radio]:checked')];
            return checked.length === groups
              && Object.fromEntries(checked.map(input => [input.dataset.criterion, Number(input.value)]));
        }""",
        arg=len(CRITERIA),
    ).json_value()


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_weights_set_by_keyboard_and_click_give_the_ranked_result_and_survive_a_reload(site, new_page, width):
    errors: list[str] = []
    page = open_widget(new_page(width)[1], site.base + PAGE_HTML, errors)

    defaults = {c.id: decision.DEFAULT_WEIGHT for c in CRITERIA}
    assert checked_weights(page) == defaults
    assert headline(page) == expected(defaults)[0]
    region = page.locator("#decision-result")
    assert region.get_attribute("aria-live") == "polite"

    # Every criterion has a labelled group of four radios, described by its question.
    for criterion in CRITERIA:
        group = page.locator(f'fieldset[data-criterion="{criterion.id}"]')
        assert criterion.criterion in group.locator("legend").text_content()
        radios = group.get_by_role("radio")
        assert radios.count() == decision.MAX_WEIGHT + 1
        described = radios.first.get_attribute("aria-describedby")
        assert page.locator(f"#{described}").text_content().strip()

    # Keyboard: into the MLOps group, arrow right twice (1 -> 3).
    page.locator('input[name="decision-weight-mlops"][value="1"]').focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Clicks on the visible labels.
    page.locator('fieldset[data-criterion="compilation"] label', has_text="decisive").click()
    page.locator('fieldset[data-criterion="export"] label', has_text="decisive").click()
    page.locator('fieldset[data-criterion="prototyping"] label', has_text="ignore").click()
    # Keyboard again: arrow left once in the pretrained-models group (1 -> 0).
    page.locator('input[name="decision-weight-pretrained"][value="1"]').focus()
    page.keyboard.press("ArrowLeft")

    weights = dict(defaults, mlops=3, compilation=3, export=3, prototyping=0, pretrained=0)
    assert checked_weights(page) == weights
    want, pt, tf = expected(weights)
    assert headline(page) == want
    assert tf > pt  # these weights favour TensorFlow, so the reasons below are TensorFlow's

    # The reasons: the TensorFlow criteria with the largest weights, in table order, each with
    # its sentence and at least one evidence link.
    reasons = page.locator("#decision-result .sbs-decision__reasons").first.locator(":scope > li")
    first = [reasons.nth(i).locator("strong").first.text_content() for i in range(reasons.count())]
    by_id = {c.id: c for c in CRITERIA}
    assert first == [by_id[i].criterion for i in ("mlops", "compilation", "export")]
    for i in range(reasons.count()):
        assert reasons.nth(i).locator("a").count() >= 1
    assert by_id["mlops"].why.split(",")[0] in reasons.nth(0).text_content()

    # The address holds the weights; in-page anchors keep them.
    query = parse_qs(urlsplit(page.url).query)
    assert query["w"] == [",".join(f"{c.id}:{weights[c.id]}" for c in CRITERIA)]
    shared = page.url
    page.evaluate("window.__sbsSamePage = true")
    page.locator('a.headerlink[href$="#the-matrix"]').evaluate("a => a.click()")
    page.wait_for_url(re.compile(r"#the-matrix$"))
    assert parse_qs(urlsplit(page.url).query)["w"] == query["w"]
    assert page.evaluate("window.__sbsSamePage === true"), "the in-page link reloaded the page"
    assert checked_weights(page) == weights

    # A reload and a fresh browser context restore the same weights and the same result.
    page.reload(wait_until="networkidle")
    page.wait_for_selector('#decision-widget[data-ready="true"]')
    assert checked_weights(page) == weights and headline(page) == want
    other = open_widget(new_page(width)[1], shared, errors)
    assert checked_weights(other) == weights and headline(other) == want
    assert not errors, errors


@pytest.mark.browser
def test_invalid_weights_in_the_address_are_ignored(site, new_page):
    base = site.base
    errors: list[str] = []
    url = base + PAGE_HTML + "?w=mlops:9,nonsense:2,compilation:x,export:3,,serving:-1&h=keep"
    page = open_widget(new_page(1280)[1], url, errors)
    weights = {c.id: decision.DEFAULT_WEIGHT for c in CRITERIA}
    weights["export"] = 3
    assert checked_weights(page) == weights
    assert headline(page) == expected(weights)[0]
    # Changing one weight rewrites only w=, and keeps the other parameter.
    page.locator('fieldset[data-criterion="serving"] label', has_text="important").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["h"] == ["keep"] and "serving:2" in query["w"][0] and "mlops:1" in query["w"][0]
    # All weights at 0: no recommendation, and a message that says why.
    page.evaluate(
        """() => document.querySelectorAll('#decision-widget input[type=radio][value="0"]')
                 .forEach(input => input.click())"""
    )
    assert "Every weight is 0" in headline(page)
    page.get_by_role("button", name=re.compile("Reset")).click()
    assert checked_weights(page) == {c.id: decision.DEFAULT_WEIGHT for c in CRITERIA}
    assert "w" not in parse_qs(urlsplit(page.url).query)
    assert not errors, errors


@pytest.mark.browser
def test_the_table_is_there_without_javascript(site, new_page):
    base = site.base
    _, page = new_page(390, java_script_enabled=False)
    page.goto(base + PAGE_HTML)
    rows = page.locator(".sbs-decision-table table tbody tr")
    assert rows.count() == len(CRITERIA)
    for i, criterion in enumerate(CRITERIA):
        row = rows.nth(i)
        assert row.is_visible()
        assert criterion.criterion in row.inner_text()
        assert row.locator("a").count() >= 2
    assert page.locator(".sbs-decision__fallback").is_visible()
    assert page.locator("#decision-widget fieldset").count() == 0


@pytest.mark.browser
def test_the_tool_starts_after_instant_navigation(site, new_page):
    base = site.base
    context, page = new_page(1280)
    serve_sitemap_for_this_origin(site, context)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "index.html", wait_until="networkidle")
    page.evaluate("window.__sbsSamePage = true")
    page.locator('.md-nav--primary a.md-nav__link[href$="decision/"]').first.click()
    page.wait_for_selector('#decision-widget[data-ready="true"]')
    assert page.evaluate("window.__sbsSamePage === true"), "the nav link reloaded the page"
    assert headline(page) == expected({c.id: decision.DEFAULT_WEIGHT for c in CRITERIA})[0]
    assert not errors, errors


def test_yaml_header_documents_the_schema():
    header = textwrap.dedent("\n".join(line[1:] for line in DATA.read_text().splitlines() if line.startswith("#")))
    for word in (
        "id:",
        "criterion:",
        "question:",
        "pytorch:",
        "tensorflow:",
        "verdict:",
        "why:",
        "page:",
        "anchor:",
        "url:",
        "read:",
        "label:",
    ):
        assert word in header, word
