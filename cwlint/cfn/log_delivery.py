"""AWS services that write to log groups through CloudWatch Logs resource policies, in a
CloudFormation template: EventBridge rules with a log group target, Route 53 query logging
configurations, and the ``AWS::Logs::ResourcePolicy`` resources that may admit them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cwlint.frontend.arns import log_group_arn
from cwlint.model import LogDelivery, LogResourcePolicy
from cwlint.values import Partial, StrValue, Unknown, concat

if TYPE_CHECKING:
    from cwlint.cfn.builder import CloudFormationBuilder

LOG_GROUP = "AWS::Logs::LogGroup"


def collect_log_deliveries(b: CloudFormationBuilder) -> None:
    model = b.model
    for logical_id, _ in b.of_type("AWS::Logs::ResourcePolicy"):
        props = b.properties(logical_id)
        location = b.location(logical_id)
        model.log_resource_policies.append(LogResourcePolicy(
            logical_id, location,
            b.parse(props.get("PolicyDocument"), f"resource policy {logical_id}", location,
                    require_resource=False)))
    for logical_id, _ in b.of_type("AWS::Events::Rule"):
        targets = b.taken_branches(b.properties(logical_id).get("Targets"))
        for index, target in enumerate(targets if isinstance(targets, list) else []):
            if not isinstance(target, Mapping) or "Arn" not in target:
                continue
            group, arn = _group(b, target["Arn"])
            if group is None and not _is_log_group_arn(arn):
                continue
            model.log_deliveries.append(LogDelivery(
                logical_id, b.location(logical_id), "eventbridge", arn, group,
                b.resolver.as_string(b.resolver.get_att(logical_id, "Arn")),
                b.loaded.property_line(logical_id, "Targets", index, "Arn")))
    for logical_id, _ in b.of_type("AWS::Route53::HostedZone"):
        config = b.taken_branches(b.properties(logical_id).get("QueryLoggingConfig"))
        if not isinstance(config, Mapping) or "CloudWatchLogsLogGroupArn" not in config:
            continue
        group, arn = _group(b, config["CloudWatchLogsLogGroupArn"])
        model.log_deliveries.append(LogDelivery(
            logical_id, b.location(logical_id), "route53", arn, group,
            Unknown("the hosted zone's id is assigned when it is created"),
            b.loaded.property_line(logical_id, "QueryLoggingConfig")))


def _group(b: CloudFormationBuilder, node: Any) -> tuple[str | None, StrValue]:
    """The log group of the input ``node`` names, and the group's ARN without ``:*``."""
    model = b.model
    group = b.linked(node, LOG_GROUP)
    if group is not None and group in model.log_groups:
        return group, log_group_arn(model.partition, model.region, model.account_id,
                                    model.log_groups[group].name)
    return None, _without_star(b.string(node))


def _without_star(arn: StrValue) -> StrValue:
    if isinstance(arn, str) and arn.endswith(":*"):
        return arn[:-2]
    if isinstance(arn, Partial) and isinstance(arn.parts[-1], str) and \
            arn.parts[-1].endswith(":*"):
        return concat([*arn.parts[:-1], arn.parts[-1][:-2]])
    return arn


def _is_log_group_arn(arn: StrValue) -> bool:
    text = arn if isinstance(arn, str) else str(arn) if isinstance(arn, Partial) else ""
    return ":logs:" in text and ":log-group:" in text
