"""Optional MkDocs plugin: build boundaries, the end-of-build summary line, serve watching, and
links from the pages' inline code to the API map's entries.

The engine works without it (see :mod:`sidebyside.engine`); with it, each build starts a fresh
collection, ends with exactly one ``snippets: N run, M from cache, F failed`` line, and
``mkdocs serve`` rebuilds when a snippet changes (only the changed snippets run again).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin

from . import apimap
from .engine import Engine, engine_for, log, use_engine
from .settings import Settings


class SideBySidePlugin(BasePlugin):
    engine: Engine

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        settings = Settings.for_project(
            root, docs_dir=config.docs_dir, repo_url=config.repo_url, edit_uri=config.edit_uri
        )
        self.engine = engine_for(settings)
        self.engine.bounded = True  # on_pre_build marks each build: see Engine.collect
        use_engine(self.engine)
        snippets = str(root / "snippets")
        if snippets not in config.watch:
            config.watch.append(snippets)
        # Start the workers a cold build needs now, once docs_dir is known, so that importing
        # the frameworks overlaps with MkDocs reading the pages (under `mkdocs serve`, each
        # rebuild reads the configuration again: a new build starts here).
        self.engine.new_build()
        self.engine.prestart()
        return config

    def on_pre_build(self, config):
        self.summarized = False  # the build began in on_config, with new_build and prestart
        # The API map's names, read again on each build (under serve, a data file may change).
        self.mentions = apimap.mention_index(Path(config.docs_dir))

    def on_page_content(self, html, page, config, files):
        """Inline code that names an API of the map links to its entry (the first mention)."""
        html, _ = apimap.link_mentions(html, page.file.src_uri, self.mentions)
        return html

    def _summarize(self) -> None:
        if not self.summarized:  # strict mode raises after post_build and calls on_build_error
            self.summarized = True
            log.info(self.engine.stats.line())

    def on_post_build(self, config):
        if not self.engine.execute:
            log.info("snippets: SNIPPETS_EXECUTE=0 (preview): nothing ran and no page shows output")
        self._summarize()

    def on_build_error(self, error):
        self._summarize()

    def on_shutdown(self):
        self.engine.close()
        use_engine(None)
