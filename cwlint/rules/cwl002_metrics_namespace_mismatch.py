"""CWL002 metrics-namespace-mismatch."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding, Related
from cwlint.fixes import Advice, Fix
from cwlint.model import Model
from cwlint.rules.access import Verdict, namespace_mismatch
from cwlint.rules.base import Rule
from cwlint.rules.cwl001_metrics_publish_denied import MetricsPublishDenied
from cwlint.rules.cwl005_agent_permissions_missing import AgentPermissionsMissing
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import checked_requirements
from cwlint.rules.resource_types import WORKLOADS
from cwlint.rules.workload_findings import (
    describe_workload,
    grant_to,
    role_related,
    workloads_needing,
)

#: The rules whose requirements hold the PutMetricData calls with a namespace: the code's
#: own (CWL001) and the CloudWatch agent's (CWL005).
PUBLISHERS = (MetricsPublishDenied.id, AgentPermissionsMissing.id)


class MetricsNamespaceMismatch(Rule):
    """PutMetricData is allowed only under a `cloudwatch:namespace` condition that the
    workload's namespace does not satisfy.

    **Why monitoring goes silent.** The role looks right at a glance, it has
    `cloudwatch:PutMetricData`, but the condition compares strings exactly:
    `StringEquals cloudwatch:namespace = Orders` denies `orders` and `Orders/Prod`.
    Every call is denied and the metrics never arrive. The message says when the two
    differ only in letter case.

    **Failing example (CloudFormation).**
    ```yaml
    Environment: {Variables: {METRICS_NAMESPACE: orders}}
    # role:
    - Effect: Allow
      Action: cloudwatch:PutMetricData
      Resource: "*"
      Condition: {StringEquals: {cloudwatch:namespace: Orders}}
    ```

    **Fix (CloudFormation).** Make the two agree: change the namespace the code publishes
    to, or the condition value (`StringLike` with `Orders/*` for a family of namespaces).
    ```yaml
    Condition: {StringEquals: {cloudwatch:namespace: orders}}
    ```

    **Fix (Terraform).** The `values` of the `condition` block of the
    `aws_iam_policy_document` statement:
    ```hcl
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["orders"]
    }
    ```
    """

    id = "CWL002"
    name = "metrics-namespace-mismatch"
    title = "PutMetricData namespace condition does not match the workload's namespace"
    severity = ERROR
    ensures = "Ensure the PutMetricData namespace condition admits the workload's namespace"
    reports_on = WORKLOADS

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads that call PutMetricData (their code, or the CloudWatch agent)."""
        return workloads_needing(model, *PUBLISHERS)

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in model.workloads:
            if workload.role is None:
                continue
            for checked in checked_requirements(model, workload):
                if checked.requirement.rule_id not in PUBLISHERS:
                    continue
                if checked.access.verdict is not Verdict.MISSING:
                    continue
                namespace = dict(checked.requirement.context).get("cloudwatch:namespace")
                mismatch = namespace_mismatch(checked.access, namespace)
                if mismatch is None:
                    continue
                statement = mismatch.statement
                case = " (they differ only in letter case)" if mismatch.case_only else ""
                attached = next((a for a in workload.role.policies
                                 if a.policy.name == statement.policy), None)
                related = role_related(workload)
                if attached is not None:
                    related = (*related, Related.of(attached.location))
                yield with_fix(Finding.at(
                    workload.location.at(workload.role_line), self.id, self.severity,
                    f"{describe_workload(workload)} publishes to namespace {namespace!r}, but "
                    f"role {workload.role.id} allows cloudwatch:PutMetricData only under "
                    f"{mismatch.describe()} ({statement.policy}, {statement.statement.label})"
                    f"{case}",
                    related,
                ), Fix((Advice("Use namespace values that match, or:"),
                        grant_to(workload, [checked.requirement]))))
