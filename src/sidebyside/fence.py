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

from .engine import PairFailure, get_engine
from .render import anchor, wrap

__all__ = ["formatter", "validator"]

_OPTIONS = {"rtol", "atol"}


class FenceFailure(PairFailure, SuperFencesException):
    """SuperFences renders a fence whose formatter raises as a plain code block, silently, unless
    the exception is a SuperFencesException: a failing pair must stop the build instead."""


def _render(name: str, **tolerances: float) -> str:
    try:
        return get_engine().render(name, **tolerances)
    except PairFailure as failure:
        raise FenceFailure(str(failure)) from None


def _run(code: str, **extra: Any) -> str:
    name = code.strip()
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
    return _render(name, **tolerances)


def _format_pair(**kwargs: Any) -> str:
    name = kwargs["code"].strip()
    # Ids inside the pair (tabs) get the pair's anchor as prefix: unique on the page, stable.
    kwargs["id_prefix"] = anchor(name) + "-"
    inner = base_format(language="pair", run=_run, **kwargs)
    pair = get_engine().collect().pairs.get(name)  # rendered above: a pair that failed raised
    varies = pair is not None and any(s.options.varies for s in pair.snippets)
    return Markup(wrap(name, inner, varies))


formatters["pair"] = _format_pair


def validator(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any) -> bool:
    inputs.setdefault("exec", "on")
    return _markdown_exec_validator(language, inputs, options, attrs, md)
