"""The API map: for one concept, the PyTorch and the TensorFlow code, checked by running both.

:mod:`.schema` reads the entries (``docs/data/api_map/<category>.yml``); :mod:`.check` gets each
side's values, from the store or from the framework's worker, which runs :mod:`.harness`, and
checks what the entry claims; :mod:`.render` writes the pages' Markdown; :mod:`.mentions` links
the other pages' mentions of a mapped API to its entry. The page parts the map's pages call,
``api_map(category)``, ``index()``, ``pitfalls()`` and ``filter_box()``, are imported from here
when first asked for: a framework's worker imports the harness alone.
"""

_PAGE_PARTS = ("api_map", "index", "pitfalls", "filter_box")


def __getattr__(name: str) -> object:
    if name in _PAGE_PARTS:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
