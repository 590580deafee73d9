"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One run. ``tool.driver.rules`` lists every rule (id, name, short and full description,
help text and markdown, helpUri, default level, tags, cfn-lint and checkov ids), so a
consumer can tell "ran and found nothing" from "not a rule". Each result has:

* ``locations[0].physicalLocation``: the file relative to the repository root
  (``uriBaseId: %SRCROOT%``) and a full region (start/end line and column, which GitHub
  requires), plus the resource as a logical location;
* ``relatedLocations`` for the role, policy, boundary... named in ``related``, linked
  from the message (``[OrdersRole](1)``, which GitHub renders as a link);
* ``partialFingerprints["cwlintFindingHash/v1"]``: rule, file, resource and normalized
  message, so it survives line moves and reformatting (the baseline's fingerprint).
  ``primaryLocationLineHash`` is left to ``upload-sarif``, which computes it and would
  warn about every result whose value differs from its own;
* ``suppressions`` on every result (empty when not suppressed; SARIF requires all or
  none): ``inSource`` with the reason for inline suppressions, ``external`` for baseline
  matches, and ``baselineState`` new/unchanged when a baseline is in use;
* the fix: in the message text (GitHub ignores ``fixes``), and as a real ``fixes`` entry
  only when the exact replacement is known (see :mod:`cwlint.report.sarif_fixes`).

GitHub's limits are respected: at most 25,000 results per run (beyond that the least
severe are left out, with a notification saying so), descriptions cut to 1,024
characters, names to 255, fewer than 10 tags per rule, one location per result.
"""

from __future__ import annotations

import json
from typing import Any

from cwlint import __version__
from cwlint.baseline import fingerprint
from cwlint.engine import ScanResult
from cwlint.findings import ERROR, INFO, SEVERITY_RANK, WARNING, Finding, Related
from cwlint.report.locations import artifact_uri, repository_root, source_lines, utf16_length
from cwlint.report.sarif_fixes import sarif_fixes
from cwlint.rules import DOCUMENTED
from cwlint.rules.base import Rule
from cwlint.suppressions import Suppressed

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
INFORMATION_URI = "https://github.com/cwlint/cwlint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "cwlintFindingHash/v1"
MAX_RESULTS = 25_000  # GitHub rejects a run with more
MAX_DESCRIPTION = 1024
MAX_NAME = 255
MAX_RELATED = 100
LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}
PROBLEM_SEVERITY = {ERROR: "error", WARNING: "warning", INFO: "recommendation"}
GROUP_TAGS = {"0": "iam", "1": "network", "2": "logs", "3": "cross-account", "4": "alarms"}


def render(result: ScanResult, root: str | None = None, baseline: bool = False) -> str:
    """The SARIF log of a scan; ``root`` is the repository root (found when None),
    ``baseline`` whether a baseline decided which findings are new."""
    root = root or repository_root()
    entries: list[tuple[Finding, Suppressed | None]] = [(f, None) for f in result.findings]
    entries += [(s.finding, s) for s in result.suppressed]
    entries, dropped = _within_limit(entries)
    rule_index = {rule.id: index for index, rule in enumerate(DOCUMENTED)}
    run: dict[str, Any] = {
        "tool": {"driver": _driver()},
        "invocations": [_invocation(result, dropped, root)],
        "columnKind": "utf16CodeUnits",
        "results": [_result(f, s, root, rule_index, baseline) for f, s in entries],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _within_limit(entries: list[tuple[Finding, Suppressed | None]]
                  ) -> tuple[list[tuple[Finding, Suppressed | None]], int]:
    """Sorted entries, the least important left out beyond GitHub's limit."""
    entries.sort(key=lambda e: e[0].sort_key())
    if len(entries) <= MAX_RESULTS:
        return entries, 0
    ranked = sorted(entries, key=lambda e: (e[1] is not None, -SEVERITY_RANK[e[0].severity]))
    kept = ranked[:MAX_RESULTS]
    kept.sort(key=lambda e: e[0].sort_key())
    return kept, len(entries) - MAX_RESULTS


# --- rules ---------------------------------------------------------------------------


def _driver() -> dict[str, Any]:
    return {"name": "cwlint", "version": __version__, "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [descriptor(rule) for rule in DOCUMENTED]}


def descriptor(rule: type[Rule]) -> dict[str, Any]:
    """The reportingDescriptor of a rule."""
    documentation = rule.documentation()
    return {
        "id": rule.id,
        "name": _cut(rule.name, MAX_NAME),
        "shortDescription": {"text": _cut(rule.title, MAX_DESCRIPTION)},
        "fullDescription": {"text": _cut(_first_paragraph(documentation).replace("``", "`"),
                                         MAX_DESCRIPTION)},
        "help": {"text": documentation, "markdown": documentation},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": tags(rule),
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
            "cfn-lint-id": rule.cfn_lint_id(),
            "checkov-id": rule.checkov_id(),
        },
    }


