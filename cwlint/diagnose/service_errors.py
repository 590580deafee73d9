"""Recognise the messages in which AWS refused a request for a reason that is not the
caller's IAM permissions, and which silence monitoring all the same.

* CloudWatch Logs cannot use a log group's KMS key (CreateLogGroup, AssociateKmsKey, and
  CloudFormation or Terraform creating the group, all print it)::

      The specified KMS key does not exist or is not allowed to be used with Arn
      'arn:aws:logs:R:A:log-group:NAME'

* a log group name in the namespace AWS keeps for itself (the CloudWatch agent, the OTel
  collector's EMF exporter, Terraform)::

      InvalidParameterException: Log groups starting with AWS/ are reserved for AWS.

* an alarm action that could not notify its SNS topic, as the alarm's history shows it::

      Failed to execute action arn:aws:sns:R:A:TOPIC. Received error: "null (Service:
      AWSKMS; Status Code: 400; Error Code: AccessDeniedException; ...)"
      Failed to execute action arn:aws:sns:R:A:TOPIC. Received error: "CloudWatch Alarms
      does not have authorization to access the SNS topic encryption key."
      Failed to execute action arn:aws:sns:R:A:TOPIC. Received error: "Resource:
      arn:aws:cloudwatch:R:A:alarm:NAME is not authorized to perform: SNS:Publish on
      resource: arn:aws:sns:R:A:TOPIC [because no resource-based policy allows ...]"

  The first two are the topic's KMS key refusing CloudWatch (``topic_key``), the last the
  topic's policy (``topic_policy``).

* Route 53 query logging without a CloudWatch Logs resource policy for
  ``route53.amazonaws.com`` (``InsufficientCloudWatchLogsResourcePolicy``, "The resource
  policy that you're using for Route 53 query logging doesn't grant Route 53 sufficient
  permission ...");
* API Gateway logging without its account-level role ("CloudWatch Logs role ARN must be
  set in account settings to enable logging");
* a writer whose log group does not exist (``ResourceNotFoundException: The specified log
  group does not exist``), as ECS stopped reasons and agent logs show it.
"""

from __future__ import annotations

import re

import msgspec

from cwlint.diagnose.arns import ACCOUNT
from cwlint.diagnose.incident import (
    ALARM_ACTION_FAILED,
    APIGATEWAY_ROLE_MISSING,
    DELIVERY_POLICY_MISSING,
    KMS_KEY_UNUSABLE,
    LOG_GROUP_MISSING,
    RESERVED_LOG_GROUP,
    TOPIC_KEY,
    TOPIC_POLICY,
    ServiceError,
)
from cwlint.diagnose.shapes import BEFORE, envelope
from cwlint.diagnose.spans import Spans

_KMS = re.compile(
    r"The specified KMS key does not exist or is not allowed to be used with (?:the )?"
    r"(?:Arn|ARN|log group)\s*'?(?P<arn>arn:[^\s'\"`]+?)'?(?=[\s'\"`,)]|$)"
)
_RESERVED = re.compile(r"Log groups starting with AWS/ are reserved for AWS")
# A reserved name in the text before the message: ``aws/...`` or ``AWS/...`` (not ``/aws/``).
_RESERVED_NAME = re.compile(r"(?<![\w/.:-])(?:aws|AWS)/[\w./#-]*[\w#-]")
_TOPIC = rf"arn:[a-z-]+:sns:[a-z0-9-]*:{ACCOUNT}:[\w-]+(?:\.fifo)?"
_FAILED_ACTION = re.compile(rf"Failed to execute action (?P<topic>{_TOPIC})")
_ALARM_DENIED = re.compile(
    r"(?:\bResource:\s*)?(?P<alarm>arn:[a-z-]+:cloudwatch:[a-z0-9-]*:[^:\s]*:alarm:[^\s\"'`]+)"
    r"\s+is\s+not\s+authorized\s+to\s+perform:\s*sns:\s?Publish"
    rf"(?:\s+on\s+resource:\s*(?P<topic>{_TOPIC}))?",
    re.IGNORECASE,
)
_TOPIC_KEY_WORDS = re.compile(
    r"AWSKMS|\bKMS\b|kms:|encryption key|KMS\.\w+Exception", re.IGNORECASE
)
_TOPIC_POLICY_WORDS = re.compile(r"SNS:\s?Publish|AuthorizationError", re.IGNORECASE)
_NO_KEY_ACCESS = re.compile(
    r"CloudWatch Alarms does not have authorization to access the SNS topic encryption key"
)
_OPERATIONS = (
    (re.compile(r"associating CloudWatch Logs Log Group|AssociateKmsKey"), "AssociateKmsKey"),
    (re.compile(r"creating CloudWatch Logs? Log Group|CreateLogGroup|AWS::Logs::LogGroup|"
                r"Creating CloudWatch Log Group"), "CreateLogGroup"),
)
_ROUTE53 = re.compile(
    r"InsufficientCloudWatchLogsResourcePolicy|resource policy that you(?:'|’)re using for "
    r"Route 53 query logging doesn(?:'|’)t grant Route 53 sufficient permission"
)
_APIGATEWAY = re.compile(r"CloudWatch Logs role ARN must be set in account settings to enable "
                         r"logging")
_GROUP_MISSING = re.compile(r"The specified log group does not exist")
_LOG_GROUP_ARN = re.compile(rf"arn:[a-z-]+:logs:[a-z0-9-]*:{ACCOUNT}:log-group:[^\s\"'`,)]+")
# How far after "Failed to execute action" the received error is read.
ERROR_WINDOW = 600


