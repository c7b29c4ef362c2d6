"""Side by Side: run pairs of PyTorch/TensorFlow snippets and render them into pages.

The engine knows nothing about MkDocs: pages name a pair in a ``pair`` fence that markdown-exec
executes (see :mod:`sidebyside.fence`), the engine finds every pair the site references, runs the
missing ones in one worker per framework, caches the results and renders Markdown.
"""

__version__ = "0.1.0"
