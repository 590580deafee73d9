"""CWL040 alarm-silent-on-missing-data."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import WARNING, Finding
from cwlint.model import Alarm, Model
from cwlint.rules.base import Rule

SILENT = ("missing", "notBreaching", "ignore")


class AlarmSilentOnMissingData(Rule):
    """An alarm on a custom-namespace metric treats missing data as `missing` (the
    default), `notBreaching` or `ignore`, so it stays quiet when publishing breaks.

    Metrics in `AWS/...` namespaces are published by AWS; a custom metric exists only
    while the workload publishes it. When the role, the namespace, the endpoint or the
    agent breaks, the datapoints stop, and such an alarm goes to INSUFFICIENT_DATA (or
    stays OK) instead of ALARM. Metric-math alarms (`Metrics`) are checked on every
    metric they read.

    **Why monitoring goes silent.** Exactly when publishing breaks, nobody is paged.

    **Failing example (CloudFormation).**
    ```yaml
    OrderFailuresAlarm:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: Orders
        MetricName: OrderFailures
        Statistic: Sum
        Period: 60
        EvaluationPeriods: 1
        Threshold: 1
        ComparisonOperator: GreaterThanOrEqualToThreshold
        AlarmActions: [!Ref PagerTopic]
        # no TreatMissingData: missing
    ```

    **Fix (CloudFormation).** `TreatMissingData: breaching`.

    **Fix (Terraform).** `treat_missing_data = "breaching"` on the
    `aws_cloudwatch_metric_alarm`.
    """

    id = "CWL040"
    name = "alarm-silent-on-missing-data"
    title = "Alarm on a custom metric stays quiet when the metric stops"
    severity = WARNING

    def subjects(self, model: Model) -> Iterable[str]:
        """The alarms on a metric of a custom namespace."""
        return [a.location.resource for a in model.alarms.values() if _custom(a)]

    def check(self, model: Model) -> Iterable[Finding]:
        for alarm in model.alarms.values():
            custom = _custom(alarm)
            if not custom:
                continue
            treat = alarm.treat_missing_data
            if treat is not None and (not isinstance(treat, str) or treat not in SILENT):
                continue
            shown = "absent (missing)" if treat is None else treat
            yield Finding.at(
                alarm.location.at(alarm.treat_missing_data_line if treat is not None else None),
                self.id, self.severity,
                f"alarm {alarm.id} on custom namespace {', '.join(sorted(set(custom)))} treats "
                f"missing data as {shown}: it will not fire when publishing stops",
                fix=f"Set TreatMissingData: breaching on {alarm.id} "
                "(Terraform: treat_missing_data = \"breaching\")",
            )


def _custom(alarm: Alarm) -> list[str]:
    """The alarm's namespaces that are not AWS services' own."""
    return [n for n in alarm.namespaces if isinstance(n, str) and not n.startswith("AWS/")]
