"""CWL003 log-stream-arn-missing."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from msgspec.structs import replace

from cwlint.findings import ERROR, Finding
from cwlint.fixes import SAFE, SUGGESTION, Fix, ReplaceLiteral
from cwlint.iam.patterns import Mode, Tokens, Wild, match
from cwlint.iam.policy import Statement
from cwlint.iam.tri import Tri, tri_any
from cwlint.model import Model
from cwlint.rules.base import Rule
from cwlint.rules.resource_types import POLICY_BEARING
from cwlint.rules.workload_findings import describe_policy
from cwlint.values import Unknown

STREAM_ACTIONS = ("logs:PutLogEvents", "logs:CreateLogStream")
#: Actions authorized on ``log-group:NAME:log-stream:...``: ``:*`` after the group's ARN
#: loses none of them (``logs:CreateLogGroup`` is authorized on an empty stream name).
STREAM_LEVEL_ACTIONS = frozenset(a.lower() for a in (*STREAM_ACTIONS, "logs:CreateLogGroup"))


def can_match_stream(pattern: Tokens) -> Tri:
    """Could a Resource pattern match some log-stream ARN
    (``arn:aws:logs:R:A:log-group:NAME:log-stream:STREAM``)?

    Log group names contain no colon, so without a ``*`` that ends a segment (and spans
    the colons after it) a pattern must spell ``log-stream`` out to reach a stream.
    """
    if any(isinstance(t, Unknown) for t in pattern):
        if not _unknowns_only_in_group_name(pattern):
            return Tri.MAYBE
        # an unknown log group name holds no colon and no wildcard: plain text
        pattern = tuple("NAME" if isinstance(t, Unknown) else t for t in pattern)
    for index, token in enumerate(pattern):
        if token is Wild.STAR:
            following = pattern[index + 1] if index + 1 < len(pattern) else None
            if following is None or (isinstance(following, str) and following.startswith(":")):
                return Tri.YES
    text = "".join(t if isinstance(t, str) else "?" for t in pattern)
    return Tri.of(":log-stream:" in text)


def _unknowns_only_in_group_name(pattern: Tokens) -> bool:
    """Is every unknown piece part of the log group's name (after ``:log-group:``, with
    no colon between it and the end of the pattern)? Such a piece is a name, and log
    group names hold no colon (``[.-_/#A-Za-z0-9]+``), so it cannot reach a stream."""
    seen = ""
    for index, token in enumerate(pattern):
        if isinstance(token, str):
            seen += token
        elif isinstance(token, Unknown):
            if ":log-group:" not in seen or ":" in seen.rsplit(":log-group:", 1)[1]:
                return False
            rest = "".join(t for t in pattern[index + 1:] if isinstance(t, str))
            if ":" in rest:
                return False
        else:
            seen += "*"
    return True


class BareGrant(msgspec.Struct, frozen=True):
    """A log-group ARN a statement grants stream write actions on that matches no stream."""

    resource: str  # as written
    pattern: Tokens
    actions: tuple[str, ...]


def bare_group_grants(statement: Statement) -> tuple[list[BareGrant], bool]:
    """The Resources of ``statement`` that grant ``logs:PutLogEvents`` /
    ``logs:CreateLogStream`` on a log group but can match none of its streams, and whether
    the statement reaches some stream anyway (another Resource, or ``NotResource``)."""
    actions = tuple(_grants_stream_action(statement))
    if not actions:
        return [], False
    if statement.resources is None:
        return [], True  # NotResource: reaches streams unless excluded
    grants, reaches = [], False
    for raw, pattern in zip(statement.raw_resources, statement.resources, strict=True):
        if can_match_stream(pattern) is not Tri.NO or not targets_log_group(pattern):
            reaches = True
        else:
            grants.append(BareGrant(str(raw), pattern, actions))
    return grants, reaches


def targets_log_group(pattern: Tokens) -> bool:
    text = "".join(t for t in pattern if isinstance(t, str))
    return ":log-group:" in text


def _grants_stream_action(statement: Statement) -> list[str]:
    if statement.effect != "Allow" or statement.actions is None:
        return []
    return [a for a in STREAM_ACTIONS
            if tri_any(match(p, a, Mode.ACTION) for p in statement.actions) is Tri.YES]


def _fix(model: Model, resource: str, bare: dict[str, list[str]]) -> Fix:
    """``:*`` after each bare ARN: safe when every statement of the resource that names
    one grants only stream-level actions (another action may need the bare ARN)."""
    changes = tuple(ReplaceLiteral(resource, arn, f"{arn}:*") for arn in sorted(bare))
    for standalone in model.policies:
        if standalone.location.resource != resource:
            continue
        for statement in standalone.policy.statements:
            if not any(isinstance(r, str) and r in bare for r in statement.raw_resources):
                continue
            if statement.effect != "Allow" or statement.actions is None or not all(
                    isinstance(a, str) and a.lower() in STREAM_LEVEL_ACTIONS
                    for a in statement.raw_actions):
                return Fix(changes, SUGGESTION)
    return Fix(changes, SAFE)


class LogStreamArnMissing(Rule):
    """`logs:PutLogEvents` (or `logs:CreateLogStream`) is granted only on resources that
    can never match a log-stream ARN.

    CloudWatch Logs authorizes both calls on the *stream*:
    `arn:aws:logs:R:A:log-group:NAME:log-stream:STREAM`. A grant on the bare group ARN
    `arn:aws:logs:R:A:log-group:NAME` matches no stream. A trailing `*` does:
    `log-group:NAME:*` and `log-group:/myapp/*` both cover the streams, because a `*` that
    ends an ARN segment spans the colons after it.

    **Why monitoring goes silent.** The policy reads as "may write to the group", the
    deploy succeeds, and every PutLogEvents is denied.

    **Failing example (Terraform).**
    ```hcl
    resources = [aws_cloudwatch_log_group.app.arn]   # no ":*" in Terraform's arn
    ```

    **Fix (Terraform).** `resources = ["${aws_cloudwatch_log_group.app.arn}:*"]`.

    **Fix (CloudFormation).** `Resource: !GetAtt AppLogGroup.Arn` (it already ends in
    `:*`), or `!Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/app:*"`.

    **Fixable.** `cwlint scan --fix` appends `:*` where the ARN is written literally (or
    in an `Fn::Sub` of pseudo parameters only) and the statements naming it grant only
    `logs:CreateLogStream`, `logs:PutLogEvents` and `logs:CreateLogGroup`; an ARN from a
    reference or a variable stays a suggestion.
    """

    id = "CWL003"
    name = "log-stream-arn-missing"
    title = "Log write permission granted only on a bare log-group ARN"
    severity = ERROR
    ensures = "Ensure log write permissions cover log-stream ARNs, not only the log group's"
    reports_on = POLICY_BEARING
    fixable = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The resources whose policies grant a log-stream write action."""
        return [s.location.resource for s in model.policies
                if any(_grants_stream_action(st) for st in s.policy.statements)]

    def check(self, model: Model) -> Iterable[Finding]:
        for standalone in model.policies:
            policy = standalone.policy
            bare: dict[str, list[str]] = {}
            reaches_streams = False
            for statement in policy.statements:
                grants, reaches = bare_group_grants(statement)
                reaches_streams = reaches_streams or reaches
                for grant in grants:
                    for action in grant.actions:
                        bare.setdefault(grant.resource, []).append(action)
            if bare and not reaches_streams:
                resources = ", ".join(sorted(bare))
                actions = ", ".join(sorted({a for acts in bare.values() for a in acts}))
                finding = Finding.at(
                    standalone.location, self.id, self.severity,
                    f"{describe_policy(standalone)} grants {actions} only on {resources}, "
                    f"which matches no "
                    f"log stream: these calls are authorized on "
                    f"...:log-group:NAME:log-stream:STREAM",
                    fix="Append ':*' to the log group ARN: "
                    + ", ".join(f"{r}:*" for r in sorted(bare)),
                )
                yield replace(finding, fix_data=_fix(model, standalone.location.resource, bare))


