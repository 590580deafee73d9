"""The signals of Lambda functions and EC2 instances, the same for every syntax.

A front end reads what it can of a function (its environment variables, its inline code,
the namespaces a tag or metadata declares) or of an instance (its user data and, in
CloudFormation, its ``AWS::CloudFormation::Init`` metadata) and hands the plain values
here; what they mean for CloudWatch (:mod:`cwlint.frontend.signals`) is decided once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cwlint.agent_config import config_value
from cwlint.frontend.arns import lambda_log_group
from cwlint.frontend.signals import (
    agent_log_groups,
    agent_ssm_parameter,
    calls_logs_api,
    calls_put_metric_data,
    emf_namespace_variables,
    logs_agent_groups,
    metric_namespace_variables,
    namespaces_in_code,
    runs_cloudwatch_agent,
    runs_logs_agent,
)
from cwlint.model import AgentConfig, LogsAgent, MetricSignal, Model, Signals, Workload
from cwlint.values import StrValue, Unknown

#: The tag (CloudFormation: also ``Metadata.cwlint.metrics_namespaces``) by which a
#: template declares the namespace a workload publishes to.
NAMESPACE_TAG = "cwlint:metrics-namespace"

#: A value of the input as the model's string (a front end's own conversion).
ToText = Callable[[Any], StrValue]
#: The value of the SSM parameter the input names ``name`` and what it is, or None.
ParameterValue = Callable[[StrValue], "tuple[Any, str] | None"]


def declared_namespace(namespace: StrValue, source: str) -> MetricSignal:
    """A namespace the input declares for a workload (a tag, metadata)."""
    return MetricSignal(namespace, source, declared=True)


def function_signals(declared: list[MetricSignal], variables: Mapping[Any, Any] | None,
                     code: str, to_text: ToText) -> Signals:
    """A function's signals: declared namespaces, its environment variables
    (``variables``), and inline ``code`` calling PutMetricData or the Logs API."""
    signals = Signals(metrics=list(declared))
    if isinstance(variables, Mapping):
        for name, value in metric_namespace_variables(variables):
            signals.metrics.append(MetricSignal(to_text(value), f"environment variable {name}"))
        for name, value in emf_namespace_variables(variables):
            signals.emf_namespaces.append(MetricSignal(to_text(value),
                                                       f"environment variable {name}"))
    if code and calls_put_metric_data(code):
        # Literal namespaces in the code count even beside a variable or a declaration
        # (a global variable may name another one); without any, the code most likely
        # reads the namespace from a variable found above.
        names: list[StrValue] = list(namespaces_in_code(code))
        if not names and not signals.metrics:
            names = [Unknown("the namespace its inline code publishes to")]
        for namespace in names:
            if not any(s.namespace == namespace for s in signals.metrics):
                signals.metrics.append(MetricSignal(namespace, "inline code calls PutMetricData"))
    signals.calls_logs_api = bool(code) and calls_logs_api(code)
    return signals


def set_function_log_group(workload: Workload, model: Model, configured: StrValue | None,
                           name: StrValue) -> None:
    """The group a function logs to: the configured one, else ``/aws/lambda/<name>``."""
    workload.name = name
    workload.log_group = configured if configured is not None else lambda_log_group(name)
    workload.log_group_declared = model.log_group_named(workload.log_group) is not None


def instance_signals(declared: list[MetricSignal], texts: list[StrValue], *,
                     carriers: str, agent_declared_by: str | None = None,
                     logs_agent_elsewhere: bool = False,
                     parameter_value: ParameterValue | None = None,
                     written_configs: Iterable[tuple[dict[str, Any] | None, str]] = ()
                     ) -> Signals:
    """An instance's signals from the ``texts`` that configure it (user data, cfn-init
    metadata: ``carriers`` names them in messages).

    ``agent_declared_by`` says who declares that it runs the CloudWatch agent (a tag, a
    metadata key) when something does; ``logs_agent_elsewhere`` is True when the input
    installs the legacy awslogs agent outside the texts. The agent's configuration is the
    value of the SSM parameter it fetches (``parameter_value``), else the first
    configuration the input writes (``written_configs``, read lazily in order).
    """
    signals = Signals(metrics=list(declared))
    plain = [t for t in texts if isinstance(t, str)]
    if agent_declared_by is not None or runs_cloudwatch_agent(plain):
        signals.agent = AgentConfig(
            agent_declared_by if agent_declared_by is not None
            else f"{carriers} installs the CloudWatch agent",
            ssm_parameter=agent_ssm_parameter(texts),
            log_groups=list(agent_log_groups(plain)))
        _agent_config(signals.agent, parameter_value, written_configs)
    if runs_logs_agent(plain) or logs_agent_elsewhere:
        signals.logs_agent = LogsAgent(
            f"{carriers} runs the CloudWatch Logs agent (awslogs)", logs_agent_groups(plain))
    return signals


def _agent_config(agent: AgentConfig, parameter_value: ParameterValue | None,
                  written_configs: Iterable[tuple[dict[str, Any] | None, str]]) -> None:
    if agent.ssm_parameter is not None:
        found = parameter_value(agent.ssm_parameter) if parameter_value is not None else None
        if found is not None:
            agent.config = config_value(found[0])
            agent.config_source = found[1]
        return  # a configuration in Parameter Store not in this input stays unknown
    for config, source in written_configs:
        if config is not None:
            agent.config = config
            agent.config_source = source
            return


def add_alarm_signal(workload: Workload, namespace: StrValue, alarm: str) -> None:
    """An alarm on a custom metric with the workload as a dimension: it publishes there."""
    if not any(s.namespace == namespace for s in workload.signals.metrics):
        workload.signals.metrics.append(MetricSignal(namespace, f"alarm {alarm}"))


def is_custom_namespace(namespace: Any) -> bool:
    """A known namespace a workload publishes to itself (``AWS/...`` is AWS's own)."""
    return isinstance(namespace, str) and not namespace.startswith("AWS/")
