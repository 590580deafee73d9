"""The check CWL021 (awslogs) and CWL023 (FireLens) share: can one role ship the logs of
each container of an ECS task definition to its log group?

Per container output, the role needs ``logs:CreateLogStream`` and ``logs:PutLogEvents`` on
the group's streams, and ``logs:CreateLogGroup`` when the output creates its group
(``awslogs-create-group``, ``auto_create_group``) and the input does not declare it: both
the awslogs driver (moby daemon/logger/awslogs, Fargate too) and Fluent Bit's CloudWatch
output call CreateLogStream first and CreateLogGroup only when the group is missing. The
rule supplies the group's ARN and its own words; the verdicts and the finding's shape are
shared.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from cwlint.findings import Finding, Related
from cwlint.fixes import Fix, GrantStatements
from cwlint.model import Location, LogDriver, Model, Role
from cwlint.rules.access import Access, Verdict, check_access
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import Requirement, fix_statement, fix_statements
from cwlint.values import Partial, StrValue, Unknown, concat

STREAM_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


class OutputCalls(msgspec.Struct, frozen=True):
    """How one rule words the calls of one container output."""

    rule_id: str
    group_arn: Callable[[LogDriver], StrValue]  # the group's ARN, without ``:*``
    stream_name: str  # why the stream name is unknown
    purpose: Callable[[LogDriver], str]  # "ship container app's logs"
    create_purpose: str  # "create the group (awslogs-create-group)"
    #: True: a call on a group whose name is not known is undecided unless the role allows
    #: it whatever the name (FireLens); False: it is decided as any other (awslogs)
    unknown_group_undecided: bool = False


class RoleVerdicts(msgspec.Struct):
    """The calls the role lacks (no Allow), has removed (a Deny, a boundary, an SCP), or
    may lack (unknown); ``unknown_groups``: why the group of a call is not known."""

    missing: list[tuple[Requirement, Access]] = msgspec.field(default_factory=list)
    removed: list[tuple[Requirement, Access]] = msgspec.field(default_factory=list)
    unknown: list[tuple[Requirement, Access]] = msgspec.field(default_factory=list)
    unknown_groups: set[str] = msgspec.field(default_factory=set)

    def reasons(self) -> list[str]:
        """Why the unknown verdicts are unknown, sorted."""
        return sorted({x for _, a in self.unknown for x in a.reasons} | self.unknown_groups)


def output_requirements(model: Model, outputs: list[LogDriver], words: OutputCalls
                        ) -> list[tuple[Requirement, bool]]:
    """The calls of every output, each with whether its group's name is known."""
    needed: list[tuple[Requirement, bool]] = []
    for output in outputs:
        arn = words.group_arn(output)
        stream = concat([arn, ":log-stream:", Unknown(words.stream_name)])
        grant = concat([arn, ":*"])
        known = not (words.unknown_group_undecided and isinstance(output.group, Unknown))
        needed += [(Requirement(words.rule_id, action, stream, words.purpose(output),
                                grant=grant), known)
                   for action in STREAM_ACTIONS]
        if output.create_group is True and model.log_group_named(output.group) is None:
            needed.append((Requirement(words.rule_id, "logs:CreateLogGroup",
                                       concat([arn, ":log-stream:"]), words.create_purpose,
                                       grant=grant), known))
    return needed


def role_verdicts(model: Model, role: Role, needed: list[tuple[Requirement, bool]]
                  ) -> RoleVerdicts:
    """Decide each call for ``role``. A call on a group whose name is not known is unknown
    unless the role allows it whatever the name."""
    verdicts = RoleVerdicts()
    for requirement, known in needed:
        access = check_access(model, role, requirement.action, requirement.resource)
        if not known and access.verdict in (Verdict.MISSING, Verdict.REMOVED,
                                            Verdict.UNKNOWN):
            verdicts.unknown_groups.add(_reason(requirement.resource))
            continue
        bucket = {Verdict.MISSING: verdicts.missing, Verdict.REMOVED: verdicts.removed,
                  Verdict.UNKNOWN: verdicts.unknown}.get(access.verdict)
        if bucket is not None:
            bucket.append((requirement, access))
    return verdicts


def denied_finding(location: Location, rule_id: str, severity: str, role: Role,
                   verdicts: RoleVerdicts, lead: str) -> Finding | None:
    """The finding for the calls ``role`` lacks or has removed: ``lead`` (which names the
    task definition and the role) then what the role lacks; None when it lacks nothing."""
    missing, removed = verdicts.missing, verdicts.removed
    if not missing and not removed:
        return None
    parts = []
    if missing:
        parts.append("has no Allow for " + _described(missing))
    if removed:
        parts.append("has " + _described(removed) + " removed by "
                     + "; ".join(sorted({a.removed_by() for _, a in removed})))
    needed = [r for r, _ in missing + removed]
    return with_fix(Finding.at(location, rule_id, severity, lead + " and ".join(parts),
                               (Related.of(role.location),),
                               f"Add to role {role.id}: " + fix_statement(needed)),
                    Fix((GrantStatements(role.id, fix_statements(needed)),)))


def _described(items: list[tuple[Requirement, Access]]) -> str:
    return ", ".join(sorted({f"{r.action} on {r.grant_pattern()}" for r, _ in items}))


def _reason(value: StrValue) -> str:
    parts = value.unknowns if isinstance(value, Partial) else ()
    return parts[0].reason if parts else str(value)
