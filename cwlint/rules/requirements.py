"""What each workload must be allowed to do for its metrics and logs to arrive.

One list per workload, derived from its signals (DESIGN.md §3): a ``PutMetricData`` per
namespace it publishes to, a Lambda function's log stream calls, the CloudWatch agent's
permissions, the agent's configuration parameter. Each requirement names the rule that
reports it when no Allow grants it; CWL007 reports any of them that a Deny, a boundary or
an SCP removes. Results are computed once per model and shared by the rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cwlint.model import MetricSignal, Model, Workload
from cwlint.rules.access import NAMESPACE_KEY, Access, check_access
from cwlint.values import StrValue, Unknown, concat

LAMBDA_STREAM = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef"
AGENT_NAMESPACE = "CWAgent"


@dataclass(frozen=True)
class Requirement:
    rule_id: str  # the rule that reports it when missing
    action: str
    resource: StrValue
    purpose: str  # e.g. "publish metrics to namespace Orders"
    context: tuple[tuple[str, Any], ...] = ()
    signal: MetricSignal | None = None

    def statement(self) -> dict[str, Any]:
        """The minimal statement that grants it, for fix texts."""
        body: dict[str, Any] = {"Effect": "Allow", "Action": self.action,
                                "Resource": str(self.resource)}
        namespace = dict(self.context).get(NAMESPACE_KEY)
        if isinstance(namespace, str):
            body["Condition"] = {"StringEquals": {NAMESPACE_KEY: namespace}}
        return body


@dataclass(frozen=True)
class Checked:
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
    found: list[Requirement] = []
    for signal in workload.signals.metrics:
        found.append(_put_metric_data("CWL001", signal.namespace, signal))
    if workload.kind == "lambda" and workload.log_group is not None:
        found.extend(_lambda_logs(model, workload))
    agent = workload.signals.agent
    if agent is not None:
        found.extend(_agent(model, workload))
    return found


def _put_metric_data(rule_id: str, namespace: StrValue,
                     signal: MetricSignal | None = None) -> Requirement:
    return Requirement(rule_id, "cloudwatch:PutMetricData", "*",
                       f"publish metrics to namespace {_show(namespace)}",
                       ((NAMESPACE_KEY, namespace),), signal)


def log_group_arn(model: Model, group: StrValue) -> StrValue:
    return concat([f"arn:{model.partition}:logs:{model.region}:{model.account_id}:log-group:",
                   group])


def _lambda_logs(model: Model, workload: Workload) -> list[Requirement]:
    group = workload.log_group
    assert group is not None
    stream = concat([log_group_arn(model, group), ":log-stream:", LAMBDA_STREAM])
    found = [
        Requirement("CWL004", "logs:CreateLogStream", stream,
                    f"create log streams in {_show(group)}"),
        Requirement("CWL004", "logs:PutLogEvents", stream,
                    f"write log events to {_show(group)}"),
    ]
    if not workload.log_group_declared:
        found.append(Requirement("CWL004", "logs:CreateLogGroup",
                                 concat([log_group_arn(model, group), ":log-stream:"]),
                                 f"create its log group {_show(group)} (not declared)"))
    return found


def _agent(model: Model, workload: Workload) -> list[Requirement]:
    agent = workload.signals.agent
    assert agent is not None
    groups: list[StrValue] = list(agent.log_groups) or [
        Unknown("the log groups named in the agent configuration")]
    found = [_put_metric_data("CWL005", AGENT_NAMESPACE)]
    for group in groups:
        arn = log_group_arn(model, group)
        stream = concat([arn, ":log-stream:", Unknown("the agent's log stream name")])
        found += [
            Requirement("CWL005", "logs:CreateLogGroup", concat([arn, ":log-stream:"]),
                        f"create the log group {_show(group)} (the agent always tries)"),
            Requirement("CWL005", "logs:CreateLogStream", stream,
                        f"create log streams in {_show(group)}"),
            Requirement("CWL005", "logs:PutLogEvents", stream,
                        f"write log events to {_show(group)}"),
            Requirement("CWL005", "logs:DescribeLogStreams", concat([arn, ":log-stream:"]),
                        f"describe the log streams of {_show(group)}"),
        ]
    found += [
        Requirement("CWL005", "ec2:DescribeTags", "*", "read the instance's tags for dimensions"),
        Requirement("CWL005", "ec2:DescribeVolumes", "*", "describe volumes for disk metrics"),
    ]
    if agent.ssm_parameter is not None:
        name = agent.ssm_parameter
        trimmed = name[1:] if isinstance(name, str) and name.startswith("/") else name
        arn = concat([f"arn:{model.partition}:ssm:{model.region}:{model.account_id}:parameter/",
                      trimmed])
        found.append(Requirement("CWL006", "ssm:GetParameter", arn,
                                 f"read its configuration from parameter {_show(name)}"))
    return found


def _show(value: StrValue) -> str:
    return value if isinstance(value, str) else str(value)


def fix_statement(requirements_: list[Requirement]) -> str:
    """JSON for the statements that would grant ``requirements_`` (grouped by resource)."""
    merged: dict[str, dict[str, Any]] = {}
    for requirement in requirements_:
        body = requirement.statement()
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
    return json.dumps(list(merged.values()))
