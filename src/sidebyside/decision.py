"""The decision matrix: ``docs/data/decision.yml`` loaded, checked and rendered.

``load(path)`` reads the criteria and checks them against the schema written at the top of the
YAML file; a bad entry raises :class:`DecisionError` naming the file and the line.
``check_links(docs_dir)`` checks that every evidence item pointing into the site names a page
that exists and an anchor on it (a heading's id, computed the way Python-Markdown's ``toc``
extension computes it for this site, or a pair's id). ``decision_table()`` is what the page
calls from a markdown-exec block: it loads, checks, and prints the table (readable without
JavaScript) followed by the same data as JSON for ``docs/assets/decision.js``.

Links in a markdown-exec block's output are not rewritten by MkDocs (the block is converted by
its own Markdown instance and pasted into the page as HTML), so the table links to the built
pages' URLs, ``../deployment/#anchor``, computed here for MkDocs' default
``use_directory_urls: true``, and checks them itself instead of relying on MkDocs' validation.
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml
from markdown.extensions.toc import slugify

from .engine import FENCE as PAIR_FENCE
from .render import anchor as pair_anchor

VERDICTS = ("pytorch", "tensorflow", "even")
FRAMEWORK_LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}
VERDICT_LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "even": "Even"}
# The weight a criterion gets when the URL does not give one; decision.js uses the same.
DEFAULT_WEIGHT = 1
MAX_WEIGHT = 3

DATA_FILE = Path("data") / "decision.yml"  # relative to the site's docs directory
PAGE = "decision/index.md"  # the page the table is rendered on, relative to docs/

_FIELDS = ("id", "criterion", "question", "pytorch", "tensorflow", "verdict", "why")
_SIDE_FIELDS = ("offers", "evidence")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The toc settings of mkdocs.yml: `toc: {permalink: true}`, default slugify and separator.
_TOC_CONFIG = {"permalink": True, "slugify": slugify, "separator": "-"}


class DecisionError(ValueError):
    """A problem with the decision data, located as ``file:line: message``."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


@dataclass(frozen=True)
class Evidence:
    label: str
    line: int
    page: str | None = None
    anchor: str | None = None
    url: str | None = None
    read: str | None = None

    @property
    def is_page(self) -> bool:
        return self.page is not None

    def href(self, from_page: str = PAGE) -> str:
        """The link as it must appear in the built page ``from_page`` (directory URLs)."""
        if self.url is not None:
            return self.url
        target = page_url(self.page)
        here = page_url(from_page)
        relative = posixpath.relpath(target or ".", here or ".")
        relative = "" if relative == "." else relative
        if relative and not relative.endswith("/"):
            relative += "/"
        return f"{relative or './'}#{self.anchor}"


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


