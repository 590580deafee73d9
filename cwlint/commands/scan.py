"""``cwlint scan``: lint CloudFormation and SAM templates, Terraform modules (.tf) and
Terraform plans (terraform show -json), and report the findings.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it (suppressed and
baselined findings never count); 2 a usage error, an invalid configuration or baseline,
or an input that could not be read (the others are still scanned and reported).

A scan that finds nothing to read says so on stderr and exits 0, as ruff does when it
finds no Python file; a path named on the command line that the configuration's
``exclude`` leaves out is named on stderr with the pattern that excludes it.

``--fix`` applies the safe fixes in place (byte-span edits: the rest of each file stays
byte-identical), scans again and reports what is left; the exit code is that of what is
left. ``--diff`` prints the same edits as a unified diff and writes nothing; it exits 1
when there is something to fix, 0 when not. Only literal values are edited: a value from
a parameter, a variable, a module input or an intrinsic function, and every Terraform
plan, keep their fix as a suggestion.

Colour (text format on a terminal) follows NO_COLOR and FORCE_COLOR. On a terminal, a scan
that runs over a second shows its progress on one line of stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cwlint.errors import UsageError
from cwlint.report.locations import repository_root
from cwlint.scan_options import DEFAULT_ACCOUNT, DEFAULT_REGION, scan_options, shown_path
from cwlint.severities import FAIL_ON, SEVERITY_RANK
from cwlint.terminal import Progress, wants_colour

if TYPE_CHECKING:
    from cwlint.baseline import Baseline
    from cwlint.config import Config
    from cwlint.engine import ScanOptions, ScanResult
    from cwlint.rules.base import Rule

# Building the command line (every cwlint command does) imports none of the engine: a scan
# imports it when it runs. What only some scans need is imported where it is used: the
# report format asked for, the fixes with --fix and --diff, baselines with --baseline and
# --write-baseline.

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
NOTHING_FOUND = "no CloudFormation or SAM template, Terraform module or Terraform plan found"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("scan", help="lint CloudFormation/SAM templates, Terraform "
                                   "modules and plans",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default, path:line:column: lines), json, sarif (code "
                        "scanning), junit, github (annotations), markdown (a job summary or "
                        "pull-request comment)")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    parser.add_argument("--fail-on", choices=FAIL_ON, default=None,
                        help="exit 1 on findings at or above this severity (default: the "
                        "configuration's fail_on, else error)")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: "
                        ".cwlint.yaml, then [tool.cwlint] in pyproject.toml, found from "
                        "the scanned paths upward)")
    parser.add_argument("--region", default=None,
                        help=f"value of AWS::Region (default {DEFAULT_REGION})")
    parser.add_argument("--account-id", default=None,
                        help=f"value of AWS::AccountId (default {DEFAULT_ACCOUNT})")
    parser.add_argument("--baseline", metavar="FILE",
                        help="fail only on findings not recorded in this baseline")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="record the current findings in FILE (then nothing fails)")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--show-suppressed", action="store_true",
                       help="also list suppressed and baselined findings (text, junit, "
                       "github; SARIF and JSON always carry them)")
    shown.add_argument("--hide-suppressed", action="store_true",
                       help="leave suppressed and baselined findings out of every format, "
                       "SARIF included (GitHub code scanning ignores SARIF suppressions)")
    parser.add_argument("--skip-unrecognized", action="store_true",
                        help="skip files named on the command line that are not templates, "
                        "as when walking a directory (for pre-commit)")
    fixing = parser.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the safe fixes in place, then report what is left")
    fixing.add_argument("--diff", action="store_true",
                        help="print the safe fixes as a unified diff; change nothing")
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help="scan the inputs in N worker processes (default: the "
                        "configuration's jobs, else the CPU count, starting workers only "
                        "when the inputs are large enough to repay it; 1: in this process). "
                        "The report is the same whatever N")
    parser.set_defaults(handler=run)


def _jobs(text: str) -> int:
    """``--jobs``: a positive number of worker processes."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of jobs, not {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from cwlint.engine import scan

    config = configuration(args.config, args.paths)
    options = scan_options(config, args)
    with Progress() as progress:
        result = scan(args.paths, options, progress.update if progress.enabled else None)
    baseline = apply_baseline(result, args.write_baseline, args.baseline or config.baseline)
    if args.diff:
        return show_diff(result, args.output)
    if args.fix:
        result = fix_and_rescan(result, args, options, args.baseline or config.baseline)
    if args.hide_suppressed:
        result.suppressed = []
    for notice in result.notices:
        print(f"cwlint: warning: {notice.where()}: {notice.message}", file=sys.stderr)
    if result.files == 0 and not result.errors:
        print(f"cwlint: warning: {NOTHING_FOUND} in {' '.join(args.paths)}", file=sys.stderr)
    fail_on = args.fail_on or config.fail_on or "error"
    text = render(result, args, options.rules, fail_on, baseline is not None)
    write(text, args.output)
    return exit_code(result, fail_on)


