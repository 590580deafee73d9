"""CWL043 alarm-metric-not-published."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from cwlint.findings import INFO, WARNING, Finding, Related
from cwlint.fixes import Advice, Fix, SetValue
from cwlint.iam.tri import Tri
from cwlint.model import Alarm, AlarmMetric, Model
from cwlint.rules.alarm_metrics import AGENT_NAMESPACES, AWS_UNPREFIXED, from_metric_filter
from cwlint.rules.base import Rule
from cwlint.rules.fixing import with_fix
from cwlint.rules.resource_types import ALARMS


class AlarmMetricNotPublished(Rule):
    """An alarm watches a metric that nothing publishes, so it can never fire:

    * an `AWS/` namespace metric whose name AWS does not publish there, while the namespace
      has a metric of nearly that name (differing in letter case, or singular for plural):
      metric and namespace names are case-sensitive. The names come from a catalogue of
      AWS metrics per namespace shipped with cwlint (from the AWS CDK's service
      specification); a namespace the catalogue does not cover is not judged, and a name
      that is simply absent from it is reported as info, since the catalogue can lag
      behind AWS;
    * a custom metric that no publisher of the input sends, while one sends a near miss: a
      log metric filter's transformation (`MetricTransformations`, `metric_transformation`)
      with the same name in another namespace, or in the same namespace with a name that
      differs in case or by a prefix; the filter's own id or name where the filter
      publishes its transformation's metric name; or a workload's namespace that differs
      in case or by a prefix.

    **Why monitoring goes silent.** The alarm sits in INSUFFICIENT_DATA (or OK, with
    `notBreaching`) forever: the condition it was written for is never seen.

    **Failing example.**
    ```yaml
    ErrorFilter:
      Type: AWS::Logs::MetricFilter
      Properties:
        FilterName: app-errors
        MetricTransformations:
          - {MetricNamespace: Orders, MetricName: ErrorCount, MetricValue: "1"}
    ErrorAlarm:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: Orders
        MetricName: app-errors   # the filter's name, not its metric
    ```

    **Fix (CloudFormation).** Watch the metric the publisher sends: `MetricName:
    ErrorCount` (or `MetricName: Errors` in `AWS/Lambda`, not `errors`).

    **Fix (Terraform).** The same in the `aws_cloudwatch_metric_alarm`'s `namespace` and
    `metric_name`, copied from the filter's `metric_transformation`.
    """

    id = "CWL043"
    name = "alarm-metric-not-published"
    title = "Alarm watches a metric that nothing publishes"
    severity = WARNING
    ensures = "Ensure an alarm watches a metric that is published"
    reports_on = ALARMS

    def subjects(self, model: Model) -> Iterable[str]:
        """The alarms on a metric of a catalogued AWS namespace or of a custom namespace."""
        return [a.location.resource for a in model.alarms.values()
                if any(_judged(m) for m in a.metrics)]

    def check(self, model: Model) -> Iterable[Finding]:
        workload_namespaces = _workload_namespaces(model)  # once per input, not per alarm
        for alarm in model.alarms.values():
            for metric in alarm.metrics:
                if not _judged(metric):
                    continue
                assert isinstance(metric.namespace, str) and isinstance(metric.name, str)
                if metric.namespace.startswith("AWS/"):
                    yield from self._aws(alarm, metric.namespace, metric.name)
                elif workload_namespaces is not None \
                        and metric.namespace not in workload_namespaces:
                    yield from self._custom(model, alarm, metric)

    def _aws(self, alarm: Alarm, namespace: str, name: str) -> Iterable[Finding]:
        catalogue = metric_catalogue()
        known = catalogue.get(namespace)
        if known is None:
            near = [ns for ns in catalogue if ns.lower() == namespace.lower()]
            if near:
                yield with_fix(Finding.at(
                    alarm.location, self.id, self.severity,
                    f"alarm {alarm.id} watches {name} in namespace {namespace}, which AWS "
                    f"does not publish; namespaces are case-sensitive: did you mean {near[0]}?",
                ), Fix((SetValue(alarm.id, "alarm.namespace", near[0]),)))
            return
        if name in known:
            return
        near = [n for n in known if _near_name(n, name)]
        if near:
            yield with_fix(Finding.at(
                alarm.location, self.id, self.severity,
                f"alarm {alarm.id} watches {name} in {namespace}, a metric AWS does not "
                f"publish there; it publishes {near[0]} (metric names must match exactly, "
                "letter case included)",
            ), Fix((SetValue(alarm.id, "alarm.metric_name", near[0]),)))
        else:
            yield Finding.at(
                alarm.location, self.id, INFO,
                f"alarm {alarm.id} watches {name} in {namespace}, a metric cwlint's "
                "catalogue of AWS metrics does not list (it may be newer than the catalogue)")

    def _custom(self, model: Model, alarm: Alarm, metric: AlarmMetric) -> Iterable[Finding]:
        namespace, name = metric.namespace, metric.name
        assert isinstance(namespace, str) and isinstance(name, str)
        if from_metric_filter(model, metric) is not Tri.NO:
            return
        misses: list[tuple[str, Related]] = []
        for metric_filter in model.metric_filters.values():
            related = Related.of(metric_filter.location)
            own_names = {metric_filter.id.lower()}
            if isinstance(metric_filter.name, str):
                own_names.add(metric_filter.name.lower())
            for produced in metric_filter.metrics:
                p_ns, p_name = produced.namespace, produced.name
                if not isinstance(p_ns, str) or not isinstance(p_name, str):
                    return  # a filter that may publish anything
                if name.lower() in own_names and name != p_name:
                    misses.append((f"watches the name of metric filter {metric_filter.id}, "
                                   f"which publishes {p_name} in {p_ns}", related))
                elif p_name == name:
                    misses.append((f"metric filter {metric_filter.id} publishes {name} in "
                                   f"namespace {p_ns}, not {namespace}", related))
                elif p_ns == namespace and _near_custom(p_name, name):
                    misses.append((f"metric filter {metric_filter.id} publishes {p_name} in "
                                   f"{namespace}, not {name}", related))
                elif _near_custom(p_ns, namespace) and _near_custom(p_name, name):
                    misses.append((f"metric filter {metric_filter.id} publishes {p_name} in "
                                   f"namespace {p_ns}", related))
        for workload in model.workloads:
            for signal in workload.signals.metrics:
                if isinstance(signal.namespace, str) and _near_custom(signal.namespace,
                                                                      namespace):
                    misses.append((f"{workload.id} publishes to namespace {signal.namespace}, "
                                   f"not {namespace}", Related.of(workload.location)))
        if misses:
            yield with_fix(Finding.at(
                alarm.location, self.id, self.severity,
                f"alarm {alarm.id} watches {name} in namespace {namespace}, which nothing in "
                f"this input publishes: {misses[0][0]}",
                tuple(dict.fromkeys(r for _, r in misses)),
            ), Fix((Advice("Watch the metric name and namespace the publisher sends"),)))


def _workload_namespaces(model: Model) -> set[str] | None:
    """The namespaces the input's workloads publish metrics (or EMF) to; None when one of
    them is not known statically (it may be any: no custom metric is judged)."""
    namespaces: set[str] = set()
    for workload in model.workloads:
        for signal in workload.signals.metrics + workload.signals.emf_namespaces:
            if not isinstance(signal.namespace, str):
                return None
            namespaces.add(signal.namespace)
    return namespaces


def _judged(metric: AlarmMetric) -> bool:
    namespace, name = metric.namespace, metric.name
    if not isinstance(namespace, str) or not isinstance(name, str):
        return False
    if namespace.startswith("AWS/"):
        return True
    return namespace not in AWS_UNPREFIXED and namespace not in AGENT_NAMESPACES


def _near_name(known: str, name: str) -> bool:
    """Letter case, or a trailing ``s`` (``Invocation`` for ``Invocations``)."""
    return known.lower() == name.lower() or known.lower() in (name.lower() + "s",
                                                              name.lower()[:-1])


def _near_custom(published: str, watched: str) -> bool:
    """Differs in letter case, or one is the other with a prefix (``MyApp/Orders`` for
    ``Orders``, ``app.errors`` for ``errors``)."""
    if published == watched:
        return False
    a, b = published.lower(), watched.lower()
    if a == b:
        return True
    for long, short in ((a, b), (b, a)):
        if long.endswith(short) and long[-len(short) - 1] in "/.:-_#":
            return True
    return False


@cache
def metric_catalogue() -> dict[str, frozenset[str]]:
    """``AWS/`` namespace -> the metric names AWS publishes there (as far as known)."""
    raw = resources.files("cwlint.data").joinpath("cloudwatch_metrics.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    return {ns: frozenset(names) for ns, names in data["namespaces"].items()}
