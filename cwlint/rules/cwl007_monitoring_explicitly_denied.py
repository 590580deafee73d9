"""CWL007 monitoring-explicitly-denied."""

from __future__ import annotations

import json
from collections.abc import Iterable

from cwlint.findings import ERROR, Finding, Related
from cwlint.fixes import Advice, Fix
from cwlint.iam.evaluator import EXPLICIT_DENY
from cwlint.model import AttachedPolicy, Model, Role
from cwlint.rules.access import NAMESPACE_KEY, Verdict, statement_words
from cwlint.rules.base import Rule
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import (
    Checked,
    Requirement,
    checked_requirements,
    fix_statement,
)
from cwlint.rules.resource_types import WORKLOADS
from cwlint.rules.workload_findings import (
    describe_workload,
    role_related,
    workloads_needing,
)


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

    **Fix (CloudFormation).** Add the action to the `AWS::IAM::ManagedPolicy` used as
    `PermissionsBoundary`, narrow the Deny with a condition, or ask for the SCP to carve
    out the monitoring actions:
    ```yaml
    BoundaryPolicy:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: [s3:*, logs:*, cloudwatch:PutMetricData]
              Resource: "*"
    ```

    **Fix (Terraform).** The same statement in the policy the role's
    `permissions_boundary` names:
    ```hcl
    data "aws_iam_policy_document" "boundary" {
      statement {
        actions   = ["s3:*", "logs:*", "cloudwatch:PutMetricData"]
        resources = ["*"]
      }
    }
    ```
    """

    id = "CWL007"
    name = "monitoring-explicitly-denied"
    title = "A Deny, permissions boundary or SCP removes a monitoring permission"
    severity = ERROR
    ensures = "Ensure no Deny, permissions boundary or SCP removes a monitoring permission"
    reports_on = WORKLOADS

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads that need any monitoring permission."""
        return workloads_needing(model)

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in model.workloads:
            if workload.role is None:
                continue
            # Calls only some agent configurations make stay info (CWL005 reports them).
            removed = [c for c in checked_requirements(model, workload)
                       if c.access.verdict is Verdict.REMOVED and c.requirement.certain]
            if not removed:
                continue
            causes = sorted({c.access.removed_by() for c in removed})
            actions = ", ".join(sorted({c.requirement.action for c in removed}))
            related = list(role_related(workload))
            for attached in _removing_policies(workload.role, removed):
                if Related.of(attached.location) not in related:
                    related.append(Related.of(attached.location))
            yield with_fix(Finding.at(
                workload.location.at(workload.role_line), self.id, self.severity,
                f"{describe_workload(workload)} runs as role {workload.role.id}: {actions} "
                f"is allowed but removed by " + "; ".join(causes),
                tuple(related),
            ), Fix(tuple(Advice(step) for step in _fix(removed))))


def _attached(role: Role, policy_name: str) -> AttachedPolicy | None:
    if role.boundary is not None and role.boundary.policy.name == policy_name:
        return role.boundary
    return next((a for a in role.policies if a.policy.name == policy_name), None)


def _removing_policies(role: Role, removed: list[Checked]) -> list[AttachedPolicy]:
    """The policies that hold the Deny, and the boundary when it is what lacks an Allow."""
    found: list[AttachedPolicy] = []
    for checked in removed:
        names = [s.policy for s in checked.access.decision.statements]
        if role.boundary is not None and any(
            layer.startswith("permissions boundary") for layer in checked.access.guards_missing()
        ):
            names.append(role.boundary.policy.name)
        for name in names:
            attached = _attached(role, name)
            if attached is not None and attached not in found:
                found.append(attached)
    return found


def _fix(removed: list[Checked]) -> list[str]:
    """What to change, per Deny statement and per guard layer, scoped to what is needed
    (IAM policy language, the same in every input)."""
    denies: dict[str, list[Requirement]] = {}
    guards: dict[str, list[Requirement]] = {}
    for checked in removed:
        if checked.access.decision.decision == EXPLICIT_DENY:
            for statement in checked.access.decision.statements:
                denies.setdefault(statement_words(statement), []).append(checked.requirement)
        for layer in checked.access.guards_missing():
            guards.setdefault(layer, []).append(checked.requirement)
    steps = []
    for words, needed in denies.items():
        namespaces = sorted({n for r in needed
                             if isinstance(n := dict(r.context).get(NAMESPACE_KEY), str)})
        if namespaces and all(r.action == "cloudwatch:PutMetricData" for r in needed):
            exempt = json.dumps({"StringNotEquals": {NAMESPACE_KEY: namespaces}})
            steps.append(f"exempt the namespace from {words} with the condition {exempt}")
        else:
            steps.append(f"narrow {words} so it no longer matches "
                         + fix_statement(needed) + " (or remove it)")
    for layer, needed in guards.items():
        steps.append(f"add to {layer}: " + fix_statement(needed))
    return steps
