"""``--format json``: the one object DESIGN.md §4 fixes."""

from __future__ import annotations

import json

from cwlint import __version__
from cwlint.engine import ScanResult


def render(result: ScanResult) -> str:
    document = {
        "version": __version__,
        "findings": [f.to_json() for f in result.findings],
        "errors": [e.to_json() for e in result.errors],
        "summary": {"files": result.files, "findings": len(result.findings),
                    "errors": len(result.errors)},
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
