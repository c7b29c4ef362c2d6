"""What the engine is told, built once and passed in (:class:`Settings`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import cache as cache_mod
from .snippets import DEFAULT_TIMEOUT


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def timings_alone() -> bool:
    """Whether snippets marked ``alone`` run one at a time with nothing else running (the
    default), or beside the others (``SNIPPETS_ALONE=0``: a test run whose timings nobody reads
    and whose store is thrown away, like `.ci/run` on a fresh clone). A result made beside the
    others is stored under another key, so a build that runs timings alone never shows it."""
    return _env_flag("SNIPPETS_ALONE", True)


@dataclass(frozen=True)
class Settings:
    """What the engine is told, built once and passed in: by the MkDocs plugin from mkdocs.yml,
    by the command line from ``--root``, otherwise from the project directory alone."""

    root: Path
    docs_dir: Path
    cache_dir: Path
    # SNIPPETS_CACHE_DIR may be one store for several checkouts: a build then prunes nothing.
    cache_shared: bool = False
    execute: bool = True  # SNIPPETS_EXECUTE=0: a preview, nothing runs
    timeout: float = DEFAULT_TIMEOUT  # SNIPPETS_TIMEOUT, seconds per snippet unless it says
    repo_url: str | None = None  # links to each snippet's file
    edit_branch: str = "main"

    @classmethod
    def for_project(
        cls,
        root: Path | str,
        docs_dir: Path | str | None = None,
        repo_url: str | None = None,
        edit_uri: str | None = None,
    ) -> Settings:
        """The settings of the project at ``root``, with the environment's SNIPPETS_* variables;
        ``edit_uri`` as in mkdocs.yml (``edit/main/docs/``) names the branch to link to."""
        root = Path(root).resolve()
        branch = edit_uri.split("/")[1] if edit_uri and edit_uri.startswith(("edit/", "blob/")) else "main"
        return cls(
            root=root,
            docs_dir=Path(docs_dir).resolve() if docs_dir else root / "docs",
            cache_dir=cache_mod.default_dir(root),
            cache_shared=bool(os.environ.get("SNIPPETS_CACHE_DIR")),
            execute=_env_flag("SNIPPETS_EXECUTE", True),
            timeout=float(os.environ.get("SNIPPETS_TIMEOUT", DEFAULT_TIMEOUT)),
            repo_url=repo_url.rstrip("/") if repo_url else None,
            edit_branch=branch,
        )
