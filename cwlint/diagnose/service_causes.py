"""The causes of a service error: AWS refused the request for a reason that is not the
caller's IAM permissions.

* a log group's KMS key that CloudWatch Logs cannot use -> CWL020
  log-group-kms-key-unusable; the key may also not exist in the region, be disabled or be
  pending deletion (no rule);
* a log group name in the reserved ``aws/`` / ``AWS/`` namespace -> CWL041
  reserved-namespace;
* an alarm action that cannot notify its SNS topic -> CWL042 alarm-topic-unusable (the
  topic's KMS key or its access policy, as the message says);
* Route 53 query logging with no CloudWatch Logs resource policy for it -> CWL022
  log-delivery-policy-missing;
* API Gateway with no account-level CloudWatch Logs role (no rule);
* a log group that does not exist where a writer expects it (no rule: the template that
  should declare it, or the writer's create-group option, is not in the message).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cwlint.diagnose import checks, fixes
from cwlint.diagnose.fixes import Fix
from cwlint.diagnose.incident import (
    ALARM_ACTION_FAILED,
    DELIVERY_POLICY_MISSING,
    KMS_KEY_UNUSABLE,
    LOG_GROUP_MISSING,
    RESERVED_LOG_GROUP,
    TOPIC_KEY,
    TOPIC_POLICY,
    ServiceError,
)
from cwlint.diagnose.rule_ids import rule_name

if TYPE_CHECKING:
    from cwlint.diagnose.causes import Cause
    from cwlint.diagnose.workload import Workload

LOGS_KEY_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:Describe*"]
ALARM_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]
CLOUDWATCH = "cloudwatch.amazonaws.com"


class ServiceCauses:
    """The causes of one service error."""

    def __init__(self, incident: ServiceError, workload: Workload) -> None:
        self.incident = incident
        self.workload = workload
        self.region = incident.region

    def build(self) -> list[Cause]:
        """The causes, most likely first."""
        problem = self.incident.problem
        if problem == KMS_KEY_UNUSABLE:
            return [self.key_policy(), self.key_missing()]
        if problem == ALARM_ACTION_FAILED:
            return self.alarm_topic()
        if problem == DELIVERY_POLICY_MISSING:
            return [self.delivery_policy()]
        if problem == RESERVED_LOG_GROUP:
            return [self.reserved()]
        if problem == LOG_GROUP_MISSING:
            return [self.group_missing()]
        return [self.apigateway_role()]

    def _cause(self, rule_id: str | None, name: str, likelihood: str, summary: str, why: str,
               commands: list[str], fix: Fix | None) -> Cause:
        from cwlint.diagnose.causes import Cause

        return Cause(rule_id, rule_name(rule_id) or name, likelihood, summary, why,
                     list(dict.fromkeys(commands)), fix)

    # -- CWL020 --------------------------------------------------------------------------

    def _group(self) -> tuple[str, str]:
        """The group's name and ARN (placeholders where the message does not show them)."""
        target = self.incident.log_target
        if target is None:
            return "the log group", "arn:aws:logs:REGION:ACCOUNT_ID:log-group:NAME"
        return target.group, target.group_arn

    def key_policy(self) -> Cause:
        """CWL020: the key policy does not let logs.<region>.amazonaws.com use the key."""
        name, arn = self._group()
        service = f"logs.{self.region or 'REGION'}.amazonaws.com"
        summary = (f"the KMS key of log group {name} has a key policy that does not let the "
                   f"CloudWatch Logs service ({service}) use it (kms:Encrypt*, kms:Decrypt*, "
                   "kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*); granting the "
                   "account root does not grant the service")
        body: dict[str, Any] = {
            "Effect": "Allow", "Principal": {"Service": service}, "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": arn}}}
        fix = fixes.statement_fix("add this statement to the key policy of the log group's "
                                  "KMS key", body)
        commands = [
            checks._cmd("aws", "logs", "describe-log-groups", "--log-group-name-prefix", name,
                        region=self.region)] if self.incident.log_target else []
        commands += [checks._cmd("aws", "kms", "get-key-policy", "--key-id", "KEY_ARN",
                                 "--policy-name", "default", region=self.region)]
        return self._cause("CWL020", "", "likely", summary,
                           "CloudWatch Logs says it may not use the key with the group's ARN",
                           commands, fix)

    def key_missing(self) -> Cause:
        """No rule: the key does not exist where the group is, or is not enabled."""
        summary = (f"the key does not exist in {self.region or 'the log group’s region'} "
                   "(a key from another region, a key id instead of its ARN, a typo), or it is "
                   "disabled or pending deletion")
        fix = Fix("give the log group the ARN of an enabled symmetric key in its own region")
        commands = [checks._cmd("aws", "kms", "describe-key", "--key-id", "KEY_ARN",
                                region=self.region)]
        return self._cause(None, "kms-key-not-usable", "possible", summary,
                           "the same message is given for a key that does not exist",
                           commands, fix)

    # -- CWL041 --------------------------------------------------------------------------

    def reserved(self) -> Cause:
        """CWL041: a log group name in the namespace AWS keeps for itself."""
        group = self.incident.log_group
        named = f"log group {group}" if group else "the log group's name"
        summary = (f"{named} begins with aws/ or AWS/, which CloudWatch Logs keeps for AWS: "
                   "creating it fails, so nothing is ever written to it")
        fix = Fix("rename the log group (in the agent's log_group_name, the awslogs-group, the "
                  "Terraform or CloudFormation name) so it does not begin with aws/; a leading "
                  "slash, as in /aws/lambda/NAME, is not the reserved prefix")
        return self._cause("CWL041", "", "likely", summary,
                           "the message says log groups starting with AWS/ are reserved",
                           [], fix)

    # -- CWL042 --------------------------------------------------------------------------

    def alarm_topic(self) -> list[Cause]:
        detail = self.incident.detail
        if detail == TOPIC_KEY:
            return [self.topic_key("likely")]
        if detail == TOPIC_POLICY:
            return [self.topic_policy("likely")]
        return [self.topic_key("likely"), self.topic_policy("possible")]

    def _topic(self) -> str:
        return self.incident.resource or "the SNS topic"

    def _alarm_checks(self) -> list[str]:
        topic = self.incident.resource or "TOPIC_ARN"
        commands = [checks._cmd("aws", "sns", "get-topic-attributes", "--topic-arn", topic,
                                region=self.region)]
        alarm = self.incident.principal
        if alarm and ":alarm:" in alarm:
            commands.append(checks._cmd("aws", "cloudwatch", "describe-alarm-history",
                                        "--alarm-name", alarm.split(":alarm:", 1)[1],
                                        "--history-item-type", "Action", region=self.region))
        return commands

    def topic_key(self, likelihood: str) -> Cause:
        """CWL042: the topic's KMS key does not let CloudWatch use it."""
        summary = (f"{self._topic()} is encrypted with a KMS key whose policy does not let "
                   f"{CLOUDWATCH} call kms:Decrypt and kms:GenerateDataKey* (the AWS managed "
                   "key alias/aws/sns never can: its policy cannot be changed), so every "
                   "notification of the alarm fails")
        body = {"Effect": "Allow", "Principal": {"Service": CLOUDWATCH},
                "Action": ALARM_KEY_ACTIONS, "Resource": "*"}
        fix = fixes.statement_fix(
            "encrypt the topic with a customer managed key and add this statement to its key "
            "policy", body)
        commands = self._alarm_checks() + [checks._cmd(
            "aws", "kms", "get-key-policy", "--key-id", "KMS_MASTER_KEY_ID", "--policy-name",
            "default", region=self.region)]
        why = ("the alarm's action failed on the topic's encryption key"
               if self.incident.detail == TOPIC_KEY else
               "an encrypted topic is the most common reason an alarm cannot notify")
        return self._cause("CWL042", "", likelihood, summary, why, commands, fix)

    def topic_policy(self, likelihood: str) -> Cause:
        """CWL042: the topic's access policy does not let CloudWatch publish."""
        summary = (f"the access policy of {self._topic()} does not let {CLOUDWATCH} (or the "
                   "alarm) call sns:Publish, so every notification of the alarm fails")
        body: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": CLOUDWATCH},
                                "Action": "sns:Publish",
                                "Resource": self.incident.resource or "TOPIC_ARN"}
        alarm = self.incident.principal
        if alarm and ":alarm:" in alarm:
            body["Condition"] = {"ArnLike": {"aws:SourceArn": alarm}}
        fix = fixes.statement_fix("add this statement to the topic's access policy", body)
        why = ("the alarm's action was refused SNS:Publish by the topic"
               if self.incident.detail == TOPIC_POLICY else
               "a topic policy that admits only some publishers also refuses alarms")
        return self._cause("CWL042", "", likelihood, summary, why, self._alarm_checks(), fix)

    # -- CWL022 and API Gateway ------------------------------------------------------------

    def delivery_policy(self) -> Cause:
        """CWL022: no CloudWatch Logs resource policy admits Route 53."""
        target = self.incident.log_target
        grant = (f"{target.group_arn}:*" if target is not None else
                 "arn:aws:logs:us-east-1:ACCOUNT_ID:log-group:/aws/route53/*")
        summary = ("no CloudWatch Logs resource policy lets route53.amazonaws.com create streams "
                   f"in and write to {target.group if target else 'the query log group'} (the "
                   "group and its resource policy must be in us-east-1)")
        body = {"Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": grant}
        fix = fixes.statement_fix("add this statement to a CloudWatch Logs resource policy in "
                                  "us-east-1 (AWS::Logs::ResourcePolicy, "
                                  "aws_cloudwatch_log_resource_policy)", body)
        commands = [checks._cmd("aws", "logs", "describe-resource-policies",
                                region="us-east-1")]
        return self._cause("CWL022", "", "likely", summary,
                           "Route 53 says the resource policy does not let it write", commands,
                           fix)

    def apigateway_role(self) -> Cause:
        """No rule: API Gateway's account-level CloudWatch Logs role is not set."""
        summary = ("API Gateway has no CloudWatch Logs role in this region's account settings "
                   "(cloudWatchRoleArn), so it cannot write execution or access logs")
        fix = Fix(
            "create a role API Gateway can assume with the managed policy "
            "AmazonAPIGatewayPushToCloudWatchLogs and set it once per region",
            None,
            "ApiGatewayAccount:\n  Type: AWS::ApiGateway::Account\n  Properties:\n"
            "    CloudWatchRoleArn: !GetAtt ApiGatewayLogsRole.Arn",
            'resource "aws_api_gateway_account" "this" {\n'
            "  cloudwatch_role_arn = aws_iam_role.api_gateway_logs.arn\n}")
        commands = [checks._cmd("aws", "apigateway", "get-account", region=self.region)]
        return self._cause(None, "apigateway-logs-role-missing", "likely", summary,
                           "API Gateway says the account setting is missing", commands, fix)

    def group_missing(self) -> Cause:
        """No rule: the writer's log group does not exist and the writer does not create it."""
        target = self.incident.log_target
        group = target.group if target is not None else "the log group"
        ecs = self.workload.kind == "ecs"
        summary = (f"{group} does not exist" + (
            " and the task definition's awslogs options do not create it "
            "(awslogs-create-group is not true)" if ecs else
            " and the writer does not create it"))
        fix = Fix(
            "declare the log group (AWS::Logs::LogGroup, aws_cloudwatch_log_group) with the "
            "exact name the writer uses" + (
                ", or set awslogs-create-group to true and allow logs:CreateLogGroup to the "
                "task execution role" if ecs else ""))
        commands = [checks._cmd("aws", "logs", "describe-log-groups",
                                "--log-group-name-prefix", target.group, region=self.region)
                    ] if target is not None else []
        return self._cause(None, "log-group-missing", "likely", summary,
                           "CloudWatch Logs says the log group does not exist", commands, fix)