def tags(rule: type[Rule]) -> list[str]:
    """Filterable tags: the tool's topic and the rule's group (00x identity, 01x
    network, 02x logs, 03x cross-account, 04x alarms)."""
    group = GROUP_TAGS.get(rule.number()[1:2], "other")
    return ["cloudwatch", "monitoring", group]


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n", 1)[0].split())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- results -------------------------------------------------------------------------


def _result(finding: Finding, suppressed: Suppressed | None, root: str,
            rule_index: dict[str, int], baseline: bool) -> dict[str, Any]:
    location = physical_location(finding.file, finding.line, root, finding.column)
    related = finding.related[:MAX_RELATED]
    result: dict[str, Any] = {"ruleId": finding.rule_id}
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    result["level"] = LEVELS.get(finding.severity, "warning")
    result["message"] = {"text": message_text(finding, related)}
    result["locations"] = [{"physicalLocation": location,
                            "logicalLocations": [{"name": finding.resource,
                                                  "kind": "resource"}]}]
    if related:
        result["relatedLocations"] = [_related(r, number, root)
                                      for number, r in enumerate(related, start=1)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(finding, root)}
    result["suppressions"] = [] if suppressed is None else [_suppression(suppressed)]
    if baseline:
        known = suppressed is not None and suppressed.kind == "baseline"
        result["baselineState"] = "unchanged" if known else "new"
    fixes = sarif_fixes(finding, location["artifactLocation"])
    if fixes:
        result["fixes"] = fixes
    return result


def message_text(finding: Finding, related: tuple[Related, ...]) -> str:
    """The finding's message, links to its related locations, then its fix."""
    text = finding.message
    if related:
        links = ", ".join(f"[{_link_text(r.resource)}]({n})"
                          for n, r in enumerate(related, start=1))
        text += f"\n\nRelated: {links}."
    if finding.fix:
        text += f"\n\nFix: {finding.fix}"
    return text


def _link_text(text: str) -> str:
    """Embedded-link text with SARIF's escapes for ``\\``, ``[`` and ``]``."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def physical_location(path: str, line: int | None, root: str,
                      column: int | None = None) -> dict[str, Any]:
    """A physicalLocation with a full region: the line's text from ``column`` (1-based, in
    characters; else from its first character that is not blank) to its end."""
    uri, relative = artifact_uri(path, root)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    number = line if line is not None and line > 0 else 1
    lines = source_lines(path)
    text = lines[number - 1] if number <= len(lines) else ""
    if column is not None and 1 <= column <= len(text):
        start = utf16_length(text[: column - 1]) + 1
    else:
        start = utf16_length(text) - utf16_length(text.lstrip()) + 1
    end = max(start, utf16_length(text.rstrip()) + 1)
    return {"artifactLocation": artifact,
            "region": {"startLine": number, "startColumn": start,
                       "endLine": number, "endColumn": end}}


def _related(related: Related, number: int, root: str) -> dict[str, Any]:
    return {"id": number, "physicalLocation": physical_location(related.file, related.line,
                                                                root),
            "message": {"text": related.resource}}


def _suppression(suppressed: Suppressed) -> dict[str, Any]:
    kind = "external" if suppressed.kind == "baseline" else "inSource"
    return {"kind": kind, "status": "accepted",
            "justification": f"{suppressed.justification} ({suppressed.source})"}


# --- invocation ----------------------------------------------------------------------


def _invocation(result: ScanResult, dropped: int, root: str) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    execution = [_notification("error", e.message, e.file, e.line, root) for e in result.errors]
    if dropped:
        execution.append({"level": "warning", "message": {
            "text": f"{dropped} less severe results were left out: GitHub code scanning "
                    f"accepts at most {MAX_RESULTS} results per run"}})
    if execution:
        invocation["toolExecutionNotifications"] = execution
    configuration = [_notification("warning", n.message, n.file, n.line, root)
                     for n in result.notices]
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    return invocation


def _notification(level: str, message: str, path: str, line: int | None,
                  root: str) -> dict[str, Any]:
    location = physical_location(path, line, root)
    if line is None:
        location = {"artifactLocation": location["artifactLocation"]}
    return {"level": level, "message": {"text": message},
            "locations": [{"physicalLocation": location}]}
