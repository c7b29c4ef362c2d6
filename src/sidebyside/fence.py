"""The ``pair`` fence: markdown-exec executes it, the engine renders it.

In ``mkdocs.yml`` (``pymdownx.superfences`` custom fences, markdown-exec's documented set-up
without its MkDocs plugin, which Zensical reads too)::

    - name: pair
      class: pair
      validator: !!python/name:sidebyside.fence.validator
      format: !!python/name:sidebyside.fence.formatter

A page then names a pair in one line; ``exec`` is implied, ``rtol``/``atol`` are optional::

    ```pair
    graphs/eager
    ```
"""

from __future__ import annotations

from typing import Any

from markdown_exec import base_format, formatter, formatters
from markdown_exec import validator as _markdown_exec_validator
from markupsafe import Markup
from pymdownx.superfences import SuperFencesException

from .engine import PairFailure, Rendered, get_engine
from .render import anchor, wrap

__all__ = ["formatter", "validator"]

_OPTIONS = {"rtol", "atol"}


class FenceFailure(PairFailure, SuperFencesException):
    """SuperFences renders a fence whose formatter raises as a plain code block, silently, unless
    the exception is a SuperFencesException: a failing pair must stop the build instead."""


def _options(name: str, extra: dict[str, Any]) -> dict[str, float]:
    """The fence's tolerances; FenceFailure for an unknown option or a value that is no number."""
    for ignored in ("returncode", "session", "id"):
        extra.pop(ignored, None)
    unknown = sorted(set(extra) - _OPTIONS)
    if unknown:
        raise FenceFailure(f"pair {name!r}: unknown fence option(s) {', '.join(unknown)} (known: rtol, atol)")
    tolerances = {}
    for option in _OPTIONS & set(extra):
        try:
            tolerances[option] = float(extra[option])
        except ValueError:
            raise FenceFailure(f"pair {name!r}: {option}={extra[option]!r} is not a number") from None
    return tolerances


def _format_pair(**kwargs: Any) -> str:
    name = kwargs["code"].strip()
    # Ids inside the pair (tabs) get the pair's anchor as prefix: unique on the page, stable.
    kwargs["id_prefix"] = anchor(name) + "-"
    shown: list[Rendered] = []

    def run(code: str, **extra: Any) -> str:
        try:
            shown.append(get_engine().render(code.strip(), **_options(code.strip(), extra)))
        except PairFailure as failure:
            raise FenceFailure(str(failure)) from None
        return shown[-1].markdown

    inner = base_format(language="pair", run=run, **kwargs)
    return Markup(wrap(name, inner, bool(shown) and shown[-1].varies))


formatters["pair"] = _format_pair


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any) -> bool:
    inputs.setdefault("exec", "on")
    return _markdown_exec_validator(language, inputs, options, attrs, md)
