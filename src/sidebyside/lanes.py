"""Which snippet runs where and when in a build: a lane per framework (its reused worker), and
the ``alone`` ones after, one at a time."""

from __future__ import annotations

import threading
from collections import deque

from .snippets import Snippet


def lanes(snippets: list[Snippet], alone: bool) -> tuple[dict[str, list[Snippet]], list[Snippet]]:
    """The snippets of each framework's lane, and those that run after, one at a time (the
    ``alone`` ones, unless ``alone`` is false: then they take their lane like the others)."""
    by_framework: dict[str, list[Snippet]] = {}
    after = [snippet for snippet in snippets if snippet.options.alone and alone]
    for snippet in snippets:
        if snippet not in after:
            by_framework.setdefault(snippet.framework.key, []).append(snippet)
    return by_framework, after


class Queues:
    """Each framework's lane: the snippets its reused worker runs first, then the fresh ones. A
    lane that is done takes fresh snippets from the end of another: a fresh interpreter runs
    them as well on either thread, and the two threads finish closer together. The timing
    scripts (``alone``, when they take a lane) are the longest: they go first among the fresh
    ones, so that what is left to share at the end is short."""

    def __init__(self, by_framework: dict[str, list[Snippet]]):
        def order(snippet: Snippet) -> tuple[bool, bool]:
            return snippet.options.fresh, not snippet.options.alone

        self.queues = {key: deque(sorted(items, key=order)) for key, items in by_framework.items()}
        self.lock = threading.Lock()

    def take(self, key: str) -> Snippet | None:
        with self.lock:
            if self.queues[key]:
                return self.queues[key].popleft()
            for other in self.queues.values():
                if other and other[-1].options.fresh:
                    return other.pop()
            return None