class Match(msgspec.Struct, frozen=True):
    """One recognised service error and where it is in the logical text."""

    start: int
    end: int
    incident: ServiceError


def find_service_errors(text: str) -> list[Match]:
    """Every service error of the logical text, in order."""
    found = _kms(text) + _reserved(text) + _alarm_actions(text) + _setup(text)
    return sorted(found, key=lambda m: m.start)


def _operation(text: str, start: int, end: int) -> str | None:
    env = envelope(text, start, end)
    if env.operation:
        return env.operation
    before = text[max(0, start - BEFORE):start]
    for pattern, operation in _OPERATIONS:
        if pattern.search(before):
            return operation
    return None


def _kms(text: str) -> list[Match]:
    out = []
    for match in _KMS.finditer(text):
        env = envelope(text, match.start(), match.end())
        arn = match["arn"].rstrip(".,;)")
        incident = ServiceError(
            KMS_KEY_UNUSABLE, "logs", _operation(text, match.start(), match.end()),
            resource=arn, error_code=env.error_code or "AccessDeniedException",
            sources=env.sources, excerpt=text[match.start():match.end()])
        out.append(Match(match.start(), match.end(), incident))
    return out


def _reserved(text: str) -> list[Match]:
    out = []
    for match in _RESERVED.finditer(text):
        before = text[max(0, match.start() - BEFORE):match.start()]
        names = [m.group() for m in _RESERVED_NAME.finditer(before)]
        env = envelope(text, match.start(), match.end())
        incident = ServiceError(
            RESERVED_LOG_GROUP, "logs", _operation(text, match.start(), match.end()),
            log_group=names[-1] if names else None,
            error_code=env.error_code or "InvalidParameterException",
            sources=env.sources, excerpt=text[match.start():match.end()])
        out.append(Match(match.start(), match.end(), incident))
    return out


def _alarm_actions(text: str) -> list[Match]:
    out: list[Match] = []
    if ":sns:" not in text and "CloudWatch Alarms" not in text:
        return out  # a quick way past long logs that hold no alarm history
    taken = Spans()
    failed = list(_FAILED_ACTION.finditer(text))
    for index, match in enumerate(failed):
        stop = failed[index + 1].start() if index + 1 < len(failed) else len(text)
        window_end = min(stop, match.end() + ERROR_WINDOW)
        error = text[match.end():window_end]
        alarm = _ALARM_DENIED.search(error)
        if _NO_KEY_ACCESS.search(error) or (_TOPIC_KEY_WORDS.search(error) and not alarm):
            detail: str | None = TOPIC_KEY
        elif alarm is not None or _TOPIC_POLICY_WORDS.search(error):
            detail = TOPIC_POLICY
        else:
            detail = None
        end = match.end() + (alarm.end() if alarm else 0)
        incident = ServiceError(
            ALARM_ACTION_FAILED, "cloudwatch", "Publish", resource=match["topic"],
            principal=alarm["alarm"].rstrip(".,;") if alarm else None, detail=detail,
            error_code=_error_code(error), sources=("alarm-history",),
            excerpt=text[match.start():window_end].strip())
        out.append(Match(match.start(), end, incident))
        taken.add(match.start(), window_end)
    for match in _NO_KEY_ACCESS.finditer(text):
        if taken.near(match.start(), 0, 0):
            continue
        out.append(Match(match.start(), match.end(), ServiceError(
            ALARM_ACTION_FAILED, "cloudwatch", "Publish", detail=TOPIC_KEY,
            sources=("alarm-history",), excerpt=match.group())))
        taken.add(match.start(), match.end())
    for match in _ALARM_DENIED.finditer(text):
        if taken.near(match.start(), 0, 0):
            continue
        out.append(Match(match.start(), match.end(), ServiceError(
            ALARM_ACTION_FAILED, "cloudwatch", "Publish", resource=match["topic"],
            principal=match["alarm"].rstrip(".,;"), detail=TOPIC_POLICY,
            error_code="AuthorizationError", sources=("alarm-history",),
            excerpt=match.group())))
    return out


_CODE = re.compile(r"Error Code: (?P<code>[\w.]+)|\b(?P<bare>AccessDeniedException|"
                   r"AuthorizationError|KMSAccessDeniedException|KMS\.\w+Exception)\b")


def _setup(text: str) -> list[Match]:
    """Route 53 query logging and API Gateway logging refused at set-up."""
    out = []
    for pattern, problem, service in ((_ROUTE53, DELIVERY_POLICY_MISSING, "route53"),
                                      (_APIGATEWAY, APIGATEWAY_ROLE_MISSING, "apigateway"),
                                      (_GROUP_MISSING, LOG_GROUP_MISSING, "logs")):
        for match in pattern.finditer(text):
            env = envelope(text, match.start(), match.end())
            around = text[max(0, match.start() - BEFORE):match.end() + BEFORE]
            group = _LOG_GROUP_ARN.search(around) if problem != APIGATEWAY_ROLE_MISSING \
                else None
            incident = ServiceError(
                problem, service, env.operation,
                resource=group.group().rstrip(".:*") if group else None,
                error_code=env.error_code, sources=env.sources,
                excerpt=text[match.start():match.end()])
            out.append(Match(match.start(), match.end(), incident))
    return out


def _error_code(error: str) -> str | None:
    match = _CODE.search(error)
    if match is None:
        return None
    return match["code"] or match["bare"]


def is_alarm_publish(principal: str, action: str) -> bool:
    """Whether an "is not authorized" message is an alarm's SNS:Publish (a service error)."""
    return ":alarm:" in principal and action.lower().replace(" ", "") == "sns:publish"
