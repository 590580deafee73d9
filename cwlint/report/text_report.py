"""``--format text``: compiler-style lines, then a summary line; colour only on a terminal.

Each finding is ``path:line:column: CWL001 error: message [resource]`` (``path:line:`` when
its input has no columns, a Terraform plan), with its fix on the next line (a fix of
several lines indented under it).
With ``--show-suppressed``, suppressed and baselined findings follow the others as
``path:line:column: CWL001 suppressed: message [resource]`` with the reason on the next line
(``suppressed`` rather than a severity, so problem matchers do not take them for errors).
"""

from __future__ import annotations

from cwlint.engine import ScanResult
from cwlint.findings import ERROR, INFO, WARNING, Finding

_COLOURS = {ERROR: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}
_RESET = "\033[0m"


def render(result: ScanResult, colour: bool = False, show_suppressed: bool = False) -> str:
    lines = []
    for finding in result.findings:
        severity = finding.severity
        if colour:
            severity = f"{_COLOURS.get(severity, '')}{severity}{_RESET}"
        lines.append(f"{position(finding)}: {finding.rule_id} {severity}: "
                     f"{finding.message} [{finding.resource}]")
        if finding.fix:
            lines.append("    fix: " + "\n".join(
                ("      " + line).rstrip() if n else line
                for n, line in enumerate(finding.fix.split("\n"))))
    if show_suppressed:
        for item in result.suppressed:
            finding = item.finding
            lines.append(f"{position(finding)}: {finding.rule_id} suppressed: "
                         f"{finding.message} [{finding.resource}]")
            lines.append(f"    {item.source}: {item.justification}")
    for error in result.errors:
        where = f"{error.file}:{error.line}" if error.line is not None else error.file
        lines.append(f"{where}: error: {error.message}")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def position(finding: Finding) -> str:
    """``path:line:column``, or ``path:line`` when the column is not known (a Terraform
    plan, which has no positions, is reported at line 1)."""
    line = finding.line if finding.line is not None else 1
    if finding.column is None:
        return f"{finding.file}:{line}"
    return f"{finding.file}:{line}:{finding.column}"


def summary(result: ScanResult) -> str:
    """``3 files scanned: 1 error, 0 warnings, 0 info, 0 unreadable inputs`` (and the
    suppressed and baselined counts when there are any)."""
    counts = {s: sum(1 for f in result.findings if f.severity == s)
              for s in (ERROR, WARNING, INFO)}
    text = (
        f"{result.files} file{'s' if result.files != 1 else ''} scanned: "
        f"{counts[ERROR]} error{'s' if counts[ERROR] != 1 else ''}, "
        f"{counts[WARNING]} warning{'s' if counts[WARNING] != 1 else ''}, "
        f"{counts[INFO]} info, "
        f"{len(result.errors)} unreadable input{'s' if len(result.errors) != 1 else ''}"
    )
    inline = sum(1 for s in result.suppressed if s.kind != "baseline")
    baselined = len(result.suppressed) - inline
    if inline:
        text += f", {inline} suppressed"
    if baselined:
        text += f", {baselined} in the baseline"
    return text
