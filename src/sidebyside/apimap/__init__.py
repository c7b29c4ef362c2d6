"""The API map: for one concept, the PyTorch and the TensorFlow code, checked by running both.

:mod:`.schema` reads the entries (``docs/data/api_map/<category>.yml``); :mod:`.check` gets each
side's values, from the store or from the framework's worker, which runs :mod:`.harness`, and
checks what the entry claims; :mod:`.render` writes the pages' Markdown; :mod:`.mentions` links
the other pages' mentions of a mapped API to its entry. The page parts the map's pages call,
``api_map(category)``, ``index()``, ``pitfalls()``, ``defaults_table()``, ``filter_box()``, and
:mod:`.checker`'s ``check_box()`` and ``coverage()``, and :mod:`.library`'s
``library_coverage()``, are imported from here when first asked for: a framework's worker
imports the harness alone. :mod:`.defaults` reads the defaults entries declare.
"""

_PAGE_PARTS = ("api_map", "index", "pitfalls", "defaults_table", "filter_box")
_CODE_PARTS = ("check_box", "coverage")  # the parts that read code: :mod:`.checker`
_LIBRARY_PARTS = ("library_coverage",)  # the libraries' public names: :mod:`.library`


def __getattr__(name: str) -> object:
    if name in _PAGE_PARTS:
        from . import render

        return getattr(render, name)
    if name in _CODE_PARTS:
        from . import checker

        return getattr(checker, name)
    if name in _LIBRARY_PARTS:
        from . import library

        return getattr(library, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
