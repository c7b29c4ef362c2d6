"""Shared browser helpers: serve a built site on 127.0.0.1 and drive Debian's Chromium.

Also a script, for looking at pages before calling them done:

    python tests/browser.py site/ /tmp/shots index.html graphs/index.html

writes a PNG per page at 390 px and 1280 px, light and dark.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, port: int = 0, handler: type = _Quiet):
    """An HTTP server for ``directory`` on 127.0.0.1 (``port`` 0: a free one); yields its base
    URL. ``handler``: a SimpleHTTPRequestHandler class (benchmarks/lighthouse.py gzips)."""
    bound = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def site_pages(directory: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to its root (no 404, no assets)."""
    pages = []
    for path in sorted(directory.rglob("*.html")):
        relative = path.relative_to(directory).as_posix()
        if relative == "404.html" or relative.split("/")[0] in {"assets", "search"}:
            continue
        pages.append(relative)
    return pages


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshots(site: Path, out: Path, pages: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, chromium() as browser:
        for scheme in ("light", "dark"):
            for width in (390, 1280):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                for name in pages:
                    page.goto(base + name, wait_until="networkidle")
                    # Pairs below the fold skip rendering (content-visibility: auto) until they
                    # near the viewport, which a full-page shot never scrolls to: paint them all.
                    page.add_style_tag(content="* { content-visibility: visible !important; }")
                    path = out / f"{name.replace('/', '_').removesuffix('.html')}-{width}-{scheme}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                context.close()
    return written


if __name__ == "__main__":
    for shot in screenshots(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or ["index.html"]):
        print(shot)
