"""CWL041 reserved-namespace."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.iam.patterns import Mode, match
from cwlint.iam.tri import Tri, tri_any
from cwlint.model import Model, StandalonePolicy
from cwlint.rules.access import NAMESPACE_KEY
from cwlint.rules.base import Rule
from cwlint.rules.workload_findings import describe_policy, describe_workload

RESERVED = "AWS/"


class ReservedNamespace(Rule):
    """A metric namespace that begins with `AWS/`, where a workload publishes or where a
    `cloudwatch:namespace` condition for PutMetricData names it.

    Namespaces starting with `AWS/` are reserved for AWS services; PutMetricData rejects
    them (InvalidParameterValue).

    **Why monitoring goes silent.** Every PutMetricData call fails, often in a background
    flush whose error nobody reads.

    **Failing example (CloudFormation).**
    ```yaml
    OrdersFunction:
      Type: AWS::Lambda::Function
      Properties:
        Environment:
          Variables: {METRICS_NAMESPACE: AWS/Orders}
    ```

    **Fix (CloudFormation).** Publish to your own namespace, in the code or environment
    variable and in the policy's `cloudwatch:namespace` condition:
    ```yaml
    Environment:
      Variables: {METRICS_NAMESPACE: MyCompany/Orders}
    # role:
    Condition: {StringEquals: {cloudwatch:namespace: MyCompany/Orders}}
    ```

    **Fix (Terraform).**
    ```hcl
    environment {
      variables = { METRICS_NAMESPACE = "MyCompany/Orders" }
    }
    ```
    """

    id = "CWL041"
    name = "reserved-namespace"
    title = "Metric namespace begins with the reserved AWS/ prefix"
    severity = ERROR

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads that publish to a known namespace, and the resources whose
        policies allow PutMetricData under a namespace condition."""
        found = [w.location.resource for w in model.workloads
                 if any(isinstance(s.namespace, str) for s in w.signals.metrics)]
        found += [s.location.resource for s in model.policies
                  if _condition_namespaces(s) is not None]
        return found

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in model.workloads:
            reserved = sorted({s.namespace for s in workload.signals.metrics
                               if isinstance(s.namespace, str)
                               and s.namespace.startswith(RESERVED)})
            if reserved:
                yield Finding.at(
                    workload.location, self.id, self.severity,
                    f"{describe_workload(workload)} publishes to namespace "
                    f"{', '.join(reserved)}; namespaces beginning with AWS/ are reserved and "
                    "PutMetricData rejects them",
                    fix="Publish to a namespace of your own, such as MyCompany/"
                    + reserved[0][len(RESERVED):])
        for standalone in model.policies:
            names = {n for n in _condition_namespaces(standalone) or ()
                     if n.startswith(RESERVED)}
            if names:
                yield Finding.at(
                    standalone.location, self.id, self.severity,
                    f"{describe_policy(standalone)} allows cloudwatch:PutMetricData for namespace "
                    f"{', '.join(sorted(names))}, which begins with the reserved AWS/ prefix",
                    fix="Use a namespace of your own in the cloudwatch:namespace condition")


def _condition_namespaces(standalone: StandalonePolicy) -> set[str] | None:
    """The string values of the ``cloudwatch:namespace`` conditions under which the
    policy allows PutMetricData; None when no Allow of it has such a condition."""
    names: set[str] | None = None
    for statement in standalone.policy.statements:
        if statement.effect != "Allow" or statement.actions is None:
            continue
        if tri_any(match(p, "cloudwatch:PutMetricData", Mode.ACTION)
                   for p in statement.actions) is not Tri.YES:
            continue
        if not isinstance(statement.conditions, tuple):
            continue
        for condition in statement.conditions:
            if condition.key != NAMESPACE_KEY or not isinstance(condition.values, tuple):
                continue
            names = (names or set()) | {v for v in condition.values if isinstance(v, str)}
    return names
