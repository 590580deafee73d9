"""Each rule's example fix, as data: ``cwlint explain`` renders the same fix for
CloudFormation and for Terraform.

The example names its resources through :func:`example_fix`'s ``syntax``: the same
structure gets logical ids (``AppRole``) for CloudFormation and addresses
(``aws_iam_role.app``) for Terraform, as the findings of a real input would.
"""

from __future__ import annotations

from collections.abc import Callable

from cwlint.fixes import (
    SAFE,
    AddStatements,
    AddToList,
    Advice,
    AllowHttpsEgress,
    AllowHttpsIngress,
    AttachRole,
    CreateEndpoint,
    CreateLogResourcePolicy,
    Fix,
    GrantStatements,
    ReplaceLiteral,
    SetValue,
)

#: Example resources: CloudFormation logical id, Terraform address.
RESOURCES = {
    "role": ("AppRole", "aws_iam_role.app"),
    "execution_role": ("ExecutionRole", "aws_iam_role.execution"),
    "policy": ("AppPolicy", "aws_iam_role_policy.app"),
    "task": ("AppTask", "aws_ecs_task_definition.app"),
    "endpoint": ("MonitoringEndpoint", "aws_vpc_endpoint.monitoring"),
    "endpoint_group": ("EndpointSecurityGroup", "aws_security_group.endpoint"),
    "app_group": ("AppSecurityGroup", "aws_security_group.app"),
    "vpc": ("Vpc", "aws_vpc.main"),
    "subnet": ("PrivateSubnet", "aws_subnet.private"),
    "key": ("LogsKey", "aws_kms_key.logs"),
    "alarm": ("ErrorAlarm", "aws_cloudwatch_metric_alarm.errors"),
    "link": ("MonitoringLink", "aws_oam_link.monitoring"),
    "sink": ("MonitoringSink", "aws_oam_sink.monitoring"),
    "topic_key": ("AlarmTopicKey", "aws_kms_key.alarms"),
    "log_group": ("AppLogGroup", "aws_cloudwatch_log_group.app"),
}
ACCOUNT = "arn:aws:logs:us-east-1:123456789012"
GROUP = f"{ACCOUNT}:log-group:/app/orders"


def _statement(actions: list[str], resource: str, **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": actions[0] if len(actions) == 1 else actions,
            "Resource": resource, **extra}


def _examples(r: Callable[[str], str]) -> dict[str, Fix]:
    """Rule id -> its example fix, ``r`` naming the example resources."""
    metrics = _statement(["cloudwatch:PutMetricData"], "*", Condition={
        "StringEquals": {"cloudwatch:namespace": "Orders"}})
    streams = _statement(["logs:CreateLogStream", "logs:PutLogEvents"], f"{GROUP}:*")
    return {
        "CWL001": Fix((GrantStatements(r("role"), (metrics,)),)),
        "CWL002": Fix((Advice("Use namespace values that match, or:"),
                       GrantStatements(r("role"), (metrics,)))),
        "CWL003": Fix((ReplaceLiteral(r("policy"), GROUP, f"{GROUP}:*"),), SAFE),
        "CWL004": Fix((GrantStatements(r("role"), (streams,)),)),
        "CWL005": Fix((GrantStatements(r("role"), (
            _statement(["cloudwatch:PutMetricData"], "*"), streams)),),
            alternatives=(Advice("attach the AWS managed policy CloudWatchAgentServerPolicy"),)),
        "CWL006": Fix((GrantStatements(r("role"), (_statement(
            ["ssm:GetParameter"],
            "arn:aws:ssm:us-east-1:123456789012:parameter/AmazonCloudWatch-app"),)),)),
        "CWL007": Fix((Advice('Exempt the namespace from the Deny in policy guardrails with the '
                              'condition {"StringNotEquals": {"cloudwatch:namespace": '
                              '["Orders"]}}'),)),
        "CWL008": Fix((ReplaceLiteral(r("policy"), "cloudwatch:PutMetricsData",
                                      "cloudwatch:PutMetricData"),), SAFE),
        "CWL010": Fix((CreateEndpoint(r("vpc"), "com.amazonaws.us-east-1.monitoring",
                                      (r("subnet"),), (r("app_group"),)),)),
        "CWL011": Fix((SetValue(r("endpoint"), "endpoint.private_dns", True),), SAFE),
        "CWL012": Fix((AllowHttpsIngress(r("endpoint_group"), r("app_group")),)),
        "CWL013": Fix((AllowHttpsEgress(r("app_group"), r("endpoint_group")),)),
        "CWL014": Fix((AddStatements(r("endpoint"), "endpoint.policy", (
            _statement(["cloudwatch:PutMetricData"], "*", Principal="*"),)),)),
        "CWL020": Fix((AddStatements(r("key"), "kms_key.policy", (_statement(
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
             "kms:Describe*"], "*", Principal={"Service": "logs.us-east-1.amazonaws.com"},
            Condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                   f"{ACCOUNT}:log-group:*"}}),)),)),
        "CWL021": Fix((AttachRole(r("task"), "ecs_task.execution_role",
                                  "ecs-tasks.amazonaws.com", managed_policies=(
                                      "arn:aws:iam::aws:policy/service-role/"
                                      "AmazonECSTaskExecutionRolePolicy",)),)),
        "CWL022": Fix((CreateLogResourcePolicy("orders-log-delivery", (_statement(
            ["logs:CreateLogStream", "logs:PutLogEvents"], f"{GROUP}:*",
            Principal={"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]}),
        )),)),
        "CWL023": Fix((AttachRole(r("task"), "ecs_task.task_role", "ecs-tasks.amazonaws.com",
                                  statements=(streams,)),)),
        "CWL030": Fix((AddToList(r("link"), "oam_link.resource_types",
                                 ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup")),)),
        "CWL040": Fix((SetValue(r("alarm"), "alarm.treat_missing_data", "breaching"),), SAFE,
                      alternatives=(Advice("add an insufficient-data action"),)),
        "CWL041": Fix((ReplaceLiteral(r("alarm"), "AWS/Orders", "Orders"),)),
        "CWL042": Fix((AddStatements(r("topic_key"), "kms_key.policy", (_statement(
            ["kms:Decrypt", "kms:GenerateDataKey*"], "*",
            Principal={"Service": "cloudwatch.amazonaws.com"}),)),)),
        "CWL043": Fix((SetValue(r("alarm"), "alarm.metric_name", "Invocations"),)),
    }


def example_fix(rule_id: str, syntax: str) -> Fix | None:
    """The example fix of ``rule_id`` with resources named as ``syntax`` names them;
    None for a rule that has none (a notice)."""
    column = 0 if syntax == "cloudformation" else 1
    return _examples(lambda name: RESOURCES[name][column]).get(rule_id)