def page_url(page: str) -> str:
    """MkDocs' URL for a docs-relative page with ``use_directory_urls``: ``a/index.md`` -> ``a/``."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        stem = stem.removesuffix("/index")
    return stem + "/"


# -- Loading ----------------------------------------------------------------------------------


class _Located:
    """A composed YAML node and its file: the line for messages, the value read on demand."""

    def __init__(self, path: Path, node: yaml.Node) -> None:
        self.path = path
        self.node = node

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str) -> DecisionError:
        return DecisionError(self.path, self.line, message)

    def items(self, what: str) -> list[_Located]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error(f"{what} must be a list")
        return [_Located(self.path, child) for child in self.node.value]

    def mapping(self, what: str) -> dict[str, _Located]:
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"{what} must be a mapping of keys to values")
        result: dict[str, _Located] = {}
        for key, value in self.node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _Located(self.path, key).error(f"{what}: keys must be plain names")
            if key.value in result:
                raise _Located(self.path, key).error(f"{what}: {key.value!r} appears twice")
            result[key.value] = _Located(self.path, value)
        return result

    def text(self, what: str) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != "tag:yaml.org,2002:str":
            raise self.error(f"{what} must be text")
        value = " ".join(self.node.value.split())
        if not value:
            raise self.error(f"{what} is empty")
        return value


def _require_keys(located: _Located, fields: dict[str, _Located], expected: tuple[str, ...], what: str):
    missing = [name for name in expected if name not in fields]
    if missing:
        raise located.error(f"{what}: missing {', '.join(missing)}")
    unknown = [name for name in fields if name not in expected]
    if unknown:
        raise fields[unknown[0]].error(
            f"{what}: unknown key {unknown[0]!r} (expected {', '.join(expected)})"
        )


def _evidence(item: _Located, what: str) -> Evidence:
    fields = item.mapping(what)
    if "label" not in fields:
        raise item.error(f"{what}: missing label")
    label = fields["label"].text(f"{what}: label")
    if "page" in fields or "anchor" in fields:
        _require_keys(item, fields, ("page", "anchor", "label"), f"{what} (a page on this site)")
        page = fields["page"].text(f"{what}: page")
        if page.startswith("/") or ".." in page.split("/") or not page.endswith(".md"):
            raise fields["page"].error(
                f"{what}: page {page!r} must be a .md file relative to docs/, such as "
                "deployment/index.md"
            )
        anchor = fields["anchor"].text(f"{what}: anchor")
        if anchor.startswith("#") or any(c.isspace() for c in anchor):
            raise fields["anchor"].error(f"{what}: anchor {anchor!r} must be an id, without '#'")
        return Evidence(label=label, line=item.line, page=page, anchor=anchor)
    if "url" in fields or "read" in fields:
        _require_keys(item, fields, ("url", "read", "label"), f"{what} (a citation)")
        url = fields["url"].text(f"{what}: url")
        if not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", url):
            raise fields["url"].error(f"{what}: url {url!r} must be an https:// address")
        read_node = fields["read"].node
        read = read_node.value if isinstance(read_node, yaml.ScalarNode) else ""
        try:
            if not _DATE.fullmatch(read):
                raise ValueError(read)
            datetime.date.fromisoformat(read)
        except ValueError:
            raise fields["read"].error(
                f"{what}: read {read!r} must be the date the source was read, YYYY-MM-DD"
            ) from None
        return Evidence(label=label, line=item.line, url=url, read=read)
    raise item.error(f"{what}: needs either page and anchor, or url and read")


def _side(located: _Located, what: str) -> Side:
    fields = located.mapping(what)
    _require_keys(located, fields, _SIDE_FIELDS, what)
    offers = fields["offers"].text(f"{what}: offers")
    items = fields["evidence"].items(f"{what}: evidence")
    if not items:
        raise fields["evidence"].error(f"{what}: evidence is empty; every cell needs a source")
    evidence = tuple(_evidence(item, f"{what}: evidence {i + 1}") for i, item in enumerate(items))
    return Side(offers=offers, evidence=evidence)


def _criterion(entry: _Located, index: int) -> Criterion:
    fields = entry.mapping(f"criterion {index + 1}")
    ident = fields["id"].text(f"criterion {index + 1}: id") if "id" in fields else None
    what = f"criterion {ident!r}" if ident else f"criterion {index + 1}"
    _require_keys(entry, fields, _FIELDS, what)
    if not _SLUG.fullmatch(ident):
        raise fields["id"].error(f"{what}: id must be a slug (a-z, 0-9, single hyphens)")
    verdict = fields["verdict"].text(f"{what}: verdict")
    if verdict not in VERDICTS:
        raise fields["verdict"].error(
            f"{what}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}"
        )
    why = fields["why"].text(f"{what}: why")
    if not why.endswith((".", "!", "?")):
        raise fields["why"].error(f"{what}: why must be one whole sentence, ending with a full stop")
    return Criterion(
        id=ident,
        criterion=fields["criterion"].text(f"{what}: criterion"),
        question=fields["question"].text(f"{what}: question"),
        pytorch=_side(fields["pytorch"], f"{what}: pytorch"),
        tensorflow=_side(fields["tensorflow"], f"{what}: tensorflow"),
        verdict=verdict,
        why=why,
        line=entry.line,
    )


def load(path: Path | str) -> list[Criterion]:
    """The criteria of ``path``, checked; :class:`DecisionError` names the file and line."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        # Composing, not loading: the node tree keeps every value's line for the messages.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise DecisionError(path, line, f"not valid YAML: {error.problem or error}") from None
    if node is None:
        raise DecisionError(path, 1, "the file holds no criteria")
    entries = _Located(path, node).items("the top level")
    if not entries:
        raise DecisionError(path, 1, "the file holds no criteria")
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        criterion = _criterion(entry, index)
        if criterion.id in seen:
            raise entry.error(
                f"criterion {criterion.id!r}: id already used by the entry on line {seen[criterion.id]}"
            )
        seen[criterion.id] = criterion.line
        criteria.append(criterion)
    return criteria


