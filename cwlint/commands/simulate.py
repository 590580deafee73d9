"""``cwlint iam simulate``: decide requests against policy files, offline.

Each ``--policy`` file is an identity policy (or a JSON list of them), ``--boundary`` a
permissions boundary, and each ``--scp`` file one level of service control policies (a
JSON list in one file is several SCPs at the same level, which are ORed; levels are
ANDed). Files may also be what the AWS CLI prints for ``get-policy-version`` or
``get-role-policy``. Every ``--action`` is decided on every ``--resource``.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, NamedTuple

from cwlint.errors import UsageError

if TYPE_CHECKING:  # the evaluator is imported when the command runs: building the command
    from cwlint.iam.evaluator import Decision  # line (every cwlint command does) loads none

BOUNDARY = "permissions_boundary"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="decide actions on resources against policy files",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--policy", action="append", required=True, metavar="FILE",
                        help="identity policy file (repeatable)")
    parser.add_argument("--action", action="append", required=True, metavar="ACTION",
                        help="action such as cloudwatch:PutMetricData (repeatable)")
    parser.add_argument("--resource", action="append", metavar="ARN",
                        help="resource ARN (repeatable; default *)")
    parser.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                        help="request context value (repeat a key for several values)")
    parser.add_argument("--boundary", metavar="FILE", help="permissions boundary policy file")
    parser.add_argument("--scp", action="append", default=[], metavar="FILE",
                        help="service control policy file, one level each (repeatable)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


class Outcome(NamedTuple):
    """What the policies decide for one action on one resource. (A NamedTuple: this
    module is imported to build every command line, which loads no msgspec.)"""

    action: str
    resource: str
    decision: Decision


def run(args: argparse.Namespace) -> int:
    from cwlint.iam.evaluator import Layer, Request, evaluate, normalize_context
    from cwlint.iam.policy_files import load_policy_file

    identity = [p for path in args.policy for p in load_policy_file(path, "policy")]
    guards = []
    if args.boundary:
        guards.append(Layer(BOUNDARY, tuple(load_policy_file(args.boundary, BOUNDARY))))
    for level, path in enumerate(args.scp, start=1):
        guards.append(Layer(f"scp[{level}]", tuple(load_policy_file(path, f"scp[{level}]"))))
    context = normalize_context(parse_context(args.context))
    outcomes = [
        Outcome(action, resource, evaluate(Request(action, resource, context), identity, guards))
        for action in args.action
        for resource in (args.resource or ["*"])
    ]
    if args.format == "json":
        print(json.dumps(to_json(outcomes), indent=2))
    else:
        print("\n".join(to_text(o) for o in outcomes))
    return 0


def parse_context(pairs: list[str]) -> dict[str, list[str]]:
    context: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--context takes KEY=VALUE, not {pair!r}")
        context.setdefault(key.strip(), []).append(value)
    return context


def to_json(outcomes: list[Outcome]) -> dict[str, Any]:
    from cwlint.iam.evaluator import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, UNKNOWN

    severity = {EXPLICIT_DENY: 3, IMPLICIT_DENY: 2, UNKNOWN: 1, ALLOWED: 0}
    if len(outcomes) == 1:
        only = outcomes[0]
        return {"action": only.action, "resource": only.resource, **only.decision.to_json()}
    worst = max(outcomes, key=lambda o: severity[o.decision.decision])
    return {
        "decision": worst.decision.decision,
        "statements": [s for o in outcomes for s in o.decision.to_json()["statements"]],
        "results": [
            {"action": o.action, "resource": o.resource, **o.decision.to_json()} for o in outcomes
        ],
    }


def to_text(outcome: Outcome) -> str:
    from cwlint.iam.evaluator import ALLOWED, EXPLICIT_DENY

    decision = outcome.decision
    lines = [f"{outcome.action} on {outcome.resource}: {decision.decision}"]
    for result in decision.statements:
        verb = {ALLOWED: "allowed by", EXPLICIT_DENY: "denied by"}.get(
            decision.decision, "depends on"
        )
        lines.append(f"  {verb} {result.layer} {result.policy} {result.statement.label}")
    for layer in decision.missing_allow:
        where = "the identity policies" if layer == "identity" else layer
        lines.append(f"  no statement in {where} allows it")
    for reason in decision.unknown_reasons:
        lines.append(f"  unknown: {reason}")
    return "\n".join(lines)
