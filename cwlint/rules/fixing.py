"""Attaching a fix as data to a finding (its text is rendered per input by the engine)."""

from __future__ import annotations

from dataclasses import replace

from cwlint.findings import Finding
from cwlint.fixes import Fix


def with_fix(finding: Finding, fix: Fix) -> Finding:
    """``finding`` carrying ``fix`` (:mod:`cwlint.fixes.render` writes its text)."""
    return replace(finding, fix_data=fix)
