"""``--format markdown``: a report for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

A heading, the summary line, then a table of the findings (number, severity, rule linked
to its documentation page, ``file:line``, resource, message) and, below it, each finding's fix in
a collapsible ``<details>`` block. Inputs that could not be read follow as a list.

* Paths are relative to the repository root, as in a pull request; a path outside it
  stays as given.
* Text from templates and messages is escaped (in a ``<summary>`` line, raw HTML where
  Markdown is not read, with entities only): ``&``, ``<`` and ``>`` as HTML entities
  (so a value cannot open a tag), and ``\\``, ``|``, backticks, ``*``, ``_``, ``[``, ``]``
  and ``~`` with a backslash (so a value cannot end a table cell, open a code span or a
  link, or turn emphasis on); line breaks inside a cell become ``<br>``.
* Deterministic: findings in the scan's order (file, line, rule), nothing that depends
  on the time or the machine, so a comment is only rewritten when the findings change.
* Short enough for a pull-request comment (GitHub takes 65,536 characters): findings
  beyond :data:`MAX_CHARACTERS` are counted, not listed.
"""

from __future__ import annotations

import html

from cwlint import __version__
from cwlint.engine import ScanResult
from cwlint.findings import Finding
from cwlint.report.locations import repository_path, repository_root
from cwlint.report.text_report import summary
from cwlint.rules import DOCUMENTED_BY_ID

MAX_CHARACTERS = 60_000
HEADER = ("| # | Severity | Rule | Location | Resource | Message |\n"
          "|---:|---|---|---|---|---|")
SEVERITY_LABELS = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}
_BACKSLASHED = "\\|`*_[]~"


def escape(text: str) -> str:
    """Markdown text that shows ``text`` as it is, also inside a table cell."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for character in _BACKSLASHED:
        text = text.replace(character, "\\" + character)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def render(result: ScanResult, root: str | None = None) -> str:
    root = root or repository_root()
    parts = [f"### cwlint\n\n{summary(result)}\n"]
    shown = 0
    if result.findings:
        rows: list[str] = []
        fixes: list[str] = []
        size = sum(len(p) for p in parts) + len(HEADER)
        for number, finding in enumerate(result.findings, start=1):
            row = _row(finding, root, number)
            fix = _fix(finding, root, number)
            size += len(row) + len(fix) + 2
            if size > MAX_CHARACTERS:
                break
            rows.append(row)
            if fix:
                fixes.append(fix)
            shown += 1
        parts.append("\n".join([HEADER, *rows]) + "\n")
        left = len(result.findings) - shown
        if left:
            parts.append(f"{left} more finding{'s' if left != 1 else ''} not listed here "
                         f"(see the SARIF or JSON report).\n")
        if fixes:
            parts.append("#### Fixes\n\n" + "\n".join(fixes))
    else:
        parts.append("No findings.\n")
    if result.errors:
        parts.append("#### Inputs that could not be read\n\n" + "".join(
            f"- {escape(_where(e.file, e.line, root))}: {escape(e.message)}\n"
            for e in result.errors))
    parts.append(f"<sub>cwlint {escape(__version__)}</sub>\n")
    return "\n".join(parts)


def _row(finding: Finding, root: str, number: int) -> str:
    cells = [str(number), SEVERITY_LABELS.get(finding.severity, escape(finding.severity)),
             _rule(finding.rule_id),
             escape(_where(finding.file, finding.line, root)),
             escape(finding.resource),
             escape(finding.message)]
    return "| " + " | ".join(cells) + " |"


def _rule(rule_id: str) -> str:
    """The rule id linked to its documentation page, and its name."""
    rule = DOCUMENTED_BY_ID.get(rule_id)
    if rule is None:
        return escape(rule_id)
    return f"[{rule.id}]({rule.help_uri()}) {escape(rule.name)}"


def _fix(finding: Finding, root: str, number: int) -> str:
    """The finding's fix, folded: the summary names the finding, the body is the fix."""
    if not finding.fix:
        return ""
    title = (f"{number}. {finding.rule_id} on {finding.resource} "
             f"({_where(finding.file, finding.line, root)})")
    return (f"<details>\n<summary>{_html(title)}</summary>\n\n"
            f"{fix_body(finding.fix)}\n\n</details>\n")


def fix_body(fix: str) -> str:
    """A fix in Markdown: its sentences as text, the code under each (the lines indented
    under it, kept so) as a fenced block, so YAML and HCL keep their indentation."""
    parts: list[str] = []
    code: list[str] = []

    def close() -> None:
        if code:
            parts.append("```\n" + "\n".join(code).rstrip("\n") + "\n```")
            code.clear()

    for line in fix.split("\n"):
        if line.startswith("  ") or (not line and code):
            code.append(line)
        else:
            close()
            parts.append(escape(line))
    close()
    return "\n\n".join(parts)


def _html(text: str) -> str:
    """Text inside an HTML line, where Markdown is not read: entities only."""
    return " ".join(html.escape(text, quote=False).split())


def _where(path: str, line: int | None, root: str) -> str:
    shown = repository_path(path, root) or path
    return f"{shown}:{line}" if line is not None else shown
