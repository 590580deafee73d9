"""Where on its line a finding starts: the 1-based column, in characters.

Rules report lines (a :class:`~cwlint.model.Location` holds file, line and resource); the
column is added once an input's findings are known, from what its front end knows:

* CloudFormation and SAM: the start mark of the decoded node that begins on the finding's
  line (a mapping key, a scalar, a mapping that is a list item), the leftmost when several
  do. A list's own mark, at its first ``-``, is not a node of the line's item and is
  passed over.
* Terraform HCL: a block or an attribute begins its line (the HCL grammar puts one per
  line), so it starts at the line's first character that is not blank.
* Terraform plans carry no positions: no column (and no line).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from msgspec.structs import replace

from cwlint.findings import Finding
from cwlint.report.locations import source_lines

HCL_SUFFIX = ".tf"


def with_columns(findings: list[Finding], column_of: Callable[[str, int], int | None]
                 ) -> list[Finding]:
    """``findings`` with the column ``column_of(file, line)`` gives each one that has a
    line and no column yet."""
    placed = []
    for finding in findings:
        if finding.line is not None and finding.column is None:
            column = column_of(finding.file, finding.line)
            if column is not None:
                finding = replace(finding, column=column)
        placed.append(finding)
    return placed


def template_columns(template: Any, lines: Iterable[int]) -> dict[int, int]:
    """The column of the leftmost decoded node starting on each of ``lines`` (1-based)
    of a decoded CloudFormation template; lines with none are left out."""
    wanted = _Lines({line - 1 for line in lines})  # marks count lines from 0
    found: dict[int, int] = {}
    if wanted.lines:
        _visit(template, wanted, found)
    return {line + 1: column + 1 for line, column in found.items()}


class _Lines:
    """The wanted lines, as a set (is this line wanted?) and in order (does a node's range
    hold one? a bisection, not a look at every finding's line for every node)."""

    def __init__(self, lines: set[int]) -> None:
        self.lines = lines
        self.ordered = sorted(lines)

    def __contains__(self, line: object) -> bool:
        return line in self.lines

    def any_within(self, first: int, last: int) -> bool:
        index = bisect.bisect_left(self.ordered, first)
        return index < len(self.ordered) and self.ordered[index] <= last


def _visit(node: Any, wanted: _Lines, found: dict[int, int]) -> None:
    if isinstance(node, Mapping):
        _record(node, wanted, found)
        if not _spans(node, wanted):
            return
        for key, value in node.items():
            _record(key, wanted, found)
            _visit(value, wanted, found)
    elif isinstance(node, list):
        if _spans(node, wanted):
            for item in node:
                _visit(item, wanted, found)
    else:
        _record(node, wanted, found)


def _record(node: Any, wanted: _Lines, found: dict[int, int]) -> None:
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    if line in wanted:
        column = mark.column
        if column < found.get(line, column + 1):
            found[line] = column


def _spans(node: Any, wanted: _Lines) -> bool:
    """Whether a decoded mapping or list may hold a wanted line (True when it carries no marks)."""
    start = getattr(node, "start_mark", None)
    end = getattr(node, "end_mark", None)
    if start is None or end is None:
        return True
    return wanted.any_within(start.line, end.line)


def hcl_column(path: str, line: int) -> int | None:
    """The column of the block or attribute that begins ``line`` of a ``.tf`` file."""
    lines = source_lines(path)
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    stripped = text.lstrip()
    return len(text) - len(stripped) + 1 if stripped else None


def terraform_column(path: str, line: int) -> int | None:
    """Columns of a Terraform input's findings: HCL files have them, plans do not."""
    return hcl_column(path, line) if path.endswith(HCL_SUFFIX) and os.path.isfile(path) else None


def place_in_template(findings: list[Finding], template: Any) -> list[Finding]:
    """The findings of one CloudFormation template, with their columns."""
    table = template_columns(template, {f.line for f in findings if f.line is not None})
    return with_columns(findings, lambda _path, line: table.get(line))
