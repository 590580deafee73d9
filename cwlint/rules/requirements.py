"""What each workload must be allowed to do for its metrics and logs to arrive.

Each rule about a workload's own permissions declares what it requires
(:meth:`cwlint.rules.base.Rule.requires`: CWL001 a ``PutMetricData`` per namespace the
workload publishes to, CWL004 a Lambda function's log stream calls, CWL005 the CloudWatch
agent's permissions, CWL006 the agent's configuration parameter), built with the helpers
here; :func:`requirements` gathers them from every rule of the registry, in rule order.
Each requirement names the rule that reports it when no Allow grants it; CWL007 reports
any of them that a Deny, a boundary or an SCP removes. Results are computed once per
model and shared by the rules.

Strict mode (:attr:`Model.strict`, the configuration's ``strict: true``) assumes what
signals would otherwise have to show: every Lambda function publishes metrics (to a
namespace cwlint does not know, so CWL001 reports a role with no PutMetricData at all,
and says it cannot tell when the role allows only some namespaces), and every EC2
instance and launch template runs the CloudWatch agent (CWL005).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from msgspec.structs import replace

from cwlint.agent_config import agent_needs
from cwlint.frontend import arns
from cwlint.model import AgentConfig, LogsAgent, MetricSignal, Model, Workload
from cwlint.rules.access import NAMESPACE_KEY, Access, check_access
from cwlint.values import Partial, StrValue, Unknown, concat

LAMBDA_STREAM = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef"
AGENT_NAMESPACE = "CWAgent"
STRICT_NAMESPACE = Unknown("the namespace it publishes to (strict mode: every Lambda "
                           "function publishes metrics)")
STRICT_AGENT = "strict mode: every instance runs the CloudWatch agent"
INSTANCE_KINDS = ("ec2-instance", "launch-template", "launch-configuration")


class Requirement(msgspec.Struct, frozen=True):
    rule_id: str  # the rule that reports it when missing
    action: str
    resource: StrValue
    purpose: str  # e.g. "publish metrics to namespace Orders"
    context: tuple[tuple[str, Any], ...] = ()
    signal: MetricSignal | None = None
    # The Resource a fix grants: a pattern that covers ``resource`` (the request ARN may
    # hold a made-up stream name); None when ``resource`` itself is what to grant.
    grant: StrValue | None = None
    # False: needed only if a configuration cwlint cannot read asks for it, so a missing
    # Allow is reported as info, never as an error.
    certain: bool = True

    def grant_pattern(self) -> str:
        """The Resource to write in a fix; unknown parts of the name become ``*``."""
        return resource_pattern(self.resource if self.grant is None else self.grant)

    def statement(self) -> dict[str, Any]:
        """The minimal statement that grants it, for fix texts."""
        body: dict[str, Any] = {"Effect": "Allow", "Action": self.action,
                                "Resource": self.grant_pattern()}
        namespace = dict(self.context).get(NAMESPACE_KEY)
        if isinstance(namespace, str):
            body["Condition"] = {"StringEquals": {NAMESPACE_KEY: namespace}}
        return body


class Checked(msgspec.Struct, frozen=True):
    requirement: Requirement
    access: Access


def checked_requirements(model: Model, workload: Workload) -> list[Checked]:
    """Every requirement of ``workload`` with its access verdict (cached on the model)."""
    key = ("requirements", id(workload))
    if key not in model.cache:
        role = workload.role
        model.cache[key] = [] if role is None else [
            Checked(r, check_access(model, role, r.action, r.resource, dict(r.context)))
            for r in requirements(model, workload)
        ]
    return model.cache[key]


def requirements(model: Model, workload: Workload) -> list[Requirement]:
    """Everything ``workload`` must be allowed to do, from every rule of the registry
    (cached on the model)."""
    key = ("requirement_list", id(workload))
    if key not in model.cache:
        # The registry imports the rules, and they import this module: read it late.
        from cwlint.rules import ALL_RULES

        model.cache[key] = [r for rule in ALL_RULES for r in rule.requires(model, workload)]
    return model.cache[key]


def metric_signal_calls(rule_id: str, model: Model, workload: Workload) -> list[Requirement]:
    """A ``PutMetricData`` per namespace the workload publishes to; in strict mode, one to
    an unknown namespace for a Lambda function that shows none."""
    found = [_put_metric_data(rule_id, signal.namespace, signal)
             for signal in workload.signals.metrics]
    if model.strict and workload.kind == "lambda" and not workload.signals.metrics:
        found.append(_put_metric_data(
            rule_id, STRICT_NAMESPACE,
            purpose="publish metrics (strict mode: every Lambda function publishes metrics)"))
    return found


def lambda_log_calls(rule_id: str, model: Model, workload: Workload) -> list[Requirement]:
    """A Lambda function's calls for its own log group (none for other workloads)."""
    if workload.kind != "lambda" or workload.log_group is None:
        return []
    return _lambda_logs(rule_id, model, workload)


