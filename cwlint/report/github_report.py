"""``--format github``: GitHub Actions workflow commands, shown as annotations.

One line per finding, ``::error file=stacks/orders.yaml,line=24,title=CWL001::message``:
``error`` for errors, ``warning`` for warnings, ``notice`` for info. Paths are relative
to the repository root, as GitHub wants them. Values are escaped as the Actions toolkit
escapes them: ``%``, CR and LF in the message; additionally ``:`` and ``,`` in the
properties. Unreadable inputs are ``::error`` lines titled ``cwlint``, suppression
problems ``::warning`` lines, and ``--show-suppressed`` adds a ``::notice`` per
suppressed finding. A plain summary line ends the output.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job) on the
pull request; the rest stay in the log. Use SARIF and code scanning for more.
"""

from __future__ import annotations

from cwlint.engine import ScanResult
from cwlint.findings import ERROR, INFO, WARNING, Finding
from cwlint.report.locations import repository_path, repository_root
from cwlint.report.text_report import summary

COMMANDS = {ERROR: "error", WARNING: "warning", INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """``::name key=value,...::message`` with every part escaped; None values left out."""
    shown = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{name} {shown}::{escape_data(message)}" if shown else \
        f"::{name}::{escape_data(message)}"


def render(result: ScanResult, root: str | None = None, show_suppressed: bool = False) -> str:
    root = root or repository_root()
    lines = [_finding(f, root) for f in result.findings]
    if show_suppressed:
        lines += [_finding(s.finding, root, "notice",
                           f" (suppressed: {s.justification}; {s.source})")
                  for s in result.suppressed]
    lines += [command("error", e.message, file=_path(e.file, root), line=e.line,
                      title="cwlint") for e in result.errors]
    lines += [command("warning", n.message, file=_path(n.file, root), line=n.line,
                      title="cwlint suppression") for n in result.notices]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, root: str, name: str | None = None, suffix: str = "") -> str:
    message = f"{finding.message} [{finding.resource}]{suffix}"
    if finding.fix:
        message += f"\nFix: {finding.fix}"
    return command(name or COMMANDS.get(finding.severity, "warning"), message,
                   file=_path(finding.file, root), line=finding.line or 1,
                   title=finding.rule_id)


def _path(path: str, root: str) -> str:
    return repository_path(path, root) or path
