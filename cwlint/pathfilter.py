"""``exclude`` patterns of the configuration: which paths a scan leaves out.

Patterns are gitignore-like globs:

* a pattern without ``/`` matches a file or directory name anywhere (``cdk.out``,
  ``*.generated.yaml``);
* a pattern with ``/`` is anchored at the configuration's directory (``legacy/**``,
  ``stacks/old-*.yaml``); ``**`` matches any number of directories, ``*`` and ``?``
  stay inside one name;
* a pattern that matches a directory excludes everything below it.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence

import msgspec


class PathFilter(msgspec.Struct, frozen=True):
    """Decides whether a path is excluded; ``root`` is where anchored patterns start."""

    root: str
    patterns: tuple[str, ...]
    source: str = "the configuration"  # the file the patterns come from, for messages

    def excluded(self, path: str) -> bool:
        """True when ``path`` (as given, relative to the working directory or absolute)
        or one of its parent directories matches a pattern."""
        return self.pattern_for(path) is not None

    def pattern_for(self, path: str) -> str | None:
        """The first pattern that excludes ``path``, or None."""
        if not self.patterns:
            return None
        relative = os.path.relpath(os.path.abspath(path), self.root)
        parts = [p for p in relative.replace(os.sep, "/").split("/") if p not in ("", ".")]
        inside = bool(parts) and parts[0] != ".."
        return next((pattern for pattern in self.patterns
                     if _matches(pattern, parts, inside)), None)

    def reason(self, path: str) -> str | None:
        """Why ``path`` is not scanned, or None when it is."""
        pattern = self.pattern_for(path)
        if pattern is None:
            return None
        return f"not scanned: excluded by the pattern {pattern!r} of exclude in {self.source}"


def _matches(pattern: str, parts: list[str], inside: bool) -> bool:
    cleaned = pattern.strip().removeprefix("./").strip("/")
    if not cleaned:
        return False
    if "/" not in cleaned:
        return any(fnmatch.fnmatchcase(name, cleaned) for name in parts if name != "..")
    if not inside:
        return False
    steps = cleaned.split("/")
    return any(_match_steps(steps, parts[:end]) for end in range(1, len(parts) + 1))


def _match_steps(steps: Sequence[str], names: Sequence[str]) -> bool:
    """Whether the names of a path match the pattern steps exactly (``**`` spans any)."""
    if not steps:
        return not names
    if steps[0] == "**":
        return any(_match_steps(steps[1:], names[skip:]) for skip in range(len(names) + 1))
    return bool(names) and fnmatch.fnmatchcase(names[0], steps[0]) and \
        _match_steps(steps[1:], names[1:])
