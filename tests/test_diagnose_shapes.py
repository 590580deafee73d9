"""Messages as people paste them, shape by shape: redacted accounts, ECS stopped reasons,
FireLens, log-group KMS keys, reserved log groups, alarm actions, HTTP 403s, CloudTrail
records, permissions boundaries and deployers; with the fixes checked by the cwlint IAM
evaluator."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from cwlint.diagnose.arns import parse_log_target, parse_principal
from cwlint.diagnose.causes import Cause
from cwlint.diagnose.diagnosis import Diagnosis, diagnose
from cwlint.diagnose.fixes import statement_fix
from cwlint.diagnose.incident import (
    ALARM_ACTION_FAILED,
    KMS_KEY_UNUSABLE,
    RESERVED_LOG_GROUP,
    TOPIC_KEY,
    TOPIC_POLICY,
    AccessDenied,
    NetworkFailure,
    ServiceError,
)
from cwlint.diagnose.parse import parse
from cwlint.diagnose.text import logical_text
from cwlint.iam.evaluator import Principal, Request, evaluate, normalize_context
from cwlint.iam.policy import parse_policy
from cwlint.rules import RULES_BY_ID

GROUP = "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/api"


def one(text: str) -> Diagnosis:
    result = diagnose(text)
    assert len(result.diagnoses) == 1, [d.incident for d in result.diagnoses]
    return result.diagnoses[0]


def ids(diagnosis: Diagnosis) -> list[str]:
    return [c.rule_id or c.name for c in diagnosis.causes]


def denied(principal: str, action: str, resource: str | None = None, clause: str = "") -> str:
    on = f" on resource: {resource}" if resource else ""
    return f"User: {principal} is not authorized to perform: {action}{on} {clause}".strip()


def decision(fix_policy: dict[str, Any], action: str, resource: str, who: Principal,
             context: dict[str, Any] | None = None) -> str:
    policy = parse_policy(fix_policy, "fix", require_resource=False)
    request = Request(action, resource, normalize_context(context), who)
    return evaluate(request, [policy]).decision


# --- redacted account ids ---------------------------------------------------------------------


@pytest.mark.parametrize("account", ["xxxx", "******", "XXXXXXXXXXXX", "<my account_id>",
                                     "[REDACTED]", "{account}", "***", "ACCOUNT_ID",
                                     "<account-id>", "1234567890", ""])
def test_a_redacted_account_keeps_role_and_session(account: str) -> None:
    principal = parse_principal(f"arn:aws:sts::{account}:assumed-role/api-role/sess-1")
    assert (principal.kind, principal.name, principal.session) == ("assumed-role", "api-role",
                                                                    "sess-1")
    assert principal.account is None
    assert principal.role_arn is None  # not guessed
    target = parse_log_target(f"arn:aws:logs:eu-west-1:{account}:log-group:/app:log-stream:s")
    assert target is not None and target.account is None
    assert target.grant == "arn:aws:logs:eu-west-1:*:log-group:/app:*"


def test_a_redacted_account_inside_a_whole_message() -> None:
    text = denied("arn:aws:sts::<my account_id>:assumed-role/api-role/i-0abc123def4567890",
                  "logs:PutLogEvents",
                  "arn:aws:logs:eu-west-1:<my account_id>:log-group:/app:log-stream:s1")
    incident = one(text).incident
    assert isinstance(incident, AccessDenied)
    assert incident.principal is not None and incident.principal.role_name == "api-role"
    assert incident.account is None
    assert incident.log_target is not None and incident.log_target.group == "/app"


def test_a_real_account_is_kept() -> None:
    principal = parse_principal("arn:aws:sts::111122223333:assumed-role/api-role/s")
    assert principal.account == "111122223333"
    assert principal.role_arn == "arn:aws:iam::111122223333:role/api-role"


# --- ECS and FireLens -------------------------------------------------------------------------


def test_ecs_reason_cut_after_the_principal() -> None:
    text = ("ResourceInitializationError: failed to validate logger args: create stream has been "
            "retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: "
            "User: arn:aws:sts::xxxx:assumed-role/app-exec-role/0123456789abcdef...")
    diagnosis = one(text)
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    assert incident.action == "logs:CreateLogGroup"
    assert incident.principal is not None
    assert (incident.principal.role_name, incident.principal.session) == ("app-exec-role",
                                                                          "0123456789abcdef")
    assert diagnosis.workload.kind == "ecs"
    assert ids(diagnosis)[0] == "CWL021"
    assert "app-exec-role" in diagnosis.causes[0].summary


@pytest.mark.parametrize("text", [
    "failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, "
    "https response error StatusCode: 400, RequestID: r, api error AccessDeniedException: User: "
    "arn:aws:sts::xxxx:assumed-role/app-exec-role/0123456789abcdef...",
    "An error occurred (AccessDeniedException) when calling the CreateLogStream operation: User: "
    "arn:aws:sts::xxxx:assumed-role/app-exec-role/0123456789abcdef...",
])
def test_a_message_cut_after_the_principal_behind_an_envelope(text: str) -> None:
    incident = one(text).incident
    assert isinstance(incident, AccessDenied)
    assert incident.action == "logs:CreateLogStream"
    assert incident.principal is not None
    assert (incident.principal.role_name, incident.principal.session) == ("app-exec-role",
                                                                          "0123456789abcdef")


def test_ecs_session_named_after_an_instance_is_still_ecs() -> None:
    text = ("CannotStartContainerError: Error response from daemon: failed to initialize logging "
            "driver: failed to create Cloudwatch log stream: AccessDeniedException: "
            + denied("arn:aws:sts::111122223333:assumed-role/ecs-hosts/i-0abc123def4567890",
                     "logs:CreateLogStream", f"{GROUP}:log-stream:web/1"))
    diagnosis = one(text)
    assert diagnosis.workload.kind == "ecs"
    assert ids(diagnosis)[0] == "CWL021"


def test_firelens_is_the_task_role() -> None:
    text = ('time="2025-01-01T00:00:00Z" level=error msg="[cloudwatch 0] AccessDeniedException: '
            + denied("arn:aws:sts::111122223333:assumed-role/api-task-role/abc",
                     "logs:PutLogEvents", f"{GROUP}:log-stream:fl-1") + '"')
    diagnosis = one(text)
    assert diagnosis.workload.firelens
    assert ids(diagnosis)[0] == "CWL023"
    assert "task role" in diagnosis.causes[0].summary
    fix = diagnosis.causes[0].fix
    assert fix is not None and fix.policy is not None
    assert fix.policy["Statement"][0]["Resource"] == f"{GROUP}:*"


def test_fluent_bit_alone_is_not_firelens() -> None:
    text = ("[2025/01/01 00:00:00] [error] [output:cloudwatch_logs:cloudwatch_logs.0] "
            "CreateLogStream API responded with error='AccessDeniedException'")
    diagnosis = one(text)
    assert not diagnosis.workload.firelens
    assert "CWL023" not in ids(diagnosis)


def test_fargate_logger_timeout_is_a_network_failure() -> None:
    text = ("ResourceInitializationError: failed to validate logger args: The task cannot find "
            "the Amazon CloudWatch log group defined in the task definition. There is a "
            "connection issue between the task and Amazon CloudWatch. Check your network "
            "configuration. : signal: killed")
    diagnosis = one(text)
    assert isinstance(diagnosis.incident, NetworkFailure)
    assert diagnosis.incident.service == "logs"
    assert diagnosis.workload.kind == "ecs"
    assert ids(diagnosis)[0] == "CWL010"


# --- KMS on log groups -> CWL020 --------------------------------------------------------------


KMS = ("An error occurred (AccessDeniedException) when calling the AssociateKmsKey operation: "
       "The specified KMS key does not exist or is not allowed to be used with Arn "
       "'arn:aws:logs:eu-west-1:111122223333:log-group:/app/audit'")


def test_kms_message_is_one_service_error() -> None:
    parsed = parse(KMS)
    assert len(parsed.incidents) == 1  # the envelope is not a second AccessDenied
    incident = parsed.incidents[0]
    assert isinstance(incident, ServiceError)
    assert incident.problem == KMS_KEY_UNUSABLE
    assert incident.operation == "AssociateKmsKey"
    assert incident.log_target is not None and incident.log_target.group == "/app/audit"


def test_kms_fix_lets_the_logs_service_use_the_key_for_this_group_only() -> None:
    diagnosis = one(KMS)
    assert ids(diagnosis) == ["CWL020", "kms-key-not-usable"]
    fix = diagnosis.causes[0].fix
    assert fix is not None and fix.policy is not None
    logs = Principal("Service", "logs.eu-west-1.amazonaws.com")
    key = "arn:aws:kms:eu-west-1:111122223333:key/k"
    context = {"kms:EncryptionContext:aws:logs:arn":
               "arn:aws:logs:eu-west-1:111122223333:log-group:/app/audit"}
    for action in ("kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"):
        assert decision(fix.policy, action, key, logs, context) == "allowed", action
    other = {"kms:EncryptionContext:aws:logs:arn":
             "arn:aws:logs:eu-west-1:111122223333:log-group:/other"}
    assert decision(fix.policy, "kms:Decrypt", key, logs, other) != "allowed"
    assert decision(fix.policy, "kms:Decrypt", key,
                    Principal("Service", "logs.us-east-1.amazonaws.com"), context) != "allowed"
    assert 'type        = "Service"' in (fix.terraform or "")
    assert '"logs.eu-west-1.amazonaws.com"' in (fix.terraform or "")


# --- reserved log groups -> CWL041 ------------------------------------------------------------


def test_reserved_log_group_names_the_group() -> None:
    text = ("2025-01-01T00:00:00Z I! [logagent] piping log from aws/web/app.log(/var/log/app.log)"
            " to cloudwatchlogs\n2025-01-01T00:00:01Z E! [outputs.cloudwatchlogs] "
            "InvalidParameterException: Log groups starting with AWS/ are reserved for AWS.")
    diagnosis = one(text)
    incident = diagnosis.incident
    assert isinstance(incident, ServiceError) and incident.problem == RESERVED_LOG_GROUP
    assert incident.log_group == "aws/web/app.log"
    assert ids(diagnosis) == ["CWL041"]
    assert "leading slash" in (diagnosis.causes[0].fix.summary if diagnosis.causes[0].fix
                               else "")


# --- alarm actions -> CWL042 ------------------------------------------------------------------


TOPIC = "arn:aws:sns:us-east-1:111122223333:pager"
ALARM = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:api-errors"


@pytest.mark.parametrize(("error", "detail"), [
    ('"null (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: '
     'r-1; Proxy: null)"', TOPIC_KEY),
    ('"CloudWatch Alarms does not have authorization to access the SNS topic encryption key."',
     TOPIC_KEY),
    (f'"Resource: {ALARM} is not authorized to perform: SNS:Publish on resource: {TOPIC} '
     'because no resource-based policy allows the SNS:Publish action"', TOPIC_POLICY),
    ('"Something else went wrong"', None),
])
def test_alarm_action_failures(error: str, detail: str | None) -> None:
    text = f"Failed to execute action {TOPIC}. Received error: {error}"
    parsed = parse(text)
    assert len(parsed.incidents) == 1  # the quoted SNS:Publish denial is part of it
    incident = parsed.incidents[0]
    assert isinstance(incident, ServiceError) and incident.problem == ALARM_ACTION_FAILED
    assert incident.resource == TOPIC and incident.detail == detail
    diagnosis = one(text)
    assert ids(diagnosis)[0] == "CWL042"
    if detail is None:
        assert ids(diagnosis) == ["CWL042", "CWL042"]  # the key, then the topic policy


def test_alarm_topic_policy_fix_admits_cloudwatch_for_this_alarm() -> None:
    text = (f"Failed to execute action {TOPIC}. Received error: \"Resource: {ALARM} is not "
            f"authorized to perform: SNS:Publish on resource: {TOPIC}\"")
    fix = one(text).causes[0].fix
    assert fix is not None and fix.policy is not None
    cloudwatch = Principal("Service", "cloudwatch.amazonaws.com")
    assert decision(fix.policy, "sns:Publish", TOPIC, cloudwatch,
                    {"aws:SourceArn": ALARM}) == "allowed"
    assert decision(fix.policy, "sns:Publish", TOPIC, cloudwatch,
                    {"aws:SourceArn": ALARM + "-other"}) != "allowed"
    assert decision(fix.policy, "sns:Publish", TOPIC,
                    Principal("Service", "events.amazonaws.com"),
                    {"aws:SourceArn": ALARM}) != "allowed"


def test_alarm_topic_key_fix_admits_cloudwatch() -> None:
    text = ("Failed to execute action arn:aws:sns:us-east-1:111122223333:pager. Received error: "
            '"CloudWatch Alarms does not have authorization to access the SNS topic encryption '
            'key."')
    cause = one(text).causes[0]
    assert "alias/aws/sns" in cause.summary
    assert cause.fix is not None and cause.fix.policy is not None
    cloudwatch = Principal("Service", "cloudwatch.amazonaws.com")
    key = "arn:aws:kms:us-east-1:111122223333:key/k"
    for action in ("kms:Decrypt", "kms:GenerateDataKey"):
        assert decision(cause.fix.policy, action, key, cloudwatch) == "allowed"
    assert decision(cause.fix.policy, "kms:Decrypt", key,
                    Principal("Service", "sns.amazonaws.com")) != "allowed"


def test_sns_publish_denied_to_a_role_is_not_an_alarm() -> None:
    text = denied("arn:aws:sts::111122223333:assumed-role/app/s", "SNS:Publish", TOPIC,
                  "because no resource-based policy allows the SNS:Publish action")
    diagnosis = one(text)
    assert isinstance(diagnosis.incident, AccessDenied)
    assert ids(diagnosis) == ["resource-policy-denies"]


# --- other carriers ---------------------------------------------------------------------------


def test_http_403_for_put_metric_data() -> None:
    text = ("403 Client Error: Forbidden for url: https://monitoring.ap-south-1.amazonaws.com/"
            "?Action=PutMetricData&Version=2010-08-01&Namespace=App")
    diagnosis = one(text)
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    assert (incident.action, incident.resource, incident.region, incident.status_code) == (
        "cloudwatch:PutMetricData", "*", "ap-south-1", 403)
    assert ids(diagnosis)[0] == "CWL001"


def test_http_200_or_another_host_is_not_a_denial() -> None:
    assert parse("200 OK for url: https://monitoring.us-east-1.amazonaws.com/?Action="
                 "PutMetricData").incidents == []
    assert parse("403 Client Error: Forbidden for url: https://s3.us-east-1.amazonaws.com/"
                 "?Action=PutObject").incidents == []


def test_cloudtrail_record_without_a_sentence() -> None:
    text = ('{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":'
            '"arn:aws:sts::111122223333:assumed-role/ingest/i-0abc123def4567890",'
            '"accountId":"111122223333"},"eventSource":"logs.amazonaws.com","eventName":'
            '"PutLogEvents","awsRegion":"eu-west-1","errorCode":"AccessDenied","errorMessage":'
            '"Access denied","requestParameters":{"logGroupName":"/app","logStreamName":"s1"}}')
    incident = one(text).incident
    assert isinstance(incident, AccessDenied)
    assert incident.action == "logs:PutLogEvents"
    assert incident.principal is not None and incident.principal.role_name == "ingest"
    assert incident.resource == "arn:aws:logs:eu-west-1:111122223333:log-group:/app:log-stream:s1"
    assert incident.sources == ("cloudtrail",)


def test_cloudtrail_record_with_a_sentence_is_read_once() -> None:
    text = ('{"eventVersion":"1.08","userIdentity":{"arn":"arn:aws:sts::111122223333:'
            'assumed-role/ingest/i-0abc123def4567890"},"eventSource":"monitoring.amazonaws.com",'
            '"eventName":"PutMetricData","errorCode":"AccessDenied","errorMessage":'
            '"arn:aws:sts::111122223333:assumed-role/ingest/i-0abc123def4567890 is not '
            'authorized to perform: cloudwatch:PutMetricData"}')
    parsed = parse(text)
    assert len(parsed.incidents) == 1
    assert "cloudtrail" in parsed.incidents[0].sources


def test_agent_without_credentials_is_the_missing_instance_profile() -> None:
    text = ("2025-01-01T00:00:00Z E! cloudwatch: WriteToCloudWatch failure, err:  "
            "NoCredentialProviders: no valid providers in chain. Deprecated.")
    diagnosis = one(text)
    assert ids(diagnosis) == ["CWL005"]
    assert "no instance profile" in diagnosis.causes[0].summary
    assert parse("NoCredentialProviders: no valid providers in chain").incidents == []


def test_permissions_boundary_is_cwl007() -> None:
    text = denied("arn:aws:sts::111122223333:assumed-role/web/i-0abc123def4567890",
                  "logs:PutLogEvents", f"{GROUP}:log-stream:s",
                  "because no permissions boundary allows the logs:PutLogEvents action")
    diagnosis = one(text)
    assert ids(diagnosis) == ["CWL007"]
    assert "permissions boundary" in diagnosis.causes[0].summary


# --- attribution: deployers -------------------------------------------------------------------


LAMBDA_GROUP = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/mailer:log-stream:"


def test_a_deployer_creating_a_lambda_group_is_not_the_function() -> None:
    text = ("Error: creating CloudWatch Logs Log Group (/aws/lambda/mailer): operation error "
            "CloudWatch Logs: CreateLogGroup, https response error StatusCode: 400, RequestID: r, "
            "api error AccessDeniedException: "
            + denied("arn:aws:sts::111122223333:assumed-role/gha-deployer/GitHubActions",
                     "logs:CreateLogGroup", LAMBDA_GROUP,
                     "because no identity-based policy allows the logs:CreateLogGroup action"))
    diagnosis = one(text)
    assert diagnosis.workload.kind == "deployment" and diagnosis.workload.name == "terraform"
    assert ids(diagnosis) == ["deployer-permissions-missing"]
    cause = diagnosis.causes[0]
    assert "role gha-deployer" in cause.summary
    assert "not the execution role of Lambda function mailer" in cause.summary
    assert cause.fix is not None
    assert yaml.safe_load(cause.fix.cloudformation or "")[
        "GhaDeployerDeployLogDeliveryPolicy"]["Properties"]["Roles"] == ["gha-deployer"]


def test_the_same_denial_for_the_functions_own_session_is_the_function() -> None:
    text = denied("arn:aws:sts::111122223333:assumed-role/mailer-role/mailer",
                  "logs:CreateLogGroup", LAMBDA_GROUP)
    diagnosis = one(text)
    assert diagnosis.workload.kind == "lambda"
    assert ids(diagnosis)[0] == "CWL004"


@pytest.mark.parametrize("session", ["GitHubActions", "gitlab-runner-7", "AWSCloudFormation",
                                     "terraform-apply", "codebuild-42"])
def test_deployer_sessions(session: str) -> None:
    text = denied(f"arn:aws:sts::111122223333:assumed-role/platform/{session}",
                  "logs:CreateLogGroup", LAMBDA_GROUP)
    assert ids(one(text))[0] == "deployer-permissions-missing"


def test_a_deployer_name_does_not_turn_a_workload_into_a_deployment() -> None:
    text = denied("arn:aws:sts::111122223333:assumed-role/deploy-notifier-role/deploy-notifier",
                  "cloudwatch:PutMetricData")
    diagnosis = one(text)
    assert diagnosis.workload.kind != "deployment"
    assert ids(diagnosis)[0] == "CWL001"


# --- logging set-up refused -------------------------------------------------------------------


ROUTE53 = ("InsufficientCloudWatchLogsResourcePolicy: The resource policy that you're using for "
           "Route 53 query logging doesn't grant Route 53 sufficient permission to create a log "
           "stream in the specified log group arn:aws:logs:us-east-1:111122223333:log-group:"
           "/aws/route53/shop.example:*")


def test_route53_query_logging_is_cwl022_and_its_fix_admits_route53() -> None:
    diagnosis = one(ROUTE53)
    assert ids(diagnosis) == ["CWL022"]
    fix = diagnosis.causes[0].fix
    assert fix is not None and fix.policy is not None
    stream = ("arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/shop.example:"
              "log-stream:Z123/edge-1")
    route53 = Principal("Service", "route53.amazonaws.com")
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        assert decision(fix.policy, action, stream, route53) == "allowed"
    assert decision(fix.policy, "logs:PutLogEvents", stream,
                    Principal("Service", "events.amazonaws.com")) != "allowed"


def test_a_missing_awslogs_group() -> None:
    text = ("CannotStartContainerError: Error response from daemon: failed to initialize logging "
            "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
            "specified log group does not exist.")
    diagnosis = one(text)
    assert diagnosis.workload.kind == "ecs"
    assert ids(diagnosis) == ["log-group-missing"]
    fix = diagnosis.causes[0].fix
    assert fix is not None and "awslogs-create-group" in fix.summary


def test_apigateway_account_role() -> None:
    text = ("An error occurred (BadRequestException) when calling the UpdateStage operation: "
            "CloudWatch Logs role ARN must be set in account settings to enable logging")
    diagnosis = one(text)
    assert ids(diagnosis) == ["apigateway-logs-role-missing"]
    fix = diagnosis.causes[0].fix
    assert fix is not None and "AWS::ApiGateway::Account" in (fix.cloudformation or "")
    assert "aws_api_gateway_account" in (fix.terraform or "")


def test_a_runtime_denial_near_a_stack_is_not_a_deployment() -> None:
    text = ('{"StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1", "Reason": '
            '"' + denied("arn:aws:sts::111122223333:assumed-role/provisioner-role/provisioner",
                         "logs:CreateLogStream", "arn:aws:logs:us-east-1:111122223333:log-group:"
                         "/aws/lambda/provisioner:log-stream:2025/01/01/[$LATEST]ab") + '"}')
    diagnosis = one(text)
    assert diagnosis.workload.kind == "lambda"
    assert ids(diagnosis)[0] == "CWL004"


# --- wrapping and the rule table --------------------------------------------------------------


def test_an_empty_stream_arn_at_a_line_end_is_complete() -> None:
    text = logical_text(f"... on resource: {LAMBDA_GROUP}\n\tstatus code: 400, request id: r")
    assert f"{LAMBDA_GROUP} status code" in text
    wrapped = logical_text("on resource: arn:aws:logs:us-east-1:111122223333:log-group:/a:"
                           "log-stream:\n2025/01/01/[$LATEST]abc")
    assert "log-stream:2025/01/01/[$LATEST]abc" in wrapped


def _every_new_cause() -> list[Cause]:
    texts = [KMS, f"Failed to execute action {TOPIC}. Received error: \"x\"",
             "Log groups starting with AWS/ are reserved for AWS.",
             denied("arn:aws:sts::1:assumed-role/ci-role/GitHubActions", "logs:CreateLogGroup",
                    LAMBDA_GROUP),
             '[cloudwatch 0] firelens ' + denied("arn:aws:sts::1:assumed-role/t/x",
                                                 "logs:PutLogEvents", f"{GROUP}:log-stream:s"),
             ROUTE53, "CloudWatch Logs role ARN must be set in account settings to enable "
             "logging"]
    return [c for t in texts for d in diagnose(t).diagnoses for c in d.causes]


def test_rule_ids_are_designed_and_registered_or_marked() -> None:
    causes = _every_new_cause()
    assert {c.rule_id for c in causes} >= {"CWL020", "CWL022", "CWL023", "CWL041", "CWL042"}
    for cause in causes:
        if cause.rule_id is None:
            assert cause.name in ("kms-key-not-usable", "deployer-permissions-missing",
                                  "apigateway-logs-role-missing", "log-group-missing")
            continue
        assert RULES_BY_ID[cause.rule_id].name == cause.name


def test_every_service_error_prints() -> None:
    from cwlint.diagnose.incident import PROBLEMS
    from cwlint.diagnose.report import _PROBLEM_WORDS

    assert set(PROBLEMS) == set(_PROBLEM_WORDS)


def test_statement_fix_renders_service_and_aws_principals() -> None:
    fix = statement_fix("x", {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/r"},
                              "Action": "sns:Publish", "Resource": TOPIC})
    assert 'type        = "AWS"' in (fix.terraform or "")
    assert '"arn:aws:iam::1:role/r"' in (fix.terraform or "")
