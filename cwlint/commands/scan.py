"""``cwlint scan``: lint templates and report findings (DESIGN.md §4)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cwlint.engine import ScanOptions, ScanResult, scan
from cwlint.errors import UsageError
from cwlint.findings import SEVERITY_RANK
from cwlint.report import json_report, text_report

FORMATS = ("text", "json")
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("scan", help="lint CloudFormation/SAM templates",
                                   description=__doc__)
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    parser.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                        default="error")
    parser.add_argument("--region", default="us-east-1", help="value of AWS::Region")
    parser.add_argument("--account-id", default="123456789012", help="value of AWS::AccountId")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    options = ScanOptions(region=args.region, account_id=args.account_id)
    result = scan(args.paths, options)
    write(render(result, args.format, args.output), args.output)
    return exit_code(result, args.fail_on)


def render(result: ScanResult, fmt: str, output: str | None) -> str:
    if fmt == "json":
        return json_report.render(result)
    return text_report.render(result, colour=output is None and sys.stdout.isatty())


def write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write the report: {exc.strerror}") from None


def exit_code(result: ScanResult, fail_on: str) -> int:
    if result.errors:
        return EXIT_INPUT
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK
