"""AWS services that write to log groups through CloudWatch Logs resource policies, in
Terraform: ``aws_cloudwatch_event_target`` resources whose ``arn`` is a log group,
``aws_route53_query_log``, and the ``aws_cloudwatch_log_resource_policy`` resources that
may admit them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cwlint.frontend.arns import log_group_arn
from cwlint.model import LogDelivery, LogResourcePolicy
from cwlint.terraform.builder import text
from cwlint.terraform.resources import TfResource
from cwlint.values import Partial, StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.terraform.builder import TerraformBuilder

LOG_GROUP = "aws_cloudwatch_log_group"


def collect_log_deliveries(b: TerraformBuilder) -> None:
    model = b.model
    for resource in b.of_type("aws_cloudwatch_log_resource_policy"):
        model.log_resource_policies.append(LogResourcePolicy(
            resource.address, resource.location,
            b.document(resource.body.get("policy_document"),
                       f"resource policy {resource.address}", resource.location,
                       require_resource=False)))
    rule_of = b.typed("aws_cloudwatch_event_rule")
    for resource in b.of_type("aws_cloudwatch_event_target"):
        group, arn = _group(b, resource, "arn")
        if group is None and not _is_log_group_arn(arn):
            continue
        rule = b.link_one(resource.body, "rule", rule_of, ["aws_cloudwatch_event_rule"],
                          "EventBridge rule")
        source: StrValue = Unknown("the rule's ARN is not known statically")
        if isinstance(rule, str) and rule in b.by_address:
            source = text(b.attribute(b.by_address[rule], "arn"))
        model.log_deliveries.append(LogDelivery(
            resource.address, resource.location, "eventbridge", arn, group, source,
            what="EventBridge target"))
    for resource in b.of_type("aws_route53_query_log"):
        group, arn = _group(b, resource, "cloudwatch_log_group_arn")
        model.log_deliveries.append(LogDelivery(
            resource.address, resource.location, "route53", arn, group,
            Unknown("the hosted zone's id is assigned when it is created")))


def _group(b: TerraformBuilder, resource: TfResource, key: str) -> tuple[str | None, StrValue]:
    """The log group of the input an attribute names, and the group's ARN without ``:*``."""
    model = b.model
    group = b.link_one(resource.body, key, b.typed(LOG_GROUP), [LOG_GROUP], "log group")
    if isinstance(group, str) and group in model.log_groups:
        return group, log_group_arn(model.partition, model.region, model.account_id,
                                    model.log_groups[group].name)
    arn = text(resource.body.get(key))
    if isinstance(arn, str) and arn.endswith(":*"):
        arn = arn[:-2]
    return None, arn


def _is_log_group_arn(arn: StrValue) -> bool:
    value = arn if isinstance(arn, str) else str(arn) if isinstance(arn, Partial) else ""
    return ":logs:" in value and ":log-group:" in value
