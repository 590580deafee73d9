"""Who publishes the metric an alarm watches: AWS services, a log metric filter of the
input, or a workload (CWL040, CWL043)."""

from __future__ import annotations

from cwlint.iam.tri import Tri
from cwlint.model import AlarmMetric, MetricFilter, Model

#: Namespaces without the ``AWS/`` prefix that AWS services publish on their own schedule
#: (AWS Glue job metrics in ``Glue``, AWS WAF Classic in ``WAF``, Amazon MWAA in
#: ``AmazonMWAA``, CloudWatch Application Signals in ``ApplicationSignals``). The CloudWatch
#: agent's, Synthetics canaries', Container Insights' and Lambda Insights' namespaces
#: (``CWAgent``, ``CloudWatchSynthetics``, ``ContainerInsights``, ``ECS/ContainerInsights``,
#: ``LambdaInsights``) are not here: their data stops when an agent or canary breaks.
AWS_UNPREFIXED = frozenset({"Glue", "WAF", "AmazonMWAA", "ApplicationSignals"})

#: Namespaces an agent, canary or extension of the customer's publishes, with metric names
#: its configuration chooses.
AGENT_NAMESPACES = frozenset({"CWAgent", "CloudWatchSynthetics", "ContainerInsights",
                              "ECS/ContainerInsights", "LambdaInsights"})


def aws_service_namespace(namespace: str) -> bool:
    """Published by an AWS service on its own schedule (``AWS/...``, ``Glue``...)."""
    return namespace.startswith("AWS/") or namespace in AWS_UNPREFIXED


def filter_publishes(metric_filter: MetricFilter, metric: AlarmMetric) -> Tri:
    """Whether one of the filter's transformations is the metric (unknown parts: maybe)."""
    result = Tri.NO
    for produced in metric_filter.metrics:
        parts = []
        for mine, theirs in ((produced.namespace, metric.namespace),
                             (produced.name, metric.name)):
            if isinstance(mine, str) and isinstance(theirs, str):
                parts.append(Tri.of(mine == theirs))
            else:
                parts.append(Tri.MAYBE)
        if Tri.NO in parts:
            continue
        if all(p is Tri.YES for p in parts):
            return Tri.YES
        result = Tri.MAYBE
    return result


def from_metric_filter(model: Model, metric: AlarmMetric, *, any_scenario: bool = False) -> Tri:
    """Whether a log metric filter of the input publishes the metric; with
    ``any_scenario``, also a filter this ``Fn::If`` scenario leaves out."""
    result = Tri.NO
    filters = list(model.metric_filters.values())
    if any_scenario:
        filters += model.left_out_metric_filters.values()
    for metric_filter in filters:
        found = filter_publishes(metric_filter, metric)
        if found is Tri.YES:
            return Tri.YES
        if found is Tri.MAYBE:
            result = Tri.MAYBE
    return result
