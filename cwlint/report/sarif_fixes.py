"""SARIF ``fixes``: the safe edits of a finding, with exact regions.

A SARIF ``fix`` must carry ``artifactChanges`` with ``replacements`` (a deleted region and
the inserted text); a fix object without them is invalid. The edits are the ones
``cwlint scan --fix`` applies (:func:`cwlint.fixes.apply.finding_edits`): a finding whose
fix is a suggestion only (a statement to add, a value from a parameter or a variable, a
plan) has none, and its fix text stays in the result message (GitHub shows it there).
An insertion is a replacement of an empty region.
"""

from __future__ import annotations

from typing import Any

from cwlint.findings import Finding
from cwlint.fixes.apply import finding_edits, read_file
from cwlint.fixes.edits import Edit, line_column
from cwlint.report.locations import artifact_uri, repository_root

SRCROOT = "%SRCROOT%"


def sarif_fixes(finding: Finding, artifact: dict[str, Any]) -> list[dict[str, Any]]:
    """``fixes`` for ``finding`` (``artifact`` is its SARIF artifactLocation); empty when
    its fix is not an exact edit."""
    edits = finding_edits(finding)
    if not edits:
        return []
    changes = []
    for path in sorted({e.path for e in edits}):
        data = read_file(path)
        replacements = [_replacement(data, e) for e in sorted(edits) if e.path == path]
        location = artifact if path == finding.file else _artifact(path)
        changes.append({"artifactLocation": location, "replacements": replacements})
    return [{"description": {"text": finding.fix or "Apply the safe fix"},
             "artifactChanges": changes}]


def _replacement(data: bytes, edit: Edit) -> dict[str, Any]:
    start_line, start_column = line_column(data, edit.start)
    end_line, end_column = line_column(data, edit.end)
    return {"deletedRegion": {"startLine": start_line, "startColumn": start_column,
                              "endLine": end_line, "endColumn": end_column},
            "insertedContent": {"text": edit.text}}


def _artifact(path: str) -> dict[str, Any]:
    uri, relative = artifact_uri(path, repository_root())
    found: dict[str, Any] = {"uri": uri}
    if relative:
        found["uriBaseId"] = SRCROOT
    return found
