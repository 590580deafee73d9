"""CWL001 metrics-publish-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.model import Model, Workload
from cwlint.rules.access import namespace_mismatch
from cwlint.rules.base import Rule
from cwlint.rules.requirements import Checked, Requirement, metric_signal_calls
from cwlint.rules.resource_types import WORKLOADS
from cwlint.rules.workload_findings import missing_findings, workloads_needing


def is_namespace_mismatch(checked: Checked) -> bool:
    namespace = dict(checked.requirement.context).get("cloudwatch:namespace")
    return namespace is not None and namespace_mismatch(checked.access, namespace) is not None


class MetricsPublishDenied(Rule):
    """A workload that publishes custom metrics runs as a role with no Allow for
    ``cloudwatch:PutMetricData``.

    **Why monitoring goes silent.** The SDK call fails with AccessDenied, usually in a
    background thread or a swallowed exception: the dashboard stays empty and every alarm
    on the metric sits in INSUFFICIENT_DATA (or OK, see CWL040).

    **Which workloads.** Only those that publish metrics: a declared
    namespace (`Metadata: {cwlint: {metrics_namespaces: [...]}}`, tag
    `cwlint:metrics-namespace`), inline code calling PutMetricData, an environment
    variable such as `METRICS_NAMESPACE`, or an alarm on a custom namespace whose
    dimensions point at the workload. Embedded metric format (`POWERTOOLS_METRICS_NAMESPACE`)
    goes through logs and needs no PutMetricData.

    **Failing example (CloudFormation).**
    ```yaml
    OrdersFunction:
      Type: AWS::Lambda::Function
      Properties:
        Role: !GetAtt OrdersRole.Arn
        Environment: {Variables: {METRICS_NAMESPACE: Orders}}
    OrdersRole:   # AWSLambdaBasicExecutionRole only: logs, no metrics
    ```

    **Fix (CloudFormation).** Add a scoped statement to the role:
    ```yaml
    - Effect: Allow
      Action: cloudwatch:PutMetricData
      Resource: "*"
      Condition: {StringEquals: {cloudwatch:namespace: Orders}}
    ```

    **Fix (Terraform).**
    ```hcl
    statement {
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"]
      condition {
        test     = "StringEquals"
        variable = "cloudwatch:namespace"
        values   = ["Orders"]
      }
    }
    ```
    """

    id = "CWL001"
    name = "metrics-publish-denied"
    title = "Workload's role cannot call cloudwatch:PutMetricData"
    severity = ERROR
    ensures = "Ensure a workload that publishes metrics can call cloudwatch:PutMetricData"
    reports_on = WORKLOADS
    missing_allow = True

    @classmethod
    def requires(cls, model: Model, workload: Workload) -> list[Requirement]:
        """A ``PutMetricData`` per namespace the workload publishes to."""
        return metric_signal_calls(cls.id, model, workload)

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads that publish metrics."""
        return workloads_needing(model, self.id)

    def check(self, model: Model) -> Iterable[Finding]:
        return missing_findings(model, self.id, self.severity,
                                lambda c: not is_namespace_mismatch(c))
