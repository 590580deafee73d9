"""Turning checked requirements into findings on the workload, one per workload and cause."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cwlint.findings import INFO, Finding, Related
from cwlint.model import Model, Workload
from cwlint.rules.access import Verdict
from cwlint.rules.requirements import (
    Checked,
    checked_requirements,
    fix_statement,
    requirements,
)


def role_related(workload: Workload) -> tuple[Related, ...]:
    return (Related.of(workload.role.location),) if workload.role else ()


def describe_workload(workload: Workload) -> str:
    kinds = {"lambda": "Lambda function", "ec2-instance": "EC2 instance",
             "launch-template": "launch template", "ecs-task": "ECS task definition"}
    return f"{kinds.get(workload.kind, workload.kind)} {workload.id}"


def missing_findings(
    model: Model,
    rule_id: str,
    severity: str,
    select: Callable[[Checked], bool] = lambda _c: True,
    report_no_profile: bool = True,
) -> Iterable[Finding]:
    """One finding per workload for its requirements of ``rule_id`` that no Allow grants,
    and one info finding for those that cannot be decided."""
    for workload in model.workloads:
        if workload.role is None:
            yield from _roleless(model, workload, rule_id, severity, report_no_profile)
            continue
        mine = [c for c in checked_requirements(model, workload)
                if c.requirement.rule_id == rule_id and select(c)]
        missing = [c for c in mine if c.access.verdict is Verdict.MISSING]
        unknown = [c for c in mine if c.access.verdict is Verdict.UNKNOWN]
        location = workload.location.at(workload.role_line)
        role = workload.role.id
        if missing:
            needs = "; ".join(f"{c.requirement.action} to {c.requirement.purpose} "
                              f"(on {c.requirement.resource})" for c in missing)
            yield Finding.at(
                location, rule_id, severity,
                f"{describe_workload(workload)} runs as role {role}, which has no Allow for "
                f"{needs}",
                role_related(workload),
                f"Add to role {role}: " + fix_statement([c.requirement for c in missing]),
            )
        if unknown:
            reasons = sorted({r for c in unknown for r in c.access.reasons})
            actions = ", ".join(sorted({c.requirement.action for c in unknown}))
            yield Finding.at(
                location, rule_id, INFO,
                f"cannot tell whether role {role} of {describe_workload(workload)} allows "
                f"{actions}: " + "; ".join(reasons),
                role_related(workload),
            )


def _roleless(model: Model, workload: Workload, rule_id: str, severity: str,
              report_no_profile: bool) -> Iterable[Finding]:
    """A workload with requirements but no role: no instance profile, or a role that
    could not be linked."""
    needed = [r for r in requirements(model, workload) if r.rule_id == rule_id]
    if not needed:
        return
    actions = ", ".join(sorted({r.action for r in needed}))
    if workload.role_unknown is not None:
        yield Finding.at(
            workload.location.at(workload.role_line), rule_id, INFO,
            f"cannot tell whether {describe_workload(workload)} may call {actions}: its role "
            f"is not known ({workload.role_unknown.reason})",
        )
    elif not workload.has_instance_profile and report_no_profile:
        yield Finding.at(
            workload.location, rule_id, severity,
            f"{describe_workload(workload)} has no instance profile, so it has no credentials "
            f"to call {actions}",
            fix="Attach an instance profile whose role grants: "
            + fix_statement(needed),
        )
