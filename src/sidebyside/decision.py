"""The decision matrix: ``docs/data/decision.yml`` loaded, checked and rendered.

``load(path)`` reads the criteria and checks them against the schema written at the top of the
YAML file (through :mod:`sidebyside.data`: a bad entry raises :class:`DecisionError`, a
:class:`~sidebyside.data.DataError`, naming the file and the line). ``check_links(docs_dir)``
checks that every evidence item pointing into the site names a page that exists and an anchor on
it (:mod:`sidebyside.links`). ``decision_table()`` is what the page calls from a markdown-exec
block: it loads, checks, and prints the table (readable without JavaScript) followed by the same
data as JSON for ``docs/assets/decision.js``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from .data import DataError, Evidence, Located, evidence, load_yaml, require_keys
from .links import page_anchors, page_url
from .snippets import FRAMEWORKS

VERDICTS = ("pytorch", "tensorflow", "even")
FRAMEWORK_LABELS = {key: fw.label for key, fw in FRAMEWORKS.items()}
VERDICT_LABELS = {**FRAMEWORK_LABELS, "even": "Even"}
# The weight a criterion gets when the URL does not give one; decision.js uses the same.
DEFAULT_WEIGHT = 1
MAX_WEIGHT = 3

DATA_FILE = Path("data") / "decision.yml"  # relative to the site's docs directory
PAGE = "decision/index.md"  # the page the table is rendered on, relative to docs/

_FIELDS = ("id", "criterion", "question", "pytorch", "tensorflow", "verdict", "why")
_SIDE_FIELDS = ("offers", "evidence")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

DecisionError = DataError  # what a bad decision file raises: file:line: message


@dataclass(frozen=True)
class Side:
    offers: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Criterion:
    id: str
    criterion: str
    question: str
    pytorch: Side
    tensorflow: Side
    verdict: str
    why: str
    line: int

    def side(self, framework: str) -> Side:
        return self.pytorch if framework == "pytorch" else self.tensorflow

    def score(self, framework: str) -> float:
        """What the verdict gives ``framework``: 1 to the winner, 0.5 each when even, 0."""
        if self.verdict == "even":
            return 0.5
        return 1.0 if self.verdict == framework else 0.0


# -- Loading ----------------------------------------------------------------------------------


def _load_side(located: Located, what: str) -> Side:
    fields = located.mapping(what)
    require_keys(located, fields, _SIDE_FIELDS, what)
    offers = fields["offers"].text(f"{what}: offers")
    items = fields["evidence"].items(f"{what}: evidence")
    if not items:
        raise fields["evidence"].error(f"{what}: evidence is empty; every cell needs a source")
    found = tuple(evidence(item, f"{what}: evidence {i + 1}") for i, item in enumerate(items))
    return Side(offers=offers, evidence=found)


def _criterion(entry: Located, index: int) -> Criterion:
    fields = entry.mapping(f"criterion {index + 1}")
    named = fields["id"].text(f"criterion {index + 1}: id") if "id" in fields else None
    what = f"criterion {named!r}" if named else f"criterion {index + 1}"
    require_keys(entry, fields, _FIELDS, what)
    ident = fields["id"].text(f"{what}: id")
    if not _SLUG.fullmatch(ident):
        raise fields["id"].error(f"{what}: id must be a slug (a-z, 0-9, single hyphens)")
    verdict = fields["verdict"].text(f"{what}: verdict")
    if verdict not in VERDICTS:
        raise fields["verdict"].error(f"{what}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    why = fields["why"].text(f"{what}: why")
    if not why.endswith((".", "!", "?")):
        raise fields["why"].error(f"{what}: why must be one whole sentence, ending with a full stop")
    return Criterion(
        id=ident,
        criterion=fields["criterion"].text(f"{what}: criterion"),
        question=fields["question"].text(f"{what}: question"),
        pytorch=_load_side(fields["pytorch"], f"{what}: pytorch"),
        tensorflow=_load_side(fields["tensorflow"], f"{what}: tensorflow"),
        verdict=verdict,
        why=why,
        line=entry.line,
    )


def load(path: Path | str) -> list[Criterion]:
    """The criteria of ``path``, checked; :class:`DecisionError` names the file and line."""
    path = Path(path)
    entries = load_yaml(path, "criteria").items("the top level")
    if not entries:
        raise DecisionError(path, 1, "the file holds no criteria")
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        criterion = _criterion(entry, index)
        if criterion.id in seen:
            raise entry.error(f"criterion {criterion.id!r}: id already used by the entry on line {seen[criterion.id]}")
        seen[criterion.id] = criterion.line
        criteria.append(criterion)
    return criteria


# -- Links into the site ------------------------------------------------------------------------


def check_links(docs_dir: Path | str, criteria: list[Criterion] | None = None, path: Path | str | None = None) -> None:
    """Raise :class:`DecisionError` for evidence whose page or anchor does not exist."""
    docs_dir = Path(docs_dir)
    path = docs_dir / DATA_FILE if path is None else path
    criteria = load(path) if criteria is None else criteria
    cache: dict[str, set[str]] = {}
    for criterion in criteria:
        for framework in FRAMEWORK_LABELS:
            for item in criterion.side(framework).evidence:
                if item.page is None:  # an outside source
                    continue
                page_file = docs_dir / item.page
                if not page_file.is_file():
                    raise DecisionError(
                        path, item.line, f"criterion {criterion.id!r}: page {item.page!r} is not in {docs_dir}"
                    )
                if item.page not in cache:
                    cache[item.page] = page_anchors(page_file)
                if item.anchor not in cache[item.page]:
                    raise DecisionError(
                        path,
                        item.line,
                        f"criterion {criterion.id!r}: {item.page} has no heading or pair with id {item.anchor!r}",
                    )


# -- Rendering ----------------------------------------------------------------------------------

_INLINE = markdown.Markdown()


def inline_html(text: str) -> str:
    """Inline Markdown (``code``, emphasis) as HTML without the paragraph around it."""
    rendered = _INLINE.reset().convert(text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)


def _table_cell(text: str) -> str:
    """Text safe in a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", r"\|")