def workload_agent(model: Model, workload: Workload) -> AgentConfig | None:
    """How the workload runs the CloudWatch agent (in strict mode every instance, launch
    template and launch configuration does), or None."""
    agent = workload.signals.agent
    if agent is None and model.strict and workload.kind in INSTANCE_KINDS:
        agent = AgentConfig(STRICT_AGENT)
    return agent


def agent_calls(rule_id: str, model: Model, workload: Workload) -> list[Requirement]:
    """What the CloudWatch agent and the legacy CloudWatch Logs agent of the workload
    call, its configuration parameter aside (:func:`agent_parameter_calls`)."""
    found: list[Requirement] = []
    agent = workload_agent(model, workload)
    if agent is not None:
        found.extend(_agent(rule_id, model, workload, agent))
    if workload.signals.logs_agent is not None:
        found.extend(_logs_agent(rule_id, model, workload.signals.logs_agent))
    return found


def agent_parameter_calls(rule_id: str, model: Model, workload: Workload) -> list[Requirement]:
    """The agent's read of its configuration from Parameter Store, when it does so."""
    agent = workload_agent(model, workload)
    if agent is None or agent.ssm_parameter is None:
        return []
    name = agent.ssm_parameter
    # The ARN of parameter "/a/b" is ...:parameter/a/b, with one slash.
    trimmed: StrValue = name
    if isinstance(name, str) and name.startswith("/"):
        trimmed = name[1:]
    elif isinstance(name, Partial) and name.known_prefix().startswith("/"):
        trimmed = concat([name.known_prefix()[1:], *name.parts[1:]])
    arn = arns.build_arn(model.partition, "ssm", model.region, model.account_id, "parameter/",
                         trimmed)
    return [Requirement(rule_id, "ssm:GetParameter", arn,
                        f"read its configuration from parameter {_show(name)}")]


def _put_metric_data(rule_id: str, namespace: StrValue,
                     signal: MetricSignal | None = None, purpose: str | None = None
                     ) -> Requirement:
    return Requirement(rule_id, "cloudwatch:PutMetricData", "*",
                       purpose or f"publish metrics to namespace {_show(namespace)}",
                       ((NAMESPACE_KEY, namespace),), signal)


def log_group_arn(model: Model, group: StrValue) -> StrValue:
    """The ARN of log group ``group`` in the input's partition, region and account."""
    return arns.log_group_arn(model.partition, model.region, model.account_id, group)


def _lambda_logs(rule_id: str, model: Model, workload: Workload) -> list[Requirement]:
    group = workload.log_group
    assert group is not None
    streams = concat([log_group_arn(model, group), ":*"])  # what a fix grants
    stream = concat([log_group_arn(model, group), ":log-stream:", LAMBDA_STREAM])
    found = [
        Requirement(rule_id, "logs:CreateLogStream", stream,
                    f"create log streams in {_show(group)}", grant=streams),
        Requirement(rule_id, "logs:PutLogEvents", stream,
                    f"write log events to {_show(group)}", grant=streams),
    ]
    if not workload.log_group_declared:
        found.append(Requirement(rule_id, "logs:CreateLogGroup",
                                 concat([log_group_arn(model, group), ":log-stream:"]),
                                 f"create its log group {_show(group)} (not declared)",
                                 grant=streams))
    return found