# -- Links into the site ------------------------------------------------------------------------

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^#{1,6}\s+\S")


def page_anchors(page_file: Path) -> set[str]:
    """Every id a page's Markdown gives its headings and its pairs.

    Headings go through Python-Markdown with the site's ``toc`` settings (and ``attr_list``,
    for ``{#custom-id}``), so inline code, links and duplicates get the ids the site gives them.
    """
    text = page_file.read_text(encoding="utf-8")
    # Pairs: the fences the engine itself finds in a page.
    anchors = {pair_anchor(match.group("body").strip()) for match in PAIR_FENCE.finditer(text)}
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]
    headings: list[str] = []
    fence: str | None = None  # inside a code block, a "# comment" is no heading
    for line in lines:
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(2)
            elif _HEADING.match(line):
                headings.append(line.strip())
        elif match and match.group(2).startswith(fence) and not match.group(3).strip():
            fence = None
    if headings:
        md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": _TOC_CONFIG})
        md.convert("\n\n".join(headings))
        stack = list(md.toc_tokens)
        while stack:
            token = stack.pop()
            anchors.add(token["id"])
            stack.extend(token["children"])
    return anchors


def check_links(docs_dir: Path | str, criteria: list[Criterion] | None = None, path: Path | str | None = None) -> None:
    """Raise :class:`DecisionError` for evidence whose page or anchor does not exist."""
    docs_dir = Path(docs_dir)
    path = docs_dir / DATA_FILE if path is None else path
    criteria = load(path) if criteria is None else criteria
    cache: dict[str, set[str]] = {}
    for criterion in criteria:
        for framework in FRAMEWORK_LABELS:
            for item in criterion.side(framework).evidence:
                if not item.is_page:
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
                        f"criterion {criterion.id!r}: {item.page} has no heading or pair with id "
                        f"{item.anchor!r}",
                    )


# -- Rendering ----------------------------------------------------------------------------------

_INLINE = markdown.Markdown()


def inline_html(text: str) -> str:
    """Inline Markdown (``code``, emphasis) as HTML without the paragraph around it."""
    rendered = _INLINE.reset().convert(text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", r"\|")


def _link(item: Evidence) -> str:
    label = _cell(item.label).replace("[", r"\[").replace("]", r"\]")
    suffix = f" (read {item.read})" if item.read else ""
    return f"[{label}]({item.href()}){suffix}"


def _verdict_badge(verdict: str) -> str:
    return f'<span class="sbs-verdict sbs-verdict--{verdict}">{VERDICT_LABELS[verdict]}</span>'


def widget_data(criteria: list[Criterion]) -> dict:
    """What decision.js needs: each criterion's verdict, its reason and each side's evidence,
    with links as they must appear in the built page."""
    rows = []
    for criterion in criteria:
        evidence = {
            framework: [
                {"label": item.label, "href": item.href(), "read": item.read}
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
            f'| **{_cell(c.criterion)}**<br><span class="sbs-question">{_cell(c.question)}</span> '
            f"| {_cell(c.pytorch.offers)} | {_cell(c.tensorflow.offers)} "
            f"| {_verdict_badge(c.verdict)}<br>{_cell(c.why)} | {evidence} |"
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
    "DecisionError",
    "Evidence",
    "Side",
    "check_links",
    "decision_table",
    "load",
    "page_anchors",
    "widget_data",
]

