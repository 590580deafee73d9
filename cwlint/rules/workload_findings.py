"""Turning checked requirements into findings on the workload, one per workload and cause."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cwlint.findings import INFO, Finding, Related
from cwlint.fixes import Advice, AttachRole, Change, Fix, GrantStatements
from cwlint.iam.evaluator import EXPLICIT_DENY
from cwlint.model import Model, StandalonePolicy, Workload
from cwlint.rules.access import Verdict
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import (
    Checked,
    Requirement,
    checked_requirements,
    fix_statements,
    requirements,
)

#: The field through which each kind of instance gets its instance profile.
PROFILE_FIELDS = {"ec2-instance": "instance.profile",
                  "launch-template": "launch_template.profile",
                  "launch-configuration": "launch_configuration.profile"}


def role_related(workload: Workload) -> tuple[Related, ...]:
    return (Related.of(workload.role.location),) if workload.role else ()


def grant_to(workload: Workload, needed: list[Requirement]) -> GrantStatements:
    """The statements that grant ``needed``, for the workload's role, or for a SAM
    function's own ``Policies`` when the role is the one SAM creates for it."""
    assert workload.role is not None
    if workload.role.implicit:
        return GrantStatements(workload.id, fix_statements(needed), sam_function=True)
    return GrantStatements(workload.role.id, fix_statements(needed))


def describe_policy(standalone: StandalonePolicy) -> str:
    """``policy NAME``, with the resource that carries it when that has another name."""
    name, resource = standalone.policy.name, standalone.location.resource
    if resource in name:  # "OrdersFunction inline policy 0", a logical id
        return name if "policy" in name else f"policy {name}"
    return f"policy {name} of {resource}"


def describe_workload(workload: Workload) -> str:
    kinds = {"lambda": "Lambda function", "ec2-instance": "EC2 instance",
             "launch-template": "launch template",
             "launch-configuration": "launch configuration", "ecs-task": "ECS task definition"}
    return f"{kinds.get(workload.kind, workload.kind)} {workload.id}"


def workloads_needing(model: Model, *rule_ids: str) -> list[str]:
    """The workloads (their resource ids) with a requirement of one of ``rule_ids``
    (of any rule when none is given): the subjects of the rules about them."""
    key = "requirement_rules"
    if key not in model.cache:  # rule ids of each workload's requirements, computed once
        model.cache[key] = [(w.location.resource, {r.rule_id for r in requirements(model, w)})
                            for w in model.workloads]
    return [resource for resource, rules in model.cache[key]
            if rules and (not rule_ids or not rules.isdisjoint(rule_ids))]


def missing_findings(
    model: Model,
    rule_id: str,
    severity: str,
    select: Callable[[Checked], bool] = lambda _c: True,
    report_no_profile: bool = True,
    advice: str = "",
) -> Iterable[Finding]:
    """One finding per workload for its requirements of ``rule_id`` that no Allow grants,
    and one info finding for those that cannot be decided. ``advice`` ends the fix text
    with an alternative (e.g. the managed policy that grants everything a rule needs)."""
    for workload in model.workloads:
        if workload.role is None:
            yield from _roleless(model, workload, rule_id, severity, report_no_profile, advice)
            continue
        mine = [c for c in checked_requirements(model, workload)
                if c.requirement.rule_id == rule_id and select(c)]
        missing = [c for c in mine if c.access.verdict is Verdict.MISSING
                   and c.requirement.certain]
        unknown = [c for c in mine if c.access.verdict is Verdict.UNKNOWN
                   and c.requirement.certain]
        # Calls that only some configurations make: reported as info when not allowed.
        maybe = [c for c in mine if not c.requirement.certain
                 and c.access.verdict is not Verdict.ALLOWED]
        location = workload.location.at(workload.role_line)
        role = workload.role.id
        if missing:
            needs = "; ".join(f"{c.requirement.action} to {c.requirement.purpose} "
                              f"(on {c.requirement.grant_pattern()})" for c in missing)
            denies = sorted({c.access.removed_by() for c in missing
                             if c.access.decision.decision == EXPLICIT_DENY})
            if denies:  # an Allow alone would not be enough
                needs += "; and " + "; ".join(denies) + " denies it too"
            changes: list[Change] = [grant_to(workload, [c.requirement for c in missing])]
            changes += [Advice(f"and narrow {d} so it no longer matches") for d in denies]
            yield with_fix(Finding.at(
                location, rule_id, severity,
                f"{describe_workload(workload)} runs as role {role}, which has no Allow for "
                f"{needs}",
                role_related(workload),
            ), Fix(tuple(changes), alternatives=_or(advice)))
        if unknown:
            reasons = sorted({r for c in unknown for r in c.access.reasons})
            actions = ", ".join(sorted({c.requirement.action for c in unknown}))
            yield Finding.at(
                location, rule_id, INFO,
                f"cannot tell whether role {role} of {describe_workload(workload)} allows "
                f"{actions}: " + "; ".join(reasons),
                role_related(workload),
            )
        if maybe:
            needs = "; ".join(f"{c.requirement.action} to {c.requirement.purpose}"
                              for c in maybe)
            yield Finding.at(
                location, rule_id, INFO,
                f"role {role} of {describe_workload(workload)} may need, depending on a "
                f"configuration cwlint cannot read: {needs}",
                role_related(workload),
            )


def _roleless(model: Model, workload: Workload, rule_id: str, severity: str,
              report_no_profile: bool, advice: str) -> Iterable[Finding]:
    """A workload with requirements but no role: no instance profile, or a role that
    could not be linked."""
    needed = [r for r in requirements(model, workload) if r.rule_id == rule_id and r.certain]
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
        field = PROFILE_FIELDS.get(workload.kind, "instance.profile")
        yield with_fix(Finding.at(
            workload.location, rule_id, severity,
            f"{describe_workload(workload)} has no instance profile, so it has no credentials "
            f"to call {actions}",
        ), Fix((AttachRole(workload.id, field, "ec2.amazonaws.com",
                           statements=fix_statements(needed)),), alternatives=_or(advice)))


def _or(advice: str) -> tuple[Advice, ...]:
    return (Advice(advice),) if advice else ()
