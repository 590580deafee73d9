"""Where findings are, as CI systems want them: relative to the repository root.

Text and JSON keep paths as given on the command line. SARIF and GitHub
annotations need paths relative to the root of the repository: the nearest directory
above the working directory that holds ``.git`` (a directory, or a file in a worktree),
else the working directory itself.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import quote


def repository_root(start: str | None = None) -> str:
    """The repository root above ``start`` (default: the working directory)."""
    directory = os.path.abspath(start or os.getcwd())
    probe = directory
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return directory
        probe = parent


def repository_path(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` with ``/`` separators; None when it is outside."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def artifact_uri(path: str, root: str) -> tuple[str, bool]:
    """A SARIF artifact URI for ``path`` and whether it is relative to the root."""
    relative = repository_path(path, root)
    if relative is not None:
        return quote(relative, safe="/"), True
    return Path(os.path.abspath(path)).as_uri(), False


@cache
def source_lines(path: str) -> tuple[str, ...]:
    """The lines of a file (empty when it cannot be read), for regions and fixes."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: SARIF's default column unit."""
    return len(text.encode("utf-16-le")) // 2
