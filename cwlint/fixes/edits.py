"""Byte-span edits of a file: the one shape every applied fix takes.

An :class:`Edit` replaces the bytes ``[start, end)`` of a file by ``text`` (an insertion
when ``start == end``). Everything outside the spans stays byte-identical: encoding,
line endings, comments and layout are the user's.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from itertools import pairwise

import msgspec


class Edit(msgspec.Struct, frozen=True, order=True):
    """Replace bytes ``start``..``end`` of ``path`` by ``text`` (UTF-8)."""

    path: str
    start: int
    end: int
    text: str


def overlapping(edits: Sequence[Edit]) -> bool:
    """Do two edits of one file touch the same bytes (or insert at the same place)?"""
    ordered = sorted(edits)
    for before, after in pairwise(ordered):
        if before.path == after.path and (after.start < before.end or (
                after.start == before.start)):
            return True
    return False


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """``data`` with ``edits`` (of one file, not overlapping) applied."""
    result = bytearray(data)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        result[edit.start:edit.end] = edit.text.encode("utf-8")
    return bytes(result)


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A unified diff of one file, as ``git diff`` and ``ruff --diff`` print it."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    shown = path.replace(os.sep, "/").lstrip("/")
    lines = difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def line_column(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line of byte ``offset`` and its 1-based column in UTF-16 code units
    (SARIF's default unit)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    text = data[line_start:offset].removeprefix(b"\xef\xbb\xbf" if line_start == 0 else b"")
    return line, len(text.decode("utf-8", "replace").encode("utf-16-le")) // 2 + 1
