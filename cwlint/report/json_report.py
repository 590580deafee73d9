"""``--format json``: one object, ``version``, ``findings``, ``errors`` and ``summary``.

Suppressed and baselined findings never enter ``findings``; when there are any, an
optional top-level ``suppressed`` list holds them, each a finding object with a
``suppression`` object (``kind`` inline or baseline, ``source``, ``justification``).
Likewise an optional ``notices`` list holds the warnings about suppressions and the
configuration that the scan prints on stderr (``file``, ``line``, ``message``), so that
``cwlint report`` renders them as the scan would have. An optional ``fixes`` list holds
the safe fixes as data (:mod:`cwlint.fixes.as_json`), each naming its finding
(``"in": "findings"`` or ``"suppressed"`` and its ``index`` there), so that ``cwlint
report`` writes SARIF ``fixes`` as the scan would.
"""

from __future__ import annotations

import json
from typing import Any

from cwlint import __version__
from cwlint.engine import ScanResult
from cwlint.findings import Finding
from cwlint.fixes.as_json import fix_to_json


def render(result: ScanResult) -> str:
    document: dict[str, Any] = {
        "version": __version__,
        "findings": [f.to_json() for f in result.findings],
        "errors": [e.to_json() for e in result.errors],
        "summary": {"files": result.files, "findings": len(result.findings),
                    "errors": len(result.errors)},
    }
    if result.suppressed:
        document["suppressed"] = [s.to_json() for s in result.suppressed]
    if result.notices:
        document["notices"] = [{"file": n.file, "line": n.line, "message": n.message}
                               for n in result.notices]
    fixes = [*_fixes("findings", result.findings),
             *_fixes("suppressed", [s.finding for s in result.suppressed])]
    if fixes:
        document["fixes"] = fixes
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _fixes(where: str, findings: list[Finding]) -> list[dict[str, Any]]:
    return [{"in": where, "index": index, **fix_to_json(f.fix_data)}
            for index, f in enumerate(findings) if f.fix_data is not None and f.fix_data.safe]