#: Passes of --fix: a fix whose edits overlap another's waits for the next one.
MAX_FIX_PASSES = 5


def show_diff(result: ScanResult, output: str | None) -> int:
    """``--diff``: the safe fixes of the findings as a unified diff."""
    from cwlint.fixes.apply import plan_fixes
    from cwlint.fixes.edits import unified_diff

    plan = plan_fixes(result.findings)
    results = plan.results()
    write("".join(unified_diff(path, before, after)
                  for path, (before, after) in results.items()), output)
    print(f"cwlint: would fix {_count(plan.count, 'finding')} "
          f"({_count(sum(len(e) for e in plan.edits.values()), 'edit')} in "
          f"{_count(len(results), 'file')})", file=sys.stderr)
    if result.errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if results else EXIT_OK


def fix_and_rescan(result: ScanResult, args: argparse.Namespace, options: ScanOptions,
                   baseline: str | None) -> ScanResult:
    """``--fix``: write the safe fixes, scan again (until nothing more applies), and
    say on stderr how many findings were fixed."""
    from cwlint.engine import scan
    from cwlint.fixes.apply import finding_edits, plan_fixes, write_fixes

    fixed = 0
    files: set[str] = set()
    for _ in range(MAX_FIX_PASSES):
        plan = plan_fixes(result.findings)
        if not plan.count:
            break
        files.update(write_fixes(plan))
        fixed += plan.count
        result = scan(args.paths, options)
        apply_baseline(result, None, baseline)
    left = sum(1 for f in result.findings if f.fix_data is not None and f.fix_data.safe
               and finding_edits(f))
    message = f"cwlint: fixed {_count(fixed, 'finding')} in {_count(len(files), 'file')}"
    if left:
        message += f" ({left} more fixable: run --fix again)"
    print(message, file=sys.stderr)
    return result


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def configuration(explicit: str | None, paths: list[str]) -> Config:
    """The ``--config`` file, else the one found from the paths upward, else defaults."""
    from cwlint.config import Config, find_config, load_config

    path = explicit or find_config(paths)
    return load_config(shown_path(path)) if path else Config()


def apply_baseline(result: ScanResult, write_to: str | None,
                   read_from: str | None) -> Baseline | None:
    """Write and/or apply a baseline: findings it records move to ``result.suppressed``."""
    if not (write_to or read_from):
        return None
    from cwlint.baseline import read_baseline, write_baseline

    if write_to:
        write_baseline(write_to, result.findings)
        count = len(result.findings)
        print(f"cwlint: recorded {count} finding{'s' if count != 1 else ''} in {write_to}",
              file=sys.stderr)
        read_from = write_to
    if not read_from:
        return None
    baseline = read_baseline(read_from)
    result.findings, known = baseline.split(result.findings)
    result.suppressed = sorted([*result.suppressed, *known], key=lambda s: s.finding.sort_key())
    return baseline


def render(result: ScanResult, args: argparse.Namespace, rules: tuple[type[Rule], ...],
           fail_on: str, baseline: bool) -> str:
    fmt = args.format
    if fmt == "json":
        from cwlint.report import json_report

        return json_report.render(result)
    if fmt == "sarif":
        from cwlint.report import sarif_report

        return sarif_report.render(result, repository_root(), baseline)
    if fmt == "junit":
        from cwlint.report import junit_report

        return junit_report.render(result, rules, fail_on, args.show_suppressed)
    if fmt == "github":
        from cwlint.report import github_report

        return github_report.render(result, repository_root(), args.show_suppressed)
    if fmt == "markdown":
        from cwlint.report import markdown_report

        return markdown_report.render(result, repository_root())
    from cwlint.report import text_report

    colour = args.output is None and wants_colour(sys.stdout)
    return text_report.render(result, colour=colour, show_suppressed=args.show_suppressed)


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
