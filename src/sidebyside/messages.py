"""The "Errors and warnings" page: every error and warning message the site's pairs print,
read from the output the build captured (never retyped), and every one the API map's entries
caught or were warned of while they ran (recorded by the map's harness); each linked to where
it comes from and to the map's entries for the names it mentions.

A message is read from a pair's output in one of two shapes:

- Python's warning line, ``path:line: SomeWarning: message``, with the message's own further
  lines indented deeper than the two spaces of the source line Python prints under it;
- a line a snippet prints for an error it caught: an optional label, then the class
  (``...Error``, ``...Exception``, ``...Warning``, or any class after ``failed:``), then
  ``: message`` on the same line or the message on the lines indented below it
  (``1. HWIO kernel as is: RuntimeError`` / ``  size mismatch for ...``).

Lines wrapped by the snippet are joined with single spaces: the message as Python made it.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

from .blocks import page_lines, title
from .engine import get_engine
from .links import href
from .render import anchor, preview_note, varying
from .snippets import FRAMEWORKS

PAGE = "errors/index.md"
_CLASS = r"(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Exit)"
_WARNING_LINE = re.compile(r"^\S+:\d+: (?P<cls>[A-Z]\w*Warning): (?P<msg>.*)$")
# A class followed by ": message" or by the end of the line (the message on the lines below).
_ERROR = re.compile(rf"(?:^|\s)(?P<cls>{_CLASS})(?::\s*(?P<msg>.*))?$")
_FAILED = re.compile(r"\bfailed: (?P<cls>[A-Z]\w*): (?P<msg>.*)$")  # a converter's own class


@dataclass
class Message:
    cls: str
    text: str  # the message, its wrapped lines joined
    # (kind, name, framework): ("pair", "api/autodiff", ...) or ("entry", "<map entry id>", ...)
    printed_by: list[tuple[str, str, str]] = field(default_factory=list)
    varies: bool = False  # printed by a snippet whose output varies from run to run

    @property
    def kind(self) -> str:
        return "warning" if self.cls.endswith("Warning") else "error"

    @property
    def whole(self) -> str:
        return f"{self.cls}: {self.text}" if self.text else self.cls

    @property
    def ident(self) -> str:
        """Its anchor on the page: stable while the message says the same."""
        words = re.sub(r"[^a-z0-9]+", "-", self.whole.lower()).strip("-").split("-")[:7]
        digest = hashlib.sha256(self.whole.encode()).hexdigest()[:6]
        return f"msg-{'-'.join(words)}-{digest}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _continued(lines: list[str], start: int, deeper_than: int) -> list[str]:
    """The lines after ``start`` indented deeper than ``deeper_than``: the message's own."""
    found = []
    for line in lines[start + 1 :]:
        if not line.strip() or _indent(line) <= deeper_than:
            break
        found.append(line.strip())
    return found


def read(output: str) -> list[tuple[str, str]]:
    """(class, message) for every error and warning message in a snippet's output, in order."""
    lines = output.splitlines()
    found = []
    for number, line in enumerate(lines):
        warning = _WARNING_LINE.match(line)
        if warning:  # Python prints the source line two spaces in: deeper lines are the message's
            more = _continued(lines, number, 2)
            found.append((warning["cls"], " ".join([warning["msg"].strip(), *more]).strip()))
            continue
        error = _FAILED.search(line) or _ERROR.search(line)
        if error:
            more = _continued(lines, number, _indent(line))
            found.append((error["cls"], " ".join([(error["msg"] or "").strip(), *more]).strip()))
    return found


def collect(engine) -> list[Message]:
    """Every message of this build, once each, with where it came from: the pairs' output, and
    what the API map's entries caught or were warned of while they ran. Errors first, then
    warnings, each by class and message."""
    from .apimap.check import values
    from .apimap.schema import all_entries

    collected = engine.collect()
    messages: dict[tuple[str, str], Message] = {}

    def add(line: tuple[str, str], source: tuple[str, str, str]) -> None:
        message = messages.setdefault(line, Message(*line))
        if source not in message.printed_by:
            message.printed_by.append(source)

    for name, pair in collected.pairs.items():
        for snippet in pair.snippets:
            for line in read(collected.outcomes[snippet.relpath].output):
                add(line, ("pair", name, snippet.framework.key))
                messages[line].varies |= snippet.options.varies
    for (entry_id, framework), stored in values(all_entries(engine.docs_dir), engine).items():
        for said in stored["heard"]:
            cls, _, text = said.partition(": ")
            add((cls, text), ("entry", entry_id, framework))
    return sorted(messages.values(), key=lambda m: (m.kind, m.cls, m.text))


def _section(engine, name: str) -> tuple[str, str, str]:
    """(page, page title, the heading over the pair) for the pair's first place in the site."""
    ref = next(r for r in engine.collect().references if r.name == name)
    text = (engine.docs_dir / ref.page).read_text(encoding="utf-8")
    lines = page_lines(text)[: ref.line]
    heading = next((line.lstrip("#").strip() for line in reversed(lines) if re.match(r"#{2,6} ", line)), "")
    return ref.page, title(text) or ref.page, re.sub(r"\s*\{[^}]*\}$", "", heading)