def _link(item: Evidence) -> str:
    label = _table_cell(item.label).replace("[", r"\[").replace("]", r"\]")
    suffix = f" (read {item.read})" if item.read else ""
    return f"[{label}]({item.href(PAGE)}){suffix}"


def _verdict_badge(verdict: str) -> str:
    return f'<span class="sbs-verdict sbs-verdict--{verdict}">{VERDICT_LABELS[verdict]}</span>'


def widget_data(criteria: list[Criterion]) -> dict:
    """What decision.js needs: each criterion's verdict, its reason and each side's evidence,
    with links as they must appear in the built page."""
    rows = []
    for criterion in criteria:
        evidence = {
            framework: [
                {"label": item.label, "href": item.href(PAGE), "read": item.read}
                for item in criterion.side(framework).evidence
            ]
            for framework in FRAMEWORK_LABELS
        }
        rows.append(
            {
                "id": criterion.id,
                "criterion": criterion.criterion,
                "question": inline_html(criterion.question),
                "verdict": criterion.verdict,
                "why": inline_html(criterion.why),
                "evidence": evidence,
            }
        )
    return {
        "defaultWeight": DEFAULT_WEIGHT,
        "maxWeight": MAX_WEIGHT,
        "labels": FRAMEWORK_LABELS,
        "criteria": rows,
    }


# The JSON is an array, [DATA_MARKER, data], not an object: Material's instant navigation
# re-creates every inline <script> of a page it loads without copying its attributes, so the
# element loses its type and id and its text runs as JavaScript. An array literal runs as a
# harmless expression (an object would be a syntax error), and the marker lets decision.js
# find the element again.
DATA_MARKER = "sbs-decision-data/1"


def _json_script(data: dict) -> str:
    text = json.dumps([DATA_MARKER, data], ensure_ascii=False, separators=(",", ":"))
    # Nothing inside may end the element or open a comment: escape every "<".
    text = text.replace("<", "\\u003c")
    return f'<script type="application/json" id="decision-data">{text}</script>'


def table_markdown(criteria: list[Criterion]) -> str:
    rows = [
        "| Criterion | PyTorch offers | TensorFlow offers | Verdict | Evidence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in criteria:
        evidence = "<br>".join(
            f"**{label}:** " + "; ".join(_link(item) for item in c.side(framework).evidence)
            for framework, label in FRAMEWORK_LABELS.items()
        )
        rows.append(
            f'| **{_table_cell(c.criterion)}**<br><span class="sbs-question">{_table_cell(c.question)}</span> '
            f"| {_table_cell(c.pytorch.offers)} | {_table_cell(c.tensorflow.offers)} "
            f"| {_verdict_badge(c.verdict)}<br>{_table_cell(c.why)} | {evidence} |"
        )
    return "\n".join(rows)


def summary_line(criteria: list[Criterion]) -> str:
    counts = {verdict: sum(c.verdict == verdict for c in criteria) for verdict in VERDICTS}
    return (
        f"{len(criteria)} criteria: {counts['pytorch']} favour PyTorch, "
        f"{counts['tensorflow']} favour TensorFlow, {counts['even']} are even."
    )


def decision_table(path: Path | str | None = None, docs_dir: Path | str | None = None) -> str:
    """The page part: the table (no JavaScript needed), a summary, and the widget's JSON data.

    By default the data file is ``data/decision.yml`` in the docs directory of the site being
    built (the one the sidebyside engine serves), so an installed package needs no source tree.
    """
    if docs_dir is None:
        if path is not None:
            docs_dir = Path(path).resolve().parents[1]
        else:
            from .engine import get_engine

            docs_dir = get_engine().docs_dir
    path = Path(docs_dir) / DATA_FILE if path is None else path
    criteria = load(path)
    check_links(docs_dir, criteria, path)
    return (
        '<div class="sbs-decision-table" markdown="1">\n\n'
        + table_markdown(criteria)
        + "\n\n</div>\n\n"
        + summary_line(criteria)
        + "\n\n"
        + _json_script(widget_data(criteria))
        + "\n"
    )


__all__ = [
    "Criterion",
    "page_url",
    "DecisionError",
    "Evidence",
    "Side",
    "check_links",
    "decision_table",
    "load",
    "page_anchors",
    "widget_data",
]
