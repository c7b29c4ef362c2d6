"""Optional MkDocs plugin: build boundaries, the end-of-build summary line, serve watching,
links from the pages' inline code to the API map's entries, leaner page HTML (highlighted code
without its idle spans, tables already in Material's wrapper), and the notebooks: two per page
with pairs, generated from the page and the captured outputs (:mod:`sidebyside.notebooks`),
listed under "Notebooks" in the navigation and rendered by mkdocs-jupyter, which must come
after this plugin in ``plugins:``.

The engine works without it (see :mod:`sidebyside.engine`); with it, each build starts a fresh
collection, ends with exactly one ``snippets: N run, M from cache, F failed`` line, and
``mkdocs serve`` rebuilds when a snippet changes (only the changed snippets run again).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from . import notebooks
from .apimap import export, mentions
from .blocks import title_index
from .engine import Engine, engine_for, use_engine
from .postprocess import lean_code, lean_styles, mark_varying, without_loaders, wrapped_tables
from .settings import Settings
from .store import log

_ID = re.compile(r'<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]+)"')


class SideBySidePlugin(BasePlugin):
    engine: Engine
    dirty = False  # `mkdocs serve --dirty` rebuilds changed pages only
    renders_before = 0  # pairs the engine had rendered when the current page began

    def on_startup(self, *, command, dirty):
        self.dirty = dirty

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        settings = Settings.for_project(
            root, docs_dir=config.docs_dir, repo_url=config.repo_url, edit_uri=config.edit_uri
        )
        self.engine = engine_for(settings)
        self.engine.builds_marked = True  # new_build() below marks each build: see Engine.collect
        use_engine(self.engine)
        snippets = str(root / "snippets")
        if snippets not in config.watch:
            config.watch.append(snippets)
        # Start the workers a cold build needs now, once docs_dir is known, so that importing
        # the frameworks overlaps with MkDocs reading the pages (under `mkdocs serve`, each
        # rebuild reads the configuration again: a new build starts here).
        self.engine.new_build()
        self.engine.prestart()
        self.notebooks = self._notebooks_in_nav_order(config)
        if self.notebooks and config.nav is not None:
            by_page: dict[str, list] = {}
            for nb in self.notebooks:
                by_page.setdefault(nb.title, []).append({notebooks.FRAMEWORKS[nb.framework].label: nb.src_uri})
            config.nav.append({"Notebooks": [{title: items} for title, items in by_page.items()]})
        # mkdocs-jupyter logs every notebook it copies or finds in its cache: 28 lines a build.
        for name in ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter"):
            logging.getLogger(name).setLevel(logging.WARNING)
        return config

    def _notebooks_in_nav_order(self, config) -> list[notebooks.Notebook]:
        found = notebooks.notebooks_for(Path(config.docs_dir))
        order: list[str] = []

        def walk(items) -> None:
            for item in items or []:
                for value in item.values() if isinstance(item, dict) else [item]:
                    walk(value) if isinstance(value, list) else order.append(value)

        walk(config.nav)
        rank = {page: number for number, page in enumerate(order)}
        return sorted(found, key=lambda nb: rank.get(nb.page, len(rank)))

    def on_files(self, files, config):
        """The notebooks, written to the cache from the captured outputs, as pages of the site."""
        if not self.notebooks:
            return files
        site_url = config.site_url or "/"
        written = notebooks.write_all(self.engine, site_url, self.notebooks)
        source = str(notebooks.source_dir(self.engine))
        for notebook, _ in written:  # a plain File: mkdocs-jupyter wraps it like one from docs/
            files.append(File(notebook.src_uri, source, config.site_dir, config.use_directory_urls))
        return files

    def on_page_markdown(self, markdown, page, config, files):
        """Under a page's title, links to its two notebooks."""
        self.renders_before = len(self.engine.rendered)
        mine = [nb for nb in self.notebooks if nb.page == page.file.src_uri]
        if not mine:
            return markdown
        line = notebooks.links_line(mine, page.file.src_uri)
        lines = markdown.split("\n")
        heading = title_index(markdown)
        if heading is not None:
            lines[heading + 1 : heading + 1] = ["", line]
        return "\n".join(lines)

    def on_pre_build(self, config):
        self.summarized = False  # the build began in on_config, with new_build and prestart
        # The API map's names, read again on each build (under serve, a data file may change).
        self.mentions = mentions.mention_index(Path(config.docs_dir))

    def on_page_content(self, html, page, config, files):
        """Inline code that names an API of the map links to its entry (the first mention); a
        notebook's page opens with its download, Colab and page links."""
        notebook = next((nb for nb in self.notebooks if nb.src_uri == page.file.src_uri), None)
        if notebook is not None:
            # Search finds the notebook by its title, header and headings, ranked below the topic
            # page; its cells repeat the page's prose and code and stay out of the index, which
            # would otherwise almost double. Material's data-search-exclude, on a <section>: its
            # parser matches elements by tag name, so on a <div> the first inner </div> would end
            # the exclusion.
            page.meta.setdefault("search", {"boost": 0.5})
            html = lean_styles(without_loaders(html))
            html = mark_varying(html, Path(page.file.abs_src_path))
            body = f'<section class="sbs-notebook" data-search-exclude>\n{lean_code(wrapped_tables(html), notebook=True)}\n</section>'
            return notebooks.header(notebook, config.repo_url) + body
        self._check_every_pair_rendered(page.file.src_uri)
        if page.present_anchor_ids is not None:
            # What exec blocks print reaches mkdocs as raw HTML it does not read for ids: without
            # these, a Markdown link to an API-map entry would be reported as a missing anchor.
            page.present_anchor_ids |= set(_ID.findall(html))
        html, _ = mentions.link_mentions(html, page.file.src_uri, self.mentions)
        return lean_code(wrapped_tables(html))

    def _check_every_pair_rendered(self, page: str) -> None:
        """SuperFences shows a fence it does not take as a pair as text, silently (an unquoted
        option: ```pair rtol=1e-3): every pair fence the scan found on the page must have rendered."""
        rendered = Counter(self.engine.rendered[self.renders_before :])
        for ref in self.engine.collect().references:
            if ref.page != page:
                continue
            if not rendered[ref.name]:
                raise PluginError(
                    f"docs/{page}:{ref.line}: this ```pair fence ({ref.name}) did not render as a pair: "
                    'give each option a quoted value, like ```pair rtol="1e-3"'
                )
            rendered[ref.name] -= 1

    def _summarize(self) -> None:
        if not self.summarized:  # strict mode raises after post_build and calls on_build_error
            self.summarized = True
            log.info(self.engine.stats.line())

    def on_post_build(self, config):
        if not self.engine.execute:
            log.info("snippets: SNIPPETS_EXECUTE=0 (preview): nothing ran and no page shows output")
            self._summarize()
            return
        export.write(self.engine, Path(config.site_dir))  # the map as data, from the pages' values
        if not (self.dirty or self.engine.stats.failed or self.engine.settings.cache_shared):
            # every page asked for its results, and no other checkout's are in this store
            removed = self.engine.store.prune()
            if removed:
                log.info("snippets: removed %d stored result%s no page uses", removed, "s" * (removed != 1))
        self._summarize()

    def on_build_error(self, error):
        self._summarize()

    def on_shutdown(self):
        self.engine.close()
        use_engine(None)
