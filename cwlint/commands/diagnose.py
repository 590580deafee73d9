"""``cwlint diagnose``: explain an AccessDenied message or a connect timeout, and the fix.

The message comes as arguments (quote it), from standard input (``-``) or from a log file
(``--file``). Offline, cwlint names the likely root causes, each tied to a rule, with the
change to make (JSON policy, CloudFormation, Terraform) and read-only AWS CLI commands that
confirm it. ``--live`` checks them against the account with read-only calls (credentials
from the standard chain or ``--profile``).

Exit codes: 0 a diagnosis was produced; 2 no recognisable AWS error in the input, or the
input could not be read.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cwlint.errors import UsageError

if TYPE_CHECKING:  # the diagnosis modules load when the command runs, not for every command
    from cwlint.diagnose.diagnosis import Result

EXAMPLE = """\
examples:
  cwlint diagnose "An error occurred (AccessDenied) when calling the PutMetricData ..."
  pbpaste | cwlint diagnose -
  cwlint diagnose --file /opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log
  cwlint diagnose --file lambda.log --live --profile prod --region eu-west-1
"""


def add_parser(subparsers: Any) -> None:
    """Register ``cwlint diagnose`` and its options."""
    parser = subparsers.add_parser(
        "diagnose",
        help="explain an AccessDenied / timeout message and the fix",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", nargs="*", metavar="TEXT | -",
                        help="the error message (quote it), or - to read standard input")
    parser.add_argument("--file", metavar="LOG", help="read the messages from a log file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--live", action="store_true",
                        help="confirm against the account with read-only AWS calls")
    parser.add_argument("--profile", help="AWS profile for --live")
    parser.add_argument("--region", help="AWS region for --live (default: the message's, "
                        "then the profile's)")
    parser.add_argument("--endpoint-url", metavar="URL",
                        help="send --live calls to this endpoint (a test server)")
    parser.add_argument("--instance-id", metavar="ID",
                        help="for --live: the EC2 instance, when the message does not name it")
    parser.add_argument("--function-name", metavar="NAME",
                        help="for --live: the Lambda function, when the message does not name "
                        "it")
    parser.set_defaults(handler=run)


def read_input(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The text to diagnose and a description of where it came from."""
    from cwlint.diagnose import inputs

    words: list[str] = args.text
    if args.file and words:
        raise UsageError("give the message as TEXT, '-' or --file LOG, not several")
    if args.file:
        return inputs.read_file(args.file), {"source": "file", "file": args.file}
    if words == ["-"]:
        return inputs.read_stdin(), {"source": "stdin", "file": None}
    if "-" in words:
        raise UsageError("'-' (read standard input) must be the only TEXT argument")
    if not words:
        raise UsageError("no message: give it as TEXT (quoted), '-' for standard input, or "
                         "--file LOG")
    return " ".join(words), {"source": "argument", "file": None}


def run(args: argparse.Namespace) -> int:
    """Read the input, diagnose it (and check it with ``--live``), print the result."""
    from cwlint.diagnose import report
    from cwlint.diagnose.diagnosis import diagnose

    live_only = ("profile", "region", "endpoint_url", "instance_id", "function_name")
    given = [f"--{name.replace('_', '-')}" for name in live_only if getattr(args, name)]
    if given and not args.live:
        raise UsageError(f"{', '.join(given)} only applies with --live")
    text, source = read_input(args)
    result = diagnose(text)
    if not result.diagnoses:
        raise UsageError(_nothing_found(result, source))
    if args.live:
        from cwlint.diagnose.live import LiveOptions, run_live

        run_live(result, LiveOptions(args.profile, args.region, args.endpoint_url,
                                     args.instance_id, args.function_name))
    if args.format == "json":
        print(report.to_json(result, source))
    else:
        print(report.to_text(result))
    return 0


def _nothing_found(result: Result, source: dict[str, Any]) -> str:
    where = source["file"] or ("standard input" if source["source"] == "stdin"
                               else "the message")
    if result.unrelated:
        denied = result.unrelated[0]
        return (f"{where}: an AccessDenied for {denied.action}, which is not a call CloudWatch "
                "metrics, logs or alarms make or need; nothing to diagnose")
    if result.elsewhere:
        other = result.elsewhere[0]
        return (f"{where}: a failed connection to {other.host}, which is not a CloudWatch "
                "endpoint (monitoring.* or logs.*); nothing to diagnose")
    return (f"{where}: no AccessDenied message and no failed connection to a CloudWatch "
            "endpoint recognised")
