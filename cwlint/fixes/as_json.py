"""A :class:`~cwlint.fixes.Fix` as JSON and back, so that a saved ``--format json``
report keeps the safe fixes ``cwlint report`` needs to write SARIF ``fixes`` as the scan
would (it reads the files again for the exact regions, as the scan does).

A change is an object with a ``kind`` (``set_value``, ``replace_literal``,
``grant_statements``, ``allow_https_ingress``, ``advice``) and the change's own fields.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import asdict

from cwlint.fixes import (
    Advice,
    AllowHttpsIngress,
    Change,
    Fix,
    GrantStatements,
    ReplaceLiteral,
    SetValue,
)

_KINDS: dict[str, type[Any]] = {
    "set_value": SetValue,
    "replace_literal": ReplaceLiteral,
    "grant_statements": GrantStatements,
    "allow_https_ingress": AllowHttpsIngress,
    "advice": Advice,
}
_NAMES = {cls: name for name, cls in _KINDS.items()}


def fix_to_json(fix: Fix) -> dict[str, Any]:
    return {"applicability": fix.applicability,
            "changes": [_change_to_json(c) for c in fix.changes],
            "alternatives": [_change_to_json(a) for a in fix.alternatives]}


def _change_to_json(change: Change) -> dict[str, Any]:
    data = asdict(change)
    if isinstance(change, GrantStatements):
        data["statements"] = list(change.statements)
    return {"kind": _NAMES[type(change)], **data}


def fix_from_json(data: dict[str, Any]) -> Fix:
    """The Fix a :func:`fix_to_json` object describes (raises KeyError, TypeError or
    ValueError on anything else)."""
    applicability = data["applicability"]
    if applicability not in ("safe", "suggestion"):
        raise ValueError(f"unknown applicability {applicability!r}")
    alternatives = tuple(_change_from_json(a) for a in data.get("alternatives", []))
    if not all(isinstance(a, Advice) for a in alternatives):
        raise ValueError("an alternative that is not advice")
    return Fix(tuple(_change_from_json(c) for c in data["changes"]), applicability,
               alternatives)  # type: ignore[arg-type]


def _change_from_json(data: dict[str, Any]) -> Change:
    fields = {k: v for k, v in data.items() if k != "kind"}
    cls = _KINDS[data["kind"]]
    if cls is GrantStatements:
        fields["statements"] = tuple(fields["statements"])
    change: Change = cls(**fields)
    return change
