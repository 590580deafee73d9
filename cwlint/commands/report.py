"""``cwlint report``: render a saved ``cwlint scan --format json`` report in another format.

Scan once, report many times: a CI job runs the scan once with ``--format json`` and
renders the text log, the SARIF upload and the Markdown summary from that file, so every
format shows the same findings and the templates are read once.

    cwlint scan stacks --format json --output cwlint.json
    cwlint report cwlint.json --format sarif --output cwlint.sarif --min-severity warning
    cwlint report cwlint.json --format markdown >> "$GITHUB_STEP_SUMMARY"

The JSON report carries every finding, suppressed finding, unreadable input and warning
about suppressions, so the rendering is byte for byte the one ``cwlint scan`` writes in
that format from the same scan (text, json, sarif, github, markdown; not junit, whose
test cases list every rule for every file scanned, which the JSON report does not
record). Exit codes: 0 when the report was written; 1 with ``--fail-on`` when findings
at or above it remain; 2 when the file cannot be read or is not a cwlint JSON report.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cwlint.commands import scan as scan_command
from cwlint.errors import UsageError
from cwlint.severities import SEVERITY_RANK

if TYPE_CHECKING:  # imported when the command runs: building the command line loads none
    from cwlint.engine import ScanResult
    from cwlint.findings import Finding

SEVERITIES = ("info", "warning", "error")
#: JUnit lists every rule for every file scanned, which a JSON report does not record.
FORMATS = tuple(f for f in scan_command.FORMATS if f != "junit")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="render a saved JSON scan report as text, SARIF, Markdown, ...",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="REPORT.json",
                        help="a report from cwlint scan --format json ('-': standard input)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    parser.add_argument("--min-severity", choices=SEVERITIES, default="info",
                        help="leave out findings below this severity (default: info, all)")
    parser.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                        default="never",
                        help="exit 1 on findings at or above this severity (default: never)")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--show-suppressed", action="store_true",
                       help="also list suppressed and baselined findings (text, junit, github)")
    shown.add_argument("--hide-suppressed", action="store_true",
                       help="leave suppressed and baselined findings out of every format")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cwlint.rules import DOCUMENTED

    result = read_report(args.input)
    threshold = SEVERITY_RANK[args.min_severity]
    result.findings = [f for f in result.findings if SEVERITY_RANK[f.severity] >= threshold]
    result.suppressed = [] if args.hide_suppressed else [
        s for s in result.suppressed if SEVERITY_RANK[s.finding.severity] >= threshold]
    baseline = any(s.kind == "baseline" for s in result.suppressed)
    fail_on = args.fail_on
    text = scan_command.render(result, args, DOCUMENTED, fail_on, baseline)
    scan_command.write(text, args.output)
    if fail_on == "never":
        return scan_command.EXIT_OK
    failing = any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in result.findings)
    return scan_command.EXIT_FINDINGS if failing else scan_command.EXIT_OK


def read_report(path: str) -> ScanResult:
    """The scan result a ``cwlint scan --format json`` report describes."""
    try:
        if path == "-":
            document = json.load(sys.stdin)
        else:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the report: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    try:
        return _result(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"{path}: not a cwlint JSON report ({type(exc).__name__}: "
                         f"{exc})") from None


def _result(document: dict[str, Any]) -> ScanResult:
    from msgspec.structs import replace

    from cwlint.engine import ScanResult
    from cwlint.findings import InputError
    from cwlint.fixes.as_json import fix_from_json
    from cwlint.suppressions import Notice, Suppressed

    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise ValueError("no findings list")
    suppressed = []
    for entry in document.get("suppressed", []):
        how = entry["suppression"]
        suppressed.append(Suppressed(_finding(entry), how["kind"], how["source"],
                                     how["justification"]))
    findings = [_finding(entry) for entry in document["findings"]]
    for entry in document.get("fixes", []):
        fix = fix_from_json(entry)
        if entry["in"] == "findings":
            findings[entry["index"]] = replace(findings[entry["index"]], fix_data=fix)
        else:
            found = suppressed[entry["index"]]
            suppressed[entry["index"]] = replace(
                found, finding=replace(found.finding, fix_data=fix))
    return ScanResult(
        findings=findings,
        errors=[InputError(e["file"], e["message"], e.get("line"))
                for e in document.get("errors", [])],
        files=int(document["summary"]["files"]),
        suppressed=suppressed,
        notices=[Notice(str(n["file"]), n.get("line"), str(n["message"]))
                 for n in document.get("notices", [])],
    )


def _finding(entry: dict[str, Any]) -> Finding:
    from cwlint.findings import Finding, Related

    if entry["severity"] not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {entry['severity']!r}")
    return Finding(
        rule_id=str(entry["rule_id"]), severity=entry["severity"],
        message=str(entry["message"]), file=str(entry["file"]), line=entry.get("line"),
        resource=str(entry["resource"]),
        related=tuple(Related(str(r["resource"]), str(r["file"]), r.get("line"))
                      for r in entry.get("related", [])),
        fix=entry.get("fix"), column=entry.get("column"))
