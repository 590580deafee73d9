"""CWL040 alarm-silent-on-missing-data."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec.structs import replace

from cwlint.findings import WARNING, Finding
from cwlint.fixes import SAFE, Advice, Fix, SetValue
from cwlint.iam.tri import Tri
from cwlint.model import Alarm, Model
from cwlint.rules.alarm_metrics import (
    AGENT_NAMESPACES,
    aws_service_namespace,
    from_metric_filter,
)
from cwlint.rules.base import Rule
from cwlint.rules.resource_types import ALARMS

SILENT = ("missing", "notBreaching", "ignore")


class AlarmSilentOnMissingData(Rule):
    """An alarm on a metric that someone must publish continuously treats missing data as
    `missing` (the default), `notBreaching` or `ignore`, and has no insufficient-data
    action, so it stays quiet when publishing breaks.

    In scope are the metrics whose absence means a publisher broke: a custom namespace (a
    workload's, or one no resource of the input explains), the CloudWatch agent's
    (`CWAgent` by default), a Synthetics canary's (`CloudWatchSynthetics`), Container
    Insights (`ContainerInsights`, `ECS/ContainerInsights`) and Lambda Insights
    (`LambdaInsights`). When the role, the namespace, the endpoint or the agent breaks,
    the datapoints stop, and such an alarm goes to INSUFFICIENT_DATA (or stays OK) instead
    of ALARM. Metric-math alarms (`Metrics`) are checked on every metric they read.

    Out of scope, because missing data there is normal:

    * namespaces AWS services publish on their own schedule (`AWS/...`, and the unprefixed
      `Glue`, `WAF`, `AmazonMWAA`, `ApplicationSignals`): many publish only when there is
      activity;
    * a metric a log metric filter of the input produces (`AWS::Logs::MetricFilter`,
      `aws_cloudwatch_log_metric_filter`): it has a datapoint only when a log line matches,
      so `notBreaching` is right there. That holds too where the filter's `Condition`
      leaves it out and the alarm's does not: the metric is still one a filter produces
      (the alarm then watches nothing in that case, which `notBreaching` does not change);
    * an alarm with insufficient-data actions: the missing data already notifies someone.

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

    **Fix (CloudFormation).** `TreatMissingData: breaching`, or an
    `InsufficientDataActions` entry.

    **Fix (Terraform).** `treat_missing_data = "breaching"` on the
    `aws_cloudwatch_metric_alarm`, or `insufficient_data_actions`.

    **Fixable.** `cwlint scan --fix` sets missing-data treatment to `breaching` where the
    file writes it literally or not at all (not where it comes from a parameter, a
    variable or a module input).
    """

    id = "CWL040"
    name = "alarm-silent-on-missing-data"
    title = "Alarm on a continuously published metric stays quiet when the metric stops"
    severity = WARNING
    ensures = "Ensure an alarm on a published metric fires when publishing stops"
    reports_on = ALARMS
    fixable = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The alarms without insufficient-data actions on a metric whose absence means
        its publisher broke."""
        return [a.location.resource for a in model.alarms.values() if _watched(model, a)]

    def check(self, model: Model) -> Iterable[Finding]:
        for alarm in model.alarms.values():
            watched = _watched(model, alarm)
            if not watched:
                continue
            treat = alarm.treat_missing_data
            if treat is not None and (not isinstance(treat, str) or treat not in SILENT):
                continue
            shown = "absent (missing)" if treat is None else treat
            finding = Finding.at(
                alarm.location.at(alarm.treat_missing_data_line if treat is not None else None),
                self.id, self.severity,
                f"alarm {alarm.id} on {', '.join(watched)} treats missing data as {shown} and "
                "has no insufficient-data action: it will not fire when publishing stops",
                fix=f"Set TreatMissingData: breaching on {alarm.id} "
                "(Terraform: treat_missing_data = \"breaching\"), or add an insufficient-data "
                "action",
            )
            yield replace(finding, fix_data=Fix(
                (SetValue(alarm.id, "alarm.treat_missing_data", "breaching"),), SAFE,
                alternatives=(Advice("add an insufficient-data action"),)))


def _watched(model: Model, alarm: Alarm) -> list[str]:
    """The alarm's metrics whose absence means their publisher broke (empty when it
    notifies on INSUFFICIENT_DATA, or may)."""
    if alarm.insufficient_data_actions is not False:
        return []
    found: list[str] = []
    for metric in alarm.metrics:
        if not isinstance(metric.namespace, str) or aws_service_namespace(metric.namespace):
            continue
        if from_metric_filter(model, metric, any_scenario=True) is not Tri.NO:
            continue
        kind = "namespace" if metric.namespace in AGENT_NAMESPACES else "custom namespace"
        shown = f"{kind} {metric.namespace}"
        if isinstance(metric.name, str):
            shown += f" (metric {metric.name})"
        if shown not in found:
            found.append(shown)
    return found