def _entries(message: Message) -> list[str]:
    """Links to the map's entries for the API names the message mentions."""
    from .apimap.schema import MAP_DIR, all_entries
    from .apimap.usage import Lookup, answered, uses

    entries = all_entries(get_engine().docs_dir)
    by_id = {entry.id: entry for entry in entries}
    links = []
    for use in uses(message.text.replace("`", " "), Lookup.of(answered(entries).items())):
        for entry_id in use.entries[:1]:  # the first entry for each name
            page = f"{MAP_DIR}{by_id[entry_id].path.stem}.md"
            links.append(f"[`{use.name}`: {by_id[entry_id].concept}]({href(page, 'api-' + entry_id, PAGE)})")
    return links


def _printed_by(engine, message: Message) -> list[str]:
    """A line per source, framework and page: the pairs whose output holds the message, the map
    entries whose code caught it or was warned."""
    from .apimap.schema import all_entries, category_title, page_of

    entries = {entry.id: entry for entry in all_entries(engine.docs_dir)}
    places: dict[tuple[str, str, str, str], list[str]] = {}
    for kind, name, framework in message.printed_by:
        if kind == "pair":
            page, page_title, section = _section(engine, name)
            link = f"[“{section or page_title}”]({href(page, anchor(name), PAGE)})"
        else:
            entry = entries[name]
            page, page_title = page_of(entry.path), "API map: " + category_title(engine.docs_dir, entry.path)
            link = f"[“{entry.concept}”]({href(page, 'api-' + name, PAGE)})"
        places.setdefault((kind, framework, page, page_title), []).append(link)
    lines = []
    for (kind, framework, _, page_title), links in places.items():
        label = FRAMEWORKS[framework].label
        what = f"the {label} side of" if kind == "pair" else f"the {label} code of the entry"
        verb = "Printed by" if kind == "pair" else "Raised in" if message.kind == "error" else "Warned in"
        lines.append(f"- **{verb}** {what} {', '.join(links)} ({page_title}).")
    return lines


def _escaped(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def errors_and_warnings() -> str:
    """Markdown: a section per message, the message as printed, the pairs that print it, the
    map's entries for the names in it; the messages of pairs whose output varies from run to
    run last, in a block marked as varying (their words may change with what they measured)."""
    engine = get_engine()
    if not engine.execute:
        return preview_note("the messages are read from the pairs' output when the site is built")
    messages = collect(engine)
    steady = [m for m in messages if not m.varies]
    parts = []
    for kind, heading in (("error", "Errors"), ("warning", "Warnings")):
        chosen = [m for m in steady if m.kind == kind]
        parts += [f"## {heading} ({len(chosen)}) {{#{kind}s}}", ""]
        for message in chosen:
            whole, short = message.whole, _short(message.whole)
            parts += [f"### {_escaped(short)} {{#{message.ident}}}", ""]
            if short != whole:  # the whole message where the heading could not hold it
                parts += [f'<blockquote class="sbs-message"><p>{html.escape(whole)}</p></blockquote>', ""]
            parts += [*_printed_by(engine, message), *_entries_line(message), ""]
    varying_ones = [m for m in messages if m.varies]
    if varying_ones:
        inner = []
        for number, message in enumerate(varying_ones, start=1):
            _, name, framework = message.printed_by[0]
            # An id and a table-of-contents label that do not change with the words.
            label = f"From {name} ({FRAMEWORKS[framework].label})"
            inner += [f'### {_escaped(_short(message.whole))} {{#msg-varies-{number} data-toc-label="{label}"}}', ""]
            inner += [f'<blockquote class="sbs-message"><p>{html.escape(message.whole)}</p></blockquote>', ""]
            inner += [*_printed_by(engine, message), *_entries_line(message), ""]
        parts += [
            "## From pairs whose output varies {#varying}",
            "",
            "Printed beside measurements that change from run to run (times, what the CPU does):",
            "",
            varying("\n".join(inner)),
        ]
    return "\n".join(parts)


def _short(whole: str) -> str:
    return whole if len(whole) <= 90 else whole[:80].rsplit(" ", 1)[0] + " …"


def _entries_line(message: Message) -> list[str]:
    links = _entries(message)
    return [f"- **In the API map:** {'; '.join(links)}."] if links else []


def summary() -> str:
    """The sentence that counts them."""
    engine = get_engine()
    if not engine.execute:
        return ""
    messages = collect(engine)
    errors = sum(1 for m in messages if m.kind == "error")
    pairs = {name for m in messages for kind, name, _ in m.printed_by if kind == "pair"}
    entries = {name for m in messages for kind, name, _ in m.printed_by if kind == "entry"}
    return (
        f"{len(messages)} distinct messages, {errors} errors and {len(messages) - errors} warnings: "
        f"printed by {len(pairs)} of the site's {len(engine.collect().pairs)} pairs, and caught or "
        f"warned of in {len(entries)} entries of the API map."
    )
