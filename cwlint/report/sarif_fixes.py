"""SARIF ``fixes``: only where the exact edit is known.

A SARIF ``fix`` must carry ``artifactChanges`` with ``replacements`` (a deleted region and
the inserted text); a fix object without them is invalid. Most cwlint fixes are a policy
statement to add, whose place and indentation in the template cwlint does not compute,
so their text goes into the result message instead (GitHub shows it there). The typo
fixes of CWL008 (``Replace cloudwatch:PutMetricsData -> cloudwatch:PutMetricData``) are
exact: each misspelled action is found in the policy's block of the template and
replaced, so they become real ``fixes``.
"""

from __future__ import annotations

import re
from typing import Any

from cwlint.findings import Finding
from cwlint.report.locations import source_lines, utf16_length

TYPO_RULE = "CWL008"
_PAIR = re.compile(r"^\s*(\S+)\s+->\s+(\S+)\s*$")


def typo_pairs(fix: str) -> list[tuple[str, str]]:
    """The (misspelled, correct) actions of a CWL008 fix text; empty when it has another
    shape."""
    if not fix.startswith("Replace "):
        return []
    pairs = []
    for piece in fix.removeprefix("Replace ").split(", "):
        match = _PAIR.match(piece)
        if match is None:
            return []
        pairs.append((match.group(1), match.group(2)))
    return pairs


def sarif_fixes(finding: Finding, artifact: dict[str, Any]) -> list[dict[str, Any]]:
    """``fixes`` for ``finding`` (``artifact`` is its SARIF artifactLocation); empty when
    the edit cannot be computed exactly."""
    if finding.rule_id != TYPO_RULE or not finding.fix or finding.line is None:
        return []
    pairs = typo_pairs(finding.fix)
    lines = source_lines(finding.file)
    block = _block(lines, finding.line)
    replacements = []
    for wrong, right in pairs:
        found = _occurrences(lines, block, wrong, right)
        if not found:
            return []  # a partial fix would mislead
        replacements.extend(found)
    if not replacements:
        return []
    replacements.sort(key=lambda r: (r["deletedRegion"]["startLine"],
                                     r["deletedRegion"]["startColumn"]))
    return [{"description": {"text": finding.fix},
             "artifactChanges": [{"artifactLocation": artifact,
                                  "replacements": replacements}]}]


def _block(lines: tuple[str, ...], line: int) -> range:
    """0-based indexes of the lines of the YAML/JSON block that starts at 1-based ``line``:
    it and the following lines indented deeper than it (blank lines included)."""
    start = line - 1
    if not 0 <= start < len(lines):
        return range(0)
    indent = _indent(lines[start])
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    return range(start, end)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def _occurrences(lines: tuple[str, ...], block: range, wrong: str,
                 right: str) -> list[dict[str, Any]]:
    token = re.compile(r"(?<![\w:*?-])" + re.escape(wrong) + r"(?![\w*?-])")
    found = []
    for index in block:
        text = lines[index]
        for match in token.finditer(text):
            start = utf16_length(text[:match.start()]) + 1
            found.append({
                "deletedRegion": {"startLine": index + 1, "startColumn": start,
                                  "endLine": index + 1,
                                  "endColumn": start + utf16_length(wrong)},
                "insertedContent": {"text": right},
            })
    return found