def _agent(rule_id: str, model: Model, workload: Workload, agent: AgentConfig
           ) -> list[Requirement]:
    """What the CloudWatch agent calls (see :mod:`cwlint.agent_config`): exactly what its
    configuration uses when the input holds it; otherwise what every configuration needs
    (PutMetricData; CreateLogStream and PutLogEvents on groups written out in user data),
    and the rest as requirements that are at most info."""
    found: list[Requirement] = []
    if agent.config is not None:
        needs = agent_needs(agent.config)
        where = f"its configuration: {agent.config_source}"
        if needs.metrics_namespace is not None:
            found.append(_put_metric_data(
                rule_id, needs.metrics_namespace,
                purpose=f"publish metrics to namespace {_show(needs.metrics_namespace)} "
                f"({where})"))
        for target in needs.log_targets:
            declared = isinstance(target.group, str) and (
                model.log_group_named(target.group) is not None)
            found += _agent_log_calls(rule_id, model, target.group, where, create=not declared,
                                      retention=target.retention)
        if needs.describe_tags:
            found.append(Requirement(rule_id, "ec2:DescribeTags", "*",
                                     f"read the AutoScalingGroupName dimension it appends "
                                     f"({where})"))
        if needs.describe_volumes:
            found.append(Requirement(rule_id, "ec2:DescribeVolumes", "*",
                                     f"read the VolumeId dimension it appends ({where})"))
    else:
        found.append(_put_metric_data(rule_id, AGENT_NAMESPACE))
        groups: list[StrValue] = list(agent.log_groups)
        for group in groups:
            found += _agent_log_calls(rule_id, model, group, "named in its user data",
                                      create=False, retention=False)
        maybe = groups or [Unknown("the log groups named in the agent configuration")]
        for group in maybe:
            arn = log_group_arn(model, group)
            named = (f"the log group {group}" if isinstance(group, str)
                     else "the log groups of its agent configuration")
            if not groups:
                found += [replace(r, certain=False) for r in _agent_log_calls(
                    rule_id, model, group, "", create=False, retention=False)]
            if isinstance(group, str) and model.log_group_named(group) is not None:
                continue
            found.append(Requirement(
                rule_id, "logs:CreateLogGroup", concat([arn, ":log-stream:"]),
                f"create {named} if it does not exist (the agent configuration is not in "
                "this input)", grant=concat([arn, ":*"]), certain=False))
        found += [
            Requirement(rule_id, "ec2:DescribeTags", "*",
                        "read an AutoScalingGroupName dimension, if the agent configuration "
                        "(not in this input) appends one", certain=False),
            Requirement(rule_id, "ec2:DescribeVolumes", "*",
                        "read a VolumeId dimension, if the agent configuration (not in this "
                        "input) appends one", certain=False),
        ]
    return found


def _agent_log_calls(rule_id: str, model: Model, group: StrValue, where: str, create: bool,
                     retention: bool) -> list[Requirement]:
    """The CloudWatch agent's calls for one log group: CreateLogStream then PutLogEvents;
    CreateLogGroup when the group is not declared; DescribeLogGroups and
    PutRetentionPolicy with a retention setting."""
    arn = log_group_arn(model, group)
    streams = concat([arn, ":*"])
    stream = concat([arn, ":log-stream:", Unknown("the agent's log stream name")])
    named = (f"the log group {group}" if isinstance(group, str)
             else "the log groups of its agent configuration")
    suffix = f" ({where})" if where else ""
    found = [
        Requirement(rule_id, "logs:CreateLogStream", stream,
                    f"create log streams in {named}{suffix}", grant=streams),
        Requirement(rule_id, "logs:PutLogEvents", stream,
                    f"write log events to {named}{suffix}", grant=streams),
    ]
    if create:
        found.append(Requirement(rule_id, "logs:CreateLogGroup", concat([arn, ":log-stream:"]),
                                 f"create {named}, which is not declared in this input"
                                 f"{suffix}", grant=streams))
    if retention:
        found += [
            Requirement(rule_id, "logs:DescribeLogGroups",
                        concat([log_group_arn(model, ""), ":log-stream:"]),
                        f"read the retention of {named} (retention_in_days){suffix}",
                        grant=log_group_arn(model, "*")),
            Requirement(rule_id, "logs:PutRetentionPolicy", concat([arn, ":log-stream:"]),
                        f"set the retention of {named} (retention_in_days){suffix}",
                        grant=streams),
        ]
    return found


