"""The ``cwlint`` command line: ``scan``, ``rules``, ``explain``, ``iam simulate``,
``diagnose`` and ``plugin-path``.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 a usage
error or an input that could not be read. No command prints a traceback: an unexpected
failure is reported on one line and exits 2.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
from collections.abc import Sequence

from cwlint import __version__
from cwlint.commands import diagnose, plugin_path, report, rules, scan, simulate
from cwlint.errors import UsageError

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cwlint",
        description="Find the infrastructure code that makes CloudWatch metrics and logs go "
        "silent,\nin CloudFormation and SAM templates, Terraform configurations (.tf) and "
        "Terraform plans\n(terraform show -json).",
        epilog="examples:\n"
        "  cwlint scan                      every template, module and plan under .\n"
        "  cwlint scan infra/ plan.json     a Terraform module and a plan\n"
        "  cwlint scan --format markdown    a report for a pull request or job summary\n"
        "  cwlint explain CWL004            a rule's documentation and its fixes\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cwlint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    scan.add_parser(commands)
    report.add_parser(commands)
    rules.add_parsers(commands)
    diagnose.add_parser(commands)
    plugin_path.add_parser(commands)
    iam = commands.add_parser("iam", help="IAM policy tools")
    iam_commands = iam.add_subparsers(dest="iam_command", metavar="COMMAND")
    simulate.add_parser(iam_commands)
    iam.set_defaults(handler=lambda _args: _missing(iam))
    return parser


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def tune_garbage_collector() -> None:
    """Templates decode into millions of small acyclic objects that reference counting
    frees; the cyclic collector's repeated full scans of them cost more than half of the
    parse time. Freeze what the imports built, make full collections rare and young ones
    too: one every million objects allocated and kept (a 10,000-resource plan or module
    allocates fewer; each young collection took 20 to 60 ms there, its objects referring
    to the large structures already built, which live until the scan ends). And at exit,
    freeze what is still alive (the syntax trees of a scan's files), which the
    interpreter's final collections would otherwise traverse only to drop it with the
    process: 0.7 s of CPU on a 10,000-resource Terraform module. (Nothing that needs
    finalizing is left to them: files are written and closed in ``with`` blocks.)"""
    gc.freeze()
    gc.set_threshold(1_000_000, 50, 1_000)
    atexit.unregister(gc.freeze)  # once, however many times main() runs in one process
    atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    tune_garbage_collector()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _missing(parser)
    try:
        return int(handler(args))
    except UsageError as exc:
        print(f"cwlint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a traceback
        print(f"cwlint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
