"""What a rule reports, and the shape reporters print (``--format json``'s findings)."""

from __future__ import annotations

from typing import Any

import msgspec

from cwlint.fixes import Fix
from cwlint.model import Location
from cwlint.severities import ERROR as ERROR
from cwlint.severities import INFO as INFO
from cwlint.severities import SEVERITY_RANK as SEVERITY_RANK
from cwlint.severities import WARNING as WARNING


class Related(msgspec.Struct, frozen=True):
    """Another resource a finding involves (a role, a key, an endpoint), and where it is."""

    resource: str
    file: str
    line: int | None

    @staticmethod
    def of(location: Location) -> Related:
        return Related(location.resource, location.file, location.line)

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "file": self.file, "line": self.line}


class Finding(msgspec.Struct, frozen=True):
    """One finding: equal to (and hashed like) another with the same fields, whatever
    their ``fix_data`` (the fix as data, which the printed ``fix`` already says)."""

    rule_id: str
    severity: str
    message: str
    file: str
    line: int | None
    resource: str
    related: tuple[Related, ...] = ()
    fix: str | None = None
    column: int | None = None  # 1-based, in characters; added after the rules ran
    # The fix as data (cwlint.fixes); ``fix`` is its text in the input's language.
    fix_data: Fix | None = None

    def _compared(self) -> tuple[Any, ...]:
        return (self.rule_id, self.severity, self.message, self.file, self.line, self.resource,
                self.related, self.fix, self.column)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Finding:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    @staticmethod
    def at(location: Location, rule_id: str, severity: str, message: str,
           related: tuple[Related, ...] = (), fix: str | None = None) -> Finding:
        return Finding(rule_id, severity, message, location.file, location.line,
                       location.resource, related, fix)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file, self.line or 0, self.rule_id, self.resource, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "resource": self.resource,
            "related": [r.to_json() for r in self.related],
            "fix": self.fix,
        }


class InputError(msgspec.Struct, frozen=True):
    """An input that could not be read; the scan goes on with the others."""

    file: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "message": self.message}
        if self.line is not None:
            data["line"] = self.line
        return data