def _logs_agent(rule_id: str, model: Model, agent: LogsAgent) -> list[Requirement]:
    """The legacy CloudWatch Logs agent (awslogs) calls CreateLogGroup, CreateLogStream,
    PutLogEvents and DescribeLogStreams for every group it ships to."""
    found: list[Requirement] = []
    groups: list[StrValue] = list(agent.log_groups) or [
        Unknown("the log groups of the awslogs configuration")]
    for group in groups:
        arn = log_group_arn(model, group)
        streams = concat([arn, ":*"])
        stream = concat([arn, ":log-stream:", Unknown("the awslogs log stream name")])
        named = (f"the log group {group}" if isinstance(group, str)
                 else "the log groups of its awslogs configuration")
        found += [
            Requirement(rule_id, "logs:CreateLogGroup", concat([arn, ":log-stream:"]),
                        f"create {named} (the awslogs agent always tries)", grant=streams),
            Requirement(rule_id, "logs:CreateLogStream", stream,
                        f"create log streams in {named}", grant=streams),
            Requirement(rule_id, "logs:PutLogEvents", stream,
                        f"write log events to {named}", grant=streams),
            Requirement(rule_id, "logs:DescribeLogStreams", concat([arn, ":log-stream:"]),
                        f"describe the log streams of {named}", grant=streams),
        ]
    return found


def _show(value: StrValue) -> str:
    """A name for messages: unknown parts as ``${?}``, a wholly unknown one by its reason."""
    if isinstance(value, Unknown):
        return f"({value.reason})"
    return str(value)


def resource_pattern(value: StrValue) -> str:
    """An IAM Resource pattern covering every value ``value`` could take: each unknown
    part becomes ``*`` (``log-group:${?}:*`` -> ``log-group:*``, since a ``*`` that ends
    a segment spans the colons after it)."""
    if isinstance(value, str):
        return value
    parts = value.parts if isinstance(value, Partial) else (value,)
    text = "".join(p if isinstance(p, str) else "*" for p in parts)
    while "**" in text:
        text = text.replace("**", "*")
    while text.endswith("*:*"):
        text = text[:-2]
    return text


def fix_statement(requirements_: list[Requirement]) -> str:
    """JSON for the statements that would grant ``requirements_`` (see
    :func:`fix_statements`)."""
    return json.dumps(list(fix_statements(requirements_)))


def fix_statements(requirements_: list[Requirement]) -> tuple[dict[str, Any], ...]:
    """The statements that would grant ``requirements_`` (grouped by resource;
    PutMetricData for several namespaces is one statement listing them)."""
    merged: dict[str, dict[str, Any]] = {}
    namespaces: dict[str, list[str]] = {}
    for requirement in requirements_:
        body = requirement.statement()
        namespace = body.get("Condition", {}).get("StringEquals", {}).get(NAMESPACE_KEY)
        if body["Action"] == "cloudwatch:PutMetricData" and isinstance(namespace, str):
            key = json.dumps({"Action": body["Action"], "Resource": body["Resource"]})
            if key in merged:
                if namespace not in namespaces[key]:
                    namespaces[key].append(namespace)
                    merged[key]["Condition"] = {"StringEquals": {NAMESPACE_KEY: namespaces[key]}}
            else:
                namespaces[key] = [namespace]
                merged[key] = body
            continue
        key = json.dumps({k: v for k, v in body.items() if k != "Action"}, sort_keys=True)
        if key in merged:
            actions = merged[key]["Action"]
            if isinstance(actions, str):
                actions = [actions]
            if body["Action"] not in actions:
                actions.append(body["Action"])
            merged[key]["Action"] = actions
        else:
            merged[key] = body
    return tuple(merged.values())
