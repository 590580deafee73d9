"""CWL007 monitoring-explicitly-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding, Related
from cwlint.model import AttachedPolicy, Model, Role
from cwlint.rules.access import Verdict
from cwlint.rules.base import Rule
from cwlint.rules.requirements import checked_requirements
from cwlint.rules.workload_findings import describe_workload, role_related


class MonitoringExplicitlyDenied(Rule):
    """An Allow for a monitoring call exists, but an explicit Deny, the permissions
    boundary or a service control policy removes it.

    Covers every call the other identity rules require (PutMetricData, the log stream
    calls, the agent's permissions, its configuration parameter). An Allow in the role's
    policies is not enough: a `Deny` anywhere wins, and a permissions boundary or an SCP
    must allow the call too.

    **Why monitoring goes silent.** The role reads as correct, so nobody looks at the
    guard rail that removes the permission; the calls fail with "explicit deny in a
    permissions boundary" (or "in a service control policy").

    **Failing example (CloudFormation).**
    ```yaml
    PermissionsBoundary: !Ref BoundaryPolicy   # allows only s3:* and logs:*
    Policies: [... cloudwatch:PutMetricData ...]
    ```

    **Fix.** Add the action to the boundary (CloudFormation `AWS::IAM::ManagedPolicy` used
    as `PermissionsBoundary`, Terraform `permissions_boundary`), narrow the Deny with a
    condition, or ask for the SCP to carve out the monitoring actions.
    """

    id = "CWL007"
    name = "monitoring-explicitly-denied"
    title = "A Deny, permissions boundary or SCP removes a monitoring permission"
    severity = ERROR

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in model.workloads:
            if workload.role is None:
                continue
            removed = [c for c in checked_requirements(model, workload)
                       if c.access.verdict is Verdict.REMOVED]
            if not removed:
                continue
            causes = sorted({c.access.removed_by() for c in removed})
            actions = ", ".join(sorted({c.requirement.action for c in removed}))
            related = list(role_related(workload))
            for checked in removed:
                for statement in checked.access.decision.statements:
                    attached = _attached(workload.role, statement.policy)
                    if attached is not None and Related.of(attached.location) not in related:
                        related.append(Related.of(attached.location))
            yield Finding.at(
                workload.location.at(workload.role_line), self.id, self.severity,
                f"{describe_workload(workload)} runs as role {workload.role.id}: {actions} "
                f"is allowed but removed by " + "; ".join(causes),
                tuple(related),
                "Let the monitoring actions through the Deny, permissions boundary or SCP "
                "named above (for example a boundary statement allowing " + actions + ")",
            )


def _attached(role: Role, policy_name: str) -> AttachedPolicy | None:
    if role.boundary is not None and role.boundary.policy.name == policy_name:
        return role.boundary
    return next((a for a in role.policies if a.policy.name == policy_name), None)
